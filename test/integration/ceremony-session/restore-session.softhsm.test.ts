// The ceremony session service at a key restore and with a token witness, on real
// SoftHSM2 tokens. A backup is made on token A by the engine (as `conclave run` makes it);
// then a restore ceremony runs on the app's rehearsal token through the session's channel
// methods, the way the screens drive it. Refused before anything is recorded: no backup
// folder, a relative one, a folder that is not a backup, presenters who are not the
// backup's custodians or too few for its policy, one given twice. A wrong backup
// passphrase is the engine's to record (an exception naming the custodian), and a retry
// restores the key. The witness signs with the key on her own token through a worker of
// her own: a mistyped PIN is recorded and never tried again by itself; a retry with the
// right PIN signs. The sealed folder verifies; no passphrase or PIN is in it or in any
// view the session pushed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBackupRecord } from '../../../main/ceremony/engine';
import { verifyCeremonyFolder } from '../../../main/ceremony/folder';
import { keyBackupScript, keyRestoreScript, REHEARSAL_TOKEN_LABEL, renderScriptYaml } from '../../../main/ceremony/script';
import { ceremonyServiceForStatus, type CeremonyService } from '../../../main/ceremony/session';
import { forkHsmClient } from '../../../main/hsm/hsm-client';
import { createStatusService } from '../../../main/status/status-service';
import { CeremonyViewSchema, type CeremonyView, type CustodianInput } from '../../../preload/contract';
import { initTokenWithUtil, makeSoftHsm, requireWorkerBuild, withToken } from '../../helpers/softhsm';
import { answersFor, BACKUP_PASSPHRASE, CUSTODIANS, KEY_LABEL, MemoryPins, PASSPHRASE, run, team, tempDir, tokenSetupScript, world } from '../ceremony/backup-restore-fixture';

const WENDY = { label: 'Wendy Card', soPin: 'so-pin-wendy-1', userPin: 'wendy-card-pin-2468' };
const WRONG_PIN = 'wendy-card-pin-0000';
const WRONG_BACKUP_PASSPHRASE = 'not the passphrase of brook 42!';
const QUORUM_B = (name: string) => `quiet ${name.length} harbour lamp ${name.charCodeAt(0)}09#`;

async function refusedWith(promise: Promise<unknown>, code: string): Promise<{ message: string; action: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message: string; action: string };
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    assert.ok(e.action.length > 0, 'every refusal says what to do');
    return e;
  }
  assert.fail(`expected a refusal with ${code}`);
}

const lines = (dir: string) => readFileSync(join(dir, 'transcript.jsonl'), 'utf8').trimEnd().split('\n').length;

