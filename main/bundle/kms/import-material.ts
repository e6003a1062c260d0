// The AWS KMS import profile: for a KMS wrapping public key and wrapping algorithm, exactly
// the EncryptedKeyMaterial bytes ImportKeyMaterial accepts (docs/aws-kms-import.md).
//   RSAES_OAEP_SHA_256        RSA-OAEP (SHA-256, MGF1-SHA-256, empty label) of the key itself.
//   RSA_AES_KEY_WRAP_SHA_256  RSA-OAEP-SHA-256 of an ephemeral AES-256 key, followed directly
//                             by RFC 5649 of the key under it (no IV or length in between).
// The target key is wrapped only inside the token. Where the token cannot do RSA-OAEP with
// SHA-256 (SoftHSM2 2.6), RSA_AES_KEY_WRAP_SHA_256 encrypts the ephemeral key in software
// (node:crypto), the ephemeral key being made from the token's RNG mixed with the OS CSPRNG
// and imported into the token as a session key for the RFC 5649 step: the ephemeral key
// exists briefly in this process, the target key never does.
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { CKM_AES_KEY_WRAP_PAD, CKM_RSA_PKCS_OAEP } from '../../../native/hsm/pkcs11-constants';
import type { KeySpecType, ObjectHandle } from '../../../native/hsm/protocol';
import { checkKwpConformance, chooseOaepHash, mechanismSet, probeKeyWrapPad, requireMechanisms, type MechanismEntry } from '../wrap/capabilities';
import { codeOf, wrapError } from '../wrap/errors';
import { checkKeyToWrap, isSecretKey } from '../wrap/key-kinds';
import { destroyQuietly, scratchLabel, toBase64, type WrapHsm } from '../wrap/wrap-hsm';
import type { WrapRecord } from '../wrap/wrap-record';
import { mixedEphemeralKey } from './ephemeral-key';
import { parseKmsWrappingKey, type KmsWrappingAlgorithm } from './wrapping-key';

export interface KmsImportMaterial {
  /** Exactly the bytes for "aws kms import-key-material --encrypted-key-material fileb://EncryptedKeyMaterial.bin". */
  encryptedKeyMaterial: Uint8Array;
  wrappingAlgorithm: KmsWrappingAlgorithm;
  /** Where the RSA-OAEP step ran: in the token, or in software for the ephemeral key only. */
  oaepComputedIn: 'token' | 'software';
  /** The same bytes as the bundle's wrap record. */
  record: WrapRecord;
}

export interface KmsTarget {
  /** PublicKey from GetParametersForImport: base64 text, PEM, or DER bytes. */
  wrappingPublicKey: Uint8Array | string;
  wrappingAlgorithm: KmsWrappingAlgorithm;
}

