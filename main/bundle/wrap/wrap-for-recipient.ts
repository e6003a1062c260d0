// Wrapping a key in the ceremony token for one recipient: the method follows from the
// recipient (RSA key → rsa-oaep for AES keys, rsa-aes-kwp for private keys; EC key →
// ecdh-aes-kwp; transport KEK → transport-kek-kwp; AWS KMS → its profile), and what the
// token can do decides whether it is possible at all. The result is the bundle's wrap
// record; the key itself never leaves the token except wrapped.
import type { KeySpecType, ObjectHandle } from '../../../native/hsm/protocol';
import { awsKmsImportMaterial } from '../kms/import-material';
import { mechanismSet, type MechanismEntry } from './capabilities';
import { wrapEcdhAesKwp } from './ecdh-wrap';
import { wrapError } from './errors';
import { checkKeyToWrap, isSecretKey } from './key-kinds';
import { describeRecipientKey, spkiFingerprint } from './recipient-key';
import { wrapRsaAesKwp, wrapRsaOaep } from './rsa-wrap';
import { wrapUnderTransportKek } from './transport-kek';
import type { WrapHsm } from './wrap-hsm';
import { WrapRecordSchema, type RecipientKey, type RecipientRecord, type WrapRecord } from './wrap-record';

export interface WrapOptions {
  /** The token's mechanism list (HsmClient.mechanismDetails); read from the token when left out. */
  mechanisms?: readonly MechanismEntry[];
  /** Allow RSA-OAEP with SHA-1 where a probe shows the token cannot do SHA-256; the record then says sha1. Default false. */
  allowOaepSha1?: boolean;
  /**
   * Allow a private key to be wrapped by a token whose AES key wrap with padding zero-pads
   * lengths that are not a multiple of 8 (SoftHSM2): only for a recipient known to accept
   * that form, such as a SoftHSM2 rehearsal token. Default false.
   */
  allowZeroPaddedKwp?: boolean;
  /** ECDH KDF for an EC recipient; default CKD_SHA256_KDF where the token offers it, else CKD_NULL (P-256 only). */
  ecdhKdf?: 'null' | 'sha256';
}

export async function wrapForRecipient(
  hsm: WrapHsm,
  slotId: string,
  keyHandle: ObjectHandle,
  keyAlgorithm: KeySpecType,
  recipient: RecipientKey,
  options: WrapOptions = {},
): Promise<WrapRecord> {
  checkKeyToWrap(await hsm.keyAttributes(keyHandle), slotId, keyAlgorithm);
  const privateKey = !isSecretKey(keyAlgorithm);
  const mechanisms = await mechanismSet(hsm, slotId, options.mechanisms);
  const allowZeroPaddedKwp = options.allowZeroPaddedKwp === true;
  let record: WrapRecord;
  switch (recipient.kind) {
    case 'rsa': {
      const key = describeRecipientKey(recipient.spki, `The public key of the recipient "${recipient.name}"`);
      if (key.type !== 'rsa') throw kindMismatch(recipient.name, 'RSA', 'EC');
      const rsaOptions = { mechanisms, allowOaepSha1: options.allowOaepSha1 === true, allowZeroPaddedKwp };
      record = privateKey ? await wrapRsaAesKwp(hsm, slotId, keyHandle, true, key, rsaOptions) : await wrapRsaOaep(hsm, slotId, keyHandle, key, rsaOptions);
      break;
    }
    case 'ec': {
      const key = describeRecipientKey(recipient.spki, `The public key of the recipient "${recipient.name}"`);
      if (key.type !== 'ec') throw kindMismatch(recipient.name, 'EC', 'RSA');
      record = await wrapEcdhAesKwp(hsm, slotId, keyHandle, privateKey, key, {
        mechanisms,
        allowZeroPaddedKwp,
        ...(options.ecdhKdf ? { kdf: options.ecdhKdf } : {}),
      });
      break;
    }
    case 'transport-kek':
      record = await wrapUnderTransportKek(hsm, slotId, keyHandle, privateKey, recipient.kekLabel, { mechanisms, allowZeroPaddedKwp });
      break;
    case 'aws-kms':
      record = (
        await awsKmsImportMaterial(hsm, slotId, keyHandle, keyAlgorithm, { wrappingPublicKey: recipient.spki, wrappingAlgorithm: recipient.wrappingAlgorithm }, options.mechanisms ? { mechanisms: options.mechanisms } : {})
      ).record;
      break;
  }
  // What leaves here goes into a signed manifest: it must parse as the importer will parse it.
  const checked = WrapRecordSchema.safeParse(record);
  if (!checked.success) {
    throw wrapError(
      'WRAP_RECORD_INVALID',
      `The wrapped key for "${recipient.name}" does not fit the bundle's record (${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}).`,
      'Check the recipient in the ceremony script (a transport key label is at most 128 characters); report it if the script is right.',
    );
  }
  return checked.data;
}

/** The manifest's recipient entry for a recipient and the record made for it. */
export function recipientRecordFor(recipient: RecipientKey, record: WrapRecord): RecipientRecord {
  switch (recipient.kind) {
    case 'rsa':
    case 'ec':
      return { name: recipient.name, kind: recipient.kind, keyFingerprint: spkiFingerprint(recipient.spki) };
    case 'transport-kek':
      if (record.method !== 'transport-kek-kwp') throw wrapError('WRAP_RECORD_INVALID', 'A transport-KEK recipient needs a transport-kek-kwp record.', 'This is a programming error in Conclave; report it.');
      return { name: recipient.name, kind: 'transport-kek', keyFingerprint: record.kekCheckValue };
    case 'aws-kms':
      return {
        name: recipient.name,
        kind: 'aws-kms',
        keyFingerprint: spkiFingerprint(recipient.spki),
        awsKms: {
          wrappingAlgorithm: recipient.wrappingAlgorithm,
          importToken: Buffer.from(recipient.importToken).toString('base64'),
          ...(recipient.keyId !== undefined ? { keyId: recipient.keyId } : {}),
        },
      };
  }
}

function kindMismatch(name: string, expected: string, found: string) {
  return wrapError(
    'RECIPIENT_KEY_INVALID',
    `The recipient "${name}" is declared as an ${expected} recipient, but its public key is an ${found} key.`,
    'Check the recipient\'s kind and public key file in the ceremony script.',
  );
}
