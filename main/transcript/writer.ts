// The transcript writer: the only code that adds to transcript.jsonl. Each append checks
// the entry against the chain rules, writes its canonical line and "\n" with one O_APPEND
// write, and resolves only after fsync returned, so a caller that awaits it may report
// success: the entry is on the medium. Earlier lines are never rewritten; after `sealed`
// nothing is appended; one writer per file (lock file); a new transcript never replaces
// an existing file.
import { dirname, isAbsolute } from 'node:path';
import type { ChainEntry } from './chain-verifier';
import { ChainVerifier } from './chain-verifier';
import { ActorSchema, type Actor, type EntryData, type EntryType } from './data-schemas';
import { CEREMONY_ID_PATTERN, describeIssue, isEntryType, parseData, TRANSCRIPT_VERSION, type EntryOf, type TranscriptEntry } from './entry-schema';
import { errnoOf, TranscriptError, transcriptInvalid, writeFailed } from './errors';
import { splitFileLines } from './file-lines';
import { nodeTranscriptFs, OPEN_FLAGS, type TranscriptFileHandle, type TranscriptFs } from './fs-port';
import { GENESIS_PREV, entryText } from './line';
import { acquireTranscriptLock, type LockOptions, type TranscriptLock } from './lock';
import { replayChain } from './verify-chain';

export interface OpenTranscriptOptions {
  ceremonyId: string;
  /** Make a new, empty transcript (refusing an existing file) instead of continuing one. */
  create?: boolean;
  fs?: TranscriptFs;
  /** The clock entries are stamped with. */
  now?: () => Date;
  /** Lock identity and liveness check (tests pretend to be other processes). */
  lock?: Omit<LockOptions, 'fs'>;
}

export interface AppendedEntry<T extends EntryType = EntryType> {
  entry: EntryOf<T>;
  /** SHA-256 (hex) of the line. */
  hash: string;
  /** The canonical line as written, without its "\n". */
  line: string;
  /** Its line number in the file, from 1. */
  lineNumber: number;
}

const encoder = new TextEncoder();

/** Appends to one transcript; create with openTranscript. */
export class TranscriptWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private state: 'open' | 'failed' | 'closed' = 'open';

  /** @internal use openTranscript */
  constructor(
    readonly path: string,
    readonly ceremonyId: string,
    private readonly handle: TranscriptFileHandle,
    private readonly lock: TranscriptLock,
    private readonly chain: ChainVerifier,
    private readonly now: () => Date,
  ) {}

  /** Every entry on disk, in order, with hashes. */
  get entries(): readonly ChainEntry[] {
    return this.chain.entries;
  }

  /** The last entry's seq and hash (what a checkpoint or the seal covers), or null when empty. */
  get head(): { seq: number; hash: string } | null {
    const head = this.chain.head;
    return head ? { seq: head.seq, hash: head.hash } : null;
  }

  get sealed(): boolean {
    return this.chain.sealed;
  }

  /**
   * Appends one entry. Resolves after the line is written and fsync'd; rejects, with
   * nothing written, when the data does not match the type's schema or breaks a chain
   * rule; rejects after `sealed`. After an I/O failure the writer refuses further appends:
   * reopen the transcript (recoverTranscript first) to learn what reached the disk.
   */
  append<T extends EntryType>(type: T, actor: Actor, data: EntryData<T>): Promise<AppendedEntry<T>> {
    const run = this.queue.then(() => this.appendNow(type, actor, data));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow<T extends EntryType>(type: T, actor: Actor, data: EntryData<T>): Promise<AppendedEntry<T>> {
    if (this.state === 'closed') {
      throw new TranscriptError({ code: 'TRANSCRIPT_CLOSED', message: `The transcript ${this.path} was closed.`, action: 'Reopen the ceremony to continue it.' });
    }
    if (this.state === 'failed') {
      throw new TranscriptError({
        code: 'TRANSCRIPT_WRITER_FAILED',
        message: `An earlier write to ${this.path} failed, so what is on disk is not known.`,
        action: 'Reopen the ceremony: Conclave checks the transcript, cuts an unfinished last entry and records that it did.',
      });
    }
    if (this.chain.sealed) {
      throw new TranscriptError({
        code: 'TRANSCRIPT_SEALED',
        message: `The transcript ${this.path} is sealed; nothing may be added to it.`,
        action: 'Start a new ceremony for further work; it can link to this one by its final hash.',
      });
    }
    const refused = (problem: string, code = 'TRANSCRIPT_ENTRY_INVALID') =>
      new TranscriptError({
        code,
        message: `The ${String(type)} entry was not written: ${problem}.`,
        action: 'This is a fault in the program that built the entry; nothing was written. Report it with this message.',
      });
    if (!isEntryType(type)) throw refused(`"${String(type)}" is not an entry type`);
    const parsedActor = ActorSchema.safeParse(actor);
    if (!parsedActor.success) throw refused(describeIssue(parsedActor.error, 'actor'));
    const parsedData = parseData(type, data);
    if (!parsedData.ok) throw refused(parsedData.problem);

    const head = this.chain.head;
    const at = this.now().toISOString();
    if (head && at < head.at) {
      throw new TranscriptError({
        code: 'TRANSCRIPT_CLOCK_BACKWARDS',
        message: `The system clock reads ${at}, earlier than the last entry's time ${head.at}; a transcript's times never go backwards.`,
        action: 'Check the workstation clock (UTC) with the administrator and set it right, then continue. Nothing was written.',
      });
    }
    const seq = this.chain.entries.length;
    const entry = {
      v: TRANSCRIPT_VERSION,
      seq,
      prev: head ? head.hash : GENESIS_PREV,
      at,
      ceremonyId: this.ceremonyId,
      type,
      actor: parsedActor.data,
      data: parsedData.data,
    } as TranscriptEntry;
    const text = entryText(entry);
    const checked = this.chain.inspect(text, seq + 1);
    if ('code' in checked) throw refused(checked.message.replace(/^entry \d+ \(line \d+\): /, ''), 'TRANSCRIPT_ENTRY_REFUSED');

    const bytes = encoder.encode(`${text}\n`);
    try {
      let written = 0;
      while (written < bytes.length) written += await this.handle.write(bytes.subarray(written));
      await this.handle.sync();
    } catch (error) {
      this.state = 'failed';
      throw writeFailed(this.path, error, `writing entry ${seq}`);
    }
    this.chain.commit(checked);
    return { entry: checked.entry as EntryOf<T>, hash: checked.hash, line: text, lineNumber: seq + 1 };
  }

  /** Waits for pending appends, closes the file and releases the lock. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.queue;
    this.state = 'closed';
    try {
      await this.handle.close();
    } finally {
      await this.lock.release();
    }
  }
}

function notFound(path: string): TranscriptError {
  return new TranscriptError({
    code: 'TRANSCRIPT_NOT_FOUND',
    message: `There is no transcript at ${path}.`,
    action: 'Check that the ceremony folder is on the medium you chose, or start the ceremony anew.',
  });
}

/** Reads and verifies an existing transcript so the writer can continue it. */
async function continueChain(fs: TranscriptFs, path: string, ceremonyId: string): Promise<ChainVerifier> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw notFound(path);
    throw writeFailed(path, error, 'reading the transcript');
  }
  const { lines, tail } = splitFileLines(bytes);
  if (tail) {
    throw new TranscriptError({
      code: 'TRANSCRIPT_TORN',
      message: `The transcript ${path} ends with ${tail.length} bytes of an entry that was not finished (line ${lines.length + 1}).`,
      action: 'Reopen the ceremony through recovery: it cuts the unfinished entry and records that it did.',
    });
  }
  const replayed = replayChain(lines);
  if (!replayed.ok) throw transcriptInvalid(path, replayed.problem);
  const found = replayed.verifier.ceremonyId;
  if (found !== null && found !== ceremonyId) {
    throw new TranscriptError({
      code: 'TRANSCRIPT_CEREMONY_MISMATCH',
      message: `The transcript ${path} belongs to ceremony "${found}", not to "${ceremonyId}".`,
      action: 'Open the ceremony folder that belongs to this ceremony.',
    });
  }
  return replayed.verifier;
}

