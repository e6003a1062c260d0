// The two ECDSA profiles a bundle can be signed with, and the one byte form of a
// signature: r || s (IEEE P1363, as PKCS#11 returns it) with s in the lower half of the
// group order. An ECDSA signature (r, s) is equally valid as (r, n − s); allowing only
// the low form gives every signed bundle exactly one valid byte string, so its SHA-256
// names it. A signer that gets a high s from the HSM replaces it by n − s (a public
// operation, no key needed).
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { SignMechanism } from '../../../native/hsm/protocol';

export const BUNDLE_SIGNATURE_ALGORITHMS = ['ecdsa-p256-sha256', 'ecdsa-p384-sha384'] as const;
export type BundleSignatureAlgorithm = (typeof BUNDLE_SIGNATURE_ALGORITHMS)[number];

export interface EcdsaProfile {
  algorithm: BundleSignatureAlgorithm;
  /** The curve as node:crypto names it. */
  namedCurve: 'prime256v1' | 'secp384r1';
  /** The curve as people read it. */
  curveName: 'P-256' | 'P-384';
  hash: 'sha256' | 'sha384';
  /** The PKCS#11 mechanism the HSM signs with (hashing inside the token). */
  mechanism: SignMechanism;
  /** Bytes of r and of s. */
  fieldBytes: number;
  order: bigint;
}

export const ECDSA_PROFILES: Record<BundleSignatureAlgorithm, EcdsaProfile> = {
  'ecdsa-p256-sha256': {
    algorithm: 'ecdsa-p256-sha256',
    namedCurve: 'prime256v1',
    curveName: 'P-256',
    hash: 'sha256',
    mechanism: 'ecdsa-sha256',
    fieldBytes: 32,
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  },
  'ecdsa-p384-sha384': {
    algorithm: 'ecdsa-p384-sha384',
    namedCurve: 'secp384r1',
    curveName: 'P-384',
    hash: 'sha384',
    mechanism: 'ecdsa-sha384',
    fieldBytes: 48,
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
};

/** The profile for a public key, or null when it is not an EC P-256 or P-384 key. */
export function profileOfKey(key: KeyObject): EcdsaProfile | null {
  if (key.asymmetricKeyType !== 'ec') return null;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return Object.values(ECDSA_PROFILES).find((p) => p.namedCurve === curve) ?? null;
}

/** A public key from DER SubjectPublicKeyInfo, or null when the bytes are not one. */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function toFixedBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Whether r and s are both in [1, n − 1] and s ≤ n / 2. */
export function isLowS(raw: Uint8Array, profile: EcdsaProfile): boolean {
  if (raw.length !== profile.fieldBytes * 2) return false;
  const r = toBigInt(raw.subarray(0, profile.fieldBytes));
  const s = toBigInt(raw.subarray(profile.fieldBytes));
  return r >= 1n && r < profile.order && s >= 1n && s <= profile.order >> 1n;
}

/** The same signature with s replaced by n − s when s is in the upper half. */
export function normalizeLowS(raw: Uint8Array, profile: EcdsaProfile): Uint8Array {
  if (raw.length !== profile.fieldBytes * 2) throw new RangeError(`an ${profile.curveName} signature r||s is ${profile.fieldBytes * 2} bytes, got ${raw.length}`);
  const s = toBigInt(raw.subarray(profile.fieldBytes));
  const out = Uint8Array.from(raw);
  if (s > profile.order >> 1n) out.set(toFixedBytes(profile.order - s, profile.fieldBytes), profile.fieldBytes);
  return out;
}

/** ECDSA verification of r || s over `payload` (hashed with the profile's hash). */
export function verifyRaw(key: KeyObject, profile: EcdsaProfile, payload: Uint8Array, raw: Uint8Array): boolean {
  if (raw.length !== profile.fieldBytes * 2) return false;
  return nodeVerify(profile.hash, payload, { key, dsaEncoding: 'ieee-p1363' }, raw);
}
