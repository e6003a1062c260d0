// finalizeCeremonyFolder: after the seal, writes report.html, report.pdf and then
// SHA256SUMS over every other covered file — each once, atomically, never over another
// file. The transcript must be sealed and verify (chain, and signatures against the
// script's witnesses and the ceremony key) and the files it records must match. The
// outputs depend on the folder's contents only, so finalizing again after a crash
// accepts what is already there when it is byte-identical and refuses when it differs.
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { writeFileAtomic } from '../../files/atomic-write';
import { envelopeQrPng } from '../../quorum/envelope-source';
import { CheckLog, describeFailure } from './check-log';
import { checkRecordedFiles, hashRegularFile } from './check-files';
import { checkPolicy, stepOutcomes } from './check-policy';
import { checkTranscript } from './check-transcript';
import { listFolder, unsafeName } from './folder-files';
import { hashForPeople } from './hash-words';
import { coverageOf, FINALIZE_OUTPUTS, isPartialOf, REHEARSAL_TOKEN_FOLDER, REPORT_HTML_FILE, REPORT_PDF_FILE, SUMS_FILE } from './layout';
import { buildReport } from './report-content';
import { renderReportHtml } from './report-html';
import { renderReportPdf } from './report-pdf';
import { formatSums } from './sha256sums';

export interface FinalizeOptions {
  /** The clock for `finalizedAt` in the result (the files themselves carry the seal's time). */
  now?: () => Date;
}

export interface FinalizeResult {
  dir: string;
  finalHash: string;
  finalHashWords: string[];
  /** Each output and whether this call wrote it or found it already there, identical. */
  outputs: Array<{ path: string; sha256: string; state: 'written' | 'already-present' }>;
  /** Number of files SHA256SUMS lists. */
  covered: number;
  /** Departures from the script found in the transcript (the report lists them too). */
  policyProblems: number;
  finalizedAt: string;
}

const failed = (code: string, message: string, action: string) => new DomainError({ code, message, action });

/** Writes `bytes` at dir/name once; an identical file already there is accepted, a different one refused. */
async function writeOnce(dir: string, name: string, bytes: Uint8Array): Promise<{ sha256: string; state: 'written' | 'already-present' }> {
  const path = join(dir, name);
  const existing = await hashRegularFile(path);
  if (!('problem' in existing)) {
    const onDisk = new Uint8Array(await readFile(path));
    if (Buffer.compare(Buffer.from(onDisk), Buffer.from(bytes)) === 0) return { sha256: existing.sha256, state: 'already-present' };
    throw failed(
      'CEREMONY_FOLDER_OUTPUT_DIFFERS',
      `${path} already exists and differs from what this ceremony's transcript and files give; Conclave never overwrites a file of a ceremony folder.`,
      'Find out why it differs (a file added, changed or removed since the report was made, or another ceremony\'s report): compare with a copy of the folder. Do not delete it to make the error go away.',
    );
  }
  if (existing.problem !== 'it is missing') {
    throw failed('CEREMONY_FOLDER_OUTPUT_BLOCKED', `${path} exists but ${existing.problem}.`, `Move it out of the ceremony folder, then finalize again.`);
  }
  const written = await writeFileAtomic(path, bytes, { mode: 0o644 });
  return { sha256: written.sha256, state: 'written' };
}

/** A temporary file of an earlier finalize that died mid-write is removed: it was never a ceremony file. */
async function removeOwnLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (FINALIZE_OUTPUTS.some((output) => isPartialOf(name, output))) await unlink(join(dir, name));
  }
}

