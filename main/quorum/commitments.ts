// Commitments to shares and digests of secrets: domain-separated SHA-256 over
// length-prefixed fields (docs/share-envelope.md, "Commitments and digests"). A share's
// commitment names a bad share before combining; a secret's digest confirms the
// combination. Shares and secrets are uniformly random (Shamir shares, HSM-generated
// PINs), so neither hash helps anyone guess them.
import { concatBytes, lengthPrefixed, sha256Hex, uint32be, utf8 } from './bytes';
import type { EnvelopeSecretId } from './types';

export const SHARE_COMMITMENT_DOMAIN = 'conclave/share-commitment/v1';
export const SECRET_DIGEST_DOMAIN = 'conclave/secret-digest/v1';

export interface ShareCommitmentInput {
  ceremonyId: string;
  policyId: string;
  secretId: EnvelopeSecretId;
  /** Custodian index, 1-based. */
  index: number;
  share: Uint8Array;
}

/**
 * SHA-256( "conclave/share-commitment/v1" || 0x00 || lp(ceremonyId) || lp(policyId) ||
 * lp(secretId) || uint32be(index) || lp(share) ), lower-case hex; lp = uint32be length || bytes.
 */
export function shareCommitment(input: ShareCommitmentInput): string {
  if (!Number.isInteger(input.index) || input.index < 1 || input.index > 255) throw new RangeError('shareCommitment: index must be 1..255');
  return hashWiped([
    utf8(SHARE_COMMITMENT_DOMAIN),
    new Uint8Array([0]),
    lengthPrefixed(utf8(input.ceremonyId)),
    lengthPrefixed(utf8(input.policyId)),
    lengthPrefixed(utf8(input.secretId)),
    uint32be(input.index),
    lengthPrefixed(input.share),
  ]);
}

/** Hashes the concatenation, then overwrites every copy of the (secret) input. */
function hashWiped(parts: Uint8Array[]): string {
  const material = concatBytes(parts);
  try {
    return sha256Hex(material);
  } finally {
    material.fill(0);
    for (const part of parts) part.fill(0);
  }
}

export interface SecretDigestInput {
  ceremonyId: string;
  secretId: EnvelopeSecretId;
  secret: Uint8Array;
}

/** SHA-256( "conclave/secret-digest/v1" || 0x00 || lp(ceremonyId) || lp(secretId) || lp(secret) ), lower-case hex. */
export function secretDigest(input: SecretDigestInput): string {
  return hashWiped([
    utf8(SECRET_DIGEST_DOMAIN),
    new Uint8Array([0]),
    lengthPrefixed(utf8(input.ceremonyId)),
    lengthPrefixed(utf8(input.secretId)),
    lengthPrefixed(input.secret),
  ]);
}
