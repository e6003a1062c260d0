// Unwrapping a verified bundle's key into the target token, logged in. The label (the
// bundle's key label unless the operator chose another) and the key id must be free on
// the token; the recipient's private key is found by the fingerprint the bundle names (a
// transport-KEK bundle names its KEK instead). unwrapForImport does the unwrap, reads the
// new key's attributes back and destroys a key that is not sensitive and non-extractable,
// so on any failure nothing is left on the token.
import type { KeyAttributes } from '../../../native/hsm/protocol';
import type { BundleManifest } from '../format/schema';
import { findRecipientKey } from '../wrap/find-recipient-key';
import { unwrapForImport } from '../wrap/unwrap-for-import';
import { importError } from './errors';
import type { ImportHsm } from './import-hsm';

export interface UnwrapChoices {
  /** CKA_LABEL of the imported key; the bundle's key label when null. */
  label: string | null;
  /** Accept a key the ceremony wrapped with RSA-OAEP SHA-1 (its token could do no better). */
  acceptOaepSha1: boolean;
}

export interface ImportedKey {
  handle: string;
  slotId: string;
  label: string;
  id: string;
  attributes: KeyAttributes;
}

async function refuseTaken(hsm: ImportHsm, slotId: string, tokenLabel: string, label: string, id: string): Promise<void> {
  if ((await hsm.findObjects({ slotId, label })).length > 0) {
    throw importError(
      'IMPORT_LABEL_EXISTS',
      `The token "${tokenLabel}" already holds an object labelled "${label}". Nothing was imported.`,
      'Check whether this key was imported before (see the import records). To import it under another name, give a new label (--label).',
    );
  }
  if ((await hsm.findObjects({ slotId, id })).length > 0) {
    throw importError(
      'IMPORT_KEY_ALREADY_PRESENT',
      `The token "${tokenLabel}" already holds an object with the key id ${id}, the id of the bundle's key: this key (or another with its id) is there already. Nothing was imported.`,
      'Look up the existing key by its id and the import records before importing again; do not import one key twice.',
    );
  }
}

export async function unwrapIntoToken(hsm: ImportHsm, slotId: string, tokenLabel: string, manifest: BundleManifest, choices: UnwrapChoices): Promise<ImportedKey> {
  const label = choices.label ?? manifest.key.label;
  const id = manifest.key.id;
  await refuseTaken(hsm, slotId, tokenLabel, label, id);
  const kind = manifest.recipient.kind;
  const recipientKey = kind === 'rsa' || kind === 'ec' ? (await findRecipientKey(hsm, slotId, manifest.recipient.keyFingerprint)).handle : undefined;
  const info = await unwrapForImport(hsm, slotId, manifest.wrap, {
    label,
    id,
    algorithm: manifest.key.algorithm,
    usage: manifest.key.usage,
    ...(recipientKey !== undefined ? { recipientKey } : {}),
    acceptOaepSha1: choices.acceptOaepSha1,
  });
  return { handle: info.handle, slotId: info.slotId, label: info.attributes.label, id: info.attributes.id, attributes: info.attributes };
}
