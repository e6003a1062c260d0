// The ephemeral AES-256 key of RSA_AES_KEY_WRAP_SHA_256 when the token cannot do RSA-OAEP
// with SHA-256 itself: made outside the token, so its randomness mixes the token's RNG with
// the OS CSPRNG (HKDF-SHA256 over both), and neither source alone decides it. It lives in
// main only as a Uint8Array the caller overwrites as soon as it has been encrypted to
// AWS KMS and imported into the token as a session key.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../../native/errors';
import type { WrapHsm } from '../wrap/wrap-hsm';

const SOURCE_BYTES = 32;
const SALT = new TextEncoder().encode('conclave/kms-ephemeral-aes-key/v1');

/** HKDF-SHA256(salt "conclave/kms-ephemeral-aes-key/v1", ikm = token bytes || OS bytes), 32 bytes. Exported for its test. */
export function mixEntropy(tokenBytes: Uint8Array, osBytes: Uint8Array): Uint8Array {
  const ikm = new Uint8Array(tokenBytes.length + osBytes.length);
  ikm.set(tokenBytes, 0);
  ikm.set(osBytes, tokenBytes.length);
  try {
    return hkdf(sha256, ikm, SALT, new Uint8Array(0), 32);
  } finally {
    ikm.fill(0);
  }
}

export async function mixedEphemeralKey(hsm: Pick<WrapHsm, 'generateRandom'>, slotId: string): Promise<Uint8Array> {
  const fromToken = await hsm.generateRandom(slotId, SOURCE_BYTES);
  const fromOs = new Uint8Array(randomBytes(SOURCE_BYTES));
  try {
    if (fromToken.length !== SOURCE_BYTES || fromToken.every((b) => b === 0)) {
      throw new DomainError({
        code: 'TOKEN_RNG_FAILED',
        message: `The token's random number generator returned ${fromToken.length === SOURCE_BYTES ? 'only zero bytes' : `${fromToken.length} bytes instead of ${SOURCE_BYTES}`}.`,
        action: 'The token or its module misbehaves: reconnect it and start again, and record the exception.',
      });
    }
    return mixEntropy(fromToken, fromOs);
  } finally {
    fromToken.fill(0);
    fromOs.fill(0);
  }
}
