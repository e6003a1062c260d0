// verifyChain: the whole-transcript check an auditor runs (pure: lines in, verdict out).
// It applies the chain rules line by line and, when a sequence number is out of place,
// looks at the other lines to say whether an entry was removed, moved or duplicated.
import { ChainVerifier, where, type ChainEntry, type ChainProblem } from './chain-verifier';

export type ChainResult =
  | {
      ok: true;
      entries: ChainEntry[];
      ceremonyId: string | null;
      sealed: boolean;
      /** The last entry's seq and hash, or null for an empty transcript. */
      head: { seq: number; hash: string } | null;
    }
  | {
      ok: false;
      problem: ChainProblem;
      /** The entries that verified before the problem. */
      entries: ChainEntry[];
    };

function seqOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    const seq = (JSON.parse(text) as { seq?: unknown } | null)?.seq;
    return Number.isSafeInteger(seq) ? (seq as number) : null;
  } catch {
    return null;
  }
}

/** Says what a misplaced sequence number means, using every line of the transcript. */
function explainSeq(problem: ChainProblem, lines: readonly string[], index: number, entries: readonly ChainEntry[]): ChainProblem {
  const expected = entries.length;
  const text = lines[index]!;
  const found = seqOf(text);
  if (found === null) return problem;
  const line = index + 1;
  if (found < expected) {
    const earlier = entries[found];
    if (earlier && earlier.text === text) {
      return { code: 'seq', line, seq: found, message: `${where(found, line)}: the line is a duplicate of line ${earlier.line}` };
    }
    return { code: 'seq', line, seq: found, message: `${where(found, line)}: seq ${found} appears again where seq ${expected} was expected (entries were reordered or replayed)` };
  }
  const laterIndex = lines.findIndex((other, i) => i > index && seqOf(other) === expected);
  if (laterIndex >= 0) {
    return {
      code: 'seq',
      line,
      seq: expected,
      message: `entry ${expected} is out of order: line ${line} holds entry ${found} and entry ${expected} is at line ${laterIndex + 1} (entries were reordered)`,
    };
  }
  const missing = found - expected === 1 ? `entry ${expected} is missing` : `entries ${expected} to ${found - 1} are missing`;
  return { code: 'seq', line, seq: expected, message: `${missing}: line ${line} holds entry ${found} (entries were removed)` };
}

/** Runs every line through a fresh ChainVerifier; the writer continues from the verifier it returns. */
export function replayChain(lines: readonly string[]): { ok: true; verifier: ChainVerifier } | { ok: false; problem: ChainProblem; entries: ChainEntry[] } {
  const verifier = new ChainVerifier();
  for (let i = 0; i < lines.length; i++) {
    const result = verifier.accept(lines[i]!, i + 1);
    if ('code' in result) {
      const problem = result.code === 'seq' ? explainSeq(result, lines, i, verifier.entries) : result;
      return { ok: false, problem, entries: [...verifier.entries] };
    }
  }
  return { ok: true, verifier };
}

/**
 * Verifies the lines of a transcript (each without its "\n"): canonical form, schemas,
 * seq, prev links, constant ceremony id, non-decreasing times, participants, references,
 * and nothing after `sealed`. Returns the verified entries or the first problem.
 */
export function verifyChain(lines: readonly string[]): ChainResult {
  const replayed = replayChain(lines);
  if (!replayed.ok) return replayed;
  const { verifier } = replayed;
  const head = verifier.head;
  return {
    ok: true,
    entries: [...verifier.entries],
    ceremonyId: verifier.ceremonyId,
    sealed: verifier.sealed,
    head: head ? { seq: head.seq, hash: head.hash } : null,
  };
}
