// The import side's own error values (docs/bundle-import.md, "Error codes"). Verification
// failures keep the bundle format's codes (BUNDLE_*) and unwrap failures the wrap
// methods' codes; these name what only an import can get wrong: the operator's
// confirmation of the root key, the target token, the label, the output folders.
import { DomainError } from '../../../native/errors';

export type ImportErrorCode =
  | 'IMPORT_ROOT_FINGERPRINT_MISMATCH'
  | 'IMPORT_ROOT_NOT_CONFIRMED'
  | 'IMPORT_SOURCE_EMPTY'
  | 'IMPORT_TARGET_MISMATCH'
  | 'IMPORT_TOKEN_NOT_FOUND'
  | 'IMPORT_TOKEN_AMBIGUOUS'
  | 'IMPORT_TOKEN_NOT_READY'
  | 'IMPORT_TOKEN_BUSY'
  | 'IMPORT_LABEL_EXISTS'
  | 'IMPORT_KEY_ALREADY_PRESENT'
  | 'IMPORT_RECORDS_UNWRITABLE'
  | 'IMPORT_RECORD_FAILED'
  | 'IMPORT_KMS_FILES_FAILED'
  | 'IMPORT_NOT_READY'
  | 'IMPORT_HSM_UNSUITABLE';

export function importError(code: ImportErrorCode, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}
