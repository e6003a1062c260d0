// The SHA256SUMS file: one line per covered file, "<64 hex>  <relative path>\n" (two
// spaces: text mode), sorted by name — exactly what `sha256sum -c SHA256SUMS` reads in
// the folder. Parsing is strict: a line in any other form is refused with its number.
import { compareNames, unsafeName } from './folder-files';

export interface SumLine {
  sha256: string;
  path: string;
}

export function formatSums(lines: readonly SumLine[]): string {
  return [...lines]
    .sort((a, b) => compareNames(a.path, b.path))
    .map((l) => `${l.sha256}  ${l.path}\n`)
    .join('');
}

export type ParsedSums = { ok: true; lines: SumLine[] } | { ok: false; line: number; reason: string };

const LINE = /^([0-9a-f]{64}) {2}(.+)$/;

export function parseSums(text: string): ParsedSums {
  if (text.length > 0 && !text.endsWith('\n')) return { ok: false, line: text.split('\n').length, reason: 'the last line does not end with a newline' };
  const rows = text.split('\n').slice(0, -1);
  const seen = new Set<string>();
  const lines: SumLine[] = [];
  for (let i = 0; i < rows.length; i++) {
    const match = LINE.exec(rows[i]!);
    if (!match) return { ok: false, line: i + 1, reason: 'expected "<64 lower-case hex digits><two spaces><relative path>"' };
    const path = match[2]!;
    if (unsafeName(path) || path.startsWith('/') || path.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      return { ok: false, line: i + 1, reason: `"${path}" is not a plain relative path inside the folder` };
    }
    if (seen.has(path)) return { ok: false, line: i + 1, reason: `${path} is listed twice` };
    seen.add(path);
    lines.push({ sha256: match[1]!, path });
  }
  return { ok: true, lines };
}
