// The transport key-encryption key: an AES-256 key both tokens hold under one label,
// sensitive, never extractable, able only to wrap and unwrap. It is agreed by ECDH between
// a fresh key pair on each token (both tokens reachable from this machine, as the
// rehearsal recipient's second SoftHSM2 slot is), so its value never exists outside a
// token, and both tokens' key check values are compared before it counts as set up.
// Wrapping under it is RFC 5649, with the check value in the record so the recipient names
// a wrong KEK before unwrapping anything.
import type { EcdhCurve, EcdhKdf, KeyInfo, ObjectHandle } from '../../../native/hsm/protocol';
import { NEEDS, checkKwpConformance, checkNullKdf, mechanismSet, probeKeyWrapPad, requireMechanisms } from './capabilities';
import { codeOf, wrapError } from './errors';
import { destroyQuietly, toBase64, type WrapHsm } from './wrap-hsm';
import type { WrapRecord } from './wrap-record';
import { CKM_ECDH1_DERIVE, CKM_EC_KEY_PAIR_GEN } from '../../../native/hsm/pkcs11-constants';

/** The transport KEK by label; exactly one AES key that wraps and unwraps and can never leave the token. */
export async function findTransportKek(hsm: WrapHsm, slotId: string, label: string): Promise<KeyInfo> {
  const found = (await hsm.findObjects({ slotId, label, class: 'secret' })).filter((o) => o.keyType === 'aes');
  if (found.length === 0) {
    throw wrapError(
      'TRANSPORT_KEK_NOT_FOUND',
      `There is no AES transport key labelled "${label}" on the token in slot ${slotId} (or nobody is logged in as user).`,
      'Log in to the token, and check that the transport key was set up on this token under this label.',
    );
  }
  if (found.length > 1) {
    throw wrapError('TRANSPORT_KEK_AMBIGUOUS', `${found.length} AES keys on the token in slot ${slotId} are labelled "${label}".`, 'Remove the extra keys or set up the transport key under a new label.');
  }
  const info = await hsm.keyAttributes((found[0] as { handle: string }).handle);
  const a = info.attributes;
  if (a.sensitive !== true || a.extractable !== false || a.wrap !== true || a.unwrap !== true) {
    throw wrapError(
      'TRANSPORT_KEK_UNSAFE',
      `The key "${label}" in slot ${slotId} is not a proper transport key: it must be sensitive, not extractable, and able to wrap and unwrap (found sensitive=${a.sensitive}, extractable=${a.extractable}, wrap=${a.wrap}, unwrap=${a.unwrap}).`,
      'Set up the transport key again with Conclave (establishTransportKek), under a new label.',
    );
  }
  return info;
}

export interface TransportWrapOptions {
  mechanisms: ReadonlySet<number>;
  allowZeroPaddedKwp: boolean;
}

export async function wrapUnderTransportKek(
  hsm: WrapHsm,
  slotId: string,
  key: ObjectHandle,
  privateKey: boolean,
  kekLabel: string,
  options: TransportWrapOptions,
): Promise<WrapRecord> {
  requireMechanisms(options.mechanisms, NEEDS.transportKek, 'the transport KEK');
  const kek = await findTransportKek(hsm, slotId, kekLabel);
  checkKwpConformance(await probeKeyWrapPad(hsm, slotId, privateKey), privateKey, options.allowZeroPaddedKwp);
  const checkValue = await hsm.keyCheckValue(kek.handle);
  const wrapped = await hsm.wrapKey({ wrappingKey: kek.handle, key, mechanism: 'aes-key-wrap-pad' });
  return { method: 'transport-kek-kwp', kekLabel, kekCheckValue: checkValue.value, wrappedKey: toBase64(wrapped) };
}

export interface TokenRef {
  hsm: WrapHsm;
  slotId: string;
}

export interface TransportKekSetup {
  label: string;
  /** The key check value both tokens computed (docs/key-wrapping.md, "Key check value"). */
  checkValue: string;
  curve: EcdhCurve;
  kdf: EcdhKdf;
  /** The KEK on each token. */
  a: KeyInfo;
  b: KeyInfo;
}

