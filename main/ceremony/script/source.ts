// What reading a script file yields, whatever its syntax: the decoded value, problems
// found while reading (syntax, duplicate keys), and a way to find the line of a path.
import type { PathSegment, ScriptProblem } from './problems';

export type SourceFormat = 'yaml' | 'json';

export interface DecodedSource {
  /** The decoded value; undefined when `usable` is false. */
  value: unknown;
  /** False when the text could not be read into a value that can be checked further. */
  usable: boolean;
  /** Problems found while reading, already located. */
  problems: ScriptProblem[];
  /** The 1-based line where `path` (or its nearest existing parent) starts, or null. */
  lineOf(path: readonly PathSegment[]): number | null;
}

/** A map key for a path; JSON of the segments keeps "a.b" and ["a", "b"] apart. */
export function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

/** Maps a character offset to a 1-based line (counting \n, \r\n and lone \r as line ends). */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
