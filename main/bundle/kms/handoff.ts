// What the ops team gets for an AWS KMS recipient (docs/aws-kms-import.md): the two files
// ImportKeyMaterial takes and the one command that uses them. The wrap record must be the
// form the recipient's wrapping algorithm names; anything else is refused, so a bundle
// never hands KMS bytes it cannot import.
import { wrapError } from '../wrap/errors';
import { fromBase64 } from '../wrap/wrap-hsm';
import type { RecipientRecord, WrapRecord } from '../wrap/wrap-record';

export const ENCRYPTED_KEY_MATERIAL_FILE = 'EncryptedKeyMaterial.bin';
export const IMPORT_TOKEN_FILE = 'ImportToken.bin';

export interface KmsHandoff {
  /** File name → bytes, for the ops team's working directory. */
  files: Record<string, Uint8Array>;
  /** The import command, with the key id where the bundle names it. */
  command: string;
}

export function kmsHandoff(record: WrapRecord, recipient: RecipientRecord): KmsHandoff {
  const kms = recipient.awsKms;
  if (recipient.kind !== 'aws-kms' || !kms) {
    throw wrapError('WRAP_METHOD_UNSUPPORTED', `The bundle is for a ${recipient.kind} recipient, not AWS KMS.`, 'Import it into an HSM instead.');
  }
  const expected = kms.wrappingAlgorithm === 'RSAES_OAEP_SHA_256' ? 'rsa-oaep' : 'rsa-aes-kwp';
  if (record.method !== expected || record.oaepHash !== 'sha256') {
    throw wrapError(
      'WRAP_RECORD_INVALID',
      `The bundle's wrapped key is ${record.method}${'oaepHash' in record ? ` (${record.oaepHash})` : ''}, but its AWS KMS recipient names ${kms.wrappingAlgorithm}, which needs ${expected} with SHA-256.`,
      'Do not import this bundle; ask the ceremony team to export it again for this KMS key.',
    );
  }
  const keyId = kms.keyId === undefined ? '"$KEY_ID"' : shellWord(kms.keyId);
  return {
    files: { [ENCRYPTED_KEY_MATERIAL_FILE]: fromBase64(record.wrappedKey), [IMPORT_TOKEN_FILE]: fromBase64(kms.importToken) },
    command: [
      'aws kms import-key-material',
      `  --key-id ${keyId}`,
      `  --encrypted-key-material fileb://${ENCRYPTED_KEY_MATERIAL_FILE}`,
      `  --import-token fileb://${IMPORT_TOKEN_FILE}`,
      '  --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE',
    ].join(' \\\n'),
  };
}

/** A key id or ARN as one shell word: bare when it holds only safe characters, else single-quoted. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9:/_.-]+$/u.test(text) ? text : `'${text.replace(/'/gu, "'\\''")}'`;
}
