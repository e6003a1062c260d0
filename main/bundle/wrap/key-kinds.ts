// What each key algorithm a bundle can carry is on a token: its object class and key type
// (the unwrap target), which wrap methods can carry it, and which usages it may get on
// import. The key to wrap is checked against its stated algorithm before anything is
// wrapped, and the imported key is checked against it after unwrapping.
import type { KeyAttributes, KeyInfo, KeySpecType, UnwrapTarget } from '../../../native/hsm/protocol';
import { wrapError } from './errors';

/** What the recipient's HSM lets an imported key do (the bundle's key.usage). */
export type ImportUsage = 'sign' | 'encrypt' | 'wrap';

interface KeyKind {
  target: UnwrapTarget;
  usages: readonly ImportUsage[];
  describe: string;
}

export const KEY_KINDS: Record<KeySpecType, KeyKind> = {
  'aes-256': { target: { class: 'secret', keyType: 'aes' }, usages: ['sign', 'encrypt', 'wrap'], describe: 'AES-256 key' },
  'ec-p256': { target: { class: 'private', keyType: 'ec' }, usages: ['sign'], describe: 'EC P-256 private key' },
  'ec-p384': { target: { class: 'private', keyType: 'ec' }, usages: ['sign'], describe: 'EC P-384 private key' },
  ed25519: { target: { class: 'private', keyType: 'ec-edwards' }, usages: ['sign'], describe: 'Ed25519 private key' },
  'rsa-3072': { target: { class: 'private', keyType: 'rsa' }, usages: ['sign', 'encrypt', 'wrap'], describe: 'RSA-3072 private key' },
  'rsa-4096': { target: { class: 'private', keyType: 'rsa' }, usages: ['sign', 'encrypt', 'wrap'], describe: 'RSA-4096 private key' },
};

export const isSecretKey = (algorithm: KeySpecType): boolean => KEY_KINDS[algorithm].target.class === 'secret';

/** Where the attributes differ from what the algorithm says (class, type, curve, size); empty when they agree. */
export function algorithmMismatches(a: KeyAttributes, algorithm: KeySpecType): string[] {
  const kind = KEY_KINDS[algorithm];
  const problems: string[] = [];
  if (a.class !== kind.target.class) problems.push(`it is a ${a.class} object, not a ${kind.target.class} key`);
  if (a.keyType !== kind.target.keyType) problems.push(`its key type is ${a.keyType ?? 'unknown'}, not ${kind.target.keyType}`);
  if ((algorithm === 'ec-p256' || algorithm === 'ec-p384' || algorithm === 'ed25519') && a.curve !== null && a.curve !== algorithm) {
    problems.push(`its curve is ${a.curve}, not ${algorithm}`);
  }
  if ((algorithm === 'rsa-3072' || algorithm === 'rsa-4096') && a.modulusBits !== null && a.modulusBits !== (algorithm === 'rsa-3072' ? 3072 : 4096)) {
    problems.push(`its modulus has ${a.modulusBits} bits`);
  }
  // SoftHSM2 reports CKA_VALUE_LEN 0 for secret keys it did not generate itself; any other length is wrong.
  if (algorithm === 'aes-256' && a.valueLength !== null && a.valueLength !== 0 && a.valueLength !== 32) problems.push(`it is ${a.valueLength} bytes long, not 32`);
  return problems;
}

/** The key to wrap must be what the caller says it is, and may leave the token only wrapped. */
export function checkKeyToWrap(info: KeyInfo, slotId: string, algorithm: KeySpecType): void {
  if (info.slotId !== slotId) {
    throw wrapError('WRAP_KEY_MISMATCH', `The key "${info.attributes.label}" is on the token in slot ${info.slotId}, not in slot ${slotId}.`, 'Choose the key on the ceremony token.');
  }
  const problems = algorithmMismatches(info.attributes, algorithm);
  if (problems.length > 0) {
    throw wrapError(
      'WRAP_KEY_MISMATCH',
      `The key "${info.attributes.label}" is not the ${KEY_KINDS[algorithm].describe} the export step names: ${problems.join('; ')}.`,
      'Check the key label and algorithm in the ceremony script.',
    );
  }
  if (info.attributes.extractable !== true || info.attributes.sensitive !== true) {
    throw wrapError(
      'WRAP_KEY_NOT_EXPORTABLE',
      `The key "${info.attributes.label}" cannot be exported wrapped: ${info.attributes.extractable !== true ? 'it is not extractable (CKA_EXTRACTABLE false)' : 'it is not sensitive, so its value could be read in clear'}.`,
      'Only a key generated with the role "wrap-only-export" (sensitive, extractable only under another key) can be exported; generate the key that way in the ceremony script.',
    );
  }
}

export function checkImportUsage(algorithm: KeySpecType, usage: ImportUsage): void {
  const allowed = KEY_KINDS[algorithm].usages;
  if (!allowed.includes(usage)) {
    throw wrapError(
      'IMPORT_USAGE_UNSUPPORTED',
      `An ${KEY_KINDS[algorithm].describe} cannot be imported with the usage "${usage}".`,
      `Use one of: ${allowed.join(', ')}. The usage comes from the bundle's key metadata; ask the ceremony team if it is wrong.`,
    );
  }
}

/** What is wrong with an imported key's protection and type, or an empty list. */
export function importedKeyProblems(a: KeyAttributes, algorithm: KeySpecType): string[] {
  const problems = algorithmMismatches(a, algorithm);
  if (a.token !== true) problems.push('it is not stored on the token (CKA_TOKEN is not true)');
  if (a.sensitive !== true) problems.push('it is not sensitive (CKA_SENSITIVE is not true)');
  if (a.extractable !== false) problems.push('it is extractable (CKA_EXTRACTABLE is not false)');
  return problems;
}
