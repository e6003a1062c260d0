// "Verify a ceremony" for the app: the same verdict `conclave verify DIR` gives
// (verifyCeremonyFolder), shaped for the screen, plus the transcript as one readable line
// per entry. A transcript holds no secrets by design; summaries are still kept short and
// skip long values (keys, signatures) so the table stays readable on a projector.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import { MAX_VIEWED_ENTRIES, type CeremonyVerification, type FolderFailureView, type TranscriptEntryView } from '../../../preload/contract';
import { readTranscript } from '../../transcript/index';
import type { FirstFailure } from './check-log';
import { hashForPeople } from './hash-words';
import { TRANSCRIPT_FILE } from './layout';
import { verifyCeremonyFolder } from './verify-folder';

const MAX_SUMMARY_CHARS = 200;
/** Values longer than this (base64 keys, signatures, hashes) are left out of a summary. */
const MAX_VALUE_CHARS = 72;

interface LooseEntry {
  seq: number;
  type: string;
  at: string;
  actor: unknown;
  data: unknown;
}

function actorText(actor: unknown): string {
  if (actor && typeof actor === 'object') {
    const { role, name } = actor as { role?: unknown; name?: unknown };
    if (typeof name === 'string' && typeof role === 'string') return `${name} (${role})`.slice(0, 200);
    if (typeof name === 'string') return name.slice(0, 200);
  }
  return '—';
}

function valueText(value: unknown): string | null {
  if (typeof value === 'string') return value.length <= MAX_VALUE_CHARS ? value : null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  return null;
}

/** "key: value, key: value" over the short top-level values of an entry's data. */
export function summarizeData(data: unknown): string {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const shown = valueText(value);
    if (shown !== null) parts.push(`${key}: ${shown}`);
  }
  const line = parts.join(', ');
  return line.length <= MAX_SUMMARY_CHARS ? line : `${line.slice(0, MAX_SUMMARY_CHARS - 1)}…`;
}

function viewOf(entry: LooseEntry): TranscriptEntryView {
  return { seq: entry.seq, type: entry.type.slice(0, 64), at: entry.at.slice(0, 64), actor: actorText(entry.actor), summary: summarizeData(entry.data) };
}

/**
 * Every entry the transcript holds. A verified chain comes from readTranscript; a broken
 * one is read line by line so the viewer still shows what is there, including the entry
 * the verifier names.
 */
async function transcriptEntries(folder: string): Promise<LooseEntry[]> {
  const path = join(folder, TRANSCRIPT_FILE);
  try {
    const contents = await readTranscript(path);
    return contents.entries.map(({ entry }) => ({ seq: entry.seq, type: entry.type, at: entry.at, actor: entry.actor, data: entry.data }));
  } catch {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return [];
    }
    const entries: LooseEntry[] = [];
    for (const [index, line] of text.split('\n').entries()) {
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      if (!value || typeof value !== 'object') continue;
      const raw = value as Record<string, unknown>;
      entries.push({
        seq: typeof raw.seq === 'number' && Number.isInteger(raw.seq) && raw.seq >= 0 ? raw.seq : index,
        type: typeof raw.type === 'string' ? raw.type : 'unreadable',
        at: typeof raw.at === 'string' ? raw.at : '',
        actor: raw.actor,
        data: raw.data,
      });
    }
    return entries;
  }
}

function failureView(failure: FirstFailure | undefined): FolderFailureView | null {
  if (!failure) return null;
  return { entrySeq: failure.entrySeq ?? null, entryType: failure.entryType ?? null, file: failure.file ?? null, reason: failure.reason };
}

export async function verifyCeremonyView(directory: string): Promise<CeremonyVerification> {
  if (!isAbsolute(directory)) {
    throw new DomainError({
      code: 'VERIFY_PATH_NOT_ABSOLUTE',
      message: `"${directory}" is not an absolute path.`,
      action: 'Give the full path of the ceremony folder, starting with "/".',
    });
  }
  const folder = resolve(directory);
  let verdict: Awaited<ReturnType<typeof verifyCeremonyFolder>>;
  try {
    verdict = await verifyCeremonyFolder(folder);
  } catch (error) {
    throw new DomainError({
      code: 'VERIFY_FOLDER_UNREADABLE',
      message: `The ceremony folder ${folder} cannot be read: ${(error as Error).message}`,
      action: 'Check the path and that the medium is mounted and readable.',
    });
  }
  const all = await transcriptEntries(folder);
  const entries = all.slice(0, MAX_VIEWED_ENTRIES).map(viewOf);
  return {
    ok: verdict.ok,
    directory: folder,
    ceremonyId: verdict.ceremonyId,
    title: verdict.title,
    rehearsal: verdict.rehearsal,
    finalHash: verdict.finalHash ? { hex: verdict.finalHash, words: hashForPeople(verdict.finalHash).words } : null,
    checks: verdict.checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail.slice(0, 2000) })),
    firstFailure: failureView(verdict.firstFailure),
    entries,
    entriesLeftOut: all.length - entries.length,
  };
}
