// The ceremony runner's view, derived from a real transcript (the real writer, the
// rehearsal root script) plus what the session knows beyond it. Every view must satisfy
// the IPC contract's schema, as the router checks it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ViewInput } from '../../../main/ceremony/session';
import type { CeremonyView } from '../../../preload/contract';
import { ADMIN, buildTranscript, SYSTEM, WITNESS, WITNESS_FINGERPRINT, WITNESS_SPKI, viewOf, type Built } from './transcript-builder';

const NOW = new Date('2026-03-01T12:34:56.000Z');

const view = (built: Built, overrides: Partial<ViewInput> = {}): CeremonyView => viewOf(built, { now: NOW, ...overrides });

const custodian = (n: number) => ({ role: 'custodian' as const, name: `Custodian ${n}` });

describe('ceremony view: a fresh ceremony', () => {
  let built: Built;
  before(async () => {
    built = await buildTranscript();
  });
  after(() => built.cleanup());

  it('lists every step pending, the first one current, with its card', () => {
    const v = view(built);
    assert.equal(v.status, 'running');
    assert.equal(v.rehearsal, true);
    assert.equal(v.scriptName, 'rehearsal-root.yaml');
    assert.deepEqual(
      v.steps.map((s) => s.id),
      ['check-room', 'confirm-clock', 'token-facts', 'quorum-setup', 'quorum-login', 'ceremony-key', 'root-key', 'key-encryption-key', 'export-root-public-key', 'checkpoint', 'witness-sign', 'seal'],
    );
    assert.ok(v.steps.every((s) => s.status === 'pending'));
    assert.deepEqual(v.steps.filter((s) => s.current).map((s) => s.id), ['check-room']);
    assert.equal(v.current?.id, 'check-room');
    assert.equal(v.current?.confirmationPhrase, null, 'checking the room is reversible');
    assert.deepEqual(v.current?.inputs, { kind: 'none' });
    assert.deepEqual(v.current?.acknowledgements, [{ role: 'administrator', label: 'the administrator', needed: 1, candidates: [ADMIN.name], by: [], missing: 1 }]);
    assert.equal(v.exception, null);
    assert.equal(v.witness, null);
    assert.equal(v.sealed, null);
    assert.deepEqual(v.head, { seq: 0, hash: built.entries()[0]!.hash });
  });

  it('shows the quorum policy from the script until a quorum is established, and nobody logged in', () => {
    const q = view(built).quorum;
    assert.equal(q.policy, '3 of 5');
    assert.equal(q.threshold, 3);
    assert.equal(q.custodians.length, 5);
    assert.equal(q.setUp, false, 'the script sets the quorum up itself, and it has not yet');
    assert.equal(q.loggedIn, false);
    assert.deepEqual(q.presented, []);
  });

  it('has not started the first step, which has no preconditions, and nothing needs a login yet', () => {
    const v = view(built);
    assert.equal(v.current?.started, false);
    assert.equal(v.current?.preconditions.length, 0);
    assert.equal(v.reloginNeeded, false);
    assert.deepEqual(v.airGap, { status: null, overridden: false, canOverride: false });
  });
});

