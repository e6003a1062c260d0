// Importing a wrapped key into the recipient's token: the inverse of each wrap method,
// ending in one C_UnwrapKey into a token object that is sensitive, never extractable, and
// has exactly the usage the bundle names. Intermediate keys (the RSA-AES ephemeral key,
// the ECDH-derived key) are session objects destroyed before this returns. The imported
// key's attributes are read back; a key that is not protected as asked is destroyed
// again. A failed unwrap creates nothing.
import type { KeyInfo, KeySpecType, ObjectHandle } from '../../../native/hsm/protocol';
import { checkNullKdf } from './capabilities';
import { wrapError } from './errors';
import { KEY_KINDS, checkImportUsage, importedKeyProblems, isSecretKey, type ImportUsage } from './key-kinds';
import { findTransportKek } from './transport-kek';
import { destroyQuietly, fromBase64, scratchLabel, type WrapHsm } from './wrap-hsm';
import { WrapRecordSchema, type WrapRecord } from './wrap-record';

export interface ImportOptions {
  label: string;
  /** CKA_ID as hex; a fresh one when left out. */
  id?: string;
  algorithm: KeySpecType;
  usage: ImportUsage;
  /** The recipient's private key on this token: RSA with unwrap for rsa-oaep and rsa-aes-kwp, EC with derive for ecdh-aes-kwp. */
  recipientKey?: ObjectHandle;
  /** Accept a record wrapped with RSA-OAEP SHA-1. Default false: such a bundle is refused. */
  acceptOaepSha1?: boolean;
}

/** Parses a wrap record strictly; a bad one is named, field by field. */
export function parseWrapRecord(value: unknown): WrapRecord {
  const parsed = WrapRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(record)'}: ${i.message}`).join('; ');
  throw wrapError('WRAP_RECORD_INVALID', `The wrapped-key record is malformed (${where}).`, 'Do not import this bundle; ask the ceremony team for an intact copy.');
}

export async function unwrapForImport(hsm: WrapHsm, slotId: string, record: unknown, options: ImportOptions): Promise<KeyInfo> {
  const wrap = parseWrapRecord(record);
  checkImportUsage(options.algorithm, options.usage);
  const target = KEY_KINDS[options.algorithm].target;
  const into = (unwrappingKey: ObjectHandle, wrapped: Uint8Array, mechanism: 'aes-key-wrap-pad' | 'rsa-oaep-sha256' | 'rsa-oaep-sha1') =>
    hsm.unwrapKey({
      unwrappingKey,
      wrapped,
      mechanism,
      target,
      label: options.label,
      role: options.usage,
      ...(options.id !== undefined ? { id: options.id } : {}),
    });
  let imported: KeyInfo;
  switch (wrap.method) {
    case 'rsa-oaep': {
      if (!isSecretKey(options.algorithm)) {
        throw wrapError('WRAP_RECORD_INVALID', `An ${KEY_KINDS[options.algorithm].describe} cannot travel as rsa-oaep; only AES keys do.`, 'Do not import this bundle; ask the ceremony team to export it again.');
      }
      checkOaepHash(wrap.oaepHash, options.acceptOaepSha1 === true);
      const rsa = await recipientRsaKey(hsm, slotId, options.recipientKey);
      imported = await into(rsa.handle, fromBase64(wrap.wrappedKey), wrap.oaepHash === 'sha256' ? 'rsa-oaep-sha256' : 'rsa-oaep-sha1');
      break;
    }
    case 'rsa-aes-kwp': {
      checkOaepHash(wrap.oaepHash, options.acceptOaepSha1 === true);
      const rsa = await recipientRsaKey(hsm, slotId, options.recipientKey);
      const bytes = fromBase64(wrap.wrappedKey);
      const split = Math.ceil((rsa.attributes.modulusBits ?? 0) / 8);
      const rest = bytes.length - split;
      if (split === 0 || rest < 16 || rest % 8 !== 0) {
        throw wrapError(
          'WRAP_RECORD_INVALID',
          `The rsa-aes-kwp wrapped key is ${bytes.length} bytes long, which cannot be a ${split}-byte RSA-OAEP part followed by an RFC 5649 part (at least 16 bytes, a multiple of 8).`,
          'Check that the bundle is meant for this recipient key and was not altered.',
        );
      }
      const ephemeral = await hsm.unwrapKey({
        unwrappingKey: rsa.handle,
        wrapped: bytes.subarray(0, split),
        mechanism: wrap.oaepHash === 'sha256' ? 'rsa-oaep-sha256' : 'rsa-oaep-sha1',
        target: { class: 'secret', keyType: 'aes' },
        label: scratchLabel('rsa-aes-ephemeral'),
        role: 'wrap',
        sessionOnly: true,
      });
      try {
        imported = await into(ephemeral.handle, bytes.subarray(split), 'aes-key-wrap-pad');
      } finally {
        await destroyQuietly(hsm, [ephemeral.handle]);
      }
      break;
    }
    case 'ecdh-aes-kwp': {
      const curve = wrap.curve === 'p-256' ? 'ec-p256' : 'ec-p384';
      if (wrap.kdf === 'null') checkNullKdf(curve);
      const ec = await recipientEcKey(hsm, slotId, options.recipientKey, curve);
      const derived = await hsm.deriveEcdhKey({ baseKey: ec.handle, peerSpki: fromBase64(wrap.ephemeralPublicKey), kdf: wrap.kdf, target: { store: 'session', use: 'unwrap' } });
      try {
        imported = await into(derived.handle, fromBase64(wrap.wrappedKey), 'aes-key-wrap-pad');
      } finally {
        await destroyQuietly(hsm, [derived.handle]);
      }
      break;
    }
    case 'transport-kek-kwp': {
      const kek = await findTransportKek(hsm, slotId, wrap.kekLabel);
      const check = await hsm.keyCheckValue(kek.handle);
      if (check.value !== wrap.kekCheckValue) {
        throw wrapError(
          'TRANSPORT_KEK_MISMATCH',
          `The transport key "${wrap.kekLabel}" on this token has the check value ${check.value}, but the bundle was wrapped under a key with the check value ${wrap.kekCheckValue}. Nothing was unwrapped.`,
          'This token does not hold the transport key the bundle was made for: check that this is the right token, or set up the transport key again and export the bundle again.',
        );
      }
      imported = await into(kek.handle, fromBase64(wrap.wrappedKey), 'aes-key-wrap-pad');
      break;
    }
  }
  const problems = importedKeyProblems(imported.attributes, options.algorithm);
  if (problems.length > 0) {
    await destroyQuietly(hsm, [imported.handle]);
    throw wrapError(
      'IMPORTED_KEY_UNPROTECTED',
      `The token created the imported key "${options.label}", but ${problems.join('; ')}. The key was deleted again.`,
      'Do not use this token for the import until the vendor explains why it ignored the key template; record the exception.',
    );
  }
  return imported;
}