export async function awsKmsImportMaterial(
  hsm: WrapHsm,
  slotId: string,
  keyHandle: ObjectHandle,
  keyAlgorithm: KeySpecType,
  target: KmsTarget,
  options: { mechanisms?: readonly MechanismEntry[] } = {},
): Promise<KmsImportMaterial> {
  checkKeyToWrap(await hsm.keyAttributes(keyHandle), slotId, keyAlgorithm);
  const wrappingKey = parseKmsWrappingKey(target.wrappingPublicKey);
  const mechanisms = await mechanismSet(hsm, slotId, options.mechanisms);
  const modulusBytes = wrappingKey.bits / 8;
  if (target.wrappingAlgorithm === 'RSAES_OAEP_SHA_256') {
    if (!isSecretKey(keyAlgorithm)) {
      throw wrapError(
        'WRAP_METHOD_UNSUPPORTED',
        'RSAES_OAEP_SHA_256 can carry an AES key only: a token wraps private keys with RSA-OAEP nowhere, and an RSA private key does not fit.',
        'Ask the KMS side for a wrapping key and import token with RSA_AES_KEY_WRAP_SHA_256.',
      );
    }
    requireMechanisms(mechanisms, [CKM_RSA_PKCS_OAEP], 'RSAES_OAEP_SHA_256');
    const publicKey = await hsm.importWrappingPublicKey(slotId, wrappingKey.spki);
    try {
      await oaepSha256InToken(hsm, slotId, publicKey.handle, true);
      const material = await hsm.wrapKey({ wrappingKey: publicKey.handle, key: keyHandle, mechanism: 'rsa-oaep-sha256' });
      checkLength(material.length, modulusBytes);
      return finish(material, target.wrappingAlgorithm, 'token', 'rsa-oaep');
    } finally {
      await destroyQuietly(hsm, [publicKey.handle]);
    }
  }
  requireMechanisms(mechanisms, [CKM_AES_KEY_WRAP_PAD], 'RSA_AES_KEY_WRAP_SHA_256');
  // KMS unwraps with RFC 5649 exactly, so a token that zero-pads private keys is refused outright.
  checkKwpConformance(await probeKeyWrapPad(hsm, slotId, !isSecretKey(keyAlgorithm)), !isSecretKey(keyAlgorithm), false);
  const inToken = mechanisms.has(CKM_RSA_PKCS_OAEP) ? await hsm.importWrappingPublicKey(slotId, wrappingKey.spki) : null;
  let ephemeral: ObjectHandle | null = null;
  try {
    if (inToken && (await oaepSha256InToken(hsm, slotId, inToken.handle, false))) {
      ephemeral = (await hsm.generateEphemeralWrapKey(slotId)).handle;
      const inner = await hsm.wrapKey({ wrappingKey: ephemeral, key: keyHandle, mechanism: 'aes-key-wrap-pad' });
      const outer = await hsm.wrapKey({ wrappingKey: inToken.handle, key: ephemeral, mechanism: 'rsa-oaep-sha256' });
      checkLength(outer.length, modulusBytes);
      return finish(concat(outer, inner), target.wrappingAlgorithm, 'token', 'rsa-aes-kwp');
    }
    const value = await mixedEphemeralKey(hsm, slotId);
    let outer: Uint8Array;
    try {
      outer = new Uint8Array(
        publicEncrypt(
          { key: createPublicKey({ key: Buffer.from(wrappingKey.spki), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          value,
        ),
      );
      // The worker overwrites its copy of the value; this one is overwritten below.
      ephemeral = (await hsm.importSessionWrapKey({ slotId, value, label: scratchLabel('kms-ephemeral') })).handle;
    } finally {
      value.fill(0);
    }
    checkLength(outer.length, modulusBytes);
    const inner = await hsm.wrapKey({ wrappingKey: ephemeral, key: keyHandle, mechanism: 'aes-key-wrap-pad' });
    return finish(concat(outer, inner), target.wrappingAlgorithm, 'software', 'rsa-aes-kwp');
  } finally {
    await destroyQuietly(hsm, [ephemeral, inToken?.handle]);
  }
}

/** True when the token does RSA-OAEP with SHA-256; false, or a KMS-specific refusal when `required`, when it cannot. */
async function oaepSha256InToken(hsm: WrapHsm, slotId: string, publicKey: ObjectHandle, required: boolean): Promise<boolean> {
  try {
    await chooseOaepHash(hsm, slotId, publicKey, false);
    return true;
  } catch (error) {
    if (codeOf(error) !== 'OAEP_SHA256_UNSUPPORTED') throw error;
    if (!required) return false;
    throw wrapError(
      'OAEP_SHA256_UNSUPPORTED',
      'RSAES_OAEP_SHA_256 needs the token to encrypt the key with RSA-OAEP and SHA-256, and this token refused that (tried on a throwaway key; SoftHSM2 2.6 does RSA-OAEP only with SHA-1). The key itself is never encrypted outside the token.',
      'Ask the KMS side for a wrapping public key and import token with RSA_AES_KEY_WRAP_SHA_256 (aws kms get-parameters-for-import --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256), and export again with that.',
    );
  }
}

function finish(material: Uint8Array, wrappingAlgorithm: KmsWrappingAlgorithm, oaepComputedIn: 'token' | 'software', method: 'rsa-oaep' | 'rsa-aes-kwp'): KmsImportMaterial {
  return { encryptedKeyMaterial: material, wrappingAlgorithm, oaepComputedIn, record: { method, oaepHash: 'sha256', wrappedKey: toBase64(material) } };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function checkLength(length: number, modulusBytes: number): void {
  if (length !== modulusBytes) {
    throw wrapError(
      'WRAP_METHOD_UNSUPPORTED',
      `RSA-OAEP gave ${length} bytes under the ${modulusBytes * 8}-bit KMS wrapping key; exactly ${modulusBytes} were expected.`,
      'Do not hand this material to AWS KMS; record the exception.',
    );
  }
}
