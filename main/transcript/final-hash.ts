// Facts a later step reads off a verified transcript: its final hash (what the next
// ceremony links to and the report prints as a QR code) and the ceremony signing key.
import { DomainError } from '../../native/errors';
import type { ChainEntry } from './chain-verifier';
import { CEREMONY_SIGNING_PURPOSE } from './data-schemas';

/** The hash of the `sealed` entry, which ends a finished transcript. */
export function finalHash(entries: readonly ChainEntry[]): string {
  const last = entries[entries.length - 1];
  if (!last || last.entry.type !== 'sealed') {
    throw new DomainError({
      code: 'TRANSCRIPT_NOT_SEALED',
      message: last
        ? `The transcript ends with entry ${last.entry.seq} (${last.entry.type}), not with a sealed entry, so it has no final hash.`
        : 'The transcript is empty, so it has no final hash.',
      action: 'Finish the ceremony (seal it) first; only a sealed transcript has a final hash to link to.',
    });
  }
  return last.hash;
}

/** The SPKI DER of the ceremony-signing key recorded in a key-generated entry, or null. */
export function ceremonySigningKeyOf(entries: readonly ChainEntry[]): Uint8Array | null {
  for (const { entry } of entries) {
    if (entry.type === 'key-generated' && entry.data.purpose === CEREMONY_SIGNING_PURPOSE && entry.data.publicKeySpki !== null) {
      return Uint8Array.from(Buffer.from(entry.data.publicKeySpki, 'base64'));
    }
  }
  return null;
}
