// Recovery after a crash: a torn final entry is cut, everything else is refused.
//
// Torn means only the very end of the file: bytes after the last "\n" (an append that did
// not finish: half a line, a whole line whose "\n" never arrived, garbage a dying file
// system left), or a last line that is not JSON at all. Those bytes were never reported
// as written, because the writer reports success only after the fsync of a complete line.
// They are cut (truncate to the end of the last complete line, fsync) and what was cut is
// returned — its length, SHA-256, line and why — for the engine to record in a
// torn-entry-cut entry. Anything wrong before the last line, a last line that is JSON but
// breaks the chain, or anything after `sealed` is not a crash: it is refused and nothing
// is cut.
import { createHash } from 'node:crypto';
import type { ChainEntry } from './chain-verifier';
import type { EntryData } from './data-schemas';
import { errnoOf, TranscriptError, transcriptInvalid, writeFailed } from './errors';
import { splitFileLines } from './file-lines';
import { nodeTranscriptFs, OPEN_FLAGS, type TranscriptFs } from './fs-port';
import { acquireTranscriptLock, type LockOptions } from './lock';
import { replayChain } from './verify-chain';

/** What was cut: exactly the data of the torn-entry-cut entry the engine appends next. */
export type TornCut = EntryData<'torn-entry-cut'>;

export interface RecoveryResult {
  /** The intact entries that remain. */
  entries: ChainEntry[];
  sealed: boolean;
  head: { seq: number; hash: string } | null;
  /** What was cut, or null when the transcript ended with a complete entry. */
  cut: TornCut | null;
}

export interface RecoverOptions {
  fs?: TranscriptFs;
  lock?: Omit<LockOptions, 'fs'>;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

interface Plan {
  keepBytes: number;
  lines: string[];
  cut: TornCut | null;
}

function planCut(bytes: Uint8Array): Plan {
  const { lines, completeBytes, tail } = splitFileLines(bytes);
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  if (tail) {
    return { keepBytes: completeBytes, lines, cut: { line: lines.length + 1, bytes: tail.length, sha256: sha256(tail), reason: 'no-newline' } };
  }
  const last = lines[lines.length - 1];
  if (last !== undefined && !isJson(last)) {
    // Measured on the bytes, not the decoded text, so invalid UTF-8 is cut exactly.
    const start = completeBytes >= 2 ? bytes.lastIndexOf(0x0a, completeBytes - 2) + 1 : 0;
    const cutBytes = bytes.subarray(start, completeBytes);
    return {
      keepBytes: start,
      lines: lines.slice(0, -1),
      cut: { line: lines.length, bytes: cutBytes.length, sha256: sha256(cutBytes), reason: 'unparseable' },
    };
  }
  return { keepBytes: bytes.length, lines, cut: null };
}

/** Verifies the transcript, cuts a torn final entry (under the lock) and reports what it cut. */
export async function recoverTranscript(path: string, options: RecoverOptions = {}): Promise<RecoveryResult> {
  const fs = options.fs ?? nodeTranscriptFs;
  const lock = await acquireTranscriptLock(path, { ...options.lock, fs });
  try {
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(path);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') {
        throw new TranscriptError({ code: 'TRANSCRIPT_NOT_FOUND', message: `There is no transcript at ${path}.`, action: 'Check that the ceremony folder is on the medium you chose.' });
      }
      throw writeFailed(path, error, 'reading the transcript');
    }
    const plan = planCut(bytes);
    const replayed = replayChain(plan.lines);
    if (!replayed.ok) throw transcriptInvalid(path, replayed.problem);
    const { verifier } = replayed;
    if (plan.cut && verifier.sealed) {
      const seq = verifier.head!.seq;
      throw transcriptInvalid(path, {
        code: 'after-sealed',
        line: plan.cut.line,
        seq: null,
        message: `line ${plan.cut.line}: ${plan.cut.bytes} bytes follow the sealed entry ${seq}; nothing is written after sealed, so they were added afterwards`,
      });
    }
    if (plan.cut) {
      try {
        const handle = await fs.open(path, OPEN_FLAGS.readWrite);
        try {
          await handle.truncate(plan.keepBytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (error) {
        throw writeFailed(path, error, 'cutting the torn final entry');
      }
    }
    const head = verifier.head;
    return { entries: [...verifier.entries], sealed: verifier.sealed, head: head ? { seq: head.seq, hash: head.hash } : null, cut: plan.cut };
  } finally {
    await lock.release();
  }
}
