// Rewrites a transcript the way a forger would: edit entries, then recompute every link
// (prev), and the hashes that checkpoints, seals, signatures and `sealed` repeat, so the
// chain verifies again and only the signatures (or the final hash) can tell.
import { readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson } from '../../main/quorum/canonical-json';
import { GENESIS_PREV, hashLine } from '../../main/transcript/index';

export type RawEntry = { seq: number; prev: string; type: string; data: Record<string, unknown>; [key: string]: unknown };

export function readRawEntries(path: string): RawEntry[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RawEntry);
}

/** Writes the entries renumbered from 0 with every prev and repeated hash recomputed (seq references are kept). */
export function writeRelinked(path: string, entries: RawEntry[]): void {
  let prev = GENESIS_PREV;
  const hashes = new Map<number, string>();
  const lines = entries.map((entry, seq) => {
    const data = { ...entry.data };
    if (entry.type === 'checkpoint' || entry.type === 'seal') data.hash = prev;
    if (entry.type === 'signature') data.entryHash = hashes.get(data.signs as number) ?? data.entryHash;
    if (entry.type === 'sealed') data.sealHash = hashes.get(data.seal as number) ?? data.sealHash;
    const text = canonicalJson({ ...entry, seq, prev, data });
    prev = hashLine(text);
    hashes.set(seq, prev);
    return text;
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}
