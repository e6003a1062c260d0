// What a restore-key step will find in a backup ceremony's folder, read before anyone
// types a passphrase: the backup record (its key, policy and custodians), which
// custodians' envelopes are there and issued by that backup, and each check the engine
// makes without a secret — the wrapped file against the SHA-256 the script pins, the
// record against the file, the key type, the pinned public key, rehearsal or not. Only
// public files are read and nothing is written; the engine checks all of it again when
// the step runs, so this is a preview for people, never a substitute.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isDirectory } from '../../../native/probes/fs-read';
import { join, resolve } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { BackupPreview } from '../../../preload/contract';
import { sha256Hex } from '../../files/atomic-write';
import { parseBackupEnvelope } from '../../quorum/envelope';
import { isSatisfied } from '../../quorum/policy';
import { hashForPeople } from '../folder/hash-words';
import { isBackupEnvelopeFile } from '../engine/backup-envelopes';
import { BACKUP_RECORD_FILE, readBackupRecord, type BackupRecord } from '../engine';
import { isAsymmetric, type StepOf } from '../script';
import { assertAbsolute } from './open-source';

const MAX_WRAPPED_BYTES = 64 * 1024;
const MAX_ENVELOPE_FILES = 1024;

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

/** The backup folder must be a folder that exists: a mistyped path is refused before anything is recorded. */
export function assertBackupFolder(directory: string): void {
  assertAbsolute(directory, 'backup ceremony folder');
  if (!isDirectory(directory)) {
    throw refused('BACKUP_FOLDER_NOT_FOUND', `There is no folder ${directory}.`, "Give the backup ceremony's folder (it holds the wrapped key file and the backup-shares folder); check that its medium is mounted.");
  }
}

export async function readRestoreRecord(directory: string, step: StepOf<'restore-key'>): Promise<BackupRecord> {
  return (await readBackupRecord(join(directory, step.params.sharesFolder, BACKUP_RECORD_FILE))).record;
}

