// The ops side of key bundles (docs/bundle-import.md): load a bundle from a file or QR
// frames, verify it against the pinned root key the operator confirmed, unwrap it into
// the target token or hand out the AWS KMS import material, and keep an import record.
export { expandImagePaths, loadBundle, readBundleFile, type BundleOrigin, type BundleSource, type LoadedBundle } from './bundle-source';
export { importError, type ImportErrorCode } from './errors';
export { handOverToKms, importIntoToken, targetKindOf, verifyCandidate, type ImportCandidate, type ImportContext, type ImportResult, type ImportTargetKind, type KmsImportResult, type TokenImportRequest, type TokenImportResult } from './import-bundle';
export { isImportHsm, type ImportHsm } from './import-hsm';
export { buildImportRecord, IMPORT_RECORD_FORMAT, IMPORT_RECORD_VERSION, ImportRecordSchema, recordFileName, RECORD_SUFFIX, type ImportRecord } from './import-record';
export { KMS_COMMAND_FILE, type KmsFiles } from './kms-files';
export { currentOperator } from './operator';
export { QrScan, type ScanProgress } from './qr-scan';
export { checkRootFingerprint, normalizeFingerprint, readPinnedRoot, type PinnedRoot, type RootConfirmation } from './root-pin';
export { targetByLabel, targetBySlot, targetModule, type TargetModule, type TargetToken } from './target-token';
export type { ImportedKey, UnwrapChoices } from './unwrap-into-token';
export { createImportService, importServiceForStatus, type ImportService, type ImportServiceOptions } from './import-service';
