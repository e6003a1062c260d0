// Lists what is in a ceremony folder: every regular file by its path relative to the
// folder ("/" separators, sorted), and anything that is not a plain file or folder
// (symbolic links, devices), which a ceremony folder never holds. Links are not
// followed: a checksum over a link's target would vouch for a file outside the folder.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface FolderListing {
  files: string[];
  /** Paths that are neither regular files nor folders, with what they are. */
  oddities: Array<{ path: string; kind: string }>;
}

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

/** Walks `dir`; `skip(relativePath)` leaves a folder out entirely (e.g. the rehearsal token). */
export async function listFolder(dir: string, skip: (relativePath: string) => boolean = () => false): Promise<FolderListing> {
  const files: string[] = [];
  const oddities: FolderListing['oddities'] = [];
  async function walk(relative: string): Promise<void> {
    const entries = await readdir(relative === '' ? dir : join(dir, relative));
    for (const name of entries) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if (skip(path)) continue;
      const stats = await lstat(join(dir, path));
      if (stats.isDirectory()) await walk(path);
      else if (stats.isFile()) files.push(path);
      else oddities.push({ path, kind: kindOf(stats) });
    }
  }
  await walk('');
  files.sort(compareNames);
  oddities.sort((a, b) => compareNames(a.path, b.path));
  return { files, oddities };
}

/** Byte order of the UTF-8 names (what `LC_ALL=C sort` gives), the same on every machine. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A name sha256sum would escape (newline, backslash) or a person could not read. */
export function unsafeName(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f\\]/.test(path);
}
