// Writes one artifact (a bundle, a QR sheet) to removable media the way a ceremony needs
// it: on a removable medium unless the operator explicitly confirmed another target, on
// an allowed medium when there is an allow-list, never over an existing file, atomically
// (temporary name, fsync, rename, fsync of the folder), read back and compared by SHA-256.
// It returns the facts the transcript's media-written entry records, checked against that
// entry's schema before anything is written.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { RemovableMedium, RemovableMediaProbeOptions } from '../../../native/probes/removable-media';
import { sha256Hex, writeFileAtomic } from '../../files/atomic-write';
import type { EntryData } from '../../transcript/data-schemas';
import { parseData } from '../../transcript/entry-schema';
import { isAllowed, type MediaAllowList } from './allow-list';
import { describeFixed, describeRemovable, printable } from './describe-medium';
import { locateTarget, type TargetLocation } from './locate-target';

export interface WriteToMediumOptions {
  /** Refuse a target that is not on a removable medium (default true) unless confirmNonRemovable. */
  requireRemovable?: boolean;
  /** The operator's explicit confirmation that a non-removable target is intended. */
  confirmNonRemovable?: boolean;
  /** Serials of the media that may receive files; empty or absent: any removable medium. */
  allowList?: MediaAllowList | null;
  /** Permission bits of the new file; 0644 by default, since the file is carried to another machine (and user). */
  mode?: number;
  /** Roots of /proc, /sys, /dev and /run, for tests. */
  probe?: RemovableMediaProbeOptions;
}

export interface MediumFacts {
  removable: boolean;
  device: string | null;
  mountPoint: string | null;
  fsType: string | null;
  label: string | null;
  serial: string | null;
  sizeBytes: number | null;
  vendor: string | null;
  model: string | null;
  usb: boolean;
}

export interface MediumWrite {
  path: string;
  /** SHA-256 (hex) of the bytes read back from the medium. */
  sha256: string;
  bytes: number;
  medium: MediumFacts;
  /** The data of the transcript's media-written entry for this write. */
  entry: EntryData<'media-written'>;
}

const MAX_NAME_BYTES = 255;

function refuse(code: string, message: string, action: string): never {
  throw new DomainError({ code, message, action });
}

function checkName(name: string): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.includes('/') || name.includes('\\')
        ? 'contains a path separator'
        : name === '.' || name === '..'
          ? 'names a folder'
          : name.startsWith('.')
            ? 'starts with a dot (a hidden file, and the prefix Conclave uses for unfinished writes)'
            : /[\u0000-\u001f\u007f]/.test(name)
              ? 'contains control characters'
              : /[<>:"|?*]/.test(name)
                ? 'contains a character FAT and NTFS media refuse (< > : " | ? *)'
                : name !== name.trim()
                  ? 'starts or ends with a space'
                  : Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES
                    ? `is longer than ${MAX_NAME_BYTES} bytes`
                    : null;
  if (problem) refuse('MEDIUM_FILE_NAME_INVALID', `The file name ${JSON.stringify(name)} ${problem}.`, 'Use a plain file name such as the one Conclave suggests.');
}

