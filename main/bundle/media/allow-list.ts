// An optional allow-list of removable media by serial number: when a ceremony gives one,
// only the listed sticks and cards receive files. Serials are compared without
// surrounding spaces and without regard to case, because sysfs and udev report the same
// serial in different cases on some devices.
import { DomainError } from '../../../native/errors';

export type MediaAllowList = readonly string[];

const normalize = (serial: string) => serial.trim().toUpperCase();

/** Checks the list's entries (1 to 128 printable characters each); throws MEDIA_ALLOW_LIST_INVALID. */
export function parseAllowList(entries: readonly unknown[]): MediaAllowList {
  return entries.map((entry, i) => {
    if (typeof entry !== 'string' || entry.trim().length === 0 || entry.length > 128 || /[\u0000-\u001f\u007f]/.test(entry)) {
      throw new DomainError({
        code: 'MEDIA_ALLOW_LIST_INVALID',
        message: `Entry ${i + 1} of the media allow-list is not a serial number (1 to 128 printable characters).`,
        action: 'List each allowed medium by the serial that "conclave doctor" shows for it.',
      });
    }
    return entry.trim();
  });
}

export function isAllowed(serial: string | null, allowList: MediaAllowList): boolean {
  if (serial === null) return false;
  const wanted = normalize(serial);
  return allowList.some((entry) => normalize(entry) === wanted);
}
