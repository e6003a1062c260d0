// The wrap and import error values (docs/key-wrapping.md, "Error codes"): one code per
// thing a person can tell apart and act on. Messages name the token, key or field that is
// wrong; none quotes key material.
import { DomainError } from '../../../native/errors';

export type WrapErrorCode =
  | 'WRAP_RECORD_INVALID'
  | 'WRAP_KEY_MISMATCH'
  | 'WRAP_KEY_NOT_EXPORTABLE'
  | 'WRAP_METHOD_UNSUPPORTED'
  | 'RECIPIENT_KEY_INVALID'
  | 'RECIPIENT_KEY_NOT_FOUND'
  | 'RECIPIENT_KEY_AMBIGUOUS'
  | 'OAEP_SHA256_UNSUPPORTED'
  | 'OAEP_SHA1_REFUSED'
  | 'KWP_NOT_RFC5649'
  | 'KWP_ZERO_PADDED'
  | 'ECDH_KDF_UNSUPPORTED'
  | 'TRANSPORT_KEK_NOT_FOUND'
  | 'TRANSPORT_KEK_AMBIGUOUS'
  | 'TRANSPORT_KEK_UNSAFE'
  | 'TRANSPORT_KEK_MISMATCH'
  | 'IMPORTED_KEY_UNPROTECTED'
  | 'IMPORT_USAGE_UNSUPPORTED';

export function wrapError(code: WrapErrorCode, message: string, action: string, detail?: string): DomainError {
  return new DomainError(detail === undefined ? { code, message, action } : { code, message, action, detail });
}

/** Codes of DomainErrors a token answers with when it cannot do what a probe tried. */
export function codeOf(error: unknown): string | null {
  return error instanceof DomainError ? error.code : null;
}
