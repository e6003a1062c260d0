// The UR fountain code (BCR-2020-006 / the reference bc-ur implementation): the message
// is cut into `seqLen` equal fragments (the last one padded with zeros); part n <= seqLen
// is fragment n-1 itself, and every later part is the XOR of a pseudo-random subset of
// fragments chosen from the part's sequence number and the message's CRC-32. A receiver
// can therefore combine any parts it caught, in any order, until it has enough.
import { CborError, CborReader, concat, encodeArrayHeader, encodeBytes, encodeUnsigned } from './cbor';
import { crc32, uint32BigEndian } from './crc32';
import { RandomSampler } from './random-sampler';
import { Xoshiro256 } from './xoshiro';

export interface FountainPart {
  seqNum: number;
  seqLen: number;
  messageLen: number;
  checksum: number;
  data: Uint8Array;
}

/** The shortest fragment length <= max that splits the message into equal pieces (the reference's rule). */
export function nominalFragmentLength(messageLen: number, minFragmentLen: number, maxFragmentLen: number): number {
  if (messageLen <= 0 || minFragmentLen <= 0 || maxFragmentLen < minFragmentLen) throw new RangeError('bad fragment length bounds');
  const maxCount = Math.floor(messageLen / minFragmentLen);
  let fragmentLen = messageLen;
  for (let count = 1; count <= maxCount; count++) {
    fragmentLen = Math.ceil(messageLen / count);
    if (fragmentLen <= maxFragmentLen) break;
  }
  return fragmentLen;
}

export function partitionMessage(message: Uint8Array, fragmentLen: number): Uint8Array[] {
  const fragments: Uint8Array[] = [];
  for (let offset = 0; offset < message.length; offset += fragmentLen) {
    const fragment = new Uint8Array(fragmentLen);
    fragment.set(message.subarray(offset, Math.min(offset + fragmentLen, message.length)));
    fragments.push(fragment);
  }
  return fragments;
}

/** The number of fragments a mixed part XORs: 1..seqLen, weighted 1/d. */
export function chooseDegree(seqLen: number, rng: Xoshiro256): number {
  const weights: number[] = [];
  for (let i = 1; i <= seqLen; i++) weights.push(1 / i);
  return new RandomSampler(weights).next(() => rng.nextDouble()) + 1;
}

export function shuffled<T>(items: readonly T[], rng: Xoshiro256): T[] {
  const remaining = [...items];
  const result: T[] = [];
  while (remaining.length > 0) {
    const index = rng.nextInt(0, remaining.length - 1);
    result.push(remaining.splice(index, 1)[0]!);
  }
  return result;
}

/** The fragment indexes (0-based) that part `seqNum` mixes. */
export function chooseFragments(seqNum: number, seqLen: number, checksum: number): number[] {
  if (seqNum <= seqLen) return [seqNum - 1];
  const rng = new Xoshiro256(concat([uint32BigEndian(seqNum), uint32BigEndian(checksum)]));
  const degree = chooseDegree(seqLen, rng);
  const indexes = Array.from({ length: seqLen }, (_, i) => i);
  return shuffled(indexes, rng).slice(0, degree);
}

/** The parts for sequence numbers `first`..`last` (1-based) of `message`. */
export function fountainParts(message: Uint8Array, fragmentLen: number, first: number, last: number): FountainPart[] {
  if (message.length === 0) throw new RangeError('an empty message has no parts');
  const fragments = partitionMessage(message, fragmentLen);
  const checksum = crc32(message);
  const parts: FountainPart[] = [];
  for (let seqNum = first; seqNum <= last; seqNum++) {
    const data = new Uint8Array(fragmentLen);
    for (const index of chooseFragments(seqNum, fragments.length, checksum)) {
      const fragment = fragments[index]!;
      for (let i = 0; i < fragmentLen; i++) data[i]! ^= fragment[i]!;
    }
    parts.push({ seqNum, seqLen: fragments.length, messageLen: message.length, checksum, data });
  }
  return parts;
}

/** [seqNum, seqLen, messageLen, checksum, data] as CBOR, the body of a multi-part UR. */
export function encodePart(part: FountainPart): Uint8Array {
  return concat([
    encodeArrayHeader(5),
    encodeUnsigned(part.seqNum),
    encodeUnsigned(part.seqLen),
    encodeUnsigned(part.messageLen),
    encodeUnsigned(part.checksum),
    encodeBytes(part.data),
  ]);
}

/** Strictly parses a part's CBOR; throws CborError saying what is wrong. */
export function decodePart(cbor: Uint8Array): FountainPart {
  const reader = new CborReader(cbor);
  const length = reader.arrayHeader('the part');
  if (length !== 5) throw new CborError(`the part is an array of ${length} items, not 5`);
  const seqNum = reader.unsigned('the sequence number');
  const seqLen = reader.unsigned('the sequence length');
  const messageLen = reader.unsigned('the message length');
  const checksum = reader.unsigned('the checksum');
  const data = reader.bytesItem('the fragment');
  reader.end();
  return { seqNum, seqLen, messageLen, checksum, data };
}

/**
 * Solves for the fragments by Gaussian elimination over GF(2): every part is one
 * equation "XOR of these fragments = data". Stronger than the reference's peeling
 * decoder (it succeeds whenever the parts caught determine the message at all), which
 * is what lets any 80% of the emitted frames suffice.
 */
export class FountainSolver {
  /** pivot fragment index -> row; a row's mask never holds another row's pivot. */
  private readonly rows = new Map<number, { mask: bigint; data: Uint8Array }>();

  constructor(
    readonly seqLen: number,
    readonly fragmentLen: number,
  ) {}

  get rank(): number {
    return this.rows.size;
  }

  get complete(): boolean {
    return this.rows.size === this.seqLen;
  }

  /** Adds one part's equation; false when it told nothing new (a duplicate or a combination of parts already held). */
  add(indexes: readonly number[], data: Uint8Array): boolean {
    let mask = 0n;
    for (const i of indexes) mask ^= 1n << BigInt(i);
    const row = Uint8Array.from(data);
    for (const [pivot, other] of this.rows) {
      if ((mask >> BigInt(pivot)) & 1n) {
        mask ^= other.mask;
        xorInto(row, other.data);
      }
    }
    if (mask === 0n) return false;
    let pivot = 0;
    while (((mask >> BigInt(pivot)) & 1n) === 0n) pivot++;
    const bit = 1n << BigInt(pivot);
    for (const other of this.rows.values()) {
      if (other.mask & bit) {
        other.mask ^= mask;
        xorInto(other.data, row);
      }
    }
    this.rows.set(pivot, { mask, data: row });
    return true;
  }

  /** The message once complete: every row is then a single fragment. */
  message(messageLen: number): Uint8Array {
    if (!this.complete) throw new Error('not all fragments are known yet');
    const out = new Uint8Array(this.seqLen * this.fragmentLen);
    for (const [pivot, row] of this.rows) out.set(row.data, pivot * this.fragmentLen);
    return out.slice(0, messageLen);
  }
}

function xorInto(target: Uint8Array, source: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i]! ^= source[i]!;
}
