// The restore-key step (docs/ceremony-key-backup.md): onto this ceremony's token, from a
// backup ceremony's folder. Everything that can be checked without the custodians is
// checked first, so a wrong file costs nobody's passphrase and creates nothing: the
// wrapped file against the SHA-256 the script pins, the backup record against the file,
// the key type and (for a key pair) the public key fingerprint the script pins. Then
// the custodians present their backup-key envelopes (each share checked before
// combining, the combined key against the record's digest), the backup key becomes a
// session key, a session copy proves the wrapped key signs for the pinned public key,
// and only then is the key unwrapped into the token — sensitive, never plainly
// extractable, under the original's CKA_ID — and its attributes read back.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyAttributes, KeyInfo } from '../../../native/hsm/protocol';
import { sha256Hex } from '../../files/atomic-write';
import { fingerprintOf } from '../../quorum/fingerprint';
import { CEREMONY_SIGNING_PURPOSE, type EntryData, type JsonObject } from '../../transcript';
import { isAsymmetric, type KeyType, type ScriptKeyRole, type ScriptStep, type StepOf } from '../script';
import { presentBackupShares, type CombinedBackupKey } from './backup-envelopes';
import { BACKUP_RECORD_FILE, readBackupRecord, type BackupRecord } from './backup-record';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { attributeRecord, findKey, keySummary, recordedKey } from './key-actions';
import { checkWrappedKey, signsFor, unwrappedIsType, unwrapTargetFor } from './key-facts';

const MAX_WRAPPED_BYTES = 64 * 1024;

/** Why a restore step cannot run: the script must pin the wrapped file, and a key pair's public key. Null when it can. */
export function restorePinProblem(step: ScriptStep): string | null {
  if (step.action !== 'restore-key') return null;
  if (!step.params.wrappedKeySha256) return `the step "${step.id}" does not pin the wrapped key file (params.wrappedKeySha256)`;
  if (isAsymmetric(step.params.type) && !step.params.fingerprint) return `the step "${step.id}" restores a key pair without pinning its public key (params.fingerprint)`;
  return null;
}

interface BackupSource {
  wrapped: Uint8Array;
  wrappedSha256: string;
  record: BackupRecord;
  recordPath: string;
  recordSha256: string;
  sharesDir: string;
  spki: Uint8Array | null;
}

/** The backup's files, checked against the script's pins; nothing on the token is touched. */
async function readBackup(ctx: ActionContext, step: StepOf<'restore-key'>): Promise<BackupSource> {
  const p = step.params;
  const folder = ctx.deps.inputs.backupFolder?.() ?? null;
  if (!folder) throw engineError('BACKUP_FOLDER_MISSING', 'No backup ceremony folder was given to restore from.', "Name the backup ceremony's folder in the answers (backup.folder).");
  const wrappedPath = join(folder, p.wrappedKeyFile);
  let wrapped: Uint8Array;
  try {
    const info = await stat(wrappedPath);
    if (!info.isFile() || info.size > MAX_WRAPPED_BYTES) throw new Error(info.isFile() ? `${info.size} bytes is too large for a wrapped key` : 'not a file');
    wrapped = new Uint8Array(await readFile(wrappedPath));
  } catch (error) {
    throw engineError('WRAPPED_KEY_UNREADABLE', `The wrapped key ${wrappedPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, "Check the backup folder (answers: backup.folder) and the step's wrappedKeyFile.");
  }
  const wrappedSha256 = sha256Hex(wrapped);
  if (wrappedSha256 !== p.wrappedKeySha256) {
    throw engineError(
      'WRAPPED_KEY_MISMATCH',
      `The wrapped key ${wrappedPath} has the SHA-256 ${wrappedSha256}, but the script pins ${p.wrappedKeySha256}; it was altered, or it is another backup. Nothing was created on the token.`,
      "Use the wrapped key file the backup ceremony recorded (compare with its transcript's file-written entry), or record an exception.",
    );
  }
  const sharesDir = join(folder, p.sharesFolder);
  const recordPath = join(sharesDir, BACKUP_RECORD_FILE);
  const { record, sha256: recordSha256 } = await readBackupRecord(recordPath);
  const mismatch = (what: string) =>
    engineError('BACKUP_RECORD_MISMATCH', `The backup record ${recordPath} ${what}. Nothing was created on the token.`, 'Use the record and wrapped key of the same backup, as its transcript lists them; or record an exception.');
  if (record.wrapped.sha256 !== wrappedSha256 || record.wrapped.bytes !== wrapped.length) throw mismatch(`lists another wrapped key (SHA-256 ${record.wrapped.sha256})`);
  if (record.key.algorithm !== p.type) throw mismatch(`backs up an ${record.key.algorithm} key, but the script restores an ${p.type} key`);
  if (p.fingerprint !== undefined && record.key.fingerprint !== p.fingerprint) {
    throw engineError(
      'PUBLIC_KEY_MISMATCH',
      `The backed-up key's public key has the fingerprint ${record.key.fingerprint ?? 'none'}, but the script pins ${p.fingerprint}. Nothing was created on the token.`,
      'Check the fingerprint in the restore script against the backup ceremony\'s transcript; record an exception.',
    );
  }
  if (record.rehearsal !== ctx.script.ceremony.rehearsal) {
    throw engineError(
      'REHEARSAL_MISMATCH',
      record.rehearsal ? 'The backup was made in a rehearsal; a production ceremony does not restore rehearsal keys.' : 'The backup is a production backup; a rehearsal never restores production keys onto a throwaway token.',
      'Restore a backup of the same kind (rehearsal or production) as this ceremony.',
    );
  }
  return { wrapped, wrappedSha256, record, recordPath, recordSha256, sharesDir, spki: record.key.publicKeySpki ? new Uint8Array(Buffer.from(record.key.publicKeySpki, 'base64')) : null };
}

