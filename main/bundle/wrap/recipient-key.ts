// A recipient's public key as the sender uses it: read strictly (an RSA key of at least
// 2048 bits, or an EC key on P-256 or P-384), fingerprinted as SHA-256 of its DER
// SubjectPublicKeyInfo (the bundle's recipient.keyFingerprint), and accepted as DER bytes,
// PEM text or the bare base64 some tools print.
import { createHash, createPublicKey } from 'node:crypto';
import { wrapError } from './errors';

export type RecipientKeyInfo = { type: 'rsa'; bits: number; spki: Uint8Array } | { type: 'ec'; curve: 'p-256' | 'p-384'; spki: Uint8Array };

export const MIN_RSA_BITS = 2048;

export function spkiFingerprint(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/** DER bytes, or text holding PEM ("-----BEGIN PUBLIC KEY-----") or bare base64 of the DER. */
export function spkiFromInput(input: Uint8Array | string, what: string): Uint8Array {
  const text = typeof input === 'string' ? input : input[0] === 0x30 ? null : new TextDecoder().decode(input);
  if (text === null) return new Uint8Array(input as Uint8Array);
  const pem = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/u.exec(text);
  const body = (pem ? pem[1] ?? '' : text).replace(/\s+/gu, '');
  if (!/^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/u.test(body)) {
    throw wrapError('RECIPIENT_KEY_INVALID', `${what} is neither DER, PEM ("BEGIN PUBLIC KEY") nor base64.`, 'Give the public key as it was exported: a PEM file, a DER file, or the base64 text.');
  }
  return new Uint8Array(Buffer.from(body, 'base64'));
}

export function describeRecipientKey(spki: Uint8Array, what: string): RecipientKeyInfo {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (error) {
    throw wrapError('RECIPIENT_KEY_INVALID', `${what} is not a valid SubjectPublicKeyInfo: ${(error as Error).message}.`, 'Check that the file is the recipient\'s public key and was not altered.');
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw wrapError('RECIPIENT_KEY_INVALID', `${what} is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are needed.`, 'Ask the recipient for an RSA key of 3072 or 4096 bits, or an EC P-256/P-384 key.');
    }
    return { type: 'rsa', bits, spki };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return { type: 'ec', curve: 'p-256', spki };
    if (curve === 'secp384r1') return { type: 'ec', curve: 'p-384', spki };
    throw wrapError('RECIPIENT_KEY_INVALID', `${what} is an EC key on ${curve ?? 'an unnamed curve'}; P-256 and P-384 are supported.`, 'Ask the recipient for a P-256 or P-384 key.');
  }
  throw wrapError('RECIPIENT_KEY_INVALID', `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key; RSA and EC keys are supported.`, 'Ask the recipient for an RSA (3072 or 4096 bits) or EC P-256/P-384 public key.');
}