async function wrappedFacts(path: string): Promise<{ sha256: string; bytes: number } | { problem: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { problem: `${path} is not a file` };
    if (info.size > MAX_WRAPPED_BYTES) return { problem: `${path} is ${info.size} bytes, too large for a wrapped key` };
    const bytes = await readFile(path);
    return { sha256: sha256Hex(bytes), bytes: bytes.length };
  } catch (error) {
    return { problem: `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** Each custodian's envelope in the shares folder: there and listed by the record, there but not the one issued, or missing. */
function envelopeStates(sharesDir: string, record: BackupRecord): Map<number, 'found' | 'not-issued'> {
  const states = new Map<number, 'found' | 'not-issued'>();
  let names: string[];
  try {
    names = readdirSync(sharesDir).filter(isBackupEnvelopeFile).slice(0, MAX_ENVELOPE_FILES);
  } catch {
    return states;
  }
  for (const file of names) {
    let parsed: ReturnType<typeof parseBackupEnvelope>;
    try {
      const path = join(sharesDir, file);
      if (statSync(path).size > 256 * 1024) continue;
      parsed = parseBackupEnvelope(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    const m = parsed.metadata;
    if (m.ceremonyId !== record.ceremonyId) continue;
    const custodian = record.custodians.find((c) => c.index === m.custodian.index);
    if (!custodian) continue;
    const issued = m.policyId === record.policyId && parsed.fingerprint.hex === custodian.envelopeFingerprint;
    if (issued) states.set(custodian.index, 'found');
    else if (!states.has(custodian.index)) states.set(custodian.index, 'not-issued');
  }
  return states;
}

function fingerprintView(hex: string | null): BackupPreview['key']['fingerprint'] {
  if (!hex) return null;
  const people = hashForPeople(hex);
  return { hex: people.grouped, words: people.words };
}

export async function previewBackup(given: string, step: StepOf<'restore-key'>, rehearsal: boolean): Promise<BackupPreview> {
  assertBackupFolder(given);
  const directory = resolve(given);
  const p = step.params;
  const record = await readRestoreRecord(directory, step);
  const wrappedPath = join(directory, p.wrappedKeyFile);
  const wrapped = await wrappedFacts(wrappedPath);
  const checks: BackupPreview['checks'] = [];
  const check = (id: string, label: string, problem: string | null) => checks.push({ id, label, holds: problem === null, problem });

  if ('problem' in wrapped) check('wrapped-pinned', `${p.wrappedKeyFile} has the SHA-256 the script pins`, wrapped.problem);
  else if (!p.wrappedKeySha256) check('wrapped-pinned', `${p.wrappedKeyFile} has the SHA-256 the script pins`, 'the script pins no SHA-256 for the wrapped key, so the restore cannot run');
  else check('wrapped-pinned', `${p.wrappedKeyFile} has the SHA-256 the script pins`, wrapped.sha256 === p.wrappedKeySha256 ? null : `it has ${wrapped.sha256}, the script pins ${p.wrappedKeySha256}`);
  check(
    'record-lists-wrapped',
    'The backup record lists this wrapped key (SHA-256 and size)',
    'problem' in wrapped ? 'the wrapped key cannot be read' : record.wrapped.sha256 === wrapped.sha256 && record.wrapped.bytes === wrapped.bytes ? null : `the record lists ${record.wrapped.sha256} (${record.wrapped.bytes} bytes)`,
  );
  check('key-type', `The backup holds an ${p.type} key, the type this step restores`, record.key.algorithm === p.type ? null : `the backup holds an ${record.key.algorithm} key`);
  if (isAsymmetric(p.type)) {
    check(
      'fingerprint',
      "The backed-up key's public key has the fingerprint the script pins",
      !p.fingerprint ? 'the script pins no fingerprint, so the restore cannot run' : record.key.fingerprint === p.fingerprint ? null : `the record has ${record.key.fingerprint ?? 'none'}`,
    );
  }
  check(
    'rehearsal',
    rehearsal ? 'The backup was made in a rehearsal, as this ceremony is one' : 'The backup is a production backup, as this ceremony is one',
    record.rehearsal === rehearsal ? null : record.rehearsal ? 'it was made in a rehearsal' : 'it is a production backup',
  );

  const states = envelopeStates(join(directory, p.sharesFolder), record);
  return {
    directory,
    ceremonyId: record.ceremonyId,
    rehearsal: record.rehearsal,
    createdAt: record.createdAt,
    policy: record.policySummary,
    threshold: record.policy.threshold,
    grouped: Boolean(record.policy.groups),
    key: { label: record.key.label, id: record.key.id, algorithm: record.key.algorithm, fingerprint: fingerprintView(record.key.fingerprint), checkValue: record.key.checkValue },
    wrapped: { file: p.wrappedKeyFile, sha256: 'problem' in wrapped ? null : wrapped.sha256, bytes: 'problem' in wrapped ? null : wrapped.bytes },
    custodians: record.custodians.map((c) => ({ name: c.name, index: c.index, group: c.group, envelope: states.get(c.index) ?? 'missing' })),
    checks,
  };
}

/**
 * The presenting custodians must be custodians of the backup and together meet its policy:
 * a name typed wrong or one custodian too few is refused before any envelope is opened.
 */
export function assertPresentersMeetPolicy(record: BackupRecord, names: string[]): void {
  const indexes: number[] = [];
  for (const name of names) {
    const custodian = record.custodians.find((c) => c.name === name);
    if (!custodian) {
      throw refused('NOT_A_BACKUP_CUSTODIAN', `${name} is not a custodian of the backup ${record.ceremonyId}.`, `The backup's custodians are: ${record.custodians.map((c) => c.name).join(', ')}.`);
    }
    indexes.push(custodian.index);
  }
  if (!isSatisfied(record.policy, indexes)) {
    throw refused(
      'BACKUP_QUORUM_TOO_SMALL',
      `${names.length} custodian${names.length === 1 ? '' : 's'} (${names.join(', ')}) do not meet the backup's policy, ${record.policySummary}.`,
      'More custodians of the backup present their envelopes and type their passphrases.',
    );
  }
}
