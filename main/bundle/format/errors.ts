// The bundle's error values, one code per thing a person can tell apart and act on
// (docs/bundle.md, "Error codes"). Messages name the field or byte that is wrong; none
// quotes key material.
import { DomainError } from '../../../native/errors';

export type BundleErrorCode =
  | 'BUNDLE_MALFORMED'
  | 'BUNDLE_NOT_CANONICAL'
  | 'BUNDLE_VERSION_UNSUPPORTED'
  | 'BUNDLE_ROOT_KEY_INVALID'
  | 'BUNDLE_WRONG_ISSUER'
  | 'BUNDLE_SIGNATURE_INVALID'
  | 'BUNDLE_NOT_YET_VALID'
  | 'BUNDLE_EXPIRED'
  | 'BUNDLE_REHEARSAL'
  | 'BUNDLE_WRONG_RECIPIENT'
  | 'BUNDLE_MANIFEST_INVALID'
  | 'BUNDLE_SIGNING_KEY_UNSUPPORTED'
  | 'BUNDLE_ISSUER_MISMATCH'
  | 'BUNDLE_SIGNATURE_SELF_CHECK_FAILED';

export function bundleError(code: BundleErrorCode, message: string, action: string): DomainError {
  return new DomainError({ code, message, action });
}

/** What to do with a bundle that did not arrive intact. */
export const REFUSE_DAMAGED =
  'Do not import this bundle. Ask the ceremony team for the bundle again (another copy of the medium, or the QR frames), and compare its SHA-256 with the one in the ceremony transcript.';

/** BUNDLE_MALFORMED naming where (a JSON path such as "manifest.key.id", or a byte offset). */
export function malformed(where: string, problem: string): DomainError {
  return bundleError('BUNDLE_MALFORMED', `The key bundle is malformed at ${where}: ${problem}.`, REFUSE_DAMAGED);
}