describe('ceremony view: steps as they progress', () => {
  let built: Built;
  before(async () => {
    built = await buildTranscript();
    for (const id of ['check-room', 'confirm-clock', 'token-facts']) {
      await built.start(id);
      await built.acknowledge(id, ADMIN);
      await built.complete(id);
    }
  });
  after(() => built.cleanup());

  it('takes done steps out of the way and shows the clock the administrator confirms', async () => {
    const before = view(built);
    assert.deepEqual(before.steps.slice(0, 3).map((s) => s.status), ['done', 'done', 'done']);
    assert.equal(before.current?.id, 'quorum-setup');
    assert.equal(before.current?.status, 'pending');
    assert.deepEqual(before.current?.preconditions.map((p) => [p.id, p.holds]), [
      ['hsm-present', null],
      ['air-gap', null],
      ['clock-utc', null],
    ]);
    const checked = view(built, {
      preconditions: { step: 'quorum-setup', problems: new Map([['hsm-present', null], ['air-gap', 'the room has not been checked'], ['clock-utc', null]]) },
    });
    assert.deepEqual(checked.current?.preconditions.map((p) => [p.id, p.holds, p.problem]), [
      ['hsm-present', true, null],
      ['air-gap', false, 'the room has not been checked'],
      ['clock-utc', true, null],
    ]);
    // A check of another step is not shown as this step's.
    const stale = view(built, { preconditions: { step: 'check-room', problems: new Map([['hsm-present', 'gone']]) } });
    assert.equal(stale.current?.preconditions[0]?.holds, null);
  });

  it('asks for the typed confirmation of the irreversible quorum setup, and every custodian and witness to acknowledge', async () => {
    await built.start('quorum-setup');
    let v = view(built);
    assert.equal(v.current?.status, 'started');
    assert.equal(v.current?.started, true);
    assert.equal(v.current?.irreversible, true);
    assert.equal(v.current?.confirmationPhrase, 'quorum-setup');
    assert.equal(v.current?.confirmed, false);
    assert.deepEqual(v.current?.inputs, { kind: 'custodian-passphrases', purpose: 'setup', custodians: ['Custodian 1', 'Custodian 2', 'Custodian 3', 'Custodian 4', 'Custodian 5'], needed: 5, policy: '3 of 5', recordPathNeeded: false });

    await built.append('confirmation-typed', ADMIN, { step: 'quorum-setup', subject: 'Set up the custodian quorum (irreversible)', phrase: 'quorum-setup' });
    await built.acknowledge('quorum-setup', custodian(2));
    await built.acknowledge('quorum-setup', WITNESS);
    v = view(built);
    assert.equal(v.current?.confirmed, true);
    const byRole = Object.fromEntries(v.current!.acknowledgements.map((a) => [a.role, a]));
    assert.equal(byRole.custodian?.label, 'every custodian (5)');
    assert.deepEqual(byRole.custodian?.by, ['Custodian 2']);
    assert.equal(byRole.custodian?.missing, 4);
    assert.deepEqual(byRole.witness?.by, [WITNESS.name]);
    assert.equal(byRole.witness?.missing, 0);
    assert.equal(byRole.administrator?.missing, 1);
  });

  it('shows a performed step with its checked result, waiting for completion', () => {
    const v = view(built, { performed: new Map([['quorum-setup', { policy: '3 of 5', adopted: false }]]) });
    assert.equal(v.current?.performed, true);
    assert.equal(v.current?.result, 'policy: 3 of 5, adopted: false');
    assert.equal(view(built).current?.performed, false);
  });

  it('shows an open exception on its step, with its reason, and a skip refused where the ceremony needs the step', async () => {
    for (const n of [1, 3, 4, 5]) await built.acknowledge('quorum-setup', custodian(n));
    await built.acknowledge('quorum-setup', ADMIN);
    await built.append('quorum-established', ADMIN, { purpose: 'setup', policyId: 'a'.repeat(64), policySummary: '3 of 5', custodians: [1, 2, 3, 4, 5].map((n) => ({ name: `Custodian ${n}`, group: null })), recordSha256: 'b'.repeat(64) });
    await built.complete('quorum-setup');
    await built.start('quorum-login');
    const opened = await built.append('exception-opened', SYSTEM, { step: 'quorum-login', code: 'PASSPHRASE_WRONG', reason: 'The passphrase of Custodian 2 does not open the envelope. Custodian 2 types it again.' });
    const v = view(built);
    assert.equal(v.steps.find((s) => s.id === 'quorum-login')?.status, 'exception');
    assert.equal(v.current?.status, 'exception');
    assert.equal(v.current?.started, true, 'the attempt began before it failed');
    assert.equal(v.reloginNeeded, false, 'an open exception comes first');
    assert.deepEqual(v.exception, {
      seq: opened.entry.seq,
      step: 'quorum-login',
      code: 'PASSPHRASE_WRONG',
      reason: 'The passphrase of Custodian 2 does not open the envelope. Custodian 2 types it again.',
      at: opened.entry.at,
      skippable: true,
    });
    assert.equal(v.quorum.setUp, true);
    assert.deepEqual(v.current?.inputs, { kind: 'custodian-passphrases', purpose: 'login', custodians: ['Custodian 1', 'Custodian 2', 'Custodian 3', 'Custodian 4', 'Custodian 5'], needed: 3, policy: '3 of 5', recordPathNeeded: false });

    await built.append('exception-resolved', ADMIN, { exception: opened.entry.seq, resolution: 'retry', justification: null, by: { role: 'administrator', name: ADMIN.name } });
    const retried = view(built);
    assert.equal(retried.exception, null);
    assert.equal(retried.steps.find((s) => s.id === 'quorum-login')?.status, 'started', 'a retry continues the same attempt');
  });

  it('names who presented at the login, and asks for a new login when the token is no longer logged in', async () => {
    await built.append('quorum-established', ADMIN, { purpose: 'login', policyId: 'a'.repeat(64), policySummary: '3 of 5', custodians: [1, 2, 4].map((n) => ({ name: `Custodian ${n}`, group: null })), recordSha256: 'b'.repeat(64) });
    await built.acknowledge('quorum-login', ADMIN);
    await built.complete('quorum-login');
    const loggedIn = view(built, { loggedIn: true });
    assert.deepEqual(loggedIn.quorum.presented, ['Custodian 1', 'Custodian 2', 'Custodian 4']);
    assert.equal(loggedIn.quorum.loggedIn, true);
    assert.equal(loggedIn.reloginNeeded, false);
    assert.equal(loggedIn.current?.id, 'ceremony-key');

    const afterResume = view(built, { loggedIn: false });
    assert.equal(afterResume.reloginNeeded, true, 'the next step needs a logged-in quorum and none is');
    const workerRestarted = view(built, { loggedIn: true, preconditions: { step: 'ceremony-key', problems: new Map([['quorum-logged-in', 'the token is no longer logged in']]) } });
    assert.equal(workerRestarted.reloginNeeded, true);
    assert.equal(workerRestarted.quorum.loggedIn, false);
  });

  it('refuses to offer skipping the ceremony key, and marks a skipped step as skipped', async () => {
    await built.start('ceremony-key');
    const opened = await built.append('exception-opened', SYSTEM, { step: 'ceremony-key', code: null, reason: 'The token refused the key.' });
    assert.equal(view(built).exception?.skippable, false);
    await built.append('exception-resolved', ADMIN, { exception: opened.entry.seq, resolution: 'retry', justification: null, by: { role: 'administrator', name: ADMIN.name } });
    await built.acknowledge('ceremony-key', ADMIN);
    await built.acknowledge('ceremony-key', WITNESS);
    await built.complete('ceremony-key');

    await built.start('root-key');
    const failed = await built.append('exception-opened', SYSTEM, { step: 'root-key', code: null, reason: 'The token refused the key.' });
    assert.equal(view(built).exception?.skippable, true);
    await built.append('exception-resolved', ADMIN, { exception: failed.entry.seq, resolution: 'skip', justification: 'Rehearsal without the root key.', by: { role: 'administrator', name: ADMIN.name } });
    const v = view(built);
    assert.equal(v.steps.find((s) => s.id === 'root-key')?.status, 'skipped');
    assert.equal(v.current?.id, 'key-encryption-key');
  });

  it('passes the HSM activity and the busy command through', () => {
    const activity = { step: 'key-encryption-key', label: 'Generate the key-encryption key', operation: 'generating a key inside the token', startedAt: NOW.toISOString(), elapsedMs: 1200, progress: null, hsmCalls: 3 };
    const v = view(built, { activity, busy: 'performing the step "key-encryption-key"' });
    assert.deepEqual(v.activity, activity);
    assert.equal(v.busy, 'performing the step "key-encryption-key"');
  });
});

