// verifyCeremonyFolder: everything an auditor checks about a ceremony folder, in order —
// the transcript (complete, chain, script, signatures, seal), the script's policy, the
// files the transcript records, SHA256SUMS and nothing unlisted, and the reports' final
// hash. Every check is reported; the first failure names the entry or file and why.
import { resolve } from 'node:path';
import { CheckLog, type FirstFailure, type FolderCheck } from './check-log';
import { checkRecordedFiles, checkSums } from './check-files';
import { checkPolicy } from './check-policy';
import { checkReport } from './check-report';
import { checkTranscript } from './check-transcript';
import { hashForPeople } from './hash-words';

export interface FolderVerdict {
  ok: boolean;
  dir: string;
  checks: FolderCheck[];
  firstFailure?: FirstFailure;
  /** The sealed entry's hash, when the transcript verified that far. */
  finalHash: string | null;
  finalHashWords: string[] | null;
  ceremonyId: string | null;
  title: string | null;
  rehearsal: boolean | null;
}

export async function verifyCeremonyFolder(dir: string): Promise<FolderVerdict> {
  const folder = resolve(dir);
  const log = new CheckLog();
  const record = await checkTranscript(folder, log);
  if (record) {
    const problems = checkPolicy(record.script, record.entries);
    const first = problems[0];
    if (first) log.fail('policy', { ...first, reason: problems.length > 1 ? `${first.reason} (and ${problems.length - 1} more departure(s) from the script)` : first.reason });
    else log.pass('policy', `all ${record.script.steps.length} steps done in order with their acknowledgements, confirmations and preconditions; every exception resolved`);
    await checkRecordedFiles(folder, record.entries, log);
  }
  await checkSums(folder, record ? record.opened.data.rehearsal : null, log);
  if (record) await checkReport(folder, record.finalHash, log);
  return {
    ok: log.ok && record !== null,
    dir: folder,
    checks: log.checks,
    ...(log.firstFailure ? { firstFailure: log.firstFailure } : {}),
    finalHash: record?.finalHash ?? null,
    finalHashWords: record ? hashForPeople(record.finalHash).words : null,
    ceremonyId: record?.opened.ceremonyId ?? null,
    title: record?.script.ceremony.title ?? null,
    rehearsal: record?.opened.data.rehearsal ?? null,
  };
}