test('a restore and a token witness through the ceremony session', { timeout: 600_000 }, async (t) => {
  requireWorkerBuild();
  const w = await world(t);
  for (const name of CUSTODIANS) w.secrets.add(`token B quorum passphrase of ${name}`, QUORUM_B(name));
  w.secrets.add('wrong backup passphrase', WRONG_BACKUP_PASSPHRASE);
  w.secrets.add("Wendy's PIN", WENDY.userPin);
  w.secrets.add('the mistyped PIN', WRONG_PIN);

  // Token A: its quorum and the key, then the backup, by the engine.
  const A = await withToken(t, { spec: { label: 'Token A', soPin: 'so-pin-a-1234', userPin: 'user-pin-a-1234' } });
  const pinsA = new MemoryPins(A.spec.label, A.spec.soPin, A.spec.userPin, w.secrets);
  const setupDir = join(w.base, 'token-a-setup');
  assert.equal((await run(w, { dir: setupDir, token: A, script: tokenSetupScript(w, A), answers: answersFor(w, A), pins: pinsA })).status, 'sealed', w.log.join('\n'));
  const backupDir = join(w.base, 'backup');
  const backup = await run(w, { dir: backupDir, token: A, script: keyBackupScript({ ...team(w, 'backup-2026', A), keyLabel: KEY_LABEL }), answers: answersFor(w, A, { quorumRecord: join(setupDir, 'shares', 'quorum-record.json') }) });
  assert.equal(backup.status, 'sealed', w.log.join('\n'));
  const wrappedKeySha256 = createHash('sha256').update(readFileSync(join(backupDir, 'wrapped-key.bin'))).digest('hex');
  const { record } = await readBackupRecord(join(backupDir, 'backup-shares', 'backup-record.json'));

  // Wendy's own token, with a key an outside tool made.
  const wendyStore = makeSoftHsm(t);
  initTokenWithUtil(wendyStore, WENDY);
  const tool = (args: string[]) => execFileSync('pkcs11-tool', ['--module', wendyStore.modulePath, '--token-label', WENDY.label, ...args], { env: wendyStore.env, stdio: ['ignore', 'pipe', 'pipe'] });
  tool(['--login', '--pin', WENDY.userPin, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'wendy-witness', '--id', '01']);
  tool(['--read-object', '--type', 'pubkey', '--label', 'wendy-witness', '-o', join(w.base, 'wendy.der')]);
  const wendyFingerprint = createHash('sha256').update(readFileSync(join(w.base, 'wendy.der'))).digest('hex');

  // The app on its rehearsal token (token B), with witness tokens opened through workers of their own.
  const dataDir = tempDir(t, 'conclave-restore-session-');
  const env = { ...process.env };
  delete env.CONCLAVE_PKCS11_MODULE;
  const status = createStatusService({ dataDir, env, usb: null });
  const witnessWorkers: string[] = [];
  const service: CeremonyService = ceremonyServiceForStatus(status, {
    dataDir,
    toolVersion: 'session-test',
    kdf: async () => w.kdf,
    hsmFactory: (workerEnv) => {
      witnessWorkers.push(workerEnv.SOFTHSM2_CONF ?? '');
      return forkHsmClient({ env: workerEnv });
    },
    env: { ...env, ...wendyStore.env },
  });
  const events: CeremonyView[] = [];
  service.subscribe((event) => events.push(event.payload));
  t.after(async () => {
    await service.close();
    await status.close();
  });

  const script = keyRestoreScript({
    ceremonyId: 'restore-session',
    rehearsal: true,
    participants: {
      administrator: { name: 'Admin' },
      custodians: CUSTODIANS.map((name) => ({ name })),
      witnesses: [{ name: 'Wendy', key: { kind: 'pkcs11', fingerprint: wendyFingerprint, tokenLabel: WENDY.label } }],
    },
    quorum: { threshold: 2 },
    token: { label: REHEARSAL_TOKEN_LABEL },
    label: `${KEY_LABEL}-b`,
    type: 'ec-p256',
    role: 'sign',
    wrappedKeySha256,
    fingerprint: record.key.fingerprint!,
  });
  const scriptPath = join(w.base, 'restore.yaml');
  writeFileSync(scriptPath, renderScriptYaml(script));
  const dir = join(w.base, 'restore');

  async function acknowledgeAll(view: CeremonyView): Promise<CeremonyView> {
    let current = view;
    for (const ack of view.current!.acknowledgements) {
      for (const name of ack.candidates.filter((n) => !ack.by.includes(n)).slice(0, ack.missing)) current = await service.ceremonyAcknowledge({ step: view.current!.id, role: ack.role, name });
    }
    return current;
  }
  async function step(id: string, perform: Parameters<CeremonyService['ceremonyPerform']>[0] = { step: id }): Promise<void> {
    let view = await service.ceremonyStartStep({ step: id });
    if (view.current!.irreversible) view = await service.ceremonyConfirm({ step: id, phrase: view.current!.confirmationPhrase! });
    view = await service.ceremonyPerform(perform);
    await acknowledgeAll(view);
    await service.ceremonyComplete({ step: id });
  }
  const quorumB = (...names: string[]): CustodianInput[] => names.map((name) => ({ name, passphrase: QUORUM_B(name), passphraseRepeat: QUORUM_B(name) }));
  const presenting = (...names: string[]): CustodianInput[] => names.map((name) => ({ name, passphrase: BACKUP_PASSPHRASE(name) }));

  await service.ceremonyOpen({ directory: dir, source: { kind: 'script', path: scriptPath } });
  await step('check-room');
  await step('confirm-clock', { step: 'confirm-clock', clockConfirmed: true });
  await step('token-facts');
  await step('quorum-setup', { step: 'quorum-setup', custodians: quorumB(...CUSTODIANS) });
  await step('quorum-login', { step: 'quorum-login', custodians: quorumB('Ada', 'Brook').map(({ passphraseRepeat: _r, ...c }) => c) });
  await step('ceremony-key');

  // ---- the restore: refusals that record nothing
  let view = await service.ceremonyStartStep({ step: 'restore-key' });
  await refusedWith(service.ceremonyInspectBackup({ step: 'ceremony-key', directory: backupDir }), 'NOT_A_RESTORE_STEP');
  view = await service.ceremonyConfirm({ step: 'restore-key', phrase: 'restore-key' });
  assert.equal(view.current?.inputs.kind, 'restore');
  const before = lines(dir);
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', custodians: presenting('Ada', 'Cyrus') }), 'BACKUP_FOLDER_MISSING');
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: 'backup', custodians: presenting('Ada', 'Cyrus') }), 'PATH_NOT_ABSOLUTE');
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: join(w.base, 'nowhere'), custodians: presenting('Ada', 'Cyrus') }), 'BACKUP_FOLDER_NOT_FOUND');
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: setupDir, custodians: presenting('Ada', 'Cyrus') }), 'NOT_A_BACKUP_FOLDER');
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir }), 'CUSTODIANS_MISSING');
  const small = await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir, custodians: presenting('Cyrus') }), 'BACKUP_QUORUM_TOO_SMALL');
  assert.match(small.message, /2 of 3/);
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir, custodians: [...presenting('Ada'), { name: 'Dora', passphrase: 'dora has no envelope 99!' }] }), 'NOT_A_BACKUP_CUSTODIAN');
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir, custodians: presenting('Ada', 'Ada') }), 'CUSTODIAN_TWICE');
  await refusedWith(service.ceremonyPerform({ step: 'checkpoint', backupFolder: backupDir }), 'STEP_OUT_OF_ORDER');
  assert.equal(lines(dir), before, 'nothing was recorded for the refused attempts');
  const preview = await service.ceremonyInspectBackup({ step: 'restore-key', directory: backupDir });
  assert.ok(preview.checks.every((c) => c.holds), JSON.stringify(preview.checks));

  // A wrong passphrase is the engine's to find, and it records it naming the custodian.
  await refusedWith(service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir, custodians: [...presenting('Ada'), { name: 'Brook', passphrase: WRONG_BACKUP_PASSPHRASE }] }), 'STEP_FAILED');
  view = (await service.ceremonyState({}))!;
  assert.equal(view.exception?.code, 'ENVELOPE_WRONG_PASSPHRASE');
  assert.match(view.exception!.reason, /Brook/);
  view = await service.ceremonyResolveException({ resolution: 'retry' });
  const eventsBefore = events.length;
  view = await service.ceremonyPerform({ step: 'restore-key', backupFolder: backupDir, custodians: presenting('Cyrus', 'Ada') });
  const restored = view.current!.restore!;
  assert.equal(restored.id, record.key.id);
  assert.equal(restored.fingerprintMatchesPin, true);
  assert.deepEqual(restored.custodians, ['Cyrus', 'Ada']);
  assert.deepEqual(Object.fromEntries(restored.attributes.map((a) => [a.name, a.value])).extractable, 'false');
  const progress = events.slice(eventsBefore).map((e) => e.activity?.label ?? '');
  assert.ok(progress.some((l) => /Cyrus presents their backup-key envelope/.test(l)), 'the restore reported each presenting custodian');
  await acknowledgeAll(view);
  await service.ceremonyComplete({ step: 'restore-key' });
  await step('checkpoint');

  // ---- Wendy signs with her token
  view = await service.ceremonyStartStep({ step: 'witness-sign' });
  let review = await service.witnessReview({ step: 'witness-sign' });
  assert.deepEqual(review.request.signers.map((s) => [s.name, s.keyKind, s.tokenLabel]), [['Wendy', 'pkcs11', WENDY.label]]);
  const token = (pin: string) => ({ module: wendyStore.modulePath, tokenLabel: WENDY.label, keyLabel: 'wendy-witness', pin });
  const signBefore = lines(dir);
  await refusedWith(service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: [{ name: 'Wendy', keyFile: w.witnessKeyFile, passphrase: 'x'.repeat(20) }] }), 'WITNESS_KEY_KIND_WRONG');
  await refusedWith(service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: [{ name: 'Wendy', token: { ...token(WENDY.userPin), module: join(w.base, 'no-such-module.so') } }] }), 'MODULE_NOT_FOUND');
  assert.equal(lines(dir), signBefore);
  assert.deepEqual(witnessWorkers, [], 'no witness worker was started for a refused request');

  await refusedWith(service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: [{ name: 'Wendy', token: token(WRONG_PIN) }] }), 'STEP_FAILED');
  view = (await service.ceremonyState({}))!;
  // SoftHSM2 reports the lowered retry count with the refusal; either way it is the PIN, and it was not tried again.
  assert.match(view.exception?.code ?? '', /^PIN_INCORRECT/, view.exception?.reason);
  assert.equal(witnessWorkers.length, 1, 'one login attempt, in a worker of its own, never retried');
  view = await service.ceremonyResolveException({ resolution: 'retry' });
  review = await service.witnessReview({ step: 'witness-sign' });
  view = await service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: [{ name: 'Wendy', token: token(WENDY.userPin) }] });
  assert.equal(view.witness?.signers[0]?.signed, true);
  assert.deepEqual(witnessWorkers, [wendyStore.confPath, wendyStore.confPath], "each signature had a worker of its own, on Wendy's token");
  await acknowledgeAll(view);
  await service.ceremonyComplete({ step: 'witness-sign' });

  view = await service.ceremonyStartStep({ step: 'seal' });
  view = await acknowledgeAll(view);
  review = await service.witnessReview({ step: 'seal' });
  view = await service.witnessSign({ step: 'seal', reviewedHash: review.request.reviewHash, witnesses: [{ name: 'Wendy', token: token(WENDY.userPin) }] });
  assert.equal(view.status, 'sealed');
  assert.equal(view.sealed?.finalized, true);
  const verdict = await verifyCeremonyFolder(dir);
  assert.equal(verdict.ok, true, JSON.stringify(verdict.firstFailure));

  // ---- no secret anywhere
  const { findings } = w.secrets.scan([dir]);
  assert.deepEqual(findings, []);
  for (const e of events) CeremonyViewSchema.parse(e);
  const pushed = JSON.stringify(events);
  for (const name of CUSTODIANS) assert.ok(!pushed.includes(BACKUP_PASSPHRASE(name)) && !pushed.includes(PASSPHRASE(name)) && !pushed.includes(QUORUM_B(name)));
  assert.ok(!pushed.includes(WENDY.userPin) && !pushed.includes(WRONG_PIN));
});
