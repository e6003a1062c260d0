// The pseudo-random generator the UR fountain code is defined with: xoshiro256** 1.0,
// its 256-bit state taken big-endian from the SHA-256 of a seed. Encoder and decoder run
// it from the same seed (a part's sequence number and the message checksum), so they
// agree on which fragments a part mixes; its output must match the reference bit for bit.
import { sha256 } from '@noble/hashes/sha2.js';

const MASK = (1n << 64n) - 1n;
const TWO_64 = 2 ** 64;

function rotl(x: bigint, k: bigint): bigint {
  return ((x << k) | (x >> (64n - k))) & MASK;
}

export class Xoshiro256 {
  private s: [bigint, bigint, bigint, bigint];

  constructor(seed: Uint8Array | string) {
    const bytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
    const digest = sha256(bytes);
    const words: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      let v = 0n;
      for (let n = 0; n < 8; n++) v = (v << 8n) | BigInt(digest[i * 8 + n]!);
      words.push(v);
    }
    this.s = [words[0]!, words[1]!, words[2]!, words[3]!];
  }

  next(): bigint {
    const s = this.s;
    const result = (rotl((s[1] * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1] << 17n) & MASK;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return result;
  }

  /** In [0, 1]: the 64-bit output rounded to a double, over 2^64 (as the reference does). */
  nextDouble(): number {
    return Number(this.next()) / TWO_64;
  }

  /** In [low, high]. */
  nextInt(low: number, high: number): number {
    return Math.floor(this.nextDouble() * (high - low + 1)) + low;
  }

  nextByte(): number {
    return this.nextInt(0, 255);
  }

  nextData(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.nextByte();
    return out;
  }
}
