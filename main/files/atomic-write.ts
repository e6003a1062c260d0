// Writes a new file so that it is either complete on disk or absent: the bytes go to a
// temporary name in the same directory, are flushed (fsync), and only then take the final
// name, and the directory entry is flushed too. An existing file is never replaced. The
// file is read back afterwards and the SHA-256 of what is really on disk is returned, so
// a ceremony records the hash of the media, not of memory. Used for share envelopes,
// quorum records and (later) bundles.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DomainError } from '../../native/errors';

export interface AtomicWriteOptions {
  /** Permission bits of the new file; 0600 (owner only) unless told otherwise. */
  mode?: number;
}

export interface WrittenFile {
  path: string;
  /** Lower-case hex SHA-256 of the bytes read back from disk. */
  sha256: string;
  size: number;
}

const encoder = new TextEncoder();

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function fileExists(path: string): DomainError {
  return new DomainError({
    code: 'FILE_EXISTS',
    message: `${path} already exists; Conclave never overwrites a file.`,
    action: 'Choose another folder or medium, or move the existing file away yourself after checking what it is.',
  });
}

function writeFailed(path: string, error: unknown, doing: string): DomainError {
  const code = errno(error);
  const where = dirname(path);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new DomainError({
      code: 'DIRECTORY_NOT_FOUND',
      message: `The folder ${where} does not exist (while ${doing}).`,
      action: 'Check that the medium is mounted and the folder exists, then try again.',
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DomainError({
      code: 'FILE_WRITE_DENIED',
      message: `Conclave may not write to ${where} (${code}, while ${doing}).`,
      action: code === 'EROFS' ? 'The medium is read-only: remove its write protection or use another one.' : 'Choose a folder you may write to.',
    });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DomainError({
      code: 'MEDIA_FULL',
      message: `There is no space left on the medium holding ${where} (while ${doing}).`,
      action: 'Free some space or use another medium, then try again. Nothing was written.',
    });
  }
  if (code === 'EIO') {
    return new DomainError({
      code: 'MEDIA_IO_ERROR',
      message: `The medium holding ${where} reported an input/output error (while ${doing}).`,
      action: 'The medium may be failing or was removed: use another one. Nothing was written.',
    });
  }
  return new DomainError({
    code: 'FILE_WRITE_FAILED',
    message: `Writing ${path} failed while ${doing}: ${(error as Error)?.message ?? String(error)}.`,
    action: 'Check the medium and try again, or choose another folder.',
  });
}

/** Flushes a directory entry; some file systems (FAT on USB sticks) cannot, which is not an error. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = errno(error);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'ENOTSUP' && code !== 'EBADF' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes `data` to the new file `path` atomically and returns the SHA-256 of the bytes on
 * disk. Refuses (FILE_EXISTS) when anything is at `path` already.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<WrittenFile> {
  if (!isAbsolute(path)) {
    throw new DomainError({
      code: 'PATH_NOT_ABSOLUTE',
      message: `The path "${path}" is not absolute.`,
      action: 'Give the full path of the file, starting with /.',
    });
  }
  const mode = options.mode ?? 0o600;
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const directory = dirname(path);
  try {
    if (!(await stat(directory)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw writeFailed(path, error, 'checking the folder');
  }
  if (await exists(path)) throw fileExists(path);

  const temp = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  let tempExists = false;
  try {
    let handle;
    try {
      handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
      tempExists = true;
      await handle.writeFile(bytes);
      // The umask may have narrowed the mode; an explicit chmod makes it exact.
      await handle.chmod(mode).catch(() => undefined);
      await handle.sync();
    } catch (error) {
      throw writeFailed(path, error, 'writing the temporary file');
    } finally {
      await handle?.close();
    }
    // link() refuses an existing target atomically, so a file that appeared meanwhile is
    // never replaced. File systems without hard links (FAT, exFAT) fall back to rename
    // after a fresh existence check.
    try {
      await link(temp, path);
      await unlink(temp);
      tempExists = false;
    } catch (error) {
      const code = errno(error);
      if (code === 'EEXIST') throw fileExists(path);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'EMLINK' && code !== 'ENOSYS') {
        throw writeFailed(path, error, 'giving the file its name');
      }
      if (await exists(path)) throw fileExists(path);
      try {
        await rename(temp, path);
        tempExists = false;
      } catch (renameError) {
        throw writeFailed(path, renameError, 'giving the file its name');
      }
    }
    try {
      await syncDirectory(directory);
    } catch (error) {
      throw writeFailed(path, error, 'flushing the folder');
    }
  } finally {
    if (tempExists) await unlink(temp).catch(() => undefined);
  }

  let back: Uint8Array;
  try {
    back = await readFile(path);
  } catch (error) {
    throw writeFailed(path, error, 'reading the file back');
  }
  if (!equalBytes(back, bytes)) {
    throw new DomainError({
      code: 'WRITE_VERIFY_FAILED',
      message: `${path} was written, but the bytes read back differ from what was written.`,
      action: 'The medium is unreliable: do not use it. Delete the file, and save to another medium.',
    });
  }
  return { path, sha256: sha256Hex(back), size: back.length };
}

/**
 * Replaces (or creates) a file Conclave owns and rewrites, such as a progress journal:
 * the new bytes are flushed under a temporary name and renamed over the old file, so a
 * reader sees the old or the new content, never a mix. Not for artifacts: those are
 * written once with writeFileAtomic.
 */
export async function replaceFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<WrittenFile> {
  const mode = options.mode ?? 0o600;
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  let handle;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    await handle.writeFile(bytes);
    await handle.chmod(mode).catch(() => undefined);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    await syncDirectory(directory);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw writeFailed(path, error, 'replacing the file');
  }
  return { path, sha256: sha256Hex(bytes), size: bytes.length };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The SHA-256 of a file's bytes as they are on disk now. */
export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await readFile(path));
}

/**
 * Gives an existing file a new name in the same directory without ever replacing a file
 * at the new name (FILE_EXISTS), and flushes the directory.
 */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
    await unlink(from);
  } catch (error) {
    const code = errno(error);
    if (code === 'EEXIST') throw fileExists(to);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK' && code !== 'ENOSYS') throw writeFailed(to, error, `renaming ${from}`);
    if (await exists(to)) throw fileExists(to);
    try {
      await rename(from, to);
    } catch (renameError) {
      throw writeFailed(to, renameError, `renaming ${from}`);
    }
  }
  try {
    await syncDirectory(dirname(to));
  } catch (error) {
    throw writeFailed(to, error, 'flushing the folder');
  }
}