export interface EstablishOptions {
  label: string;
  /** Default P-256. */
  curve?: EcdhCurve;
  /** Default: CKD_SHA256_KDF where both tokens offer it, else CKD_NULL (P-256 only). */
  kdf?: EcdhKdf;
}

/**
 * Sets up one transport KEK on two tokens: a fresh session key pair on each, ECDH both
 * ways into a token object under `label`, then both check values compared. On any failure
 * neither token keeps a KEK. Both tokens must be logged in as user.
 */
export async function establishTransportKek(a: TokenRef, b: TokenRef, options: EstablishOptions): Promise<TransportKekSetup> {
  const curve = options.curve ?? 'ec-p256';
  for (const side of [a, b]) requireMechanisms(await mechanismSet(side.hsm, side.slotId), [CKM_EC_KEY_PAIR_GEN, CKM_ECDH1_DERIVE, ...NEEDS.transportKek], 'a transport KEK agreed by ECDH');
  const pairA = await a.hsm.generateEcdhKeyPair(a.slotId, curve);
  const made: Array<{ side: TokenRef; handle: string }> = [
    { side: a, handle: pairA.privateKey.handle },
    { side: a, handle: pairA.publicKey.handle },
  ];
  const kekHandles: Array<{ side: TokenRef; handle: string }> = [];
  try {
    const pairB = await b.hsm.generateEcdhKeyPair(b.slotId, curve);
    made.push({ side: b, handle: pairB.privateKey.handle }, { side: b, handle: pairB.publicKey.handle });
    const kdf = options.kdf ?? (await agreedKdf(a, b, pairA.privateKey.handle, pairB.privateKey.handle, pairA.spki, pairB.spki));
    if (kdf === 'null') checkNullKdf(curve);
    const id = Buffer.from(await a.hsm.generateRandom(a.slotId, 16)).toString('hex');
    const kekA = await a.hsm.deriveEcdhKey({ baseKey: pairA.privateKey.handle, peerSpki: pairB.spki, kdf, target: { store: 'token', label: options.label, id } });
    kekHandles.push({ side: a, handle: kekA.handle });
    const kekB = await b.hsm.deriveEcdhKey({ baseKey: pairB.privateKey.handle, peerSpki: pairA.spki, kdf, target: { store: 'token', label: options.label, id } });
    kekHandles.push({ side: b, handle: kekB.handle });
    const [checkA, checkB] = [await a.hsm.keyCheckValue(kekA.handle), await b.hsm.keyCheckValue(kekB.handle)];
    if (checkA.value !== checkB.value) {
      throw wrapError(
        'TRANSPORT_KEK_MISMATCH',
        `The two tokens derived different transport keys (check values ${checkA.value} and ${checkB.value}); the keys were deleted again.`,
        'One of the tokens does ECDH differently. Record the exception; try the other KDF, or use another token.',
      );
    }
    kekHandles.length = 0;
    return { label: options.label, checkValue: checkA.value, curve, kdf, a: kekA, b: kekB };
  } finally {
    for (const { side, handle } of [...kekHandles, ...made]) await destroyQuietly(side.hsm, [handle]);
  }
}

/** CKD_SHA256_KDF when both tokens accept it (tried on session keys), else CKD_NULL. */
async function agreedKdf(a: TokenRef, b: TokenRef, privA: string, privB: string, spkiA: Uint8Array, spkiB: Uint8Array): Promise<EcdhKdf> {
  for (const [side, base, peer] of [[a, privA, spkiB], [b, privB, spkiA]] as const) {
    try {
      const probe = await side.hsm.deriveEcdhKey({ baseKey: base, peerSpki: peer, kdf: 'sha256', target: { store: 'session', use: 'wrap' } });
      await destroyQuietly(side.hsm, [probe.handle]);
    } catch (error) {
      if (codeOf(error) === 'MECHANISM_PARAM_UNSUPPORTED') return 'null';
      throw error;
    }
  }
  return 'sha256';
}
