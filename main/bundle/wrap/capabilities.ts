// What a token can do for a wrap method, decided from its mechanism list and, where the
// list cannot tell, by a probe on throwaway session keys: whether RSA-OAEP takes SHA-256,
// whether CKM_AES_KEY_WRAP_PAD really is RFC 5649 (cross-checked against @noble/ciphers),
// and which ECDH key derivation function the token applies. Nothing a probe makes
// outlives it.
import { aeskwp } from '@noble/ciphers/aes.js';
import { CKM_AES_KEY_GEN, CKM_AES_KEY_WRAP_PAD, CKM_ECDH1_DERIVE, CKM_EC_KEY_PAIR_GEN, CKM_RSA_PKCS_OAEP } from '../../../native/hsm/pkcs11-constants';
import { mechanismName } from '../../../native/hsm/pkcs11-names';
import type { EcdhKdf, ObjectHandle } from '../../../native/hsm/protocol';
import type { OaepHash } from './wrap-record';
import { codeOf, wrapError } from './errors';
import { destroyQuietly, scratchLabel, type WrapHsm } from './wrap-hsm';

export interface MechanismEntry {
  value: number;
}

export const NEEDS = {
  rsaOaep: [CKM_RSA_PKCS_OAEP],
  rsaAesKwp: [CKM_RSA_PKCS_OAEP, CKM_AES_KEY_GEN, CKM_AES_KEY_WRAP_PAD],
  ecdhAesKwp: [CKM_EC_KEY_PAIR_GEN, CKM_ECDH1_DERIVE, CKM_AES_KEY_WRAP_PAD],
  transportKek: [CKM_AES_KEY_WRAP_PAD],
} as const;

/** The token's mechanism list: the one given, or read from the token. */
export async function mechanismSet(hsm: Pick<WrapHsm, 'mechanismDetails'>, slotId: string, given?: readonly MechanismEntry[]): Promise<ReadonlySet<number>> {
  return new Set((given ?? (await hsm.mechanismDetails(slotId))).map((m) => m.value));
}

export function requireMechanisms(available: ReadonlySet<number>, needed: readonly number[], method: string): void {
  const missing = needed.filter((m) => !available.has(m));
  if (missing.length > 0) {
    throw wrapError(
      'WRAP_METHOD_UNSUPPORTED',
      `The token cannot wrap with ${method}: its mechanism list lacks ${missing.map((m) => `${mechanismName(m)} (0x${m.toString(16)})`).join(', ')}.`,
      'Choose a recipient whose wrap method this token supports (see docs/key-wrapping.md), or use a token that offers these mechanisms.',
    );
  }
}

/**
 * RSA-OAEP's hash for wrapping under `publicKey`: SHA-256 when the token does it (tried on
 * a throwaway session key), SHA-1 only when it cannot and the caller allows SHA-1.
 */
export async function chooseOaepHash(hsm: WrapHsm, slotId: string, publicKey: ObjectHandle, allowSha1: boolean): Promise<OaepHash> {
  const throwaway = await hsm.generateEphemeralWrapKey(slotId);
  try {
    try {
      await hsm.wrapKey({ wrappingKey: publicKey, key: throwaway.handle, mechanism: 'rsa-oaep-sha256' });
      return 'sha256';
    } catch (error) {
      if (codeOf(error) !== 'MECHANISM_PARAM_UNSUPPORTED') throw error;
    }
    if (!allowSha1) {
      throw wrapError(
        'OAEP_SHA256_UNSUPPORTED',
        'The ceremony token refused RSA-OAEP with SHA-256 (tried on a throwaway key); it offers RSA-OAEP only with SHA-1 (SoftHSM2 2.6 is such a token).',
        'Use a token that does RSA-OAEP with SHA-256, wrap for an EC or transport-KEK recipient instead, or allow SHA-1 explicitly in the export step (the bundle then says sha1, and an importer may refuse it).',
      );
    }
    await hsm.wrapKey({ wrappingKey: publicKey, key: throwaway.handle, mechanism: 'rsa-oaep-sha1' });
    return 'sha1';
  } finally {
    await destroyQuietly(hsm, [throwaway.handle]);
  }
}

/** How the token's CKM_AES_KEY_WRAP_PAD compares with RFC 5649 (@noble/ciphers aeskwp) on throwaway keys of known value. */
export interface KwpConformance {
  /** Keys whose length is a multiple of 8 (every AES key). */
  aligned: boolean;
  /** Other lengths (PKCS#8 private keys, usually); null when not probed. */
  unaligned: boolean | null;
}

/** Throwaway key lengths of the probe: an AES-256 key, and a length that needs RFC 5649 padding. */
export const KWP_PROBE_LENGTHS = { aligned: 32, unaligned: 20 } as const;

/**
 * Imports a random throwaway KEK as a session key, unwraps a random throwaway key wrapped
 * in software into an extractable session key, wraps it again in the token and compares
 * the two wraps byte for byte. Both values are fresh random numbers used for nothing else.
 */
