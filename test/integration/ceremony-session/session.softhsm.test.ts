// The ceremony session service on a real rehearsal token (SoftHSM2, prepared as
// `conclave rehearse` prepares it), driven through its channel methods the way the
// screens drive it: what it refuses before anything is recorded (a passphrase typed
// differently twice, too few custodians, a stranger's witness key file, a review the
// transcript has moved past, a second command while one runs), a close and resume that
// asks the quorum to log in again, and a seal after which the folder verifies. Every
// event it pushed is checked against the contract and for secrets.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF_ENV, kdfCost, prepareRehearsal, type PreparedRehearsal } from '../../../main/ceremony/engine';
import { verifyCeremonyFolder } from '../../../main/ceremony/folder';
import { renderScriptYaml, rootKeyGenerationScript } from '../../../main/ceremony/script';
import { ceremonyServiceForStatus, type CeremonyService } from '../../../main/ceremony/session';
import type { KdfCost } from '../../../main/quorum/kdf';
import { forkHsmClient } from '../../../main/hsm/hsm-client';
import { createStatusService } from '../../../main/status/status-service';
import type { StatusService } from '../../../main/status/types';
import { createWitnessKey } from '../../../main/witness';
import { CeremonyViewSchema, type CeremonyView, type CustodianInput } from '../../../preload/contract';
import { requireWorkerBuild } from '../../helpers/softhsm';

interface Answers {
  custodians: Record<string, { passphrase: string }>;
  witnesses: Record<string, { passphrase: string }>;
}

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

