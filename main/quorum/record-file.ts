// Opening a quorum record file for a login or a re-share. Before the record is trusted:
// an unfinished quorum change in its folder is finished (when every token step is done)
// or explained (when one was interrupted), and a record that a re-share replaced is
// refused by name, so nobody spends a PIN attempt on a quorum that no longer holds.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { DomainError } from '../../native/errors';
import { finishFromJournal, journalStory, readJournal, RECORD_FILE, tokenStepsSettled } from './quorum-journal';
import { parseQuorumRecord, recordHash, serializeQuorumRecord } from './record';
import type { QuorumRecord } from './types';

export interface LoadedRecord {
  record: QuorumRecord;
  /** The file's exact text (its hash is what a re-share's record supersedes). */
  text: string;
  path: string;
  /** Set when an interrupted change was finished from its journal while opening. */
  finishedPending: string | null;
}

const SUPERSEDED_NAME = /\.superseded-[0-9TZ-]+\.json$/;

function superseded(path: string, by: string | null): DomainError {
  return new DomainError({
    code: 'QUORUM_RECORD_SUPERSEDED',
    message: `The quorum record ${path} was replaced by a re-share${by ? ` (the current record is ${by})` : ''}; its envelopes no longer unlock the token.`,
    action: `Open the current quorum record${by ? ` ${by}` : ' of this token'} and present the new custodians' envelopes. No PIN was tried.`,
  });
}

export async function loadRecordFile(path: string, now: () => Date = () => new Date()): Promise<LoadedRecord> {
  if (!isAbsolute(path)) {
    throw new DomainError({ code: 'PATH_NOT_ABSOLUTE', message: `The record path "${path}" is not absolute.`, action: 'Choose the quorum record file again.' });
  }
  const directory = dirname(path);
  let finishedPending: string | null = null;
  const journal = readJournal(directory);
  if (journal) {
    if (!tokenStepsSettled(journal)) {
      throw new DomainError({
        code: 'QUORUM_CHANGE_INTERRUPTED',
        message: `${journalStory(journal)} (journal: ${join(directory, 'quorum-record.pending.json')})`,
        action:
          journal.kind === 'setup'
            ? 'The token may hold a new SO PIN without a user PIN. If it holds no keys yet, re-initialize it and run the setup again; keep the journal and the envelopes with the ceremony records.'
            : 'Keep every envelope of the old and the new quorum and the journal. The old quorum still opens the PIN that was not changed, the new quorum the one that was: finish the change with both present, under your recovery procedure, and record the exception.',
      });
    }
    finishedPending = await finishFromJournal(journal, serializeQuorumRecord, now);
  }
  if (SUPERSEDED_NAME.test(basename(path))) {
    const current = join(directory, RECORD_FILE);
    throw superseded(path, existsSync(current) ? current : null);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DomainError({
      code: code === 'ENOENT' ? 'RECORD_NOT_FOUND' : 'RECORD_UNREADABLE',
      message: code === 'ENOENT' ? `There is no quorum record at ${path}.` : `The quorum record ${path} cannot be read (${code ?? 'error'}).`,
      action: 'Choose the quorum-record.json written by the quorum setup (or by the last re-share).',
    });
  }
  const record = parseQuorumRecord(text);
  const current = join(directory, RECORD_FILE);
  if (current !== path && existsSync(current)) {
    try {
      const newer = parseQuorumRecord(readFileSync(current, 'utf8'));
      if (newer.supersedes === recordHash(text)) throw superseded(path, current);
    } catch (error) {
      if (DomainError.is(error) && error.code === 'QUORUM_RECORD_SUPERSEDED') throw error;
    }
  }
  return { record, text, path, finishedPending };
}
