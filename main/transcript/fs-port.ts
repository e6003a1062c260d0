// The file operations the transcript uses, as a port: the real one over node:fs, and a
// seam for tests that must see the order of writes and fsyncs (an entry is reported
// written only after its fsync returned).
import { constants } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { errnoOf } from './errors';

export interface TranscriptFileHandle {
  /** Writes bytes at the handle's position (the end, for O_APPEND); returns how many were written. */
  write(bytes: Uint8Array): Promise<number>;
  /** fsync: returns once the bytes and the size are on the medium. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface TranscriptFs {
  /** open(2) with numeric flags (node:fs constants) and permission bits for a new file. */
  open(path: string, flags: number, mode?: number): Promise<TranscriptFileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  /** fsync of a directory, so a new name in it survives a power cut; a no-op where the file system cannot. */
  syncDirectory(path: string): Promise<void>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const OPEN_FLAGS = {
  /** A new transcript: never an existing file; every write at the end. */
  createExclusive: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND,
  /** An existing transcript: every write at the end, nothing before it is ever rewritten. */
  append: constants.O_WRONLY | constants.O_APPEND,
  /** Recovery only: to cut a torn final entry. */
  readWrite: constants.O_RDWR,
  /** A new small file (lock): never an existing one. */
  newFile: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
} as const;

/** The real file system. */
export const nodeTranscriptFs: TranscriptFs = {
  async open(path, flags, mode) {
    const handle = await open(path, flags, mode);
    return {
      async write(bytes) {
        const { bytesWritten } = await handle.write(bytes, 0, bytes.length, null);
        return bytesWritten;
      },
      sync: () => handle.sync(),
      truncate: (length) => handle.truncate(length),
      close: () => handle.close(),
    };
  },
  async readFile(path) {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  async syncDirectory(path) {
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY);
    } catch {
      return;
    }
    try {
      await handle.sync();
    } catch (error) {
      // FAT on a USB stick and some other file systems cannot fsync a directory.
      const code = errnoOf(error);
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'ENOTSUP' && code !== 'EBADF' && code !== 'EPERM') throw error;
    } finally {
      await handle.close();
    }
  },
  link: (existingPath, newPath) => link(existingPath, newPath),
  rename: (oldPath, newPath) => rename(oldPath, newPath),
  unlink: (path) => unlink(path),
};
