// The AWS KMS wrapping public key as GetParametersForImport returns it: the CLI prints
// PublicKey as base64 of the DER SubjectPublicKeyInfo; ops teams may also save it as a DER
// file or convert it to PEM. All three are accepted; the key must be RSA 2048, 3072 or
// 4096 bits (the wrapping key specs KMS offers).
import { wrapError } from '../wrap/errors';
import { describeRecipientKey, spkiFromInput } from '../wrap/recipient-key';

export const KMS_WRAPPING_ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_256'] as const;
export type KmsWrappingAlgorithm = (typeof KMS_WRAPPING_ALGORITHMS)[number];

export interface KmsWrappingKey {
  spki: Uint8Array;
  /** RSA_2048, RSA_3072 or RSA_4096. */
  bits: 2048 | 3072 | 4096;
}

export function parseKmsWrappingKey(input: Uint8Array | string): KmsWrappingKey {
  const spki = spkiFromInput(input, 'The AWS KMS wrapping public key');
  const info = describeRecipientKey(spki, 'The AWS KMS wrapping public key');
  if (info.type !== 'rsa' || (info.bits !== 2048 && info.bits !== 3072 && info.bits !== 4096)) {
    throw wrapError(
      'RECIPIENT_KEY_INVALID',
      `The AWS KMS wrapping public key is ${info.type === 'rsa' ? `an RSA key of ${info.bits} bits` : 'an EC key'}; GetParametersForImport returns RSA keys of 2048, 3072 or 4096 bits.`,
      'Give the PublicKey value from "aws kms get-parameters-for-import" (base64 text, or the file made from it).',
    );
  }
  return { spki, bits: info.bits };
}
