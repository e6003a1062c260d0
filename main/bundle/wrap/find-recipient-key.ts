// Finding the recipient's private key on the importing token from the bundle's
// recipient.keyFingerprint (SHA-256 of the public key's DER SubjectPublicKeyInfo): each
// private key's public half is exported and hashed, so the operator never has to pick a key.
import { DomainError } from '../../../native/errors';
import type { KeyInfo } from '../../../native/hsm/protocol';
import { wrapError } from './errors';
import { spkiFingerprint } from './recipient-key';
import type { WrapHsm } from './wrap-hsm';

export async function findRecipientKey(hsm: WrapHsm, slotId: string, fingerprint: string): Promise<KeyInfo> {
  const matches: string[] = [];
  for (const candidate of await hsm.findObjects({ slotId, class: 'private' })) {
    if (candidate.keyType !== 'rsa' && candidate.keyType !== 'ec') continue;
    try {
      const exported = await hsm.exportPublicKey(candidate.handle);
      if (spkiFingerprint(exported.spki) === fingerprint) matches.push(candidate.handle);
    } catch (error) {
      // A private key without a public key object (an unwrapped one) cannot be the recipient key.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  if (matches.length === 0) {
    throw wrapError(
      'RECIPIENT_KEY_NOT_FOUND',
      `No private key on the token in slot ${slotId} belongs to the public key ${fingerprint.slice(0, 16)}… the bundle was wrapped to.`,
      'Log in to the token that holds the recipient key, or check that the bundle was made for this recipient.',
    );
  }
  if (matches.length > 1) {
    throw wrapError('RECIPIENT_KEY_AMBIGUOUS', `${matches.length} private keys on the token in slot ${slotId} belong to the recipient public key ${fingerprint.slice(0, 16)}….`, 'Remove the duplicate key objects, then import again.');
  }
  return hsm.keyAttributes(matches[0] as string);
}
