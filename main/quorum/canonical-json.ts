// Canonical JSON: the one byte form of an envelope, a policy and a record, so that hashes
// and associated data are reproducible by an independent verifier
// (docs/share-envelope.md, "Canonical JSON").
//
// Rules: object keys sorted by UTF-16 code units; no whitespace; strings as JSON.stringify
// writes them, except that every character outside printable ASCII (U+007F and above) is
// written as a lower-case \uXXXX escape, so the text is 7-bit ASCII and survives QR codes,
// terminals and editors unchanged; numbers must be safe integers (the formats hold no
// fractions); only plain objects, arrays, strings, integers, booleans and null.

const NON_ASCII = /[\u007f-\uffff]/g;

function quote(value: string): string {
  return JSON.stringify(value).replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(quote(value));
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonicalJson: ${path} is ${value}; only safe integers are allowed`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (i > 0) out.push(',');
          write(item, `${path}[${i}]`, out);
        });
        out.push(']');
        return;
      }
      if (!isPlainObject(value)) throw new TypeError(`canonicalJson: ${path} is not a plain object`);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      out.push('{');
      let first = true;
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) throw new TypeError(`canonicalJson: ${path}.${key} is undefined`);
        if (!first) out.push(',');
        first = false;
        out.push(quote(key), ':');
        write(item, `${path}.${key}`, out);
      }
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} has unsupported type ${typeof value}`);
  }
}

/** The canonical JSON text of `value` (sorted keys, no whitespace, ASCII only). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out);
  return out.join('');
}

/** UTF-8 bytes of the canonical JSON text (equal to its ASCII bytes). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
