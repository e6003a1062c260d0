// Reads a transcript file and verifies its chain: the entries with their hashes, or a
// TranscriptError naming the first bad line (line number, seq, what is wrong). Takes no
// lock: reading never changes the file.
import type { ChainEntry } from './chain-verifier';
import { errnoOf, TranscriptError, transcriptInvalid } from './errors';
import { splitFileLines } from './file-lines';
import { nodeTranscriptFs, type TranscriptFs } from './fs-port';
import { verifyChain } from './verify-chain';

export interface TranscriptContents {
  entries: ChainEntry[];
  ceremonyId: string | null;
  sealed: boolean;
  head: { seq: number; hash: string } | null;
}

export async function readTranscript(path: string, options: { fs?: TranscriptFs } = {}): Promise<TranscriptContents> {
  const fs = options.fs ?? nodeTranscriptFs;
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') {
      throw new TranscriptError({ code: 'TRANSCRIPT_NOT_FOUND', message: `There is no transcript at ${path}.`, action: 'Check the path: the transcript is transcript.jsonl in the ceremony folder.' });
    }
    throw new TranscriptError({
      code: 'TRANSCRIPT_READ_FAILED',
      message: `Reading ${path} failed: ${(error as Error).message}.`,
      action: 'Check that the medium is readable, or use another copy of the ceremony folder.',
    });
  }
  const { lines, tail } = splitFileLines(bytes);
  const result = verifyChain(lines);
  if (!result.ok) throw transcriptInvalid(path, result.problem);
  if (tail) {
    const line = lines.length + 1;
    throw new TranscriptError({
      code: 'TRANSCRIPT_TORN',
      message: `The transcript ${path} does not end with a complete entry: line ${line} (${tail.length} bytes) has no "\\n"${
        result.sealed ? ', and it follows the sealed entry, so it was added afterwards' : ', an entry whose writing was interrupted'
      }.`,
      action: result.sealed
        ? 'Use an intact copy of the ceremony folder; a sealed transcript is never written to again.'
        : 'Reopen the ceremony in Conclave: it cuts the unfinished entry and records that it did.',
      problem: { code: result.sealed ? 'after-sealed' : 'not-json', line, seq: null, message: `line ${line}: no "\\n" at the end of the file` },
    });
  }
  return { entries: result.entries, ceremonyId: result.ceremonyId, sealed: result.sealed, head: result.head };
}
