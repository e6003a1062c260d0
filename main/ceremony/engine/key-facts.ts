// What the backup and restore steps need to know about a key beyond its label: its type
// as the token reports it, the unwrap target for that type, and what identifies it —
// for a private key, a signature made in the token over fresh random bytes that verifies
// on the host (node:crypto) against the SPKI; for an AES key, its key check value
// (docs/key-wrapping.md: SHA-256 of a public test key wrapped under it, first 8 bytes).
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import type { KeyAttributes, ObjectHandle, SignMechanism, UnwrapTarget } from '../../../native/hsm/protocol';
import type { HsmClient } from '../../hsm/hsm-client';
import { isAsymmetric, type KeyType } from '../script';
import { engineError } from './errors';

/** The key type of a private or secret key from its attributes; null for anything Conclave does not make. */
export function keyTypeOf(a: KeyAttributes): KeyType | null {
  if (a.keyType === 'aes') return a.valueLength === 32 ? 'aes-256' : null;
  if (a.keyType === 'ec') return a.curve === 'ec-p256' || a.curve === 'ec-p384' ? a.curve : null;
  if (a.keyType === 'ec-edwards') return a.curve === 'ed25519' ? 'ed25519' : null;
  if (a.keyType === 'rsa') return a.modulusBits === 3072 ? 'rsa-3072' : a.modulusBits === 4096 ? 'rsa-4096' : null;
  return null;
}

/**
 * Whether a key the token unwrapped is of `type`. A token may report CKA_VALUE_LEN of an
 * unwrapped AES key as 0 (SoftHSM2 2.6 does); such a key is identified by its check value,
 * which the backup recorded, instead.
 */
export function unwrappedIsType(a: KeyAttributes, type: KeyType): boolean {
  if (type === 'aes-256') return a.keyType === 'aes' && (a.valueLength === 32 || a.valueLength === 0 || a.valueLength === null);
  return keyTypeOf(a) === type;
}

export function unwrapTargetFor(type: KeyType): UnwrapTarget {
  switch (type) {
    case 'aes-256':
      return { class: 'secret', keyType: 'aes' };
    case 'ec-p256':
    case 'ec-p384':
      return { class: 'private', keyType: 'ec' };
    case 'ed25519':
      return { class: 'private', keyType: 'ec-edwards' };
    case 'rsa-3072':
    case 'rsa-4096':
      return { class: 'private', keyType: 'rsa' };
  }
}

const SIGNING: Record<Exclude<KeyType, 'aes-256'>, { mechanism: SignMechanism; hash: string | null }> = {
  'ec-p256': { mechanism: 'ecdsa-sha256', hash: 'sha256' },
  'ec-p384': { mechanism: 'ecdsa-sha384', hash: 'sha384' },
  ed25519: { mechanism: 'eddsa', hash: null },
  'rsa-3072': { mechanism: 'rsa-pkcs1-sha256', hash: 'sha256' },
  'rsa-4096': { mechanism: 'rsa-pkcs1-sha256', hash: 'sha256' },
};

/** Whether the private key (which must be able to sign) signs for the public key `spki`. */
export async function signsFor(hsm: HsmClient, privateKey: ObjectHandle, type: KeyType, spki: Uint8Array): Promise<boolean> {
  if (!isAsymmetric(type)) throw new Error('signsFor: an AES key has no public key');
  const { mechanism, hash } = SIGNING[type as Exclude<KeyType, 'aes-256'>];
  const challenge = new Uint8Array(randomBytes(32));
  const raw = await hsm.sign({ key: privateKey, mechanism, data: challenge });
  const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  if (type === 'ed25519') return verify(null, challenge, publicKey, raw);
  if (type === 'ec-p256' || type === 'ec-p384') return verify(hash, challenge, { key: publicKey, dsaEncoding: 'der' }, ecdsaRawToDer(raw));
  return verify(hash, challenge, publicKey, raw);
}

export interface WrappedKeyCheck {
  checked: 'signature' | 'check-value';
  /** The AES key's check value (16 hex digits); null for a key pair. */
  checkValue: string | null;
}

/**
 * Proves what a wrapped key holds before anything relies on it: unwraps a short-lived
 * session copy (never stored on the token) that may sign (a key pair) or wrap (an AES key),
 * checks that it signs for `spki`, or takes its check value and compares it with
 * `expectedCheckValue` when one is given, and destroys the copy again.
 */
export async function checkWrappedKey(
  hsm: HsmClient,
  unwrappingKey: ObjectHandle,
  wrapped: Uint8Array,
  type: KeyType,
  expected: { spki: Uint8Array | null; checkValue: string | null },
): Promise<WrappedKeyCheck> {
  const pair = isAsymmetric(type);
  const copy = await hsm.unwrapKey({
    unwrappingKey,
    wrapped,
    mechanism: 'aes-key-wrap-pad',
    target: unwrapTargetFor(type),
    label: `conclave-check-${randomBytes(8).toString('hex')}`,
    role: pair ? 'sign' : 'wrap',
    sessionOnly: true,
  });
  try {
    if (!unwrappedIsType(copy.attributes, type)) {
      const found = keyTypeOf(copy.attributes);
      throw engineError('WRAPPED_KEY_WRONG_TYPE', `The wrapped key is ${found ? `an ${found} key` : 'of a type Conclave does not make'}, not ${type}.`, 'Record an exception: the wrapped file does not hold the key the script names.');
    }
    if (!pair) {
      const { value } = await hsm.keyCheckValue(copy.handle);
      if (expected.checkValue !== null && value !== expected.checkValue) {
        throw engineError(
          'KEY_CHECK_VALUE_MISMATCH',
          `The wrapped AES key has the check value ${value}, not the ${expected.checkValue} recorded for it.`,
          'Record an exception: the wrapped file and the record are not of one key. Do not rely on this backup.',
        );
      }
      return { checked: 'check-value', checkValue: value };
    }
    const spki = expected.spki;
    if (!spki || !(await signsFor(hsm, copy.handle, type, spki))) {
      throw engineError(
        'PUBLIC_KEY_MISMATCH',
        'The wrapped private key does not sign for the public key recorded for it.',
        'Record an exception: the wrapped file and the recorded public key are not one key pair. Do not rely on this backup.',
      );
    }
    return { checked: 'signature', checkValue: null };
  } finally {
    await hsm.destroyObject(copy.handle).catch(() => undefined);
  }
}
