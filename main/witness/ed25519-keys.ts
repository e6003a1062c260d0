// Ed25519 key material as Conclave holds it: the 32-byte seed (RFC 8032 private key) in a
// Uint8Array the caller overwrites, turned into node:crypto KeyObjects only for the
// moment they are needed. The fixed DER prefixes are those of RFC 8410 (PKCS#8
// OneAsymmetricKey v1 and SubjectPublicKeyInfo with id-Ed25519, no parameters).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, plainCopy, utf8 } from '../quorum/bytes';

export const SEED_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }, before the public key. */
export const ED25519_SPKI_PREFIX = Uint8Array.from(Buffer.from('302a300506032b6570032100', 'hex'));
/** SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) } }, before the seed. */
export const ED25519_PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));
export const ED25519_SPKI_BYTES = ED25519_SPKI_PREFIX.length + PUBLIC_KEY_BYTES;

const MIX_SALT = utf8('conclave/witness-key-seed/v1');

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Whether `spki` is exactly an Ed25519 SubjectPublicKeyInfo (44 bytes, RFC 8410 form). */
export function isEd25519Spki(spki: Uint8Array): boolean {
  return spki.length === ED25519_SPKI_BYTES && startsWith(spki, ED25519_SPKI_PREFIX);
}

/**
 * A fresh seed from node:crypto's Ed25519 key generation (the OS CSPRNG). With
 * `extraEntropy` (for example bytes from an HSM's RNG) the seed is HKDF-SHA256 over both,
 * so neither source alone decides it. The caller overwrites the result after use.
 */
export function generateSeed(extraEntropy?: Uint8Array): Uint8Array {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const seed = plainCopy(der.subarray(der.length - SEED_BYTES));
  der.fill(0);
  if (!extraEntropy) return seed;
  if (extraEntropy.length < 16) throw new RangeError('generateSeed: extra entropy must be at least 16 bytes');
  const ikm = concatBytes([seed, extraEntropy]);
  const mixed = hkdf(sha256, ikm, MIX_SALT, utf8('ed25519 seed'), SEED_BYTES);
  ikm.fill(0);
  seed.fill(0);
  return mixed;
}

/** A node:crypto private KeyObject for the seed; the DER it was built from is overwritten. */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== SEED_BYTES) throw new RangeError(`privateKeyFromSeed: an Ed25519 seed is ${SEED_BYTES} bytes`);
  const der = Buffer.alloc(ED25519_PKCS8_PREFIX.length + SEED_BYTES);
  der.set(ED25519_PKCS8_PREFIX, 0);
  der.set(seed, ED25519_PKCS8_PREFIX.length);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

/** The SubjectPublicKeyInfo DER of a private KeyObject's public half. */
export function spkiOf(privateKey: KeyObject): Uint8Array {
  return plainCopy(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

/** The SubjectPublicKeyInfo DER of the seed's public key. */
export function publicSpkiFromSeed(seed: Uint8Array): Uint8Array {
  return spkiOf(privateKeyFromSeed(seed));
}

/** PEM text of a SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----", 64-character lines). */
export function spkiToPem(spki: Uint8Array): string {
  const b64 = Buffer.from(spki).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}
