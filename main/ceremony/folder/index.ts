// The ceremony folder (docs/ceremony-folder.md): its layout, finalizing it after the seal
// (report.html, report.pdf, SHA256SUMS, each written once), and verifying it.
export {
  BUNDLES_FOLDER,
  coverageOf,
  FINALIZE_OUTPUTS,
  QR_FOLDER,
  REHEARSAL_ANSWERS_FILE,
  REHEARSAL_TOKEN_FOLDER,
  REPORT_HTML_FILE,
  REPORT_PDF_FILE,
  ROOT_CERTIFICATE_FILE,
  ROOT_PUBLIC_KEY_FILE,
  SHARES_FOLDER,
  SUMS_FILE,
  TRANSCRIPT_FILE,
  TRANSCRIPT_LOCK_FILE,
  type Coverage,
} from './layout';
export { describeFailure, type FirstFailure, type FolderCheck } from './check-log';
export { checkPolicy, stepOutcomes, type PolicyProblem, type StepOutcome } from './check-policy';
export type { CeremonyRecord } from './check-transcript';
export { finalizeCeremonyFolder, type FinalizeOptions, type FinalizeResult } from './finalize';
export { verifyCeremonyFolder, type FolderVerdict } from './verify-folder';
export { formatSums, parseSums, type SumLine } from './sha256sums';
export { finalHashInHtml, FINAL_HASH_META } from './report-html';
export { finalHashInPdf } from './report-pdf';
export { toPdfText } from './pdf-text';
