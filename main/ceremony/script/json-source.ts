// Reads a script written in JSON. JSON.parse decides what the text means; a second pass
// over the (then known to be valid) text records where every field starts and finds
// duplicate keys, which JSON.parse would otherwise resolve silently to the last one.
import { pathText, type PathSegment, type ScriptProblem } from './problems';
import { lineIndex, pathKey, type DecodedSource } from './source';

/** Deeper than any valid script; stops hostile input before it exhausts the stack. */
export const MAX_DEPTH = 32;

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super('too deep');
  }
}

interface Scan {
  text: string;
  at: number;
  positions: Map<string, number>;
  duplicates: Array<{ path: PathSegment[]; offset: number; first: number }>;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const VALUE_END = new Set([',', '}', ']', ' ', '\t', '\n', '\r']);

function skip(s: Scan): void {
  while (s.at < s.text.length && WHITESPACE.has(s.text[s.at]!)) s.at++;
}

function readString(s: Scan): string {
  let j = s.at + 1;
  while (s.text[j] !== '"') j += s.text[j] === '\\' ? 2 : 1;
  const raw = s.text.slice(s.at, j + 1);
  s.at = j + 1;
  return JSON.parse(raw) as string;
}

function value(s: Scan, path: PathSegment[]): void {
  if (path.length > MAX_DEPTH) throw new TooDeep(s.at);
  skip(s);
  const c = s.text[s.at];
  if (c === '{') {
    s.at++;
    const seen = new Map<string, number>();
    skip(s);
    if (s.text[s.at] === '}') {
      s.at++;
      return;
    }
    for (;;) {
      skip(s);
      const start = s.at;
      const key = readString(s);
      const child = [...path, key];
      const first = seen.get(key);
      if (first !== undefined) s.duplicates.push({ path: child, offset: start, first });
      else {
        seen.set(key, start);
        s.positions.set(pathKey(child), start);
      }
      skip(s);
      s.at++; // ':'
      value(s, child);
      skip(s);
      if (s.text[s.at++] === '}') return;
    }
  }
  if (c === '[') {
    s.at++;
    skip(s);
    if (s.text[s.at] === ']') {
      s.at++;
      return;
    }
    for (let i = 0; ; i++) {
      skip(s);
      s.positions.set(pathKey([...path, i]), s.at);
      value(s, [...path, i]);
      skip(s);
      if (s.text[s.at++] === ']') return;
    }
  }
  if (c === '"') {
    readString(s);
    return;
  }
  while (s.at < s.text.length && !VALUE_END.has(s.text[s.at]!)) s.at++;
}

/** Where JSON.parse says the text went wrong, as a 1-based line (Node writes "position N" or "line L column C"). */
function syntaxLine(message: string, line: (offset: number) => number): number | null {
  const byLine = /line (\d+) column \d+/.exec(message);
  if (byLine) return Number(byLine[1]);
  const byPosition = /position (\d+)/.exec(message);
  return byPosition ? line(Number(byPosition[1])) : null;
}

export function decodeJson(text: string): DecodedSource {
  const line = lineIndex(text);
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { value: undefined, usable: false, problems: [{ path: '(syntax)', message: `not valid JSON: ${message}`, line: syntaxLine(message, line) }], lineOf: () => null };
  }
  const scan: Scan = { text, at: 0, positions: new Map([[pathKey([]), 0]]), duplicates: [] };
  try {
    value(scan, []);
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    return { value: undefined, usable: false, problems: [{ path: '(syntax)', message: `nested more than ${MAX_DEPTH} levels deep; no ceremony script is`, line: line(error.offset) }], lineOf: () => null };
  }
  const lineOf = (path: readonly PathSegment[]): number | null => {
    for (let n = path.length; n >= 0; n--) {
      const offset = scan.positions.get(pathKey(path.slice(0, n)));
      if (offset !== undefined) return line(offset);
    }
    return null;
  };
  const problems: ScriptProblem[] = scan.duplicates.map((d) => ({
    path: pathText(d.path),
    message: `duplicate field ${JSON.stringify(d.path[d.path.length - 1])} (first given on line ${line(d.first)}); each field may appear once`,
    line: line(d.offset),
  }));
  return { value: decoded, usable: true, problems, lineOf };
}
