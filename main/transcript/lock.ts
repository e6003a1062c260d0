// One writer per transcript: an exclusive lock file beside it (transcript.jsonl.lock)
// holding the host name and pid of the process that writes. The lock file appears
// complete or not at all (written under a temporary name, flushed, then hard-linked into
// place, which refuses an existing lock atomically). A lock whose process is gone (the
// app was killed, the power cut) is stale and is taken over; a lock of a live process, or
// of another computer (whose processes cannot be checked), is refused.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { canonicalJson } from '../quorum/canonical-json';
import { errnoOf, TranscriptError } from './errors';
import { nodeTranscriptFs, OPEN_FLAGS, type TranscriptFs } from './fs-port';

export const LOCK_SUFFIX = '.lock';

export interface LockOptions {
  fs?: TranscriptFs;
  /** This process's id (tests pretend to be another process). */
  pid?: number;
  host?: string;
  /** Whether a process with this id runs on this computer. */
  processAlive?: (pid: number) => boolean;
  /** The lock's start time. */
  now?: () => Date;
}

export interface TranscriptLock {
  readonly path: string;
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
}

interface LockHolder {
  host: string;
  pid: number;
  since: string;
}

/** process.kill(pid, 0) delivers nothing; it fails with ESRCH when no such process exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) !== 'ESRCH';
  }
}

function parseHolder(bytes: Uint8Array): LockHolder | null {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<LockHolder>;
    if (typeof value.host === 'string' && Number.isSafeInteger(value.pid) && (value.pid as number) > 0 && typeof value.since === 'string') {
      return { host: value.host, pid: value.pid as number, since: value.since };
    }
  } catch {
    return null;
  }
  return null;
}

async function readOrNull(fs: TranscriptFs, path: string): Promise<Uint8Array | null> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    throw error;
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Creates the lock file with `content` if no lock exists; false when one does. */
async function createLockFile(fs: TranscriptFs, lockPath: string, content: Uint8Array): Promise<boolean> {
  const temp = `${lockPath}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await fs.open(temp, OPEN_FLAGS.newFile, 0o644);
  try {
    await handle.write(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  // File systems without hard links (FAT, exFAT on USB media): O_EXCL create, one write.
  let direct;
  try {
    direct = await fs.open(lockPath, OPEN_FLAGS.newFile, 0o644);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await direct.write(content);
    await direct.sync();
  } finally {
    await direct.close();
  }
  return true;
}

function lockedError(transcriptPath: string, lockPath: string, holder: LockHolder, own: boolean): TranscriptError {
  return new TranscriptError({
    code: 'TRANSCRIPT_LOCKED',
    message: own
      ? `The transcript ${transcriptPath} is already open for writing in this Conclave process (since ${holder.since}).`
      : `The transcript ${transcriptPath} is open for writing by another Conclave process (pid ${holder.pid}, since ${holder.since}).`,
    action: own
      ? 'Use the ceremony that is already open; a transcript has one writer.'
      : `Close the other Conclave window first. If no Conclave is running, process ${holder.pid} is something else that reused the number: delete ${lockPath} and try again.`,
  });
}

/** Takes the transcript's lock, taking over a stale one; refuses a live or foreign lock. */
export async function acquireTranscriptLock(transcriptPath: string, options: LockOptions = {}): Promise<TranscriptLock> {
  const fs = options.fs ?? nodeTranscriptFs;
  const pid = options.pid ?? process.pid;
  const host = options.host ?? hostname();
  const alive = options.processAlive ?? processAlive;
  const lockPath = `${transcriptPath}${LOCK_SUFFIX}`;
  const content = new TextEncoder().encode(`${canonicalJson({ host, pid, since: (options.now ?? (() => new Date()))().toISOString() })}\n`);

  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createLockFile(fs, lockPath, content)) {
      return {
        path: lockPath,
        async release() {
          const current = await readOrNull(fs, lockPath);
          if (current && sameBytes(current, content)) await fs.unlink(lockPath).catch(() => undefined);
        },
      };
    }
    const existing = await readOrNull(fs, lockPath);
    if (existing === null) continue;
    const holder = parseHolder(existing);
    if (!holder) {
      throw new TranscriptError({
        code: 'TRANSCRIPT_LOCK_UNREADABLE',
        message: `The lock file ${lockPath} exists but does not say which process holds it.`,
        action: `Make sure no Conclave has this ceremony open, then delete ${lockPath} and try again.`,
      });
    }
    if (holder.host !== host) {
      throw new TranscriptError({
        code: 'TRANSCRIPT_LOCKED_ELSEWHERE',
        message: `The transcript ${transcriptPath} is locked by Conclave on the computer "${holder.host}" (pid ${holder.pid}, since ${holder.since}).`,
        action: `Close the ceremony on "${holder.host}". If that computer crashed or the medium was moved without closing it, delete ${lockPath} and try again.`,
      });
    }
    if (alive(holder.pid)) throw lockedError(transcriptPath, lockPath, holder, holder.pid === pid);

    // Stale: move it aside (atomic), and make sure what was moved is the stale lock read
    // above, not a fresh lock another process made meanwhile; such a lock is put back.
    const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
    try {
      await fs.rename(lockPath, aside);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') continue;
      throw error;
    }
    const moved = await readOrNull(fs, aside);
    if (moved && !sameBytes(moved, existing)) {
      await fs.link(aside, lockPath).catch(() => undefined);
      await fs.unlink(aside).catch(() => undefined);
      const other = parseHolder(moved);
      if (other) throw lockedError(transcriptPath, lockPath, other, other.pid === pid);
      continue;
    }
    await fs.unlink(aside).catch(() => undefined);
  }
  throw new TranscriptError({
    code: 'TRANSCRIPT_LOCKED',
    message: `The lock on ${transcriptPath} kept changing while Conclave tried to take it.`,
    action: 'Another program is opening this ceremony at the same time: close it, then try again.',
  });
}
