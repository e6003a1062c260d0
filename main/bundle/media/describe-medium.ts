// A medium in words, as the transcript's media-written entry records it ("medium", at
// most 256 characters, no control characters): what kind of device, its label, maker,
// size, file system and serial, so an auditor can tell which stick received a file.
import { formatBytes } from '../../room/format';
import type { RemovableMedium } from '../../../native/probes/removable-media';

export const MEDIUM_TEXT_MAX = 256;

/** Control characters out, runs of spaces collapsed, trimmed: labels and serials come from the device. */
export function printable(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function clamp(text: string): string {
  return text.length <= MEDIUM_TEXT_MAX ? text : `${text.slice(0, MEDIUM_TEXT_MAX - 1).trimEnd()}…`;
}

export function mediumKind(medium: RemovableMedium): string {
  if (medium.disk.startsWith('mmcblk')) return 'SD card';
  if (medium.usb) return 'USB drive';
  return 'removable disk';
}

/** E.g. 'USB drive "CEREMONY KEYS" (SanDisk Cruzer Blade, 30.8 GB, vfat, serial 4C530001230101116093)'. */
export function describeRemovable(medium: RemovableMedium): string {
  const label = medium.label ? ` "${printable(medium.label)}"` : ` ${medium.device}`;
  const facts = [
    printable([medium.vendor, medium.model].filter(Boolean).join(' ')) || null,
    formatBytes(medium.sizeBytes),
    medium.fsType,
    medium.readOnly ? 'read-only' : null,
    medium.serial ? `serial ${printable(medium.serial)}` : 'serial unknown',
  ].filter((f): f is string => !!f);
  return clamp(`${mediumKind(medium)}${label} (${facts.join(', ')})`);
}

/** A target the operator confirmed although it is not removable, e.g. 'fixed disk /dev/vda1 (ext4), not removable: confirmed by the operator'. */
export function describeFixed(device: string | null, fsType: string | null): string {
  const what = device ? `fixed disk ${printable(device)}` : 'a disk Conclave could not identify';
  return clamp(`${what}${fsType ? ` (${printable(fsType)})` : ''}, not removable: confirmed by the operator`);
}
