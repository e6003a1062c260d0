// A passphrase-sealed box, the one construction behind share envelopes and witness key
// files: Argon2id (main/quorum/kdf.ts) turns the passphrase into a 32-byte key, and
// XChaCha20-Poly1305 seals the plaintext under it with the file's canonical JSON as
// associated data. The derived key never outlives the call. What the box holds, and the
// errors a person sees, belong to each format.
import { randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { plainCopy } from '../quorum/bytes';
import { deriveKey, type KdfCost } from '../quorum/kdf';
import { KDF_MINIMUM, type KdfParams } from '../quorum/types';

export const BOX_AEAD_ALGORITHM = 'xchacha20poly1305';
export const BOX_NONCE_BYTES = 24;
export const BOX_TAG_BYTES = 16;
export const BOX_SALT_BYTES = KDF_MINIMUM.saltBytes;

export interface BoxLock {
  /** Argon2id parameters with their salt. */
  kdf: KdfParams;
  nonce: Uint8Array;
  /** The canonical JSON bytes the AEAD authenticates. */
  associatedData: Uint8Array;
}

/** A fresh salt and nonce, or copies of the fixed ones a test vector gives. */
export function boxRandomness(fixed: { salt?: Uint8Array; nonce?: Uint8Array }): { salt: Uint8Array; nonce: Uint8Array } {
  return {
    salt: fixed.salt ? plainCopy(fixed.salt) : new Uint8Array(randomBytes(BOX_SALT_BYTES)),
    nonce: fixed.nonce ? plainCopy(fixed.nonce) : new Uint8Array(randomBytes(BOX_NONCE_BYTES)),
  };
}

/** Argon2id version 19 parameters from a cost and a salt. */
export function kdfWithSalt(cost: KdfCost, salt: Uint8Array): KdfParams {
  return { algorithm: 'argon2id', version: 19, memoryKiB: cost.memoryKiB, iterations: cost.iterations, parallelism: cost.parallelism, salt };
}

/** Seals `plaintext` (not overwritten here: the caller owns it); returns ciphertext || tag. */
export async function sealWithPassphrase(passphrase: Uint8Array, lock: BoxLock, plaintext: Uint8Array): Promise<Uint8Array> {
  const key = await deriveKey(passphrase, lock.kdf);
  try {
    return xchacha20poly1305(key, plainCopy(lock.nonce), plainCopy(lock.associatedData)).encrypt(plaintext);
  } finally {
    key.fill(0);
  }
}

/**
 * Opens the box: the plaintext (the caller overwrites it after use), or null when the AEAD
 * does not authenticate (a wrong passphrase, or altered bytes). A failure to derive the
 * key (KDF_FAILED) is thrown, not mistaken for a wrong passphrase.
 */
export async function openWithPassphrase(passphrase: Uint8Array, lock: BoxLock, ciphertext: Uint8Array): Promise<Uint8Array | null> {
  const key = await deriveKey(passphrase, lock.kdf);
  try {
    return xchacha20poly1305(key, plainCopy(lock.nonce), plainCopy(lock.associatedData)).decrypt(plainCopy(ciphertext));
  } catch {
    return null;
  } finally {
    key.fill(0);
  }
}