/**
 * Opens a transcript for appending, holding its lock until close(). With `create`, makes
 * a new empty file (O_EXCL: an existing transcript is never replaced) and flushes the
 * file and its directory; otherwise verifies the existing file first and refuses a torn,
 * damaged or foreign one.
 */
export async function openTranscript(path: string, options: OpenTranscriptOptions): Promise<TranscriptWriter> {
  if (!isAbsolute(path)) {
    throw new TranscriptError({ code: 'PATH_NOT_ABSOLUTE', message: `The transcript path "${path}" is not absolute.`, action: 'Give the full path, starting with /.' });
  }
  if (!CEREMONY_ID_PATTERN.test(options.ceremonyId)) {
    throw new TranscriptError({
      code: 'CEREMONY_ID_INVALID',
      message: `"${options.ceremonyId}" is not a ceremony id.`,
      action: 'Use 1 to 128 letters, digits, ".", "_" or "-".',
    });
  }
  const fs = options.fs ?? nodeTranscriptFs;
  let lock: TranscriptLock;
  try {
    lock = await acquireTranscriptLock(path, { ...options.lock, fs });
  } catch (error) {
    if (error instanceof TranscriptError) throw error;
    throw writeFailed(path, error, 'taking the transcript lock');
  }
  let handle: TranscriptFileHandle | undefined;
  try {
    let chain: ChainVerifier;
    if (options.create) {
      try {
        handle = await fs.open(path, OPEN_FLAGS.createExclusive, 0o644);
      } catch (error) {
        if (errnoOf(error) === 'EEXIST') {
          throw new TranscriptError({
            code: 'TRANSCRIPT_EXISTS',
            message: `${path} already exists; a transcript is never overwritten.`,
            action: 'Reopen that ceremony to continue it, or choose another folder for a new ceremony.',
          });
        }
        throw writeFailed(path, error, 'creating the transcript');
      }
      try {
        await handle.sync();
        await fs.syncDirectory(dirname(path));
      } catch (error) {
        throw writeFailed(path, error, 'flushing the new transcript');
      }
      chain = new ChainVerifier();
    } else {
      chain = await continueChain(fs, path, options.ceremonyId);
      try {
        handle = await fs.open(path, OPEN_FLAGS.append);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') throw notFound(path);
        throw writeFailed(path, error, 'opening the transcript');
      }
    }
    return new TranscriptWriter(path, options.ceremonyId, handle, lock, chain, options.now ?? (() => new Date()));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw error;
  }
}
