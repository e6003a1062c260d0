// The bundle's bytes must be exactly the canonical JSON of what they hold, so that one
// bundle has one byte string (the same on media and in QR codes, and one SHA-256). When
// they are not, this names the first byte that differs and the field it lies in, by
// walking the canonical text up to that byte (which the presented text shares).

export interface CanonicalMismatch {
  /** Offset of the first differing byte. */
  offset: number;
  /** The field the byte lies in, e.g. "manifest.key", or "the top level". */
  field: string;
  /** What the canonical form has there, and what the bytes have. */
  expected: string;
  found: string;
}

function show(char: string | undefined): string {
  if (char === undefined) return 'the end of the bundle';
  if (char === ' ') return 'a space';
  if (char === '\t') return 'a tab';
  return JSON.stringify(char);
}

interface Frame {
  kind: 'object' | 'array';
  key: string | null;
  index: number;
  /** In an object: true while reading a key (before its ':'). */
  expectingKey: boolean;
}

/** The JSON path of the container and member open at `offset` in a canonical JSON text. */
export function pathAt(text: string, offset: number): string {
  const stack: Frame[] = [];
  let i = 0;
  let lastString = '';
  while (i < offset && i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else {
          raw += text[j];
          j += 1;
        }
      }
      if (j >= offset) break;
      try {
        lastString = JSON.parse(`"${raw}"`) as string;
      } catch {
        lastString = raw;
      }
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '{') stack.push({ kind: 'object', key: null, index: 0, expectingKey: true });
    else if (c === '[') stack.push({ kind: 'array', key: null, index: 0, expectingKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ':' && top) {
      top.key = lastString;
      top.expectingKey = false;
    } else if (c === ',' && top) {
      if (top.kind === 'array') top.index += 1;
      else {
        top.expectingKey = true;
        top.key = null;
      }
    }
    i += 1;
  }
  const parts: string[] = [];
  for (const frame of stack) {
    if (frame.kind === 'array') parts.push(`[${frame.index}]`);
    else if (frame.key !== null) parts.push(parts.length === 0 ? frame.key : `.${frame.key}`);
  }
  return parts.length === 0 ? 'the top level' : parts.join('');
}

/** Null when `presented` equals `canonical`; otherwise where and how they first differ. */
export function canonicalMismatch(presented: string, canonical: string): CanonicalMismatch | null {
  if (presented === canonical) return null;
  let offset = 0;
  while (offset < presented.length && offset < canonical.length && presented[offset] === canonical[offset]) offset++;
  return { offset, field: pathAt(canonical, offset), expected: show(canonical[offset]), found: show(presented[offset]) };
}