function checkOaepHash(hash: 'sha256' | 'sha1', acceptSha1: boolean): void {
  if (hash === 'sha1' && !acceptSha1) {
    throw wrapError(
      'OAEP_SHA1_REFUSED',
      'The bundle\'s key was wrapped with RSA-OAEP using SHA-1 (the exporting token could not do SHA-256). Nothing was unwrapped.',
      'Accept SHA-1 explicitly if your key policy allows it, or ask the ceremony team to export again for an EC or transport-KEK recipient, or from a token with RSA-OAEP SHA-256.',
    );
  }
}

function needRecipientKey(handle: ObjectHandle | undefined, what: string): ObjectHandle {
  if (handle) return handle;
  throw wrapError('RECIPIENT_KEY_NOT_FOUND', `This bundle is wrapped to ${what}, and no recipient private key was given.`, 'Find the recipient key on the token (by its public key fingerprint) and pass it.');
}

async function recipientRsaKey(hsm: WrapHsm, slotId: string, handle: ObjectHandle | undefined): Promise<KeyInfo> {
  const info = await hsm.keyAttributes(needRecipientKey(handle, 'an RSA key'));
  const a = info.attributes;
  if (info.slotId !== slotId || a.class !== 'private' || a.keyType !== 'rsa' || a.unwrap !== true || a.modulusBits === null) {
    throw wrapError(
      'RECIPIENT_KEY_INVALID',
      `The recipient key "${a.label}" is not an RSA private key that may unwrap on the token in slot ${slotId}.`,
      'Use the RSA private key whose public key the bundle was wrapped to (role "wrap").',
    );
  }
  return info;
}

async function recipientEcKey(hsm: WrapHsm, slotId: string, handle: ObjectHandle | undefined, curve: 'ec-p256' | 'ec-p384'): Promise<KeyInfo> {
  const info = await hsm.keyAttributes(needRecipientKey(handle, 'an EC key'));
  const a = info.attributes;
  if (info.slotId !== slotId || a.class !== 'private' || a.keyType !== 'ec' || a.derive !== true || a.curve !== curve) {
    throw wrapError(
      'RECIPIENT_KEY_INVALID',
      `The recipient key "${a.label}" is not an ${curve} private key that may derive (ECDH) on the token in slot ${slotId}.`,
      'Use the EC private key whose public key the bundle was wrapped to (role "derive").',
    );
  }
  return info;
}
