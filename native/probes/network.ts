// What network paths exist out of this machine: interfaces that are up (from sysfs and
// os.networkInterfaces()), wireless and bluetooth radios, and their rfkill state. Every
// root is injectable so tests run this against a fake sysfs tree.
import { networkInterfaces as osNetworkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { exists, isDirectory, listDir, readText, realPath } from './fs-read';

export interface NetworkProbeOptions {
  sysRoot?: string;
  networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

export interface RfkillState {
  /** rfkill switch directory name, e.g. "rfkill0". */
  id: string;
  name: string | null;
  /** Kernel radio type: wlan, bluetooth, wwan, nfc, ... */
  type: string | null;
  softBlocked: boolean;
  hardBlocked: boolean;
}

export interface InterfaceFacts {
  name: string;
  /** sysfs operstate (up, down, unknown, dormant, ...); null when sysfs is not visible. */
  operstate: string | null;
  carrier: boolean | null;
  loopback: boolean;
  wireless: boolean;
  /** Addresses from os.networkInterfaces(), as "address/prefix". */
  addresses: string[];
  active: boolean;
  /** Why it counts as active, e.g. "link up"; null when inactive. */
  activeBecause: string | null;
}

export interface BluetoothAdapter {
  name: string;
  address: string | null;
  rfkill: RfkillState | null;
}

export interface WirelessPhy {
  name: string;
  rfkill: RfkillState | null;
}

export interface NetworkReport {
  /** Whether /sys/class/net could be read; if not, only os.networkInterfaces() was used. */
  sysfsVisible: boolean;
  interfaces: InterfaceFacts[];
  /** Active interfaces other than loopback: each one is a way off this machine. */
  active: InterfaceFacts[];
  wireless: {
    interfaces: InterfaceFacts[];
    /** Wireless hardware in /sys/class/ieee80211, with or without an interface. */
    phys: WirelessPhy[];
  };
  bluetooth: {
    /** Whether /sys/class/bluetooth exists (it does not when the kernel has no bluetooth). */
    visible: boolean;
    adapters: BluetoothAdapter[];
  };
  rfkill: {
    visible: boolean;
    switches: RfkillState[];
  };
}

const ARPHRD_LOOPBACK = 772;
const IFF_LOOPBACK = 0x8;

function readRfkill(dir: string, id: string): RfkillState {
  return {
    id,
    name: readText(join(dir, 'name')),
    type: readText(join(dir, 'type')),
    softBlocked: readText(join(dir, 'soft')) === '1',
    hardBlocked: readText(join(dir, 'hard')) === '1',
  };
}

/** The rfkill switch a device directory links to (sysfs puts rfkillN inside it). */
function rfkillInside(deviceDir: string, switches: RfkillState[]): RfkillState | null {
  const inner = (listDir(deviceDir) ?? []).find((entry) => /^rfkill\d+$/.test(entry));
  if (!inner) return null;
  return switches.find((s) => s.id === inner) ?? readRfkill(join(deviceDir, inner), inner);
}

function parseCarrier(text: string | null): boolean | null {
  if (text === '1') return true;
  if (text === '0') return false;
  return null;
}

function formatAddress(info: NetworkInterfaceInfo): string {
  const prefix = info.cidr ? info.cidr.split('/')[1] : undefined;
  return prefix ? `${info.address}/${prefix}` : info.address;
}

export function probeNetwork(options: NetworkProbeOptions = {}): NetworkReport {
  const sysRoot = options.sysRoot ?? '/sys';
  const readOs = options.networkInterfaces ?? osNetworkInterfaces;
  let osInterfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
  try {
    osInterfaces = readOs();
  } catch {
    osInterfaces = {};
  }

  const rfkillDir = join(sysRoot, 'class', 'rfkill');
  const rfkillEntries = listDir(rfkillDir);
  const switches = (rfkillEntries ?? [])
    .filter((id) => /^rfkill\d+$/.test(id))
    .map((id) => readRfkill(join(rfkillDir, id), id));

  const netDir = join(sysRoot, 'class', 'net');
  const sysNames = listDir(netDir);
  const names = new Set<string>([...(sysNames ?? []), ...Object.keys(osInterfaces)]);

  const interfaces: InterfaceFacts[] = [...names].sort().map((name) => {
    const dir = join(netDir, name);
    const inSysfs = sysNames?.includes(name) ?? false;
    const infos = osInterfaces[name] ?? [];
    const operstate = inSysfs ? readText(join(dir, 'operstate')) : null;
    const carrier = inSysfs ? parseCarrier(readText(join(dir, 'carrier'))) : null;
    const type = inSysfs ? Number(readText(join(dir, 'type'))) : NaN;
    const flags = inSysfs ? Number.parseInt(readText(join(dir, 'flags')) ?? '', 16) : NaN;
    const loopback =
      type === ARPHRD_LOOPBACK ||
      (Number.isFinite(flags) && (flags & IFF_LOOPBACK) !== 0) ||
      (infos.length > 0 && infos.every((i) => i.internal));
    const wireless = inSysfs && (isDirectory(join(dir, 'wireless')) || exists(join(dir, 'phy80211')));
    const routable = infos.filter((i) => !i.internal);

    let activeBecause: string | null = null;
    if (!loopback) {
      if (operstate === 'up') activeBecause = 'link is up';
      else if ((operstate === 'unknown' || operstate === null) && carrier === true) activeBecause = 'carrier present';
      // No operstate to go by (no sysfs, or a tunnel reporting "unknown"): an address
      // other than loopback means traffic can flow.
      else if ((operstate === null || operstate === 'unknown') && routable.length > 0) activeBecause = `has address ${formatAddress(routable[0]!)}`;
    }
    return {
      name,
      operstate,
      carrier,
      loopback,
      wireless,
      addresses: infos.map(formatAddress),
      active: activeBecause !== null,
      activeBecause,
    };
  });

  const phyDir = join(sysRoot, 'class', 'ieee80211');
  const phys: WirelessPhy[] = (listDir(phyDir) ?? []).map((name) => ({
    name,
    rfkill: rfkillInside(realPath(join(phyDir, name)) ?? join(phyDir, name), switches),
  }));

  const btDir = join(sysRoot, 'class', 'bluetooth');
  const btEntries = listDir(btDir);
  const adapters: BluetoothAdapter[] = (btEntries ?? [])
    .filter((name) => /^hci\d+$/.test(name))
    .map((name) => {
      const dir = realPath(join(btDir, name)) ?? join(btDir, name);
      return { name, address: readText(join(dir, 'address')), rfkill: rfkillInside(dir, switches) };
    });

  return {
    sysfsVisible: sysNames !== null,
    interfaces,
    active: interfaces.filter((i) => i.active),
    wireless: { interfaces: interfaces.filter((i) => i.wireless), phys },
    bluetooth: { visible: btEntries !== null, adapters },
    rfkill: { visible: rfkillEntries !== null, switches },
  };
}
