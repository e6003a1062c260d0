// A fresh AES-256 backup key: 32 bytes from the token's RNG and 32 from the OS CSPRNG,
// mixed with HKDF-SHA256 so neither source alone decides it. Unlike the PINs of a token
// that has no RNG yet, key material never falls back to the OS alone: a token whose RNG
// does not answer fails the step.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { HsmClient } from '../../hsm/hsm-client';
import { engineError } from './errors';

export const BACKUP_KEY_BYTES = 32;
const SOURCE_BYTES = 32;
const SALT = new TextEncoder().encode('conclave/backup-key/v1');
const INFO = new TextEncoder().encode('aes-256 backup key');

/** The caller overwrites the returned key once it has been shared out and used to wrap. */
export async function newBackupKey(hsm: HsmClient, slotId: string): Promise<Uint8Array> {
  let fromToken: Uint8Array;
  try {
    fromToken = await hsm.generateRandom(slotId, SOURCE_BYTES);
  } catch (error) {
    throw engineError(
      'TOKEN_RNG_FAILED',
      `The token's random number generator did not answer (${(error as Error).message}); a backup key is never made from the computer's randomness alone.`,
      'Check the token and retry the step; record an exception if it keeps failing.',
    );
  }
  const fromOs = new Uint8Array(SOURCE_BYTES);
  crypto.getRandomValues(fromOs);
  const ikm = new Uint8Array(SOURCE_BYTES * 2);
  try {
    if (fromToken.length !== SOURCE_BYTES) {
      throw engineError('TOKEN_RNG_FAILED', `The token's random number generator returned ${fromToken.length} bytes instead of ${SOURCE_BYTES}.`, 'The token or its module misbehaves: record an exception.');
    }
    ikm.set(fromToken, 0);
    ikm.set(fromOs, SOURCE_BYTES);
    return hkdf(sha256, ikm, SALT, INFO, BACKUP_KEY_BYTES);
  } finally {
    ikm.fill(0);
    fromToken.fill(0);
    fromOs.fill(0);
  }
}