async function resolveDirectory(target: string): Promise<string> {
  if (!isAbsolute(target)) refuse('PATH_NOT_ABSOLUTE', `The target folder "${target}" is not an absolute path.`, 'Give the full path of the folder on the medium, starting with /.');
  try {
    const real = await realpath(target);
    if (!(await stat(real)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return real;
  } catch {
    return refuse('DIRECTORY_NOT_FOUND', `The folder ${target} does not exist or is not a folder.`, 'Check that the medium is mounted and the folder exists, then try again.');
  }
}

function factsOf(location: TargetLocation): MediumFacts {
  const m: RemovableMedium | null = location.removable;
  return {
    removable: m !== null,
    device: location.mount?.device ?? null,
    mountPoint: location.mount?.mountPoint ?? null,
    fsType: location.mount?.fsType ?? null,
    label: m?.label ?? null,
    serial: m?.serial ?? null,
    sizeBytes: m?.sizeBytes ?? null,
    vendor: m?.vendor ?? null,
    model: m?.model ?? null,
    usb: m?.usb ?? false,
  };
}

function checkTarget(location: TargetLocation, options: WriteToMediumOptions): void {
  const medium = location.removable;
  const allowList = options.allowList && options.allowList.length > 0 ? options.allowList : null;
  if (!medium) {
    if (options.requireRemovable !== false && options.confirmNonRemovable !== true) {
      const where = !location.visible
        ? `Conclave cannot tell what medium ${location.directory} is on (the mount table or /sys/block cannot be read)`
        : `${location.directory} is on ${location.mount ? `${location.mount.device} (${location.mount.fsType}, mounted at ${location.mount.mountPoint})` : 'no mounted file system Conclave can see'}, which is not a removable medium`;
      refuse('MEDIUM_NOT_REMOVABLE', `${where}. Nothing was written.`, 'Insert and mount the ceremony USB stick or SD card and choose a folder on it, or confirm explicitly that this fixed disk is the intended target.');
    }
    if (allowList) {
      refuse('MEDIUM_NOT_ALLOWED', `${location.directory} is not on a removable medium, and the ceremony allows only the media on its allow-list. Nothing was written.`, 'Write to one of the allowed media.');
    }
    return;
  }
  const description = describeRemovable(medium);
  if (medium.readOnly) refuse('MEDIUM_READ_ONLY', `The ${description} is mounted read-only. Nothing was written.`, 'Remove its write protection (switch on SD cards) or mount it read-write, or use another medium.');
  if (allowList && medium.serial === null) {
    refuse('MEDIUM_SERIAL_UNKNOWN', `The serial number of the ${description} cannot be read, so it cannot be checked against the ceremony's media allow-list. Nothing was written.`, 'Use one of the allowed media; "conclave doctor" lists the media and their serials.');
  }
  if (allowList && !isAllowed(medium.serial, allowList)) {
    refuse('MEDIUM_NOT_ALLOWED', `The ${description} is not on the ceremony's media allow-list. Nothing was written.`, 'Use one of the allowed media, or correct the allow-list in the ceremony script before the ceremony.');
  }
}

/**
 * Writes `bytes` as the new file `name` in `targetDirectory` (an absolute path on a mounted
 * medium) and returns where it went, the SHA-256 read back, the medium's facts and the
 * transcript entry data. Refuses (with nothing written) anything the options forbid and
 * an existing file (FILE_EXISTS).
 */
export async function writeToMedium(targetDirectory: string, name: string, bytes: Uint8Array, options: WriteToMediumOptions = {}): Promise<MediumWrite> {
  checkName(name);
  const directory = await resolveDirectory(targetDirectory);
  const location = locateTarget(directory, options.probe);
  checkTarget(location, options);
  const medium = factsOf(location);
  const description = location.removable ? describeRemovable(location.removable) : describeFixed(location.mount?.device ?? null, location.mount?.fsType ?? null);
  const path = join(directory, name);
  const expected = sha256Hex(bytes);

  // The entry must be recordable before the file exists, so no write goes unrecorded.
  const planned = parseData('media-written', { path, medium: description, sha256: expected, bytes: bytes.length });
  if (!planned.ok) {
    refuse('MEDIUM_PATH_UNSUITABLE', `The write to ${printable(path)} could not be recorded in the transcript (${planned.problem}). Nothing was written.`, 'Choose a folder whose path has no control characters and is shorter than 4096 characters.');
  }

  const written = await writeFileAtomic(path, bytes, { mode: options.mode ?? 0o644 });
  if (written.sha256 !== expected || written.size !== bytes.length) {
    refuse('MEDIUM_HASH_MISMATCH', `${path} was written, but what was read back hashes to ${written.sha256}, not ${expected}.`, 'The medium is unreliable: do not use it. Delete the file and write to another medium.');
  }
  return { path, sha256: written.sha256, bytes: written.size, medium, entry: { path, medium: description, sha256: written.sha256, bytes: written.size } };
}
