// Wrapping for an EC recipient: a fresh ephemeral key pair in the ceremony token, ECDH with
// the recipient's public key into an AES-256 session key that may only wrap, RFC 5649 of
// the target under it. The ephemeral public key travels in the record; the ephemeral
// private key and the derived key are destroyed before this returns.
import type { ObjectHandle } from '../../../native/hsm/protocol';
import { NEEDS, checkKwpConformance, deriveWithKdf, probeKeyWrapPad, requireMechanisms } from './capabilities';
import type { RecipientKeyInfo } from './recipient-key';
import { destroyQuietly, toBase64, type WrapHsm } from './wrap-hsm';
import type { WrapRecord } from './wrap-record';

export interface EcdhWrapOptions {
  mechanisms: ReadonlySet<number>;
  allowZeroPaddedKwp: boolean;
  /** Force a KDF; by default CKD_SHA256_KDF where the token offers it, else CKD_NULL (P-256 only). */
  kdf?: 'null' | 'sha256';
}

type EcRecipient = Extract<RecipientKeyInfo, { type: 'ec' }>;

export async function wrapEcdhAesKwp(
  hsm: WrapHsm,
  slotId: string,
  key: ObjectHandle,
  privateKey: boolean,
  recipient: EcRecipient,
  options: EcdhWrapOptions,
): Promise<WrapRecord> {
  requireMechanisms(options.mechanisms, NEEDS.ecdhAesKwp, 'ECDH and AES key wrap');
  checkKwpConformance(await probeKeyWrapPad(hsm, slotId, privateKey), privateKey, options.allowZeroPaddedKwp);
  const curve = recipient.curve === 'p-256' ? 'ec-p256' : 'ec-p384';
  const ephemeral = await hsm.generateEcdhKeyPair(slotId, curve);
  let derived: ObjectHandle | null = null;
  try {
    const agreed = await deriveWithKdf(curve, options.kdf, (kdf) =>
      hsm.deriveEcdhKey({ baseKey: ephemeral.privateKey.handle, peerSpki: recipient.spki, kdf, target: { store: 'session', use: 'wrap' } }),
    );
    derived = agreed.result.handle;
    const wrapped = await hsm.wrapKey({ wrappingKey: derived, key, mechanism: 'aes-key-wrap-pad' });
    return { method: 'ecdh-aes-kwp', curve: recipient.curve, ephemeralPublicKey: toBase64(ephemeral.spki), kdf: agreed.kdf, wrappedKey: toBase64(wrapped) };
  } finally {
    await destroyQuietly(hsm, [derived, ephemeral.privateKey.handle, ephemeral.publicKey.handle]);
  }
}
