// The backup-key step (docs/ceremony-key-backup.md): a key made with the role
// wrap-only-export is wrapped (AES key wrap with padding) under a fresh backup key that
// exists only as a session object in the token and as the custodians' shares, each in its
// own envelope. The wrapped key is checked before anything relies on it — a short-lived
// session copy unwrapped from it must sign for the key's public key — and the backup key
// is overwritten as soon as it has wrapped and been shared out. The backup record is
// written last: a record on disk means every file of the backup is complete, so a resumed
// step re-checks and adopts those files, and without a record the files of an interrupted
// attempt are set aside (never deleted) and the backup is made anew.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { KeyInfo } from '../../../native/hsm/protocol';
import { sha256Hex, writeFileAtomic } from '../../files/atomic-write';
import { secretDigest } from '../../quorum/commitments';
import { parseBackupEnvelope } from '../../quorum/envelope';
import { fingerprintOf } from '../../quorum/fingerprint';
import { describePolicy, parsePolicy, policyId } from '../../quorum/policy';
import { splitSecret } from '../../quorum/sharing';
import type { JsonObject } from '../../transcript';
import { isAsymmetric, type KeyType, type StepOf } from '../script';
import { backupEnvelopeFile, BACKUP_SECRET, isBackupEnvelopeFile, sealSaveProve, type SealedBackupEnvelope } from './backup-envelopes';
import { newBackupKey } from './backup-key';
import { BACKUP_RECORD_FILE, readBackupRecord, serializeBackupRecord, type BackupRecord } from './backup-record';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { recordFileWritten } from './files';
import { attributeRecord, findKey, publicKeyOf, recordedKey } from './key-actions';
import { checkWrappedKey, keyTypeOf } from './key-facts';
import { policyOf } from './quorum-actions';

const USAGES = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'] as const;

