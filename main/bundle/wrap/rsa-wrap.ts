// Wrapping for an RSA recipient, inside the ceremony token. rsa-oaep: the key itself
// under RSA-OAEP (AES keys only: OAEP carries a few hundred bytes at most). rsa-aes-kwp:
// the CKM_RSA_AES_KEY_WRAP layout done in steps, because tokens rarely offer that
// mechanism (SoftHSM2 does not): a fresh AES-256 session key wraps the target with RFC
// 5649, RSA-OAEP wraps that session key, and the session key is destroyed. The
// recipient's public key is a session object for the duration.
import type { ObjectHandle } from '../../../native/hsm/protocol';
import { NEEDS, checkKwpConformance, chooseOaepHash, probeKeyWrapPad, requireMechanisms } from './capabilities';
import { wrapError } from './errors';
import type { RecipientKeyInfo } from './recipient-key';
import { destroyQuietly, toBase64, type WrapHsm } from './wrap-hsm';
import type { WrapRecord } from './wrap-record';

export interface RsaWrapOptions {
  mechanisms: ReadonlySet<number>;
  allowOaepSha1: boolean;
  allowZeroPaddedKwp: boolean;
}

type RsaRecipient = Extract<RecipientKeyInfo, { type: 'rsa' }>;

export async function wrapRsaOaep(hsm: WrapHsm, slotId: string, key: ObjectHandle, recipient: RsaRecipient, options: RsaWrapOptions): Promise<WrapRecord> {
  requireMechanisms(options.mechanisms, NEEDS.rsaOaep, 'RSA-OAEP');
  const publicKey = await hsm.importWrappingPublicKey(slotId, recipient.spki);
  try {
    const oaepHash = await chooseOaepHash(hsm, slotId, publicKey.handle, options.allowOaepSha1);
    const wrapped = await hsm.wrapKey({ wrappingKey: publicKey.handle, key, mechanism: oaepHash === 'sha256' ? 'rsa-oaep-sha256' : 'rsa-oaep-sha1' });
    checkLength(wrapped.length, recipient.bits, 'RSA-OAEP');
    return { method: 'rsa-oaep', oaepHash, wrappedKey: toBase64(wrapped) };
  } finally {
    await destroyQuietly(hsm, [publicKey.handle]);
  }
}

export async function wrapRsaAesKwp(
  hsm: WrapHsm,
  slotId: string,
  key: ObjectHandle,
  privateKey: boolean,
  recipient: RsaRecipient,
  options: RsaWrapOptions,
): Promise<WrapRecord> {
  requireMechanisms(options.mechanisms, NEEDS.rsaAesKwp, 'RSA-AES key wrap');
  checkKwpConformance(await probeKeyWrapPad(hsm, slotId, privateKey), privateKey, options.allowZeroPaddedKwp);
  const publicKey = await hsm.importWrappingPublicKey(slotId, recipient.spki);
  let ephemeral: ObjectHandle | null = null;
  try {
    const oaepHash = await chooseOaepHash(hsm, slotId, publicKey.handle, options.allowOaepSha1);
    ephemeral = (await hsm.generateEphemeralWrapKey(slotId)).handle;
    const inner = await hsm.wrapKey({ wrappingKey: ephemeral, key, mechanism: 'aes-key-wrap-pad' });
    const outer = await hsm.wrapKey({ wrappingKey: publicKey.handle, key: ephemeral, mechanism: oaepHash === 'sha256' ? 'rsa-oaep-sha256' : 'rsa-oaep-sha1' });
    checkLength(outer.length, recipient.bits, 'the RSA-OAEP part of RSA-AES key wrap');
    const wrapped = new Uint8Array(outer.length + inner.length);
    wrapped.set(outer, 0);
    wrapped.set(inner, outer.length);
    return { method: 'rsa-aes-kwp', oaepHash, wrappedKey: toBase64(wrapped) };
  } finally {
    await destroyQuietly(hsm, [ephemeral, publicKey.handle]);
  }
}

/** An RSA ciphertext is exactly as long as the modulus; anything else means the token did something else. */
function checkLength(length: number, bits: number, what: string): void {
  if (length !== Math.ceil(bits / 8)) {
    throw wrapError(
      'WRAP_METHOD_UNSUPPORTED',
      `The token returned ${length} bytes for ${what} under a ${bits}-bit RSA key; exactly ${Math.ceil(bits / 8)} were expected.`,
      'Do not use this token for RSA wrapping; record the exception and ask the vendor.',
    );
  }
}
