// The ceremony folder's layout (docs/ceremony-folder.md): the names Conclave writes, the
// folders later steps fill, and which names SHA256SUMS leaves out. Rehearsal leftovers
// (the answers file, the throwaway token) change after the ceremony or hold rehearsal
// PINs and passphrases, so they are never covered and exist only in rehearsal folders.
import { LOCK_SUFFIX } from '../../transcript/index';

export const TRANSCRIPT_FILE = 'transcript.jsonl';
export const REPORT_HTML_FILE = 'report.html';
export const REPORT_PDF_FILE = 'report.pdf';
export const ROOT_PUBLIC_KEY_FILE = 'root-public.pem';
export const ROOT_CERTIFICATE_FILE = 'root-certificate.pem';
export const SUMS_FILE = 'SHA256SUMS';
export const SHARES_FOLDER = 'shares';
export const BUNDLES_FOLDER = 'bundles';
export const QR_FOLDER = 'qr';

/** Only in rehearsal folders; not covered by SHA256SUMS (mutable, throwaway). */
export const REHEARSAL_ANSWERS_FILE = 'rehearsal-answers.json';
export const REHEARSAL_TOKEN_FOLDER = 'rehearsal-token';

/** The transcript writer's lock; present only while a writer holds (or crashed holding) it. */
export const TRANSCRIPT_LOCK_FILE = `${TRANSCRIPT_FILE}${LOCK_SUFFIX}`;

/** Files finalize writes, in the order it writes them (SHA256SUMS last, over the others). */
export const FINALIZE_OUTPUTS = [REPORT_HTML_FILE, REPORT_PDF_FILE, SUMS_FILE] as const;

/** Where a relative path stands with respect to SHA256SUMS. */
export type Coverage = 'covered' | 'sums-file' | 'lock' | 'rehearsal-only';

export function coverageOf(relativePath: string): Coverage {
  if (relativePath === SUMS_FILE) return 'sums-file';
  if (relativePath === TRANSCRIPT_LOCK_FILE) return 'lock';
  if (relativePath === REHEARSAL_ANSWERS_FILE) return 'rehearsal-only';
  if (relativePath === REHEARSAL_TOKEN_FOLDER || relativePath.startsWith(`${REHEARSAL_TOKEN_FOLDER}/`)) return 'rehearsal-only';
  return 'covered';
}

/** A temporary name writeFileAtomic leaves behind when the process dies mid-write. */
export function isPartialOf(name: string, of: string): boolean {
  return name.startsWith(`.${of}.`) && name.endsWith('.partial');
}
