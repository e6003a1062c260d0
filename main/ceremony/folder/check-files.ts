// The file half of verifying a ceremony folder: every file the transcript records
// (file-written, and media-written when the medium is at hand) still has its recorded
// hash; every file SHA256SUMS lists hashes right; and no file is there that SHA256SUMS
// does not list, except the transcript's lock and, in a rehearsal folder only, the
// rehearsal answers and token.
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ChainEntry, EntryOf } from '../../transcript/index';
import type { CheckLog } from './check-log';
import { listFolder, unsafeName } from './folder-files';
import { coverageOf, REHEARSAL_TOKEN_FOLDER, SUMS_FILE } from './layout';
import { parseSums } from './sha256sums';

export interface FileHash {
  sha256: string;
  bytes: number;
}

/** The SHA-256 and length of a regular file, or why it cannot be hashed (missing, a link...). */
export async function hashRegularFile(path: string): Promise<FileHash | { problem: string }> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return { problem: 'it is a symbolic link, not a file' };
    if (!stats.isFile()) return { problem: 'it is not a regular file' };
    const bytes = await readFile(path);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'it is missing' : `it cannot be read (${code ?? 'error'})` };
  }
}

function insideFolder(dir: string, path: string): string | null {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : null;
}

export async function checkRecordedFiles(dir: string, entries: readonly ChainEntry[], log: CheckLog): Promise<void> {
  let checked = 0;
  const absent: string[] = [];
  for (const chained of entries) {
    const { entry } = chained;
    if (entry.type !== 'file-written' && entry.type !== 'media-written') continue;
    const data = (entry as EntryOf<'file-written'> | EntryOf<'media-written'>).data;
    const absolute = entry.type === 'file-written' || !isAbsolute(data.path) ? resolve(dir, data.path) : data.path;
    const inFolder = insideFolder(dir, absolute);
    const shown = inFolder ?? data.path;
    const hash = await hashRegularFile(absolute);
    const at = { entrySeq: entry.seq, entryType: entry.type, line: chained.line, file: shown };
    if ('problem' in hash) {
      // Removable media are often elsewhere when the folder is verified; a file there that is absent is not a failure.
      if (entry.type === 'media-written' && inFolder === null && hash.problem === 'it is missing') {
        absent.push(data.path);
        continue;
      }
      log.fail('recorded-files', { ...at, reason: `the transcript records ${shown} (sha256 ${data.sha256}), but ${hash.problem}` });
      return;
    }
    if (hash.sha256 !== data.sha256 || hash.bytes !== data.bytes) {
      log.fail('recorded-files', { ...at, reason: `${shown} has sha256 ${hash.sha256} (${hash.bytes} bytes), but the transcript records ${data.sha256} (${data.bytes} bytes)` });
      return;
    }
    checked++;
  }
  log.pass('recorded-files', `${checked} file(s) recorded in the transcript match${absent.length ? `; not at hand, not checked: ${absent.join(', ')}` : ''}`);
}

export async function checkSums(dir: string, rehearsal: boolean | null, log: CheckLog): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dir, SUMS_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    log.fail('sha256sums', { file: SUMS_FILE, reason: code === 'ENOENT' ? 'the folder has no SHA256SUMS (it was not finalized)' : `it cannot be read (${code ?? 'error'})` });
    return;
  }
  const parsed = parseSums(text);
  if (!parsed.ok) {
    log.fail('sha256sums', { file: SUMS_FILE, reason: `line ${parsed.line}: ${parsed.reason}` });
    return;
  }
  let failed = false;
  for (const line of parsed.lines) {
    if (coverageOf(line.path) !== 'covered') {
      log.fail('sha256sums', { file: line.path, reason: `SHA256SUMS lists ${line.path}, which is never covered by it` });
      failed = true;
      break;
    }
    const hash = await hashRegularFile(join(dir, line.path));
    if ('problem' in hash) {
      log.fail('sha256sums', { file: line.path, reason: `SHA256SUMS lists it, but ${hash.problem}` });
      failed = true;
      break;
    }
    if (hash.sha256 !== line.sha256) {
      log.fail('sha256sums', { file: line.path, reason: `its sha256 is ${hash.sha256}, SHA256SUMS says ${line.sha256}: the file was changed` });
      failed = true;
      break;
    }
  }
  if (!failed) log.pass('sha256sums', `${parsed.lines.length} files hash as SHA256SUMS lists them`);

  const listed = new Set(parsed.lines.map((l) => l.path));
  const listing = await listFolder(dir, (path) => rehearsal !== false && path === REHEARSAL_TOKEN_FOLDER);
  const odd = listing.oddities[0];
  if (odd) {
    log.fail('unlisted-files', { file: odd.path, reason: `${odd.path} is ${odd.kind}; a ceremony folder holds only files and folders` });
    return;
  }
  for (const path of listing.files) {
    const coverage = coverageOf(path);
    if (coverage === 'sums-file' || coverage === 'lock' || listed.has(path)) continue;
    if (coverage === 'rehearsal-only') {
      // Unknown (the transcript did not verify): that failure is already named.
      if (rehearsal !== false) continue;
      log.fail('unlisted-files', { file: path, reason: `${path} belongs only in a rehearsal folder, and this ceremony is not a rehearsal` });
      return;
    }
    log.fail('unlisted-files', { file: path, reason: `${unsafeName(path) ? JSON.stringify(path) : path} is in the folder but not listed in SHA256SUMS: it was added after the ceremony` });
    return;
  }
  log.pass('unlisted-files', 'no file is in the folder that SHA256SUMS does not list (the transcript lock and rehearsal leftovers excepted)');
}
