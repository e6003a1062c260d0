// What a checkpoint or seal signature signs (docs/transcript.md, "Signatures"): the UTF-8
// bytes of
//   "conclave-transcript-signature-v1\n" + ceremonyId + "\n" + seq + "\n" + entryHash
// where seq is the signed entry's sequence number in decimal and entryHash its lower-case
// hex entry hash. No newline at the end. The domain string keeps these signatures from
// being mistaken for any other signature the same key makes.

export const SIGNATURE_DOMAIN = 'conclave-transcript-signature-v1';

export function signaturePayload(ceremonyId: string, seq: number, hash: string): Uint8Array {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`signaturePayload: seq must be a non-negative whole number, got ${seq}`);
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new RangeError('signaturePayload: hash must be 64 lower-case hex digits');
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(ceremonyId)) throw new RangeError('signaturePayload: not a ceremony id');
  return new TextEncoder().encode(`${SIGNATURE_DOMAIN}\n${ceremonyId}\n${seq}\n${hash}`);
}
