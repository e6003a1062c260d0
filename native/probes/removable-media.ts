// Mounted removable media (USB sticks, SD cards, USB disks): the mount table joined with
// sysfs block devices for the removable flag, size and USB attachment, with labels from
// /dev/disk/by-label and serials from sysfs or the udev database where visible. Roots are
// injectable so tests run against a fake tree.
import { basename, join } from 'node:path';
import { isDirectory, listDir, readLink, readText, realPath } from './fs-read';

export interface RemovableMediaProbeOptions {
  procRoot?: string;
  sysRoot?: string;
  devRoot?: string;
  runRoot?: string;
}

export interface RemovableMedium {
  /** Block device as mounted, e.g. "/dev/sdb1". */
  device: string;
  /** The whole disk it belongs to, e.g. "sdb". */
  disk: string;
  mountPoint: string;
  fsType: string;
  readOnly: boolean;
  sizeBytes: number | null;
  label: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  /** Attached through USB (its sysfs path runs through a USB controller). */
  usb: boolean;
  /** The kernel's removable flag for the disk. */
  removable: boolean;
}

export interface RemovableMediaReport {
  /** Whether the mount table could be read. */
  mountsVisible: boolean;
  /** Whether /sys/block could be read. */
  blockVisible: boolean;
  media: RemovableMedium[];
}

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** The kernel escapes space, tab, newline and backslash in mount paths as octal. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function parseMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    const [device, mountPoint, fsType, options] = fields as [string, string, string, string];
    entries.push({
      device: unescapeMount(device),
      mountPoint: unescapeMount(mountPoint),
      fsType,
      options: options.split(','),
    });
  }
  return entries;
}

/** udev escapes unsafe label characters as \xNN in /dev/disk/by-label names. */
function unescapeUdev(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function readUdevProperties(runRoot: string, devNumbers: string | null): Map<string, string> {
  const props = new Map<string, string>();
  if (!devNumbers) return props;
  const text = readText(join(runRoot, 'udev', 'data', `b${devNumbers}`));
  for (const line of (text ?? '').split('\n')) {
    const match = /^E:([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) props.set(match[1]!, match[2]!);
  }
  return props;
}

/** The serial of the USB device a disk hangs off: the nearest ancestor with idVendor and serial. */
function usbAncestorSerial(diskSysPath: string | null): string | null {
  if (!diskSysPath) return null;
  let dir = diskSysPath;
  while (dir.includes('/usb')) {
    if (readText(join(dir, 'idVendor')) !== null) {
      const serial = readText(join(dir, 'serial'));
      if (serial) return serial;
    }
    const parent = join(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function labelsByDevice(devRoot: string): Map<string, string> {
  const labels = new Map<string, string>();
  const dir = join(devRoot, 'disk', 'by-label');
  for (const entry of listDir(dir) ?? []) {
    const target = readLink(join(dir, entry));
    if (target) labels.set(basename(target), unescapeUdev(entry));
  }
  return labels;
}

/** Maps a mounted device path onto devRoot (so a fake tree can stand in for /dev) and resolves links. */
function resolveDeviceName(device: string, devRoot: string): string | null {
  if (!device.startsWith('/dev/')) return null;
  const mapped = join(devRoot, device.slice('/dev/'.length));
  const resolved = realPath(mapped);
  return basename(resolved ?? mapped);
}

/** The whole disk a block device name belongs to: itself, or the disk holding the partition. */
function diskOf(name: string, disks: string[], blockDir: string): string | null {
  return disks.find((d) => d === name) ?? disks.find((d) => isDirectory(join(blockDir, d, name))) ?? null;
}

/** Follows device-mapper (and md) layers down to a physical disk through sysfs "slaves". */
function backingDisk(disk: string, disks: string[], blockDir: string, depth = 0): string {
  const slaves = listDir(join(blockDir, disk, 'slaves')) ?? [];
  if (slaves.length === 0 || depth > 8) return disk;
  const below = diskOf(slaves[0]!, disks, blockDir);
  return below ? backingDisk(below, disks, blockDir, depth + 1) : disk;
}

export function probeRemovableMedia(options: RemovableMediaProbeOptions = {}): RemovableMediaReport {
  const procRoot = options.procRoot ?? '/proc';
  const sysRoot = options.sysRoot ?? '/sys';
  const devRoot = options.devRoot ?? '/dev';
  const runRoot = options.runRoot ?? '/run';

  const mountsText = readText(join(procRoot, 'self', 'mounts'));
  const blockDir = join(sysRoot, 'block');
  const disks = listDir(blockDir);
  const report: RemovableMediaReport = { mountsVisible: mountsText !== null, blockVisible: disks !== null, media: [] };
  if (mountsText === null || disks === null) return report;

  const labels = labelsByDevice(devRoot);
  for (const mount of parseMounts(mountsText)) {
    const name = resolveDeviceName(mount.device, devRoot);
    if (!name) continue;
    const disk = diskOf(name, disks, blockDir);
    if (!disk) continue;
    // An encrypted stick is mounted through device-mapper: judge it by the disk underneath.
    const hardware = backingDisk(disk, disks, blockDir);
    const diskDir = join(blockDir, disk);
    const hardwareDir = join(blockDir, hardware);
    const hardwareSysPath = realPath(hardwareDir);
    const usb = hardwareSysPath?.includes('/usb') ?? false;
    const removable = readText(join(hardwareDir, 'removable')) === '1';
    const sdCard = hardware.startsWith('mmcblk') && readText(join(hardwareDir, 'device', 'type')) === 'SD';
    if (!usb && !removable && !sdCard) continue;

    const partDir = name === disk ? diskDir : join(diskDir, name);
    const sectors = Number(readText(join(partDir, 'size')));
    const udev = readUdevProperties(runRoot, readText(join(partDir, 'dev')));
    const udevDisk = readUdevProperties(runRoot, readText(join(hardwareDir, 'dev')));

    report.media.push({
      device: mount.device,
      disk,
      mountPoint: mount.mountPoint,
      fsType: mount.fsType,
      readOnly: mount.options.includes('ro'),
      // sysfs sizes are in 512-byte sectors regardless of the device's block size.
      sizeBytes: Number.isFinite(sectors) && sectors > 0 ? sectors * 512 : null,
      label: labels.get(name) ?? udev.get('ID_FS_LABEL') ?? null,
      serial:
        readText(join(hardwareDir, 'device', 'serial')) ??
        udevDisk.get('ID_SERIAL_SHORT') ??
        udevDisk.get('ID_SERIAL') ??
        usbAncestorSerial(hardwareSysPath),
      vendor: readText(join(hardwareDir, 'device', 'vendor')) || null,
      model: readText(join(hardwareDir, 'device', 'model')) || null,
      usb,
      removable,
    });
  }
  return report;
}