describe('ceremony session service on a SoftHSM2 rehearsal token', { timeout: 600_000 }, () => {
  let work: string;
  let rehearsalDir: string;
  let dir: string;
  let kdf: KdfCost;
  let prepared: PreparedRehearsal;
  let answers: Answers;
  let status: StatusService;
  let service: CeremonyService;
  const events: CeremonyView[] = [];

  const custodians = (...ns: number[]): CustodianInput[] => ns.map((n) => ({ name: `Custodian ${n}`, passphrase: answers.custodians[`Custodian ${n}`]!.passphrase }));
  const witness = () => [{ name: 'Rehearsal Witness', keyFile: prepared.witnessKeyPath, passphrase: answers.witnesses['Rehearsal Witness']!.passphrase }];

  /** Every acknowledgement the current step still needs, by the first people of each role. */
  async function acknowledgeAll(view: CeremonyView): Promise<CeremonyView> {
    let current = view;
    for (const ack of view.current!.acknowledgements) {
      for (const name of ack.candidates.filter((n) => !ack.by.includes(n)).slice(0, ack.missing)) {
        current = await service.ceremonyAcknowledge({ step: view.current!.id, role: ack.role, name });
      }
    }
    return current;
  }

  async function run(step: string, perform: Parameters<CeremonyService['ceremonyPerform']>[0] = { step }): Promise<CeremonyView> {
    let view = await service.ceremonyStartStep({ step });
    if (view.current!.irreversible) view = await service.ceremonyConfirm({ step, phrase: view.current!.confirmationPhrase! });
    view = await service.ceremonyPerform(perform);
    assert.equal(view.current?.performed, true);
    view = await acknowledgeAll(view);
    return service.ceremonyComplete({ step });
  }

  before(async () => {
    requireWorkerBuild();
    work = mkdtempSync(join(tmpdir(), 'conclave-session-'));
    rehearsalDir = join(work, 'rehearsal');
    dir = join(work, 'ceremony');
    kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    prepared = await prepareRehearsal(rehearsalDir, { kdf });
    answers = JSON.parse(readFileSync(prepared.answersPath, 'utf8')) as Answers;
    const env = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    status = createStatusService({ dataDir: rehearsalDir, env, usb: null });
    service = ceremonyServiceForStatus(status, { dataDir: rehearsalDir, toolVersion: 'session-test', kdf: async () => kdf, hsmFactory: (workerEnv) => forkHsmClient({ env: workerEnv }), env });
    service.subscribe((event) => events.push(event.payload));
  });

  after(async () => {
    await service?.close();
    await status?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('refuses to open into a relative, a non-empty folder, or a real ceremony on the rehearsal token, writing nothing', async () => {
    const source = { kind: 'template' as const, template: 'rehearsal-root' as const, witnessKeyFile: prepared.witnessKeyPath };
    await refusedWith(service.ceremonyOpen({ directory: 'ceremony', source }), 'PATH_NOT_ABSOLUTE');
    const full = join(work, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'notes.txt'), 'someone else\'s file');
    await refusedWith(service.ceremonyOpen({ directory: full, source }), 'FOLDER_NOT_EMPTY');
    const real = rootKeyGenerationScript({
      ceremonyId: 'real-root',
      participants: { administrator: { name: 'Admin' }, custodians: [{ name: 'A' }, { name: 'B' }], witnesses: [{ name: 'W', key: { kind: 'file', fingerprint: 'a'.repeat(64) } }] },
      quorum: { threshold: 2 },
      token: { label: 'ROOT HSM' },
    });
    const scriptPath = join(work, 'real.yaml');
    writeFileSync(scriptPath, renderScriptYaml(real));
    const elsewhere = join(work, 'real');
    await refusedWith(service.ceremonyOpen({ directory: elsewhere, source: { kind: 'script', path: scriptPath } }), 'REHEARSAL_TOKEN_FOR_REAL_CEREMONY');
    assert.equal(existsSync(elsewhere), false);
    assert.equal(await service.ceremonyState({}), null);
  });

  it('opens the rehearsal, and refuses a second ceremony while it is open', async () => {
    const view = await service.ceremonyOpen({ directory: dir, source: { kind: 'template', template: 'rehearsal-root', witnessKeyFile: prepared.witnessKeyPath } });
    assert.equal(view.current?.id, 'check-room');
    await refusedWith(service.ceremonyOpen({ directory: join(work, 'other'), source: { kind: 'template', template: 'rehearsal-root', witnessKeyFile: prepared.witnessKeyPath } }), 'CEREMONY_ALREADY_OPEN');
    await run('check-room');
    await refusedWith(service.ceremonyPerform({ step: 'confirm-clock' }), 'STEP_NOT_STARTED');
    await service.ceremonyStartStep({ step: 'confirm-clock' });
    const before = lines(dir);
    await refusedWith(service.ceremonyPerform({ step: 'confirm-clock' }), 'CLOCK_NOT_CONFIRMED');
    assert.equal(lines(dir), before, 'an unconfirmed clock is refused, not recorded as an exception');
    await service.ceremonyPerform({ step: 'confirm-clock', clockConfirmed: true });
    await acknowledgeAll((await service.ceremonyState({}))!);
    await service.ceremonyComplete({ step: 'confirm-clock' });
    await run('token-facts');
  });

  it('refuses setup passphrases typed differently, too weak, or missing a custodian before anything is recorded; then sets up', async () => {
    await service.ceremonyStartStep({ step: 'quorum-setup' });
    await refusedWith(service.ceremonyConfirm({ step: 'quorum-setup', phrase: 'quorum setup' }), 'CONFIRMATION_MISMATCH');
    await service.ceremonyConfirm({ step: 'quorum-setup', phrase: 'quorum-setup' });
    const before = lines(dir);
    const all = custodians(1, 2, 3, 4, 5).map((c) => ({ ...c, passphraseRepeat: c.passphrase }));
    const differ = all.map((c, i) => (i === 1 ? { ...c, passphraseRepeat: `${c.passphrase}x` } : c));
    assert.match((await refusedWith(service.ceremonyPerform({ step: 'quorum-setup', custodians: differ }), 'PASSPHRASES_DIFFER')).message, /Custodian 2/);
    const weak = all.map((c, i) => (i === 2 ? { ...c, passphrase: 'password1234', passphraseRepeat: 'password1234' } : c));
    assert.match((await refusedWith(service.ceremonyPerform({ step: 'quorum-setup', custodians: weak }), 'PASSPHRASE_WEAK')).message, /Custodian 3/);
    assert.match((await refusedWith(service.ceremonyPerform({ step: 'quorum-setup', custodians: all.slice(0, 4) }), 'CUSTODIANS_MISSING')).message, /Custodian 5/);
    assert.equal(lines(dir), before, 'nothing was recorded for the refused attempts');

    const eventsBefore = events.length;
    const performing = service.ceremonyPerform({ step: 'quorum-setup', custodians: all });
    // One command at a time: main is busy until the setup is done.
    await refusedWith(service.ceremonyAcknowledge({ step: 'quorum-setup', role: 'administrator', name: 'Rehearsal Administrator' }), 'CEREMONY_BUSY');
    const view = await performing;
    assert.equal(view.current?.performed, true);
    assert.equal(readdirSync(join(dir, 'shares')).filter((n) => n.startsWith('conclave-share-')).length, 5);
    const during = events.slice(eventsBefore).map((e) => e.activity).filter((a) => a !== null);
    assert.ok(during.some((a) => a.step === 'quorum-setup' && /envelope/.test(a.label) && a.progress?.total === 5 && a.progress.unit === 'custodians'), 'the setup reported its progress by custodian');
    assert.ok(during.some((a) => a.operation !== null), 'and the HSM calls it made');
    await acknowledgeAll(view);
    await service.ceremonyComplete({ step: 'quorum-setup' });
  });

  it('refuses a login of fewer custodians than the policy needs, then logs in', async () => {
    await service.ceremonyStartStep({ step: 'quorum-login' });
    const before = lines(dir);
    await refusedWith(service.ceremonyPerform({ step: 'quorum-login', custodians: custodians(1, 2) }), 'QUORUM_TOO_SMALL');
    await refusedWith(service.ceremonyPerform({ step: 'quorum-login', custodians: [...custodians(1, 2), { name: 'Mallory', passphrase: 'not a custodian 123' }] }), 'NOT_A_CUSTODIAN');
    assert.equal(lines(dir), before);
    const view = await service.ceremonyPerform({ step: 'quorum-login', custodians: custodians(3, 4, 5) });
    assert.equal(view.quorum.loggedIn, true);
    assert.deepEqual(view.quorum.presented, ['Custodian 3', 'Custodian 4', 'Custodian 5']);
    await acknowledgeAll(view);
    await service.ceremonyComplete({ step: 'quorum-login' });
  });

  it('closes and resumes: the login is gone, the next key step waits until the quorum logs in again', async () => {
    assert.equal(await service.ceremonyClose({}), null);
    assert.equal(await service.ceremonyState({}), null);
    const resumed = await service.ceremonyResume({ directory: dir });
    assert.equal(resumed.current?.id, 'ceremony-key');
    assert.equal(resumed.reloginNeeded, true);
    assert.equal(resumed.quorum.loggedIn, false);
    assert.equal(resumed.current?.preconditions.find((p) => p.id === 'quorum-logged-in')?.holds, false);
    await refusedWith(service.ceremonyStartStep({ step: 'ceremony-key' }), 'PRECONDITION_NOT_MET');
    const view = await service.ceremonyRelogin({ custodians: custodians(1, 3, 5) });
    assert.equal(view.reloginNeeded, false);
    assert.equal(view.quorum.loggedIn, true);
    await run('ceremony-key');
    await run('root-key');
    await run('key-encryption-key');
    await run('export-root-public-key');
    await run('generate-data-key');
    await run('export-data-key');
    await run('checkpoint');
  });

  it('has the witness sign only what they reviewed, with their own key', async () => {
    let view = await service.ceremonyStartStep({ step: 'witness-sign' });
    await refusedWith(service.ceremonyPerform({ step: 'witness-sign' }), 'WITNESSES_SIGN_THERE');
    const review = await service.witnessReview({ step: 'witness-sign' });
    assert.equal(review.request.kind, 'checkpoint');
    assert.equal(review.entries[review.entries.length - 1]?.seq, review.request.targetSeq);
    assert.equal(review.entries[review.entries.length - 1]?.type, 'checkpoint');
    await refusedWith(service.witnessReview({ step: 'seal' }), 'WITNESS_NOTHING_TO_SIGN');

    const stranger = await createWitnessKey({ name: 'Rehearsal Witness', passphrase: new TextEncoder().encode('stranger passphrase 42'), kdf });
    const strangerPath = join(work, 'stranger.json');
    writeFileSync(strangerPath, stranger.fileText);
    const before = lines(dir);
    await refusedWith(service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: [{ ...witness()[0]!, keyFile: strangerPath }] }), 'WITNESS_KEY_WRONG');
    await refusedWith(service.witnessSign({ step: 'witness-sign', reviewedHash: 'f'.repeat(64), witnesses: witness() }), 'REVIEW_OUTDATED');
    assert.equal(lines(dir), before, 'refused signatures record nothing');

    view = await service.witnessSign({ step: 'witness-sign', reviewedHash: review.request.reviewHash, witnesses: witness() });
    assert.equal(view.current?.performed, true);
    assert.equal(view.witness?.signers[0]?.signed, true);
    await acknowledgeAll(view);
    await service.ceremonyComplete({ step: 'witness-sign' });
  });

  it('seals after the acknowledgements, finalizes the folder, and refuses anything after', async () => {
    let view = await service.ceremonyStartStep({ step: 'seal' });
    assert.equal(view.witness?.ready, false);
    const early = await service.witnessReview({ step: 'seal' });
    await refusedWith(service.witnessSign({ step: 'seal', reviewedHash: early.request.reviewHash, witnesses: witness() }), 'WITNESS_NOT_READY');
    view = await acknowledgeAll(view);
    // Acknowledging moved the head on: the early review is no longer what the seal covers.
    await refusedWith(service.witnessSign({ step: 'seal', reviewedHash: early.request.reviewHash, witnesses: witness() }), 'REVIEW_OUTDATED');
    const review = await service.witnessReview({ step: 'seal' });
    assert.equal(review.request.ready, true);
    view = await service.witnessSign({ step: 'seal', reviewedHash: review.request.reviewHash, witnesses: witness() });
    assert.equal(view.status, 'sealed');
    assert.equal(view.sealed?.finalized, true);
    const verdict = await verifyCeremonyFolder(dir);
    assert.equal(verdict.ok, true, JSON.stringify(verdict.firstFailure));
    assert.equal(verdict.finalHash, view.sealed?.finalHash.hex);
    await refusedWith(service.ceremonyStartStep({ step: 'seal' }), 'CEREMONY_SEALED');
  });

  it('pushed only views that satisfy the contract, and never a secret', () => {
    assert.ok(events.length > 50);
    for (const view of events) CeremonyViewSchema.parse(view);
    const text = JSON.stringify(events);
    for (const c of Object.values(answers.custodians)) assert.ok(!text.includes(c.passphrase));
    assert.ok(!text.includes(answers.witnesses['Rehearsal Witness']!.passphrase));
  });
});
