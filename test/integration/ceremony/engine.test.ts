// The engine enforces order, preconditions, confirmations, acknowledgements and
// exceptions live, against a real SoftHSM2 token, and records each in the transcript.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { keyBackupScript, keyRestoreScript, rootKeyGenerationScript, type CeremonyScript } from '../../../main/ceremony/script';
import { DEFAULT_TOKEN } from '../../helpers/softhsm';
import { CUSTODIANS, engineFor } from './engine-fixture';

const WITNESS_FP = 'ab'.repeat(32);

function rootScript(rehearsal: boolean): CeremonyScript {
  return rootKeyGenerationScript({
    ceremonyId: 'engine-test',
    rehearsal,
    participants: {
      administrator: { name: 'Admin' },
      custodians: CUSTODIANS.map((name) => ({ name })),
      witnesses: [{ name: 'Wes', key: { kind: 'file', fingerprint: WITNESS_FP } }],
    },
    quorum: { threshold: 2 },
    token: { label: DEFAULT_TOKEN.label },
    quorumSetup: true,
  });
}

const NO_ANSWERS = { airGapOverride: null, clockConfirmed: false };
const CLOCK_OK = { airGapOverride: null, clockConfirmed: true };

async function rejectsCode(promise: Promise<unknown>, code: string): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(DomainError.is(error), `expected a DomainError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

const types = (engine: { writer: { entries: readonly { entry: { type: string } }[] } }) => engine.writer.entries.map((e) => e.entry.type);

test('steps out of order are refused, naming the step that must come first', async (t) => {
  const { engine } = await engineFor(t, rootScript(true));
  const error = await rejectsCode(engine.startStep('token-facts'), 'STEP_OUT_OF_ORDER');
  assert.match(error.message, /"check-room" must come first/);
  await engine.startStep('check-room');
  await rejectsCode(engine.startStep('confirm-clock'), 'STEP_OUT_OF_ORDER');
  await rejectsCode(engine.acknowledge('token-facts', 'administrator', 'Admin'), 'STEP_OUT_OF_ORDER');
  assert.deepEqual(types(engine), ['ceremony-opened', 'step-started']);
});

test('air-gap precondition: refused on a networked machine until an override with a reason is recorded', async (t) => {
  const { engine } = await engineFor(t, rootScript(false));
  for (const id of ['check-room', 'confirm-clock', 'token-facts']) {
    await engine.startStep(id);
    await engine.perform(id, CLOCK_OK);
    if (id === 'token-facts') await rejectsCode(engine.complete(id), 'ACKNOWLEDGEMENTS_MISSING');
    await engine.acknowledge(id, 'administrator', 'Admin');
    if (id === 'token-facts') await engine.acknowledge(id, 'witness', 'Wes');
    await engine.complete(id);
  }
  const airGap = engine.state().airGapStatus;
  if (airGap !== 'pass') {
    const refused = await rejectsCode(engine.startStep('quorum-setup'), 'PRECONDITION_NOT_MET');
    assert.match(refused.message, /air-gap/);
    assert.ok(!types(engine).includes('air-gap-override'));
    await engine.overrideAirGap('practice run; the network cable cannot be removed in this lab');
  }
  await engine.startStep('quorum-setup');
  assert.equal(engine.state().steps.find((s) => s.id === 'quorum-setup')!.status, 'started');
  // Irreversible: nothing runs before the typed confirmation, and only the exact phrase counts.
  await rejectsCode(engine.perform('quorum-setup', CLOCK_OK), 'CONFIRMATION_REQUIRED');
  await rejectsCode(engine.confirm('quorum-setup', 'yes'), 'CONFIRMATION_MISMATCH');
  await engine.confirm('quorum-setup', 'quorum-setup');
  assert.equal(types(engine).at(-1), 'confirmation-typed');
});

test('clock-utc: a skipped clock confirmation keeps later steps from starting', async (t) => {
  const { engine } = await engineFor(t, rootScript(true));
  await engine.startStep('check-room');
  await engine.perform('check-room', NO_ANSWERS);
  await engine.acknowledge('check-room', 'administrator', 'Admin');
  await engine.complete('check-room');
  await engine.startStep('confirm-clock');
  await rejectsCode(engine.perform('confirm-clock', NO_ANSWERS), 'STEP_FAILED');
  await engine.resolveException('skip', 'testing the precondition');
  await engine.startStep('token-facts');
  await engine.perform('token-facts', NO_ANSWERS);
  await engine.acknowledge('token-facts', 'administrator', 'Admin');
  await engine.acknowledge('token-facts', 'witness', 'Wes');
  await engine.complete('token-facts');
  const refused = await rejectsCode(engine.startStep('quorum-setup'), 'PRECONDITION_NOT_MET');
  assert.match(refused.message, /clock-utc/);
});

test('exceptions: retry, skip with a justification and abort are each recorded', async (t) => {
  const begin = async () => {
    const { engine } = await engineFor(t, rootScript(true));
    await engine.startStep('check-room');
    await engine.perform('check-room', NO_ANSWERS);
    await engine.acknowledge('check-room', 'administrator', 'Admin');
    await engine.complete('check-room');
    await engine.startStep('confirm-clock');
    const failed = await rejectsCode(engine.perform('confirm-clock', NO_ANSWERS), 'STEP_FAILED');
    assert.equal(failed.detail, 'CLOCK_NOT_CONFIRMED');
    await rejectsCode(engine.complete('confirm-clock'), 'EXCEPTION_OPEN');
    await rejectsCode(engine.startStep('token-facts'), 'EXCEPTION_OPEN');
    return engine;
  };
  const resolution = (engine: Awaited<ReturnType<typeof begin>>) => {
    const entry = engine.writer.entries.find((e) => e.entry.type === 'exception-resolved')!.entry;
    assert.equal(entry.type, 'exception-resolved');
    return entry.type === 'exception-resolved' ? entry.data : null;
  };
  // retry
  {
    const engine = await begin();
    await rejectsCode(engine.resolveException('skip', null), 'JUSTIFICATION_REQUIRED');
    await engine.resolveException('retry', null);
    await engine.perform('confirm-clock', CLOCK_OK);
    await engine.acknowledge('confirm-clock', 'administrator', 'Admin');
    await engine.complete('confirm-clock');
    assert.equal(resolution(engine)?.resolution, 'retry');
    assert.equal(engine.state().steps.find((s) => s.id === 'confirm-clock')!.status, 'done');
  }
  // skip
  {
    const engine = await begin();
    await engine.resolveException('skip', 'the clock was checked by the site before the ceremony');
    assert.equal(resolution(engine)?.resolution, 'skip');
    assert.match(resolution(engine)?.justification ?? '', /site/);
    assert.equal(engine.state().steps.find((s) => s.id === 'confirm-clock')!.status, 'skipped');
    await engine.startStep('token-facts');
  }
  // abort
  {
    const engine = await begin();
    await engine.resolveException('abort', null);
    assert.equal(resolution(engine)?.resolution, 'abort');
    assert.equal(engine.state().aborted, true);
    await rejectsCode(engine.startStep('confirm-clock'), 'CEREMONY_ABORTED');
    assert.deepEqual(types(engine).slice(-2), ['exception-opened', 'exception-resolved']);
  }
});

test('a backup script opens; a restore that pins neither the wrapped key nor the public key is refused before anything is written', async (t) => {
  const backup = keyBackupScript({
    ceremonyId: 'engine-backup',
    rehearsal: true,
    keyLabel: 'root-signing-key',
    participants: { administrator: { name: 'Admin' }, custodians: CUSTODIANS.map((name) => ({ name })), witnesses: [{ name: 'Wes', key: { kind: 'file', fingerprint: WITNESS_FP } }] },
    quorum: { threshold: 2 },
    token: { label: DEFAULT_TOKEN.label },
  });
  const { engine } = await engineFor(t, backup);
  assert.deepEqual(types(engine), ['ceremony-opened']);
  const restore = keyRestoreScript({
    ceremonyId: 'engine-restore',
    rehearsal: true,
    label: 'root-signing-key',
    type: 'ec-p384',
    role: 'sign',
    participants: { administrator: { name: 'Admin' }, custodians: CUSTODIANS.map((name) => ({ name })), witnesses: [{ name: 'Wes', key: { kind: 'file', fingerprint: WITNESS_FP } }] },
    quorum: { threshold: 2 },
    token: { label: DEFAULT_TOKEN.label },
  });
  await assert.rejects(engineFor(t, restore), (error: unknown) => DomainError.is(error) && error.code === 'RESTORE_NOT_PINNED' && /wrappedKeySha256/.test(error.message));
});