describe('ceremony view: what the witnesses sign', () => {
  let built: Built;
  let checkpointHash: string;
  let checkpointSeq: number;
  before(async () => {
    built = await buildTranscript();
    for (const step of built.script.steps) {
      if (step.action === 'checkpoint') break;
      await built.start(step.id);
      await built.complete(step.id);
    }
    await built.start('checkpoint');
    const head = built.entries()[built.entries().length - 1]!;
    const checkpoint = await built.append('checkpoint', SYSTEM, { upTo: head.entry.seq, hash: head.hash });
    checkpointHash = checkpoint.hash;
    checkpointSeq = checkpoint.entry.seq;
    await built.complete('checkpoint');
  });
  after(() => built.cleanup());

  it('asks for nothing before the witness-sign step starts, then for the latest checkpoint', async () => {
    let v = view(built);
    assert.equal(v.current?.id, 'witness-sign');
    assert.equal(v.witness?.ready, false);
    assert.match(v.witness?.blockedBy ?? '', /has not started/);
    await built.start('witness-sign');
    v = view(built);
    assert.equal(v.witness?.kind, 'checkpoint');
    assert.equal(v.witness?.targetSeq, checkpointSeq);
    assert.equal(v.witness?.upTo, checkpointSeq - 1);
    assert.equal(v.witness?.reviewHash, checkpointHash);
    assert.equal(v.witness?.reviewWords.length, 6);
    assert.deepEqual(v.witness?.signers, [{ name: WITNESS.name, keyKind: 'file', keyFingerprint: WITNESS_FINGERPRINT, tokenLabel: null, signed: false }]);
    assert.equal(v.witness?.ready, true);
    assert.deepEqual(v.current?.inputs, { kind: 'witness-signatures', pending: [WITNESS.name] });
    assert.match(view(built, { busy: 'recording an acknowledgement' }).witness?.blockedBy ?? '', /busy/);
  });

  it('counts a witness as signed once a signature over the checkpoint is recorded', async () => {
    await built.append('signature', WITNESS, {
      signs: checkpointSeq,
      entryHash: checkpointHash,
      signer: { kind: 'witness', name: WITNESS.name, keyFingerprint: WITNESS_FINGERPRINT },
      algorithm: 'ed25519',
      publicKeySpki: WITNESS_SPKI.toString('base64'),
      signature: Buffer.alloc(64, 7).toString('base64'),
    });
    const v = view(built);
    assert.equal(v.witness?.signers[0]?.signed, true);
    assert.equal(v.witness?.ready, false);
    assert.deepEqual(v.current?.inputs, { kind: 'witness-signatures', pending: [] });
    await built.acknowledge('witness-sign', ADMIN);
    await built.complete('witness-sign');
  });

  it('holds the seal until its acknowledgements are in, then asks to sign the head the seal will cover', async () => {
    await built.start('seal');
    let v = view(built);
    assert.equal(v.witness?.kind, 'seal');
    assert.equal(v.witness?.ready, false);
    assert.match(v.witness?.blockedBy ?? '', /acknowledgements \(1 administrator, 1 witness\)/);
    await built.acknowledge('seal', ADMIN);
    await built.acknowledge('seal', WITNESS);
    v = view(built);
    const head = built.entries()[built.entries().length - 1]!;
    assert.equal(v.witness?.ready, true);
    assert.equal(v.witness?.targetSeq, null, 'the seal entry is written when they sign');
    assert.equal(v.witness?.upTo, head.entry.seq);
    assert.equal(v.witness?.reviewHash, head.hash);
    assert.equal(v.witness?.coversHash, head.hash);
  });

  it('after the seal: sealed, no current step, the final hash as hex and words, and whether the folder was finalized', async () => {
    const head = built.entries()[built.entries().length - 1]!;
    const seal = await built.append('seal', SYSTEM, { upTo: head.entry.seq, hash: head.hash });
    const signature = await built.append('signature', WITNESS, {
      signs: seal.entry.seq,
      entryHash: seal.hash,
      signer: { kind: 'witness', name: WITNESS.name, keyFingerprint: WITNESS_FINGERPRINT },
      algorithm: 'ed25519',
      publicKeySpki: WITNESS_SPKI.toString('base64'),
      signature: Buffer.alloc(64, 9).toString('base64'),
    });
    const sealed = await built.append('sealed', SYSTEM, { seal: seal.entry.seq, sealHash: seal.hash, signatures: [signature.entry.seq] });
    const v = view(built, { finalize: { finalized: true, outputs: ['/x/report.html'], error: null } });
    assert.equal(v.status, 'sealed');
    assert.equal(v.current, null);
    assert.equal(v.witness, null);
    assert.equal(v.steps.find((s) => s.id === 'seal')?.status, 'done');
    assert.equal(v.sealed?.finalHash.hex, sealed.hash);
    assert.equal(v.sealed?.finalHash.words.length, 6);
    assert.equal(v.sealed?.finalized, true);
    assert.equal(v.airGap.canOverride, false);
  });
});
