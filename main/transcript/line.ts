// The byte form of an entry: its canonical JSON (main/quorum/canonical-json.ts: sorted
// keys, no whitespace, ASCII only) on one line, ended by "\n". The entry hash is the
// SHA-256 of the line without its "\n"; the next entry's `prev` is that hash.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../quorum/canonical-json';
import type { TranscriptEntry } from './entry-schema';

/** `prev` of the first entry (seq 0): 64 zeros. */
export const GENESIS_PREV = '0'.repeat(64);

/** No line may be longer than this (bytes, without "\n"): a script of 512 KiB escaped fits. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** The canonical text of an entry, without the "\n". */
export function entryText(entry: TranscriptEntry): string {
  return canonicalJson(entry);
}

/** SHA-256 (lower-case hex) of a line's text; UTF-8, which for a canonical (ASCII) line is its characters. */
export function hashLine(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
