// A SHA-256 given as hex, shown the way people compare it: hex in groups of four and the
// six BIP-39 words of its first 66 bits (docs/share-envelope.md, "Fingerprint").
import { digestWords, groupedHex } from '../../quorum/fingerprint';

export function hashForPeople(hex: string): { grouped: string; words: string[] } {
  const bytes = Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
  if (bytes.length !== 32) throw new RangeError('hashForPeople: expected a SHA-256 as 64 hex digits');
  return { grouped: groupedHex(bytes), words: digestWords(bytes) };
}
