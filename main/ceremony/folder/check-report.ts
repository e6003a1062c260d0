// The report belongs to this transcript: the final hash embedded in report.html (a meta
// element) and in report.pdf (the document subject) equals the transcript's. SHA256SUMS
// already shows the reports were not changed after finalizing; this shows that a report
// and SHA256SUMS were not both replaced by another ceremony's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckLog } from './check-log';
import { REPORT_HTML_FILE, REPORT_PDF_FILE } from './layout';
import { finalHashInHtml } from './report-html';
import { finalHashInPdf } from './report-pdf';

export async function checkReport(dir: string, finalHash: string, log: CheckLog): Promise<void> {
  let html: string;
  let pdf: Uint8Array;
  try {
    html = await readFile(join(dir, REPORT_HTML_FILE), 'utf8');
  } catch {
    log.fail('report', { file: REPORT_HTML_FILE, reason: 'the folder has no readable report.html' });
    return;
  }
  const inHtml = finalHashInHtml(html);
  if (inHtml !== finalHash) {
    log.fail('report', { file: REPORT_HTML_FILE, reason: inHtml ? `it shows the final hash ${inHtml}, not the transcript's ${finalHash}` : 'it carries no final hash' });
    return;
  }
  try {
    pdf = new Uint8Array(await readFile(join(dir, REPORT_PDF_FILE)));
  } catch {
    log.fail('report', { file: REPORT_PDF_FILE, reason: 'the folder has no readable report.pdf' });
    return;
  }
  let inPdf: string | null;
  try {
    inPdf = await finalHashInPdf(pdf);
  } catch (error) {
    log.fail('report', { file: REPORT_PDF_FILE, reason: `it is not a readable PDF (${(error as Error).message})` });
    return;
  }
  if (inPdf !== finalHash) {
    log.fail('report', { file: REPORT_PDF_FILE, reason: inPdf ? `it shows the final hash ${inPdf}, not the transcript's ${finalHash}` : 'it carries no final hash' });
    return;
  }
  log.pass('report', 'report.html and report.pdf carry the transcript\'s final hash');
}
