// Where the watcher gets its device list from. The real source wraps the `usb` addon (v3,
// WebUSB-style) and is deliberately defensive: without /sys/bus/usb (containers, CI) the
// addon's getDevices() rejects and its hotplug event API has crashed Node 20, so the addon
// is required lazily, only after /sys/bus/usb/devices is seen, and only getDevices() is
// ever called — change detection is done by polling in the watcher, never by the addon's
// connect/disconnect events. (usb v3 no longer has v2's getDeviceList() or
// usb.on('attach'/'detach'); getDevices() is the only listing call.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** One device as a source reports it, before classification. */
export interface RawUsbDevice {
  vendorId: number;
  productId: number;
  manufacturerName: string | null;
  productName: string | null;
  serialNumber: string | null;
  /** Human-readable place on the bus, e.g. "bus 1-1, port 1.4". */
  location: string;
  /** Identity for diffing between scans: changes when a device is re-plugged. */
  key: string;
}

export type SourceAvailability = { available: true } | { available: false; reason: string };

export interface UsbDeviceSource {
  /** Cheap, synchronous check whether listing can work at all; never throws. */
  probe(): SourceAvailability;
  /** Lists attached devices; rejects when the platform refuses. */
  list(): Promise<RawUsbDevice[]>;
}

/** The subset of the `usb` v3 device object this module reads. */
interface AddonDevice {
  vendorId: number;
  productId: number;
  manufacturerName?: string | null;
  productName?: string | null;
  serialNumber?: string | null;
  bus?: string;
  address?: number;
  ports?: number[];
}

interface AddonModule {
  usb: { getDevices(): Promise<AddonDevice[]> };
}

export interface NodeUsbSourceOptions {
  /** Root of the USB subsystem in sysfs; tests point it elsewhere. */
  sysBusUsb?: string;
  /** Loads the addon; defaults to require('usb'). Called at most once. */
  loadAddon?: () => unknown;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads a descriptor string; some devices fail these reads, which must not fail a scan. */
function readString(read: () => string | null | undefined): string | null {
  try {
    const value = read();
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  } catch {
    return null;
  }
}

function isAddonModule(value: unknown): value is AddonModule {
  if (typeof value !== 'object' || value === null) return false;
  const usb = (value as { usb?: unknown }).usb;
  return typeof usb === 'object' && usb !== null && typeof (usb as { getDevices?: unknown }).getDevices === 'function';
}

export function toRawDevice(device: AddonDevice): RawUsbDevice {
  const bus = readString(() => device.bus) ?? '?';
  const ports = Array.isArray(device.ports) && device.ports.length > 0 ? device.ports.join('.') : null;
  const address = typeof device.address === 'number' ? device.address : -1;
  const serialNumber = readString(() => device.serialNumber);
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    manufacturerName: readString(() => device.manufacturerName),
    productName: readString(() => device.productName),
    serialNumber,
    location: ports ? `bus ${bus}, port ${ports}` : `bus ${bus}`,
    key: `${device.vendorId}:${device.productId}:${serialNumber ?? ''}:${bus}:${address}`,
  };
}

export function createNodeUsbSource(options: NodeUsbSourceOptions = {}): UsbDeviceSource {
  const sysBusUsb = options.sysBusUsb ?? '/sys/bus/usb';
  const loadAddon = options.loadAddon ?? (() => require('usb') as unknown);
  let addon: AddonModule | null = null;
  let addonFailure: string | null = null;

  const ensureAddon = (): SourceAvailability => {
    if (addon) return { available: true };
    if (addonFailure) return { available: false, reason: addonFailure };
    try {
      const loaded = loadAddon();
      if (!isAddonModule(loaded)) throw new Error('the module does not export usb.getDevices()');
      addon = loaded;
      return { available: true };
    } catch (error) {
      addonFailure = `USB unavailable: the usb addon could not be loaded (${messageOf(error)})`;
      return { available: false, reason: addonFailure };
    }
  };

  return {
    probe() {
      if (!existsSync(join(sysBusUsb, 'devices'))) {
        return { available: false, reason: `USB unavailable: ${sysBusUsb} is absent, so no USB devices can be seen (usual in containers and CI).` };
      }
      return ensureAddon();
    },
    async list() {
      const availability = this.probe();
      if (!availability.available) throw new Error(availability.reason);
      // probe() succeeded, so the addon is loaded.
      const devices = await (addon as AddonModule).usb.getDevices();
      return devices.map(toRawDevice);
    },
  };
}
