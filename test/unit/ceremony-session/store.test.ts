// The renderer's ceremony store over a hand-driven API (the same store runs against the
// real router and SoftHSM2 in test/browser/ceremony-runner.test.ts): passphrases pass
// through to main and are never kept; a step that failed shows the exception (from the
// view main holds), not a second banner; other refusals are shown with their step; a
// review no longer matching what would be signed is dropped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deriveCeremonyView } from '../../../main/ceremony/session';
import type { CeremonyView, ConclaveApi, EventName, EventPayload, Result, WitnessReview } from '../../../preload/contract';
import { createCeremonyStore, newsOf } from '../../../renderer/stores/ceremony-store';
import { buildTranscript, SYSTEM, type Built } from './transcript-builder';

const PASSPHRASE = 'tangerine umbrella quartz 42';

function fakeApi() {
  const calls: Array<{ channel: string; request: unknown }> = [];
  const answers = new Map<string, Array<Result<unknown>>>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = new Proxy(
    {},
    {
      get(_target, prop: string) {
        if (prop === 'on') {
          return (event: EventName, listener: (p: unknown) => void) => {
            const set = listeners.get(event) ?? new Set();
            listeners.set(event, set);
            set.add(listener);
            return () => set.delete(listener);
          };
        }
        return (request: unknown) => {
          calls.push({ channel: prop, request });
          const queue = answers.get(prop) ?? [];
          const next = queue.shift();
          return Promise.resolve(next ?? { ok: false, error: { code: 'UNSCRIPTED', message: `no answer for ${prop}`, action: 'script it' } });
        };
      },
    },
  ) as unknown as ConclaveApi;
  return {
    api,
    calls,
    answer(channel: string, result: Result<unknown>) {
      answers.set(channel, [...(answers.get(channel) ?? []), result]);
    },
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

describe('ceremony store', () => {
  let built: Built;
  const viewOf = (): CeremonyView =>
    deriveCeremonyView({
      directory: built.dir,
      script: built.script,
      entries: built.entries(),
      loggedIn: false,
      performed: new Map(),
      preconditions: null,
      activity: null,
      busy: null,
      finalize: { finalized: false, outputs: [], error: null },
      now: new Date('2026-03-01T12:00:00.000Z'),
      timeZone: 'UTC',
    });

  before(async () => {
    built = await buildTranscript();
    for (const id of ['check-room', 'confirm-clock', 'token-facts', 'quorum-setup']) {
      await built.start(id);
      await built.complete(id);
    }
    await built.start('quorum-login');
  });
  after(() => built.cleanup());

  it('sends the passphrases with the perform request and keeps none of them', async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    const started = viewOf();
    fake.answer('ceremonyState', { ok: true, value: started });
    store.getState().start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(store.getState().view?.current?.id, 'quorum-login');

    fake.answer('ceremonyPerform', { ok: true, value: started });
    const custodians = [1, 2, 3].map((n) => ({ name: `Custodian ${n}`, passphrase: `${PASSPHRASE} ${n}` }));
    const performing = store.getState().perform('quorum-login', { custodians });
    assert.equal(store.getState().pending, 'perform');
    assert.ok(!JSON.stringify(store.getState()).includes(PASSPHRASE), 'not while the call runs');
    assert.equal(await performing, true);
    assert.ok(!JSON.stringify(store.getState()).includes(PASSPHRASE), 'nor after');
    assert.deepEqual(fake.calls.find((c) => c.channel === 'ceremonyPerform')?.request, { step: 'quorum-login', custodians });
  });

  it('shows a failed step as its exception, from the view main holds, without a second banner', async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    fake.answer('ceremonyState', { ok: true, value: viewOf() });
    store.getState().start();
    await new Promise((resolve) => setImmediate(resolve));

    await built.append('exception-opened', SYSTEM, { step: 'quorum-login', code: 'ENVELOPE_WRONG_PASSPHRASE', reason: 'The passphrase does not open the envelope of Custodian 2.' });
    fake.answer('ceremonyPerform', { ok: false, error: { code: 'STEP_FAILED', message: 'The step "quorum-login" failed.', action: 'Resolve the exception.' } });
    fake.answer('ceremonyState', { ok: true, value: viewOf() });
    assert.equal(await store.getState().perform('quorum-login', { custodians: [{ name: 'Custodian 2', passphrase: PASSPHRASE }] }), false);
    const state = store.getState();
    assert.equal(state.failure, null);
    assert.equal(state.view?.exception?.code, 'ENVELOPE_WRONG_PASSPHRASE');
    assert.equal(state.pending, null);
    assert.equal(state.announcement.message, 'Exception: The passphrase does not open the envelope of Custodian 2.', 'what is announced is the exception itself');
  });

  it('shows any other refusal with the step it concerned, and fetches the view again', async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    fake.answer('ceremonyStartStep', { ok: false, error: { code: 'STEP_OUT_OF_ORDER', message: 'The step "root-key" cannot start yet.', action: 'Finish the current step.' } });
    fake.answer('ceremonyState', { ok: true, value: viewOf() });
    assert.equal(await store.getState().startStep('root-key'), false);
    assert.deepEqual(store.getState().failure, { operation: 'start', step: 'root-key', error: { code: 'STEP_OUT_OF_ORDER', message: 'The step "root-key" cannot start yet.', action: 'Finish the current step.' } });
    assert.deepEqual(fake.calls.map((c) => c.channel), ['ceremonyStartStep', 'ceremonyState']);
    store.getState().dismissFailure();
    assert.equal(store.getState().failure, null);
  });

  it('drops a review once the hash to sign has moved on', () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    store.getState().start();
    const base = viewOf();
    const request = { step: 'seal', kind: 'seal' as const, targetSeq: null, upTo: 40, coversHash: 'a'.repeat(64), reviewHash: 'a'.repeat(64), reviewWords: [], signers: [], ready: true, blockedBy: null };
    const review: WitnessReview = { ceremonyId: 'rehearsal-root', title: 't', rehearsal: true, request, entries: [], entriesLeftOut: 0 };
    fake.emit('ceremonyChanged', { ...base, witness: request });
    store.setState({ review });
    fake.emit('ceremonyChanged', { ...base, witness: request });
    assert.equal(store.getState().review, review, 'the same request keeps the review');
    fake.emit('ceremonyChanged', { ...base, witness: { ...request, upTo: 41, reviewHash: 'b'.repeat(64) } });
    assert.equal(store.getState().review, null);
  });

  it("sends a witness token's PIN with the sign request and keeps it nowhere", async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    const pin = 'wendy-card-pin-2468';
    fake.answer('witnessSign', { ok: true, value: viewOf() });
    const witnesses = [{ name: 'Wendy', token: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'Wendy Card', keyLabel: 'wendy-witness', pin } }];
    const signing = store.getState().sign('seal', 'a'.repeat(64), witnesses);
    assert.ok(!JSON.stringify(store.getState()).includes(pin), 'not while the call runs');
    assert.equal(await signing, true);
    assert.ok(!JSON.stringify(store.getState()).includes(pin), 'nor after');
    assert.deepEqual(fake.calls.find((c) => c.channel === 'witnessSign')?.request, { step: 'seal', reviewedHash: 'a'.repeat(64), witnesses });
  });

  it('keeps a backup folder preview while its step is current and not performed, and drops it after', async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    const base = viewOf();
    const current = base.current!;
    const restoreView = { ...base, current: { ...current, id: 'restore-key', performed: false } };
    store.getState().start();
    fake.emit('ceremonyChanged', restoreView);
    assert.equal(store.getState().view?.current?.id, 'restore-key');
    const preview = {
      directory: '/media/backup',
      ceremonyId: 'backup-2026',
      rehearsal: true,
      createdAt: '2026-03-01T10:00:00.000Z',
      policy: '2 of 3',
      threshold: 2,
      grouped: false,
      key: { label: 'issuing-key', id: '01', algorithm: 'ec-p256', fingerprint: null, checkValue: null },
      wrapped: { file: 'wrapped-key.bin', sha256: 'a'.repeat(64), bytes: 80 },
      custodians: [],
      checks: [],
    };
    fake.answer('ceremonyInspectBackup', { ok: true, value: preview });
    assert.equal(await store.getState().inspectBackup('restore-key', '/media/backup'), true);
    assert.deepEqual(fake.calls.find((c) => c.channel === 'ceremonyInspectBackup')?.request, { step: 'restore-key', directory: '/media/backup' });
    assert.deepEqual(store.getState().backupPreview, { step: 'restore-key', preview });
    fake.emit('ceremonyChanged', restoreView);
    assert.ok(store.getState().backupPreview, 'the same step keeps it');
    fake.emit('ceremonyChanged', { ...restoreView, current: { ...restoreView.current, performed: true } });
    assert.equal(store.getState().backupPreview, null, 'performed: the preview has served');

    fake.answer('ceremonyInspectBackup', { ok: false, error: { code: 'BACKUP_RECORD_UNREADABLE', message: 'No record.', action: 'Give the backup folder.' } });
    fake.answer('ceremonyState', { ok: true, value: restoreView });
    assert.equal(await store.getState().inspectBackup('restore-key', '/media/elsewhere'), false);
    assert.equal(store.getState().backupPreview, null);
    assert.deepEqual(store.getState().failure?.operation, 'inspect');
  });

  it('sends the chosen medium with the export perform, and reads media and frames beside the commands', async () => {
    const fake = fakeApi();
    const store = createCeremonyStore(fake.api);
    const base = viewOf();
    const exportView: CeremonyView = { ...base, current: { ...base.current!, id: 'export-data-key', performed: false } };
    fake.emit('ceremonyChanged', exportView);
    store.getState().start();

    const media = { visible: true, allowList: null, media: [] };
    fake.answer('ceremonyListMedia', { ok: true, value: media });
    const listing = store.getState().listMedia('export-data-key');
    assert.deepEqual(store.getState().media, { step: 'export-data-key', loading: true, value: null, error: null });
    assert.equal(store.getState().pending, null, 'a read never blocks a command');
    assert.equal(await listing, true);
    assert.deepEqual(store.getState().media, { step: 'export-data-key', loading: false, value: media, error: null });

    fake.answer('ceremonyPerform', { ok: true, value: { ...exportView, current: { ...exportView.current!, performed: true } } });
    const medium = { directory: '/srv/fixed', nonRemovableConfirmation: '/srv/fixed' };
    assert.equal(await store.getState().perform('export-data-key', { medium }), true);
    assert.deepEqual(fake.calls.find((c) => c.channel === 'ceremonyPerform')?.request, { step: 'export-data-key', medium });
    assert.equal(store.getState().media, null, 'performed: the listing has served');

    const refusal = { code: 'BUNDLE_CHANGED', message: 'The bundle is not the one recorded.', action: 'Do not carry it out.' };
    fake.answer('ceremonyBundleFrames', { ok: false, error: refusal });
    assert.equal(await store.getState().loadBundleFrames('export-data-key'), false);
    assert.deepEqual(store.getState().bundleFrames, { step: 'export-data-key', loading: false, value: null, error: refusal });
    assert.equal(store.getState().failure, null, 'its error stays with the frames, not the step card');
    const frames = { fileName: 'b.bundle.json', sha256: 'a'.repeat(64), bytes: 10, staticFrame: true, texts: ['UR:CONCLAVE-BUNDLE/AEAD'] };
    fake.answer('ceremonyBundleFrames', { ok: true, value: frames });
    assert.equal(await store.getState().loadBundleFrames('export-data-key'), true);
    assert.deepEqual(store.getState().bundleFrames?.value, frames);
    fake.emit('ceremonyChanged', { ...base, current: { ...base.current!, id: 'checkpoint' } });
    assert.equal(store.getState().bundleFrames, null, 'another step: the frames are gone');
  });

  it('announces what a person should hear: the ceremony opened, an exception, the seal', () => {
    const view = viewOf();
    assert.match(newsOf(null, view) ?? '', /is open \(rehearsal\)/);
    const exception = { seq: 99, step: 'quorum-login', code: null, reason: 'The token was removed.', at: '', skippable: true };
    assert.equal(newsOf(view, { ...view, exception }), 'Exception: The token was removed.');
    assert.equal(newsOf(view, view), null);
    const finalHash = { hex: 'c'.repeat(64), words: ['one', 'two'] };
    assert.match(newsOf(view, { ...view, status: 'sealed', sealed: { finalHash, sealedAt: '', finalized: false, finalizeError: null, outputs: [] } }) ?? '', /sealed\. Final hash: one two/);
  });
});