interface Target {
  info: KeyInfo;
  type: KeyType;
  spki: Uint8Array | null;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const rel = (ctx: ActionContext, path: string) => relative(ctx.deps.dir, path).split(sep).join('/');

/** The key to back up, checked: one key under the label, the one the transcript recorded, sensitive, extractable only wrapped, no other use. */
async function backupTarget(ctx: ActionContext, label: string): Promise<Target> {
  const info = await findKey(ctx, label);
  if (!info) throw engineError('KEY_MISSING', `There is no key labelled "${label}" on the token to back up.`, 'Connect the token that holds it (and log the quorum in), or record an exception.');
  const recorded = recordedKey(ctx, label);
  if (recorded && recorded.id !== info.attributes.id) {
    throw engineError('KEY_MISSING', `The key "${label}" on the token (id ${info.attributes.id}) is not the one this ceremony generated (id ${recorded.id}).`, 'Record an exception: the token holds another key under that label.');
  }
  const a = info.attributes;
  const type = keyTypeOf(a);
  if (!type) throw engineError('KEY_TYPE_UNSUPPORTED', `The key "${label}" is of a type Conclave does not back up (${a.keyType ?? 'unknown'}).`, 'Back up AES-256, EC P-256/P-384, Ed25519 or RSA-3072/4096 keys.');
  const usages = USAGES.filter((u) => a[u] === true);
  if (a.extractable !== true || a.sensitive !== true || usages.length > 0) {
    const why = a.extractable !== true ? 'it is not extractable' : a.sensitive !== true ? 'it is not sensitive' : `it may also ${usages.join(', ')}`;
    throw engineError(
      'KEY_NOT_BACKUPABLE',
      `The key "${label}" cannot be backed up: ${why}. Only a key generated with the role wrap-only-export (sensitive, extractable only wrapped, no other use) leaves the token.`,
      'Back up a wrap-only-export key; a key made for signing or wrapping stays on its token by design.',
    );
  }
  const spki = isAsymmetric(type) ? await publicKeyOf(ctx, label, a.id) : null;
  if (spki && recorded?.publicKeySpki && recorded.publicKeySpki !== b64(spki)) {
    throw engineError('PUBLIC_KEY_MISMATCH', `The public key of "${label}" on the token is not the one recorded when it was generated.`, 'Record an exception; the token holds another key under that label.');
  }
  return { info, type, spki };
}

/** Imports the backup key as a session key, wraps the target, checks the wrapped bytes in the token, and destroys the session key. */
async function wrapUnderBackupKey(ctx: ActionContext, key: Uint8Array, label: string, target: Target): Promise<{ wrapped: Uint8Array; sessionKey: JsonObject; check: string; checkValue: string | null }> {
  const slotId = await ctx.slotId();
  const value = Uint8Array.from(key);
  let session: KeyInfo;
  try {
    session = await ctx.deps.hsm.importSessionWrapKey({ slotId, value, label });
  } finally {
    value.fill(0);
  }
  try {
    const wrapped = await ctx.deps.hsm.wrapKey({ wrappingKey: session.handle, key: target.info.handle, mechanism: 'aes-key-wrap-pad' });
    const { checked, checkValue } = await checkWrappedKey(ctx.deps.hsm, session.handle, wrapped, target.type, { spki: target.spki, checkValue: null });
    const s = session.attributes;
    return {
      wrapped,
      sessionKey: { label, token: s.token, sensitive: s.sensitive, extractable: s.extractable, wrap: s.wrap, unwrap: s.unwrap, encrypt: s.encrypt, decrypt: s.decrypt, destroyed: true },
      check:
        checked === 'signature'
          ? 'a session copy unwrapped from the wrapped key signed for the recorded public key'
          : 'a session copy unwrapped from the wrapped key is an AES-256 key; its check value is recorded',
      checkValue,
    };
  } finally {
    await ctx.deps.hsm.destroyObject(session.handle).catch(() => undefined);
  }
}

/** Envelopes and a wrapped file of an attempt that never wrote its record: moved aside, never deleted. */
function setAsideInterrupted(folder: string, wrappedPath: string, now: Date): string[] {
  const envelopes = existsSync(folder) ? readdirSync(folder).filter(isBackupEnvelopeFile) : [];
  const wrapped = existsSync(wrappedPath);
  if (envelopes.length === 0 && !wrapped) return [];
  const aside = join(folder, `interrupted-${now.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(aside, { recursive: true });
  for (const name of envelopes) renameSync(join(folder, name), join(aside, name));
  if (wrapped) renameSync(wrappedPath, join(aside, basename(wrappedPath)));
  return [...envelopes, ...(wrapped ? [basename(wrappedPath)] : [])];
}

async function recordBackup(
  ctx: ActionContext,
  paths: { record: string; wrapped: string; envelopes: string[] },
  record: BackupRecord,
  target: Target,
  extra: JsonObject,
): Promise<JsonObject> {
  for (const path of [...paths.envelopes].sort()) await recordFileWritten(ctx, path, 'custodian backup-key envelope');
  const wrapped = await recordFileWritten(ctx, paths.wrapped, `wrapped key "${record.key.label}" (AES key wrap with padding)`);
  const written = await recordFileWritten(ctx, paths.record, 'key-backup record');
  const fp = target.spki ? fingerprintOf(target.spki) : null;
  return {
    label: record.key.label,
    id: record.key.id,
    algorithm: record.key.algorithm,
    fingerprint: fp ? { hex: fp.hex, words: [...fp.words] } : null,
    checkValue: record.key.checkValue,
    attributes: attributeRecord(target.info.attributes),
    wrappedKey: { file: rel(ctx, paths.wrapped), sha256: wrapped.sha256, bytes: wrapped.bytes, mechanism: record.wrapped.mechanism },
    backupRecord: { file: rel(ctx, paths.record), sha256: written.sha256 },
    backupKeyDigest: record.backupKey.digest,
    policy: record.policySummary,
    policyId: record.policyId,
    custodians: record.custodians.map((c) => ({ name: c.name, envelopeFingerprint: c.envelopeFingerprint })),
    ...extra,
  };
}

/** A record on disk: the attempt that wrote it finished every file; check them all against it, then record them. */
async function adoptBackup(ctx: ActionContext, step: StepOf<'backup-key'>, target: Target, folder: string, recordPath: string, wrappedPath: string): Promise<JsonObject> {
  const { record } = await readBackupRecord(recordPath);
  const ceremonyId = ctx.script.ceremony.id;
  const problems: string[] = [];
  if (record.ceremonyId !== ceremonyId) problems.push(`it belongs to ceremony ${record.ceremonyId}`);
  if (record.key.label !== step.params.label || record.key.id !== target.info.attributes.id) problems.push(`it backs up the key "${record.key.label}" (id ${record.key.id})`);
  if (record.key.publicKeySpki !== (target.spki ? b64(target.spki) : null)) problems.push('its public key is not the key on the token');
  if (record.wrapped.file !== step.params.file) problems.push(`its wrapped key is ${record.wrapped.file}`);
  if (!existsSync(wrappedPath) || sha256Hex(readFileSync(wrappedPath)) !== record.wrapped.sha256) problems.push(`${step.params.file} is missing or not the file it lists`);
  const envelopes = record.custodians.map((c) => join(folder, backupEnvelopeFile(ceremonyId, c.index, c.name)));
  record.custodians.forEach((c, i) => {
    const path = envelopes[i]!;
    try {
      const parsed = parseBackupEnvelope(readFileSync(path, 'utf8'));
      if (parsed.fingerprint.hex !== c.envelopeFingerprint || parsed.metadata.commitments[BACKUP_SECRET] !== c.commitment) problems.push(`the envelope of ${c.name} is not the one it lists`);
    } catch {
      problems.push(`the envelope of ${c.name} is missing or unreadable`);
    }
  });
  if (problems.length > 0) {
    throw engineError(
      'BACKUP_FILES_CHANGED',
      `The backup files an interrupted attempt of "${step.id}" left do not agree with its record ${recordPath}: ${problems.join('; ')}.`,
      'Record an exception. Move the folder aside only after finding out what changed the files.',
    );
  }
  return recordBackup(ctx, { record: recordPath, wrapped: wrappedPath, envelopes }, record, target, {
    adopted: true,
    backupKey: { label: record.backupKey.label, storage: 'session object, destroyed after wrapping' },
    check: 'done by the interrupted attempt before it wrote the record; files checked against the record now',
  });
}

export async function backupKey(ctx: ActionContext, step: StepOf<'backup-key'>): Promise<JsonObject> {
  const { label, file, sharesFolder, backupKeyLabel } = step.params;
  const folder = join(ctx.deps.dir, sharesFolder);
  const wrappedPath = join(ctx.deps.dir, file);
  const recordPath = join(folder, BACKUP_RECORD_FILE);
  const target = await backupTarget(ctx, label);
  if (existsSync(recordPath)) return adoptBackup(ctx, step, target, folder, recordPath, wrappedPath);

  const now = (ctx.deps.now ?? (() => new Date()))();
  const setAside = setAsideInterrupted(folder, wrappedPath, now);
  const slotId = await ctx.slotId();
  const token = (await ctx.deps.hsm.listTokens()).find((t) => t.slotId === slotId)?.token;
  const policy = parsePolicy(policyOf(ctx));
  const ceremonyId = ctx.script.ceremony.id;

  const key = await newBackupKey(ctx.deps.hsm, slotId);
  let shares: Map<number, Uint8Array> = new Map();
  let digest: string;
  let wrapping: Awaited<ReturnType<typeof wrapUnderBackupKey>>;
  try {
    digest = secretDigest({ ceremonyId, secretId: BACKUP_SECRET, secret: key });
    shares = await splitSecret(key, policy);
    wrapping = await wrapUnderBackupKey(ctx, key, backupKeyLabel, target);
  } catch (error) {
    for (const share of shares.values()) share.fill(0);
    throw error;
  } finally {
    // From here on the backup key exists only as the custodians' shares.
    key.fill(0);
  }

  const envelopes: SealedBackupEnvelope[] = [];
  try {
    mkdirSync(folder, { recursive: true });
    for (const index of policy.custodians.map((_, i) => i + 1)) {
      const share = shares.get(index)!;
      shares.delete(index);
      envelopes.push(await sealSaveProve(ctx, { policy, index, share, folder, createdAt: now.toISOString() }));
    }
  } finally {
    for (const share of shares.values()) share.fill(0);
  }

  mkdirSync(dirname(wrappedPath), { recursive: true });
  const written = await writeFileAtomic(wrappedPath, wrapping.wrapped, { mode: 0o644 });
  const record: BackupRecord = {
    format: 'conclave-key-backup-record',
    version: 1,
    ceremonyId,
    createdAt: now.toISOString(),
    rehearsal: ctx.script.ceremony.rehearsal,
    token: { label: token?.label ?? ctx.script.token.label, serial: token?.serial ?? '' },
    key: {
      label,
      id: target.info.attributes.id,
      algorithm: target.type,
      publicKeySpki: target.spki ? b64(target.spki) : null,
      fingerprint: target.spki ? sha256Hex(target.spki) : null,
      checkValue: wrapping.checkValue,
    },
    wrapped: { file, sha256: written.sha256, bytes: written.size, mechanism: 'aes-key-wrap-pad' },
    backupKey: { label: backupKeyLabel, digest },
    policy,
    policyId: policyId(policy),
    policySummary: describePolicy(policy),
    custodians: envelopes.map((e) => ({ name: e.name, index: e.index, group: e.group, envelopeFingerprint: e.envelopeFingerprint, commitment: e.commitment })),
    kdf: { memoryKiB: ctx.deps.kdf.memoryKiB, iterations: ctx.deps.kdf.iterations, parallelism: ctx.deps.kdf.parallelism },
  };
  await writeFileAtomic(recordPath, serializeBackupRecord(record), { mode: 0o644 });
  ctx.deps.afterEntry?.(step.id, 'files-written');
  return recordBackup(ctx, { record: recordPath, wrapped: wrappedPath, envelopes: envelopes.map((e) => e.path) }, record, target, {
    adopted: false,
    backupKey: { ...wrapping.sessionKey, entropy: 'token RNG and OS CSPRNG, mixed with HKDF-SHA256' },
    check: wrapping.check,
    setAsideFromInterruptedAttempt: setAside,
  });
}