export async function finalizeCeremonyFolder(dir: string, options: FinalizeOptions = {}): Promise<FinalizeResult> {
  if (!isAbsolute(dir)) throw failed('PATH_NOT_ABSOLUTE', `The ceremony folder "${dir}" is not an absolute path.`, 'Give the full path, starting with /.');
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw failed('CEREMONY_FOLDER_NOT_FOUND', `There is no ceremony folder at ${dir}.`, 'Check that the medium is mounted and the path is right.');
  }
  const log = new CheckLog();
  const record = await checkTranscript(dir, log);
  if (!record) {
    throw failed(
      'CEREMONY_FOLDER_NOT_FINALIZABLE',
      `The ceremony in ${dir} cannot be finalized: ${describeFailure(log.firstFailure!)}.`,
      'Only a sealed transcript whose chain and signatures verify gets a report and SHA256SUMS. Finish (seal) the ceremony, or use an intact copy of its transcript.',
    );
  }
  await checkRecordedFiles(dir, record.entries, log);
  if (log.firstFailure) {
    throw failed(
      'CEREMONY_FOLDER_FILE_MISMATCH',
      `A file of the ceremony in ${dir} does not match its transcript: ${describeFailure(log.firstFailure)}.`,
      'Restore the file from the ceremony media; SHA256SUMS is written only over the files the transcript vouches for.',
    );
  }
  await removeOwnLeftovers(dir);

  const rehearsal = record.opened.data.rehearsal;
  const listing = await listFolder(dir, (path) => rehearsal && path === REHEARSAL_TOKEN_FOLDER);
  const odd = listing.oddities[0];
  if (odd) throw failed('CEREMONY_FOLDER_UNEXPECTED_FILE', `${join(dir, odd.path)} is ${odd.kind}; a ceremony folder holds only files and folders.`, 'Move it out of the ceremony folder, then finalize again.');
  const files: Array<{ path: string; sha256: string; bytes: number }> = [];
  for (const path of listing.files) {
    const coverage = coverageOf(path);
    if (coverage === 'rehearsal-only' && !rehearsal) {
      throw failed('CEREMONY_FOLDER_UNEXPECTED_FILE', `${join(dir, path)} belongs only in a rehearsal folder, and this ceremony is not a rehearsal.`, 'Move it out of the ceremony folder (it may hold rehearsal secrets), then finalize again.');
    }
    if (coverage !== 'covered' || (FINALIZE_OUTPUTS as readonly string[]).includes(path)) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (name.startsWith('.') && name.endsWith('.partial')) {
      throw failed('CEREMONY_FOLDER_UNEXPECTED_FILE', `${join(dir, path)} is the temporary file of a write that never finished (a crash).`, 'Check that the file it was meant to become is complete and recorded in the transcript, remove the temporary file, then finalize again.');
    }
    if (unsafeName(path)) throw failed('CEREMONY_FOLDER_UNEXPECTED_FILE', `The file name ${JSON.stringify(path)} in ${dir} holds a control character or backslash.`, 'Rename or remove it, then finalize again.');
    const hash = await hashRegularFile(join(dir, path));
    if ('problem' in hash) throw failed('CEREMONY_FOLDER_UNREADABLE', `${join(dir, path)} cannot be hashed: ${hash.problem}.`, 'Check the medium, then finalize again.');
    files.push({ path, ...hash });
  }

  const policy = checkPolicy(record.script, record.entries);
  const document = buildReport({ record, outcomes: stepOutcomes(record.script, record.entries), policy, files, qrPng: await envelopeQrPng(record.finalHash) });
  const html = new TextEncoder().encode(renderReportHtml(document));
  const pdf = await renderReportPdf(document);

  const outputs: FinalizeResult['outputs'] = [];
  const report = await writeOnce(dir, REPORT_HTML_FILE, html);
  outputs.push({ path: REPORT_HTML_FILE, ...report });
  const printable = await writeOnce(dir, REPORT_PDF_FILE, pdf);
  outputs.push({ path: REPORT_PDF_FILE, ...printable });
  const sums = formatSums([...files.map((f) => ({ path: f.path, sha256: f.sha256 })), { path: REPORT_HTML_FILE, sha256: report.sha256 }, { path: REPORT_PDF_FILE, sha256: printable.sha256 }]);
  outputs.push({ path: SUMS_FILE, ...(await writeOnce(dir, SUMS_FILE, new TextEncoder().encode(sums))) });

  return {
    dir,
    finalHash: record.finalHash,
    finalHashWords: hashForPeople(record.finalHash).words,
    outputs,
    covered: files.length + 2,
    policyProblems: policy.length,
    finalizedAt: (options.now ?? (() => new Date()))().toISOString(),
  };
}
