// What every witness identity looks like to the ceremony engine: a name, a public key
// (SPKI DER) with its fingerprint, and a sign() that returns a signature the verifier
// checks with node:crypto or openssl (docs/witness-key.md). Two kinds exist: an Ed25519
// key file protected by a passphrase, and an EC P-256 key on the witness's own PKCS#11
// token (a smartcard).
import { DomainError } from '../../native/errors';

/** Signature algorithms a witness signs with (the transcript's `algorithm` field). */
export type WitnessAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';
export const WITNESS_ALGORITHMS: readonly WitnessAlgorithm[] = ['ed25519', 'ecdsa-p256-sha256'];

export type WitnessKind = 'file' | 'pkcs11';

export interface WitnessSigner {
  /** The witness's name (from the key file, or given for a token). */
  readonly name: string;
  readonly kind: WitnessKind;
  readonly algorithm: WitnessAlgorithm;
  /** DER SubjectPublicKeyInfo of the signing key. */
  readonly publicKeySpki: Uint8Array;
  /** Lower-case hex SHA-256 of publicKeySpki, 64 characters without spaces. */
  readonly fingerprint: string;
  /**
   * Signs the payload: a 64-byte Ed25519 signature (RFC 8032), or for ECDSA a DER
   * Ecdsa-Sig-Value over SHA-256 of the payload. Each signature is checked against the
   * public key before it is returned.
   */
  sign(payload: Uint8Array): Promise<Uint8Array>;
  /** Overwrites the secrets the signer holds; sign() fails afterwards. Safe to call twice. */
  close(): void;
}

export function signerClosed(name: string): DomainError {
  return new DomainError({
    code: 'WITNESS_SIGNER_CLOSED',
    message: `The signing key of witness ${name} has been closed.`,
    action: 'Open the witness key again (key file and passphrase, or the token and PIN) to sign.',
  });
}

export function selfCheckFailed(name: string, kind: WitnessKind): DomainError {
  return new DomainError({
    code: 'WITNESS_SIGNATURE_SELF_CHECK_FAILED',
    message: `A signature made with the key of witness ${name} does not verify against its public key.`,
    action:
      kind === 'pkcs11'
        ? 'The token signed with a key that does not match the public key found under that label: check the key label on the token, and record an exception.'
        : 'The key file or this machine is faulty: do not use the signature. Record an exception and open the key file on another machine.',
  });
}
