// The progress journal of a quorum change (setup or re-share): written next to the
// record as quorum-record.pending.json BEFORE the token is touched, and updated after
// every step, so a crash between changing the token's PINs and writing the record is
// recoverable (every token step done: the record is finished from the journal) or at
// least explained (a step was interrupted: which PIN may have changed). It holds only
// public facts: the record to write, step names and times, never a PIN or share.
import { existsSync, readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../../native/errors';
import { renameNoReplace, replaceFileAtomic, writeFileAtomic } from '../files/atomic-write';
import type { QuorumRecord } from './types';

export const RECORD_FILE = 'quorum-record.json';
export const PENDING_FILE = 'quorum-record.pending.json';
const JOURNAL_FORMAT = 'conclave-quorum-pending';

export type StepName = 'init-token' | 'init-user-pin' | 'change-so-pin' | 'change-user-pin' | 'rehearsal-pins' | 'supersede-old-record' | 'write-record';

/** Steps that change the token: once one has started, the old PINs may no longer hold. */
export const TOKEN_STEPS: readonly StepName[] = ['init-token', 'init-user-pin', 'change-so-pin', 'change-user-pin'];

const STEP_TEXT: Record<StepName, string> = {
  'init-token': 'initializing the token with the new SO PIN',
  'init-user-pin': 'setting the new user PIN',
  'change-so-pin': 'changing the SO PIN',
  'change-user-pin': 'changing the user PIN',
  'rehearsal-pins': 'saving the rehearsal token PINs',
  'supersede-old-record': 'renaming the superseded quorum record',
  'write-record': 'writing the quorum record',
};

export interface JournalStep {
  name: StepName;
  status: 'pending' | 'started' | 'done';
  at: string | null;
}

export interface Journal {
  format: typeof JOURNAL_FORMAT;
  version: 1;
  kind: 'setup' | 'reshare';
  setupId: string;
  ceremonyId: string;
  slotId: string;
  /** Where the record goes (quorum-record.json in the output directory). */
  recordPath: string;
  /** The record to write, complete but for the token serial of a token being initialized. */
  record: QuorumRecord;
  /** Re-share: the record being replaced, and the name it gets. */
  supersedes: { path: string; hash: string; renameTo: string } | null;
  steps: JournalStep[];
  startedAt: string;
  /** Every place this journal is kept (the new record's folder, and the old record's when it differs). */
  copies: string[];
}

export function pendingPathFor(recordPath: string): string {
  return join(dirname(recordPath), PENDING_FILE);
}

export function describeStep(name: StepName): string {
  return STEP_TEXT[name];
}

/** Writes every copy of the journal (replacing the previous state). */
export async function saveJournal(journal: Journal): Promise<void> {
  const text = `${JSON.stringify(journal, null, 2)}\n`;
  for (const path of journal.copies) await replaceFileAtomic(path, text, { mode: 0o644 });
}

export async function removeJournal(journal: Journal): Promise<void> {
  for (const path of journal.copies) await unlink(path).catch(() => undefined);
}

export function markStep(journal: Journal, name: StepName, status: 'started' | 'done', now: Date): void {
  const step = journal.steps.find((s) => s.name === name);
  if (!step) throw new Error(`markStep: the journal has no step ${name}`);
  step.status = status;
  step.at = now.toISOString();
}

function unreadable(path: string, why: string): DomainError {
  return new DomainError({
    code: 'QUORUM_JOURNAL_INVALID',
    message: `The quorum progress journal ${path} cannot be read: ${why}.`,
    action: 'Keep the file and every envelope of this ceremony; compare the token state with the ceremony transcript before deleting anything.',
  });
}

/** The journal in `directory`, or null when none is there. */
export function readJournal(directory: string): Journal | null {
  const path = join(directory, PENDING_FILE);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw unreadable(path, (error as Error).message);
  }
  const j = value as Partial<Journal>;
  if (typeof j !== 'object' || j === null || j.format !== JOURNAL_FORMAT || j.version !== 1) throw unreadable(path, 'it is not a Conclave quorum journal');
  if (!Array.isArray(j.steps) || typeof j.recordPath !== 'string' || typeof j.record !== 'object' || !Array.isArray(j.copies)) throw unreadable(path, 'fields are missing');
  return j as Journal;
}

/** What was done and what not, in words, for the person who finds an interrupted change. */
export function journalStory(journal: Journal): string {
  const done = journal.steps.filter((s) => s.status === 'done').map((s) => describeStep(s.name));
  const started = journal.steps.filter((s) => s.status === 'started').map((s) => describeStep(s.name));
  const open = journal.steps.filter((s) => s.status === 'pending').map((s) => describeStep(s.name));
  const parts = [
    `The quorum ${journal.kind === 'reshare' ? 're-share' : 'setup'} of ceremony ${journal.ceremonyId} (started ${journal.startedAt}) was interrupted.`,
    done.length ? `Done: ${done.join('; ')}.` : 'Nothing was done yet.',
  ];
  if (started.length) parts.push(`Interrupted while ${started.join('; ')}: that change may or may not have reached the token.`);
  if (open.length) parts.push(`Not done: ${open.join('; ')}.`);
  return parts.join(' ');
}

export function tokenStepsSettled(journal: Journal): boolean {
  return journal.steps.filter((s) => TOKEN_STEPS.includes(s.name)).every((s) => s.status === 'done');
}

export function anyTokenStepBegun(journal: Journal): boolean {
  return journal.steps.some((s) => TOKEN_STEPS.includes(s.name) && s.status !== 'pending');
}

/**
 * Finishes a change whose token steps all completed but whose record was not written:
 * renames the superseded record, writes the new one, removes the journal. Writes are the
 * same as the original run's, so finishing twice is harmless.
 */
export async function finishFromJournal(journal: Journal, serializeRecord: (record: QuorumRecord) => string, now: () => Date): Promise<string> {
  if (journal.supersedes && existsSync(journal.supersedes.path) && !existsSync(journal.supersedes.renameTo)) {
    markStep(journal, 'supersede-old-record', 'started', now());
    await saveJournal(journal);
    await renameNoReplace(journal.supersedes.path, journal.supersedes.renameTo);
    markStep(journal, 'supersede-old-record', 'done', now());
    await saveJournal(journal);
  }
  if (!existsSync(journal.recordPath)) {
    markStep(journal, 'write-record', 'started', now());
    await saveJournal(journal);
    await writeFileAtomic(journal.recordPath, serializeRecord(journal.record), { mode: 0o644 });
    markStep(journal, 'write-record', 'done', now());
  }
  await removeJournal(journal);
  return journal.recordPath;
}

/** The name a superseded record gets: quorum-record.superseded-<UTC time>.json, beside it. */
export function supersededName(recordPath: string, at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const base = basename(recordPath).replace(/\.json$/, '');
  return join(dirname(recordPath), `${base}.superseded-${stamp}.json`);
}