const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'] as const satisfies ReadonlyArray<keyof KeyAttributes>;

/** The usages of each role, as the worker's key templates set them; a private key carries only its half of each pair. */
const ROLE_USAGE: Record<ScriptKeyRole, Array<(typeof USAGES)[number]>> = {
  sign: ['sign', 'verify'],
  wrap: ['wrap', 'unwrap'],
  encrypt: ['encrypt', 'decrypt'],
  'wrap-only-export': [],
};
const PRIVATE_KEY_USAGES: ReadonlyArray<(typeof USAGES)[number]> = ['decrypt', 'sign', 'unwrap', 'derive'];

/** The checks a restored key must pass: what the original was (sensitive, never plainly extractable), with the role the script gives it. */
function restoredProblems(a: KeyAttributes, type: KeyType, role: ScriptKeyRole, id: string): string[] {
  const problems: string[] = [];
  if (a.token !== true) problems.push('it is not stored on the token (CKA_TOKEN)');
  if (a.private !== true) problems.push('it is not private (CKA_PRIVATE)');
  if (a.sensitive !== true) problems.push('it is not sensitive (CKA_SENSITIVE)');
  if ((role === 'wrap-only-export') !== (a.extractable === true)) problems.push(`it is ${a.extractable ? '' : 'not '}extractable (CKA_EXTRACTABLE), which the role ${role} does not allow`);
  if (!unwrappedIsType(a, type)) problems.push(`it is not an ${type} key`);
  if (a.id !== id) problems.push(`its CKA_ID is ${a.id}, not the original's ${id}`);
  const wanted = ROLE_USAGE[role].filter((u) => a.class === 'secret' || PRIVATE_KEY_USAGES.includes(u));
  const missing = wanted.filter((u) => a[u] !== true);
  if (missing.length > 0) problems.push(`it lacks the usage ${missing.join(', ')} of the role ${role}`);
  const extra = USAGES.filter((u) => a[u] === true && !wanted.includes(u));
  if (extra.length > 0) problems.push(`it may also ${extra.join(', ')}, which the role ${role} does not allow`);
  return problems;
}

async function finishRestore(
  ctx: ActionContext,
  step: StepOf<'restore-key'>,
  source: BackupSource,
  info: KeyInfo,
  how: { adopted: boolean; presented: CombinedBackupKey | null; check: string | null },
): Promise<JsonObject> {
  const p = step.params;
  const { record } = source;
  const problems = restoredProblems(info.attributes, p.type, p.role, record.key.id);
  if (problems.length > 0) throw engineError('KEY_ATTRIBUTES_WRONG', `The restored key "${p.label}" failed its read-back check: ${problems.join('; ')}.`, 'Record an exception; do not use this key.');
  let identityCheck = how.check;
  if (source.spki && info.attributes.sign === true) {
    if (!(await signsFor(ctx.deps.hsm, info.handle, p.type, source.spki))) {
      throw engineError('PUBLIC_KEY_MISMATCH', `The restored key "${p.label}" does not sign for the original's public key.`, 'Record an exception; do not use this key.');
    }
    identityCheck = 'the restored key signed for the original public key';
  } else if (!source.spki && info.attributes.wrap === true) {
    const { value } = await ctx.deps.hsm.keyCheckValue(info.handle);
    if (value !== source.record.key.checkValue) {
      throw engineError('KEY_CHECK_VALUE_MISMATCH', `The restored key "${p.label}" has the check value ${value}, not the original's ${source.record.key.checkValue}.`, 'Record an exception; do not use this key.');
    }
    identityCheck = 'the restored key has the original check value';
  } else if (how.adopted) {
    identityCheck = 'done by the interrupted attempt with a session copy before it created the key';
  }
  const fp = source.spki ? fingerprintOf(source.spki) : null;
  const data: EntryData<'key-generated'> = {
    // Never the ceremony key's purpose: the verifier takes that key-generated entry as the ceremony key.
    purpose: /^[a-z0-9][a-z0-9-]{0,63}$/.test(step.id) && step.id !== CEREMONY_SIGNING_PURPOSE ? step.id : 'restored-key',
    label: p.label,
    id: info.attributes.id,
    algorithm: p.type,
    hsmRole: p.role,
    adopted: how.adopted,
    publicKeySpki: source.spki ? Buffer.from(source.spki).toString('base64') : null,
    fingerprint: fp ? { hex: fp.hex, words: [...fp.words] } : null,
    attributes: attributeRecord(info.attributes),
  };
  await ctx.writer.append('key-generated', ctx.system, data);
  return {
    ...keySummary(data),
    restoredFrom: {
      ceremonyId: record.ceremonyId,
      originalLabel: record.key.label,
      wrappedKey: { file: p.wrappedKeyFile, sha256: source.wrappedSha256, bytes: source.wrapped.length },
      backupRecord: { sha256: source.recordSha256 },
      policy: record.policySummary,
    },
    custodians: how.presented ? how.presented.custodians : [],
    envelopeFingerprints: how.presented ? how.presented.envelopeFingerprints : [],
    backupKeyDigestChecked: how.presented !== null,
    checkValue: source.record.key.checkValue,
    identityCheck,
    attributesReadBack: true,
  };
}

