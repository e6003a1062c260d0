// The few DER (X.690) pieces this layer needs to build SubjectPublicKeyInfo structures
// and to move ECDSA signatures between the PKCS#11 form (r || s) and the X.509/OpenSSL
// form (SEQUENCE of two INTEGERs). Encoders write definite, minimal lengths only; the
// reader accepts only what the encoders would write, so malformed input is refused.

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_PRINTABLE_STRING = 0x13;
export const TAG_SEQUENCE = 0x30;

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function encodeLength(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new DerError(`invalid DER length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(content.length), content);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG_SEQUENCE, concatBytes(...items));
}

/** A DER INTEGER holding the unsigned big-endian value `bytes` (leading zeros dropped, sign byte added). */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if (body.length === 0) body = Uint8Array.of(0);
  if ((body[0] as number) & 0x80) body = concatBytes(Uint8Array.of(0), body);
  return tlv(TAG_INTEGER, body);
}

export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG_BIT_STRING, concatBytes(Uint8Array.of(0), bytes));
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(TAG_OCTET_STRING, bytes);
}

export function derNull(): Uint8Array {
  return Uint8Array.of(TAG_NULL, 0);
}

export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new DerError(`invalid OID arc "${a}" in ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new DerError(`an OID needs at least two arcs: ${dotted}`);
  const [first, second] = arcs as [bigint, bigint];
  if (first > 2n || (first < 2n && second > 39n)) throw new DerError(`invalid OID ${dotted}`);
  const values = [first * 40n + second, ...arcs.slice(2)];
  const body: number[] = [];
  for (const v of values) {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (let n = v >> 7n; n > 0n; n >>= 7n) chunk.unshift(Number(n & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return tlv(TAG_OID, Uint8Array.from(body));
}

export interface Tlv {
  tag: number;
  /** The content octets (a view into the input). */
  content: Uint8Array;
  /** Offset just past this element in the input. */
  end: number;
}

/** Reads one DER element at `offset`; refuses indefinite, non-minimal or overlong lengths. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > bytes.length) throw new DerError('DER element truncated');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  const lengthByte = bytes[offset + 1] as number;
  let pos = offset + 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    if (count === 0) throw new DerError('indefinite DER length');
    if (count > 4) throw new DerError('DER length too large');
    if (pos + count > bytes.length) throw new DerError('DER length truncated');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos + i] as number);
    if (bytes[pos] === 0 || length < 0x80) throw new DerError('non-minimal DER length');
    pos += count;
  }
  if (pos + length > bytes.length) throw new DerError('DER content truncated');
  return { tag, content: bytes.subarray(pos, pos + length), end: pos + length };
}

/** Reads exactly one element spanning all of `bytes`. */
export function readSingle(bytes: Uint8Array, expectedTag?: number): Tlv {
  const element = readTlv(bytes, 0);
  if (element.end !== bytes.length) throw new DerError('trailing bytes after DER element');
  if (expectedTag !== undefined && element.tag !== expectedTag) {
    throw new DerError(`expected DER tag 0x${expectedTag.toString(16)}, found 0x${element.tag.toString(16)}`);
  }
  return element;
}

/** The elements inside a constructed element's content. */
export function readChildren(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < content.length) {
    const child = readTlv(content, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function decodeObjectIdentifier(content: Uint8Array): string {
  if (content.length === 0) throw new DerError('empty OID');
  const values: bigint[] = [];
  let current = 0n;
  let started = false;
  for (const byte of content) {
    if (!started && byte === 0x80) throw new DerError('non-minimal OID arc');
    started = true;
    current = (current << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      values.push(current);
      current = 0n;
      started = false;
    }
  }
  if (started) throw new DerError('truncated OID');
  const first = values[0] as bigint;
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...values.slice(1)].join('.');
}

function integerValue(element: Tlv): Uint8Array {
  if (element.tag !== TAG_INTEGER || element.content.length === 0) throw new DerError('expected a DER INTEGER');
  const c = element.content;
  if ((c[0] as number) & 0x80) throw new DerError('negative INTEGER in an ECDSA signature');
  if (c.length > 1 && c[0] === 0 && !((c[1] as number) & 0x80)) throw new DerError('non-minimal INTEGER');
  return c[0] === 0 ? c.subarray(1) : c;
}

/** PKCS#11 ECDSA signature (r || s, each half the length) → DER Ecdsa-Sig-Value as OpenSSL and X.509 use. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new DerError(`an ECDSA signature r||s has an even length; got ${raw.length}`);
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/** DER Ecdsa-Sig-Value → PKCS#11 r || s, each left-padded to `fieldBytes` (32 for P-256, 48 for P-384). */
export function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array {
  const seq = readSingle(der, TAG_SEQUENCE);
  const parts = readChildren(seq.content);
  if (parts.length !== 2) throw new DerError('an ECDSA signature has exactly two INTEGERs');
  const out = new Uint8Array(fieldBytes * 2);
  parts.forEach((part, i) => {
    const value = integerValue(part);
    if (value.length > fieldBytes) throw new DerError('ECDSA signature value longer than the curve');
    out.set(value, fieldBytes * (i + 1) - value.length);
  });
  return out;
}
