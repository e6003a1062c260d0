// Checking a witness signature with node:crypto alone, as any verifier can: Ed25519
// (RFC 8032, pure, over the payload bytes) or ECDSA P-256 with SHA-256 and a DER
// signature. The public key must be of the kind the algorithm names, so a signature
// cannot be passed off under another algorithm.
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ecdsaDerToRaw } from '../../native/hsm/der';
import { SIGNATURE_BYTES } from './ed25519-keys';
import { WITNESS_ALGORITHMS, type WitnessAlgorithm } from './witness-signer';

export interface WitnessSignatureInput {
  algorithm: WitnessAlgorithm;
  /** DER SubjectPublicKeyInfo of the witness's key. */
  publicKeySpki: Uint8Array;
  payload: Uint8Array;
  /** Ed25519: 64 bytes. ECDSA: DER Ecdsa-Sig-Value. */
  signature: Uint8Array;
}

export type WitnessSignatureCheck = { ok: true } | { ok: false; reason: string };

const P256_FIELD_BYTES = 32;

function publicKeyOf(spki: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/** Whether the signature holds, and if not, why (for a verifier's report). */
export function checkWitnessSignature(input: WitnessSignatureInput): WitnessSignatureCheck {
  const { algorithm, publicKeySpki, payload, signature } = input;
  if (!WITNESS_ALGORITHMS.includes(algorithm)) return { ok: false, reason: `the algorithm "${String(algorithm)}" is not one a witness signs with (${WITNESS_ALGORITHMS.join(', ')})` };
  if (!(publicKeySpki instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    return { ok: false, reason: 'the public key, payload and signature must be bytes' };
  }
  const key = publicKeyOf(publicKeySpki);
  if (!key) return { ok: false, reason: 'the public key is not a valid SubjectPublicKeyInfo' };
  if (algorithm === 'ed25519') {
    if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `an ed25519 signature needs an Ed25519 public key, found ${key.asymmetricKeyType ?? 'an unknown'} key` };
    if (signature.length !== SIGNATURE_BYTES) return { ok: false, reason: `an Ed25519 signature is ${SIGNATURE_BYTES} bytes, found ${signature.length}` };
    return nodeVerify(null, payload, key, signature) ? { ok: true } : { ok: false, reason: 'the Ed25519 signature does not verify with the public key' };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    return { ok: false, reason: `an ecdsa-p256-sha256 signature needs an EC P-256 public key, found ${key.asymmetricKeyType === 'ec' ? `the curve ${curve ?? 'unknown'}` : `${key.asymmetricKeyType ?? 'an unknown'} key`}` };
  }
  // Only the one DER form of (r, s) is accepted, so a signature has a single byte form.
  try {
    ecdsaDerToRaw(signature, P256_FIELD_BYTES);
  } catch (error) {
    return { ok: false, reason: `the ECDSA signature is not a DER Ecdsa-Sig-Value (${(error as Error).message})` };
  }
  return nodeVerify('sha256', payload, { key, dsaEncoding: 'der' }, signature)
    ? { ok: true }
    : { ok: false, reason: 'the ECDSA P-256 signature does not verify with the public key' };
}

/** True when `signature` is a valid witness signature of `payload` under `publicKeySpki` with `algorithm`. */
export function verifyWitnessSignature(input: WitnessSignatureInput): boolean {
  return checkWitnessSignature(input).ok;
}