export async function restoreKey(ctx: ActionContext, step: StepOf<'restore-key'>): Promise<JsonObject> {
  const p = step.params;
  const pins = restorePinProblem(step);
  if (pins) throw engineError('RESTORE_NOT_PINNED', `The restore cannot run: ${pins}.`, "Pin the values the backup ceremony's transcript records in the script, then run a new ceremony.");
  const earlier = recordedKey(ctx, p.label);
  if (earlier) {
    // Recorded by an earlier attempt: the key on the token must still be that key.
    const existing = await findKey(ctx, p.label);
    if (!existing || existing.attributes.id !== earlier.id) throw engineError('KEY_MISSING', `The key "${p.label}" recorded in the transcript is not on the token.`, 'Record an exception: the token is not in the state the transcript describes.');
    return keySummary(earlier);
  }
  const source = await readBackup(ctx, step);
  const existing = await findKey(ctx, p.label);
  if (existing) {
    // Only an attempt of this very step that died before recording may have made it.
    if (!ctx.mayAdopt(p.label)) {
      throw engineError('KEY_LABEL_TAKEN', `The token already holds a key labelled "${p.label}" that this ceremony did not record.`, 'Use a fresh token or another label; record an exception.');
    }
    return finishRestore(ctx, step, source, existing, { adopted: true, presented: null, check: null });
  }
  const slotId = await ctx.slotId();
  const taken = await ctx.deps.hsm.findObjects({ slotId, id: source.record.key.id });
  if (taken.length > 0) {
    throw engineError('KEY_ID_TAKEN', `The token already holds ${taken.length === 1 ? 'an object' : `${taken.length} objects`} with the original key's id ${source.record.key.id} ("${taken[0]!.label}").`, 'Restore onto a token that does not hold this key already; record an exception.');
  }

  const presented = await presentBackupShares(ctx, source.record, source.sharesDir);
  let restored: KeyInfo;
  let check: string;
  try {
    const value = Uint8Array.from(presented.key);
    let session: KeyInfo;
    try {
      session = await ctx.deps.hsm.importSessionWrapKey({ slotId, value, label: source.record.backupKey.label });
    } finally {
      value.fill(0);
      presented.key.fill(0);
    }
    try {
      const checked = await checkWrappedKey(ctx.deps.hsm, session.handle, source.wrapped, p.type, { spki: source.spki, checkValue: source.record.key.checkValue });
      check =
        checked.checked === 'signature'
          ? 'a session copy of the wrapped key signed for the original public key before the key was created'
          : "a session copy of the wrapped key had the recorded check value before the key was created";
      restored = await ctx.deps.hsm.unwrapKey({
        unwrappingKey: session.handle,
        wrapped: source.wrapped,
        mechanism: 'aes-key-wrap-pad',
        target: unwrapTargetFor(p.type),
        label: p.label,
        role: p.role,
        id: source.record.key.id,
      });
    } finally {
      await ctx.deps.hsm.destroyObject(session.handle).catch(() => undefined);
    }
  } finally {
    presented.key.fill(0);
  }
  ctx.keyMade(p.label);
  ctx.deps.afterEntry?.(step.id, 'key-made');
  return finishRestore(ctx, step, source, restored, { adopted: false, presented, check });
}
