// Fingerprints a person can compare: the SHA-256 of an envelope file's bytes, as hex in
// groups of four and as six words from the BIP-39 English list (the digest's first 66
// bits, 11 bits per word), for reading aloud (docs/share-envelope.md, "Fingerprint").
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { sha256 } from './bytes';
import type { Fingerprint } from './types';

export const FINGERPRINT_WORDS = 6;

/** Lower-case hex in groups of four characters separated by single spaces. */
export function groupedHex(digest: Uint8Array): string {
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex.match(/.{1,4}/g)!.join(' ');
}

/** Words for the first 11 × count bits of `digest`, most significant bit first. */
export function digestWords(digest: Uint8Array, count = FINGERPRINT_WORDS): string[] {
  if (count * 11 > digest.length * 8) throw new RangeError('digestWords: the digest is too short');
  const words: string[] = [];
  for (let w = 0; w < count; w++) {
    let index = 0;
    for (let bit = w * 11; bit < w * 11 + 11; bit++) {
      index = (index << 1) | ((digest[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    words.push(wordlist[index]!);
  }
  return words;
}

/** The fingerprint of an envelope (or any file): SHA-256 of the exact bytes. */
export function fingerprintOf(bytes: Uint8Array): Fingerprint {
  const digest = sha256(bytes);
  return { hex: groupedHex(digest), words: digestWords(digest) };
}

/** The fingerprint's hex without spaces (64 characters). */
export function compactFingerprint(fingerprint: Fingerprint): string {
  return fingerprint.hex.replace(/ /g, '');
}
