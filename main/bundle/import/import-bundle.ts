// The import, end to end, for the command line and the app alike: verify the bundle
// against the pinned root key (again, at the moment of import), then either unwrap it
// into the target token after one login, or hand out the AWS KMS import material; and
// keep an import record. The order makes partial outcomes impossible to mistake for
// success: the records folder is checked before anything happens, and when the record
// cannot be written after all, the imported key is destroyed (or the KMS files removed)
// and the import fails as a whole.
import { DomainError } from '../../../native/errors';
import type { WrittenFile } from '../../files/atomic-write';
import type { BundleManifest } from '../format/schema';
import { verifyBundle, type VerifiedBundle } from '../format/verify';
import type { LoadedBundle } from './bundle-source';
import { importError } from './errors';
import type { ImportHsm } from './import-hsm';
import { buildImportRecord, kmsOutcome, prepareRecordsFolder, tokenOutcome, writeImportRecord, type ImportRecord, type RecordContext } from './import-record';
import { removeKmsFiles, writeKmsFiles, type KmsFiles } from './kms-files';
import type { PinnedRoot, RootConfirmation } from './root-pin';
import { targetModule, type TargetToken } from './target-token';
import { loginOnce } from './token-login';
import { unwrapIntoToken, type ImportedKey, type UnwrapChoices } from './unwrap-into-token';

/** What is checked: the bytes, against this root, with these allowances. */
export interface ImportCandidate {
  loaded: LoadedBundle;
  root: PinnedRoot;
  allowRehearsal: boolean;
  /** Refuse a bundle made for another recipient name. */
  recipient: string | null;
}

export type ImportTargetKind = 'token' | 'aws-kms';

export function targetKindOf(manifest: BundleManifest): ImportTargetKind {
  return manifest.recipient.kind === 'aws-kms' ? 'aws-kms' : 'token';
}

/** verifyBundle with the candidate's root and allowances at `now`: the ten steps of docs/bundle.md. */
export function verifyCandidate(candidate: ImportCandidate, now: Date): VerifiedBundle {
  return verifyBundle(candidate.loaded.bytes, {
    rootPublicKeySpki: candidate.root.spki,
    now,
    allowRehearsal: candidate.allowRehearsal,
    ...(candidate.recipient !== null ? { expectedRecipient: { name: candidate.recipient } } : {}),
  });
}

export interface ImportContext {
  recordsDirectory: string;
  operator: { user: string; host: string };
  toolVersion: string;
  via: 'command-line' | 'app';
  confirmation: RootConfirmation;
  now: () => Date;
}

export interface ImportResult {
  record: ImportRecord;
  recordFile: WrittenFile;
}

function recordContext(candidate: ImportCandidate, context: ImportContext, importedAt: Date): RecordContext {
  return {
    importedAt,
    operator: context.operator,
    toolVersion: context.toolVersion,
    via: context.via,
    origin: candidate.loaded.origin,
    root: candidate.root,
    confirmation: context.confirmation,
    rehearsalAllowed: candidate.allowRehearsal,
  };
}

function wrongTarget(verified: VerifiedBundle, wanted: ImportTargetKind): DomainError {
  const m = verified.manifest;
  return wanted === 'token'
    ? importError('IMPORT_TARGET_MISMATCH', `The bundle is for the AWS KMS recipient "${m.recipient.name}"; it cannot be unwrapped into an HSM. Nothing was imported.`, 'Write its KMS import files instead (--kms-out DIR) and run the aws kms command they come with.')
    : importError('IMPORT_TARGET_MISMATCH', `The bundle is for the ${m.recipient.kind} recipient "${m.recipient.name}", not for AWS KMS. Nothing was written.`, 'Import it into the recipient\'s HSM (--module PATH --token LABEL).');
}

function recordFailed(error: unknown, undone: string): DomainError {
  const why = DomainError.is(error) ? error.message : error instanceof Error ? error.message : String(error);
  return importError('IMPORT_RECORD_FAILED', `The import record could not be written (${why}), so ${undone}. Nothing was imported.`, 'Fix the records folder (space, permissions, medium) and import again.');
}

export interface TokenImportRequest {
  token: TargetToken;
  /** The user PIN; overwritten once used, whatever happens. */
  pin: Uint8Array;
  choices: UnwrapChoices;
}

export interface TokenImportResult extends ImportResult {
  key: ImportedKey;
}

/** Verifies again, logs in once, unwraps, keeps the record; on any failure nothing remains on the token and no record is written. */
export async function importIntoToken(hsm: ImportHsm, candidate: ImportCandidate, context: ImportContext, request: TokenImportRequest): Promise<TokenImportResult> {
  const { pin } = request;
  try {
    const verified = verifyCandidate(candidate, context.now());
    if (targetKindOf(verified.manifest) !== 'token') throw wrongTarget(verified, 'token');
    const module = hsm.module;
    if (!module) throw importError('IMPORT_HSM_UNSUITABLE', 'No PKCS#11 module is loaded, so no token can take the import.', 'Load the module of the target HSM first.');
    await prepareRecordsFolder(context.recordsDirectory);
    const logout = await loginOnce(hsm, request.token.slotId, request.token.label, pin);
    try {
      const key = await unwrapIntoToken(hsm, request.token.slotId, request.token.label, verified.manifest, request.choices);
      let result: ImportResult;
      try {
        const record = buildImportRecord(verified, recordContext(candidate, context, context.now()), tokenOutcome(targetModule(module), request.token, key));
        result = { record, recordFile: await writeImportRecord(context.recordsDirectory, record) };
      } catch (error) {
        await hsm.destroyObject(key.handle).catch(() => undefined);
        throw recordFailed(error, `the key "${key.label}" was deleted from the token again`);
      }
      return { ...result, key };
    } finally {
      await logout();
    }
  } finally {
    pin.fill(0);
  }
}

export interface KmsImportResult extends ImportResult {
  kms: KmsFiles;
}

/** Verifies again, writes the three KMS files into `directory`, keeps the record; on failure neither files nor record remain. */
export async function handOverToKms(candidate: ImportCandidate, context: ImportContext, directory: string): Promise<KmsImportResult> {
  const verified = verifyCandidate(candidate, context.now());
  if (targetKindOf(verified.manifest) !== 'aws-kms') throw wrongTarget(verified, 'aws-kms');
  await prepareRecordsFolder(context.recordsDirectory);
  const kms = await writeKmsFiles(directory, verified.manifest, verified.sha256);
  try {
    const record = buildImportRecord(verified, recordContext(candidate, context, context.now()), kmsOutcome(verified, kms));
    return { record, recordFile: await writeImportRecord(context.recordsDirectory, record), kms };
  } catch (error) {
    await removeKmsFiles(kms);
    throw recordFailed(error, 'the KMS import files were removed again');
  }
}
