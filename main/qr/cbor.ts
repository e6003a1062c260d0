// The little CBOR (RFC 8949) that Uniform Resources need: unsigned integers, definite
// byte strings and a definite array header. The reader is strict: only the shortest
// encoding of each length or number is accepted and nothing may follow the item, so one
// message has exactly one encoding and a changed byte cannot decode to the same value.

export class CborError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CborError';
  }
}

function head(major: number, value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) throw new CborError(`cannot encode ${value}`);
  const m = major << 5;
  if (value < 24) return Uint8Array.of(m | value);
  if (value <= 0xff) return Uint8Array.of(m | 24, value);
  if (value <= 0xffff) return Uint8Array.of(m | 25, value >>> 8, value & 0xff);
  return Uint8Array.of(m | 26, value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function encodeUnsigned(value: number): Uint8Array {
  return head(0, value);
}

export function encodeBytes(bytes: Uint8Array): Uint8Array {
  return concat([head(2, bytes.length), bytes]);
}

export function encodeArrayHeader(length: number): Uint8Array {
  return head(4, length);
}

/** A cursor over CBOR bytes that reads one expected item at a time. */
export class CborReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new CborError('it ends in the middle of an item');
    this.offset++;
    return b;
  }

  private readHead(major: number, what: string): number {
    const initial = this.byte();
    if (initial >> 5 !== major) throw new CborError(`expected ${what} (major type ${major}), found major type ${initial >> 5}`);
    const info = initial & 0x1f;
    if (info < 24) return info;
    let size: number;
    if (info === 24) size = 1;
    else if (info === 25) size = 2;
    else if (info === 26) size = 4;
    else throw new CborError(`${what} uses an encoding UR does not allow (additional information ${info})`);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.byte();
    const shortest = info === 24 ? value >= 24 : info === 25 ? value > 0xff : value > 0xffff;
    if (!shortest) throw new CborError(`${what} is not in its shortest encoding`);
    return value;
  }

  unsigned(what: string): number {
    return this.readHead(0, what);
  }

  bytesItem(what: string): Uint8Array {
    const length = this.readHead(2, what);
    if (this.offset + length > this.bytes.length) throw new CborError(`${what} claims ${length} bytes but only ${this.bytes.length - this.offset} follow`);
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  arrayHeader(what: string): number {
    return this.readHead(4, what);
  }

  end(): void {
    if (this.offset !== this.bytes.length) throw new CborError(`${this.bytes.length - this.offset} unexpected byte(s) follow the item`);
  }
}

/** The content of a CBOR byte string that is the whole of `cbor`. */
export function decodeBytesItem(cbor: Uint8Array, what: string): Uint8Array {
  const reader = new CborReader(cbor);
  const out = reader.bytesItem(what);
  reader.end();
  return out;
}