export async function probeKeyWrapPad(hsm: WrapHsm, slotId: string, unaligned: boolean): Promise<KwpConformance> {
  const kekValue = randomBytes(32);
  const softwareKek = kekValue.slice();
  const kek = await hsm.importSessionWrapKey({ slotId, value: kekValue, label: scratchLabel('kwp-probe-kek') });
  try {
    const once = async (length: number): Promise<boolean> => {
      const value = randomBytes(length);
      // A @noble/ciphers instance encrypts once; each wrap gets its own.
      const expected = aeskwp(softwareKek).encrypt(value);
      let copy;
      try {
        copy = await hsm.unwrapKey({
          unwrappingKey: kek.handle,
          wrapped: expected,
          mechanism: 'aes-key-wrap-pad',
          target: { class: 'secret', keyType: length === 32 ? 'aes' : 'generic-secret' },
          label: scratchLabel('kwp-probe-key'),
          role: 'wrap-only-export',
          sessionOnly: true,
        });
      } catch (error) {
        if (codeOf(error) === 'WRAPPED_KEY_INVALID' || codeOf(error) === 'KEY_ATTRIBUTES_MISMATCH') return false;
        throw error;
      }
      try {
        const again = await hsm.wrapKey({ wrappingKey: kek.handle, key: copy.handle, mechanism: 'aes-key-wrap-pad' });
        return again.length === expected.length && again.every((b, i) => b === expected[i]);
      } finally {
        await destroyQuietly(hsm, [copy.handle]);
      }
    };
    const aligned = await once(KWP_PROBE_LENGTHS.aligned);
    return { aligned, unaligned: unaligned ? await once(KWP_PROBE_LENGTHS.unaligned) : null };
  } finally {
    kekValue.fill(0);
    softwareKek.fill(0);
    await destroyQuietly(hsm, [kek.handle]);
  }
}

/**
 * Refuses a token whose AES key wrap with padding is not RFC 5649 for the key at hand: never
 * for AES keys (lengths that are multiples of 8); for private keys (PKCS#8 of any length)
 * unless the caller accepts the zero-padding deviation SoftHSM2 shows.
 */
export function checkKwpConformance(result: KwpConformance, privateKey: boolean, allowZeroPadded: boolean): void {
  if (!result.aligned) {
    throw wrapError(
      'KWP_NOT_RFC5649',
      'The token lists AES key wrap with padding (CKM_AES_KEY_WRAP_PAD), but its output for a 32-byte throwaway key differs from RFC 5649 as computed by @noble/ciphers. A recipient could not unwrap what it makes.',
      'Do not export with this token\'s key wrap. Ask the vendor which standard its CKM_AES_KEY_WRAP_PAD follows; use another token or an RSA-OAEP recipient for AES keys.',
    );
  }
  if (privateKey && result.unaligned === false && !allowZeroPadded) {
    throw wrapError(
      'KWP_ZERO_PADDED',
      'The token\'s AES key wrap with padding departs from RFC 5649 for keys whose length is not a multiple of 8 (it pads them with zero bytes first, as SoftHSM2 does). A private key\'s PKCS#8 encoding usually has such a length, so the recipient would unwrap it with trailing zero bytes.',
      'Export AES keys only, or use a token whose key wrap follows RFC 5649. Where the recipient is known to accept the padded form (a SoftHSM2 rehearsal token), allow it explicitly in the export step.',
    );
  }
}

/**
 * Derives with the KDF the caller asked for, or tries CKD_SHA256_KDF and falls back to
 * CKD_NULL where the token refuses it. CKD_NULL is used on P-256 only: there the shared
 * secret is exactly 32 bytes, while on P-384 tokens may disagree on which 32 of its 48 bytes
 * make the key.
 */
export async function deriveWithKdf<T>(
  curve: 'ec-p256' | 'ec-p384',
  preferred: EcdhKdf | undefined,
  derive: (kdf: EcdhKdf) => Promise<T>,
): Promise<{ kdf: EcdhKdf; result: T }> {
  if (preferred === 'null') {
    checkNullKdf(curve);
    return { kdf: 'null', result: await derive('null') };
  }
  try {
    return { kdf: 'sha256', result: await derive('sha256') };
  } catch (error) {
    if (preferred === 'sha256' || codeOf(error) !== 'MECHANISM_PARAM_UNSUPPORTED') throw error;
  }
  checkNullKdf(curve, true);
  return { kdf: 'null', result: await derive('null') };
}

export function checkNullKdf(curve: 'ec-p256' | 'ec-p384', afterRefusal = false): void {
  if (curve === 'ec-p256') return;
  throw wrapError(
    'ECDH_KDF_UNSUPPORTED',
    `${afterRefusal ? 'The token refused ECDH with CKD_SHA256_KDF, and ' : ''}ECDH without a KDF (CKD_NULL) on P-384 leaves it to each token which 32 of the 48 shared-secret bytes form the AES-256 key, so sender and recipient may disagree.`,
    'Use a P-256 recipient key, or tokens that both offer CKD_SHA256_KDF.',
  );
}

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  crypto.getRandomValues(out);
  return out;
}
