// Plain-text tables for a terminal: columns aligned, the last column word-wrapped to the
// terminal width, explicit line breaks in a cell kept. No colour codes, so the output
// reads the same in a log file, a pipe and a projector.

const GAP = '  ';

/** Wraps `text` at spaces to lines of at most `width` characters (longer words are split). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let rest = word;
      while (rest.length > width) {
        if (line) {
          lines.push(line);
          line = '';
        }
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      if (!line) line = rest;
      else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

export interface TableOptions {
  /** Total width to fit; the last column wraps. */
  width: number;
  /** Narrowest the last column may get before the table is allowed to overflow. */
  minLastColumn?: number;
}

export function renderTable(headers: string[], rows: string[][], options: TableOptions): string {
  const count = headers.length;
  const fixed = headers.slice(0, -1).map((header, i) =>
    Math.max(header.length, ...rows.map((row) => Math.max(...(row[i] ?? '').split('\n').map((l) => l.length)))),
  );
  const used = fixed.reduce((sum, w) => sum + w + GAP.length, 0);
  const last = Math.max(options.minLastColumn ?? 30, options.width - used);

  const renderRow = (cells: string[]): string[] => {
    const columns = cells.map((cell, i) => (i === count - 1 ? wrap(cell, last) : cell.split('\n')));
    const height = Math.max(...columns.map((c) => c.length));
    const out: string[] = [];
    for (let line = 0; line < height; line += 1) {
      const parts = columns.map((c, i) => (i === count - 1 ? (c[line] ?? '') : (c[line] ?? '').padEnd(fixed[i]!)));
      out.push(parts.join(GAP).trimEnd());
    }
    return out;
  };

  return [...renderRow(headers), ...rows.flatMap((row) => renderRow(row))].join('\n');
}
