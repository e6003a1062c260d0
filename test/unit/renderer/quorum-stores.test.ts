// Unit tests of the quorum setup and login stores over a scripted API. The same stores run
// against the real router, QuorumService and SoftHSM2 in test/browser/quorum.test.ts; these
// pin down what the stores keep (views, progress, errors: never a passphrase or a PIN) and
// the orderings that are hard to provoke there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConclaveApi, ErrorValue, EventName, EventPayload, QuorumLoginView, QuorumSetupView, Result } from '../../../preload/contract';
import { createQuorumLoginStore, describeSource } from '../../../renderer/stores/quorum-login-store';
import { createQuorumSetupStore, failedProofsOf } from '../../../renderer/stores/quorum-setup-store';

const PASSPHRASE = 'correct horse battery staple 7';
const OTHER_PASSPHRASE = 'tangerine umbrella quartz 42';
const SO_PIN = 'so-pin-typed-9183';
const USER_PIN = 'user-pin-typed-5521';

function setupView(patch: Partial<QuorumSetupView> = {}): QuorumSetupView {
  return {
    setupId: 'setup-1',
    ceremonyId: 'root-2026',
    reshareNonce: null,
    policySummary: '2 of 3',
    threshold: 2,
    total: 3,
    phase: 'sealing',
    kdf: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
    custodians: ['Alice', 'Bob', 'Carol'].map((name, i) => ({
      index: i + 1,
      name,
      group: null,
      sealed: false,
      fingerprint: null,
      savedTo: null,
      savedSha256: null,
      proven: false,
      failedProofs: 0,
    })),
    outputDirectory: '/media/records',
    recordPath: null,
    failure: null,
    ...patch,
  };
}

function loginView(patch: Partial<QuorumLoginView> = {}): QuorumLoginView {
  return {
    sessionId: 'session-1',
    ceremonyId: 'root-2026',
    purpose: 'login',
    policySummary: '2 of 3',
    slotId: '7',
    tokenLabel: 'Root HSM',
    present: [],
    progress: '0 of 2',
    satisfied: false,
    loggedIn: false,
    failedAttempts: [],
    shareLifetimeSeconds: 600,
    protectedAuthenticationPath: false,
    ended: null,
    ...patch,
  };
}

const fail = (code: string, message = `${code} happened`): { ok: false; error: ErrorValue } => ({ ok: false, error: { code, message, action: `fix ${code}` } });

/** A hand-driven API: every call waits until the test answers it. */
function scriptedApi() {
  const pending: Array<{ channel: string; request: Record<string, unknown>; resolve: (r: Result<unknown>) => void }> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = new Proxy(
    {
      on(event: EventName, listener: (p: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    },
    {
      get(target, prop: string) {
        if (prop === 'on') return target.on;
        return (request: Record<string, unknown>) => new Promise<Result<unknown>>((resolve) => pending.push({ channel: prop, request, resolve }));
      },
    },
  ) as unknown as ConclaveApi;
  return {
    api,
    pending,
    answer(channel: string, result: Result<unknown>) {
      const index = pending.findIndex((p) => p.channel === channel);
      assert.notEqual(index, -1, `no pending ${channel} call (pending: ${pending.map((p) => p.channel).join(', ') || 'none'})`);
      const [call] = pending.splice(index, 1);
      call!.resolve(result);
    },
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

function assertNoSecret(state: unknown, secrets: string[]): void {
  const text = JSON.stringify(state);
  for (const secret of secrets) assert.ok(!text.includes(secret), `the store state contains a secret (${secret.slice(0, 3)}…)`);
}

describe('quorum setup store', () => {
  it('sends the PINs and passphrases to main and keeps none of them, while the call runs or after', async () => {
    const s = scriptedApi();
    const store = createQuorumSetupStore(s.api);
    const secrets = [PASSPHRASE, SO_PIN, USER_PIN];

    const beginning = store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'Alice' }, { name: 'Bob' }, { name: 'Carol' }] }, outputDirectory: '/media/records' }, { soPin: SO_PIN, userPin: USER_PIN });
    assert.deepEqual(s.pending[0]?.request.currentPins, { soPin: SO_PIN, userPin: USER_PIN }, 'the PINs reach main');
    assert.equal(store.getState().pending.begin, true);
    assertNoSecret(store.getState(), secrets);
    s.answer('quorumSetupBegin', { ok: true, value: setupView() });
    assert.equal(await beginning, true);
    assertNoSecret(store.getState(), secrets);

    const sealing = store.getState().seal(1, PASSPHRASE, PASSPHRASE);
    assert.deepEqual(s.pending[0]?.request, { setupId: 'setup-1', index: 1, passphrase: PASSPHRASE, passphraseRepeat: PASSPHRASE });
    assertNoSecret(store.getState(), secrets);
    const sealed = setupView({ custodians: setupView().custodians.map((c) => (c.index === 1 ? { ...c, sealed: true, fingerprint: { hex: 'ab12 cd34', words: ['apple', 'zoo'] } } : c)) });
    s.answer('quorumSetupSeal', { ok: true, value: sealed });
    assert.equal(await sealing, true);
    assert.equal(store.getState().view?.custodians[0]?.sealed, true);
    assertNoSecret(store.getState(), secrets);

    const proving = store.getState().prove(1, { kind: 'file', path: '/media/alice/alice.json' }, PASSPHRASE);
    assert.equal(s.pending[0]?.request.passphrase, PASSPHRASE);
    assertNoSecret(store.getState(), secrets);
    s.answer('quorumSetupProve', { ok: true, value: sealed });
    await proving;
    assertNoSecret(store.getState(), secrets);
  });

  it('keeps a refused seal as a failure naming the custodian, without the passphrase', async () => {
    const s = scriptedApi();
    const store = createQuorumSetupStore(s.api);
    const beginning = store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'Alice' }, { name: 'Bob' }] }, outputDirectory: '/r' }, undefined);
    assert.equal('currentPins' in (s.pending[0]?.request ?? {}), false, 'no PINs for an uninitialized token');
    s.answer('quorumSetupBegin', { ok: true, value: setupView() });
    await beginning;

    const sealing = store.getState().seal(2, 'kiwi7', 'kiwi7');
    s.answer('quorumSetupSeal', fail('PASSPHRASE_WEAK', "Bob's passphrase is too short."));
    assert.equal(await sealing, false);
    const failure = store.getState().failure;
    assert.equal(failure?.operation, 'seal');
    assert.equal(failure?.index, 2);
    assert.equal(failure?.error.code, 'PASSPHRASE_WEAK');
    assert.match(store.getState().announcement.message, /too short.*fix PASSPHRASE_WEAK/);
    assertNoSecret(store.getState(), ['kiwi7']);
    assert.equal(store.getState().view?.custodians[1]?.sealed, false, 'the view stays as it was');
  });

  it('ignores a second click while a step runs, and refuses steps before a setup began', async () => {
    const s = scriptedApi();
    const store = createQuorumSetupStore(s.api);
    assert.equal(await store.getState().seal(1, PASSPHRASE, PASSPHRASE), false);
    assert.equal(s.pending.length, 0, 'nothing is sent without a setup');
    assert.equal(store.getState().failure?.error.code, 'SETUP_NOT_STARTED');
    assertNoSecret(store.getState(), [PASSPHRASE]);

    const beginning = store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: '/r' });
    s.answer('quorumSetupBegin', { ok: true, value: setupView() });
    await beginning;
    assert.equal(store.getState().failure, null, 'a successful step clears the last failure');
    const first = store.getState().save(1, '/media/a');
    assert.equal(await store.getState().save(1, '/media/a'), false);
    assert.equal(s.pending.filter((p) => p.channel === 'quorumSetupSave').length, 1);
    s.answer('quorumSetupSave', { ok: true, value: setupView() });
    assert.equal(await first, true);
  });

  it('counts wrong passphrases while proving receipt until main’s view catches up', async () => {
    const s = scriptedApi();
    const store = createQuorumSetupStore(s.api);
    const beginning = store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: '/r' });
    s.answer('quorumSetupBegin', { ok: true, value: setupView() });
    await beginning;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const proving = store.getState().prove(2, { kind: 'file', path: '/m/b.json' }, OTHER_PASSPHRASE);
      s.answer('quorumSetupProve', fail('ENVELOPE_WRONG_PASSPHRASE'));
      await proving;
      assert.equal(failedProofsOf(store.getState(), 2), attempt);
    }
    const other = store.getState().prove(2, { kind: 'file', path: '/m/a.json' }, PASSPHRASE);
    s.answer('quorumSetupProve', fail('PROOF_WRONG_ENVELOPE'));
    await other;
    assert.equal(failedProofsOf(store.getState(), 2), 2, 'only wrong passphrases count');
    assert.equal(failedProofsOf(store.getState(), 1), 0);
    const counted = setupView({ custodians: setupView().custodians.map((c) => (c.index === 2 ? { ...c, failedProofs: 3 } : c)) });
    const right = store.getState().prove(2, { kind: 'file', path: '/m/b.json' }, PASSPHRASE);
    s.answer('quorumSetupProve', { ok: true, value: counted });
    await right;
    assert.equal(failedProofsOf(store.getState(), 2), 3, 'main’s count wins once it is higher');
    assertNoSecret(store.getState(), [PASSPHRASE, OTHER_PASSPHRASE]);
  });

  it('fetches a custodian’s QR once and keeps it by index', async () => {
    const s = scriptedApi();
    const store = createQuorumSetupStore(s.api);
    const beginning = store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: '/r' });
    s.answer('quorumSetupBegin', { ok: true, value: setupView() });
    await beginning;
    const loading = store.getState().loadQr(2);
    assert.deepEqual(s.pending[0]?.request, { setupId: 'setup-1', index: 2 });
    s.answer('quorumEnvelopeQr', { ok: true, value: { pngDataUrl: 'data:image/png;base64,AAAA', fingerprint: { hex: 'ab', words: ['x'] } } });
    await loading;
    assert.equal(store.getState().qr?.index, 2);
    await store.getState().loadQr(2);
    assert.equal(s.pending.length, 0, 'the same QR is not fetched again');
  });

  it('turns a rejected call into an error value, and reset forgets a finished setup', async () => {
    const s = scriptedApi();
    const api = new Proxy(s.api, { get: (target, prop: string) => (prop === 'quorumSetupBegin' ? () => Promise.reject(new Error('bridge gone')) : Reflect.get(target, prop)) });
    const store = createQuorumSetupStore(api);
    assert.equal(await store.getState().begin({ slotId: '7', policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: '/r' }, { soPin: SO_PIN, userPin: USER_PIN }), false);
    assert.equal(store.getState().failure?.error.code, 'RENDERER_CALL_FAILED');
    assertNoSecret(store.getState(), [SO_PIN, USER_PIN]);
    store.getState().reset();
    assert.equal(store.getState().view, null);
    assert.equal(store.getState().failure, null);
  });
});

describe('quorum login store', () => {
  async function begun() {
    const s = scriptedApi();
    const store = createQuorumLoginStore(s.api);
    const stop = store.getState().start();
    const beginning = store.getState().begin('/media/records/quorum-record.json', '7');
    assert.deepEqual(s.pending[0]?.request, { recordPath: '/media/records/quorum-record.json', slotId: '7' });
    s.answer('quorumLoginBegin', { ok: true, value: loginView() });
    assert.equal(await beginning, true);
    return { s, store, stop };
  }

  it('sends the passphrase with the envelope source and keeps neither passphrase nor pasted text', async () => {
    const { s, store } = await begun();
    const envelopeText = '{"format":"conclave-share-envelope","ciphertext":"q83vEjRWeJA"}';
    const presenting = store.getState().present({ kind: 'text', text: envelopeText }, PASSPHRASE);
    assert.deepEqual(s.pending[0]?.request, { sessionId: 'session-1', source: { kind: 'text', text: envelopeText }, passphrase: PASSPHRASE });
    assertNoSecret(store.getState(), [PASSPHRASE, envelopeText]);
    s.answer('quorumLoginPresent', { ok: true, value: loginView({ present: [{ index: 1, name: 'Alice', group: null, expiresAt: '2026-01-01T00:10:00.000Z' }], progress: '1 of 2: Alice' }) });
    assert.equal(await presenting, true);
    assert.equal(store.getState().view?.progress, '1 of 2: Alice');
    assert.match(store.getState().announcement.message, /Share accepted\. 1 of 2: Alice/);
    assertNoSecret(store.getState(), [PASSPHRASE, envelopeText]);

    const wrong = store.getState().present({ kind: 'file', path: '/media/bob/bob.json' }, OTHER_PASSPHRASE);
    s.answer('quorumLoginPresent', fail('ENVELOPE_WRONG_PASSPHRASE', "The passphrase does not open Bob's envelope (attempt 1)."));
    assert.equal(await wrong, false);
    const failure = store.getState().failure;
    assert.equal(failure?.envelope, 'the file /media/bob/bob.json');
    assert.equal(failure?.error.code, 'ENVELOPE_WRONG_PASSPHRASE');
    assertNoSecret(store.getState(), [PASSPHRASE, OTHER_PASSPHRASE, envelopeText]);
  });

  it('shows the logged-in view, and follows quorumChanged for its own session only', async () => {
    const { s, store, stop } = await begun();
    s.emit('quorumChanged', loginView({ sessionId: 'someone-else', ended: 'Cancelled.' }));
    assert.equal(store.getState().view?.ended, null, 'another session’s event is ignored');
    s.emit('quorumChanged', loginView({ present: [], progress: '0 of 2', failedAttempts: [{ name: 'Bob', count: 2 }] }));
    assert.deepEqual(store.getState().view?.failedAttempts, [{ name: 'Bob', count: 2 }]);

    const presenting = store.getState().present({ kind: 'qr-image', path: '/tmp/carol.png' }, PASSPHRASE);
    s.answer('quorumLoginPresent', { ok: true, value: loginView({ satisfied: true, loggedIn: true, progress: '2 of 2: Alice, Carol' }) });
    await presenting;
    assert.equal(store.getState().view?.loggedIn, true);
    assert.match(store.getState().announcement.message, /Logged in to Root HSM/);

    s.emit('quorumChanged', loginView({ ended: 'The HSM was removed (slot 7); every presented share was forgotten.' }));
    assert.match(store.getState().view?.ended ?? '', /HSM was removed/);
    assert.match(store.getState().announcement.message, /session ended: The HSM was removed/);
    stop();
    assert.equal(s.listenerCount(), 0);
  });

  it('announces a share that expired by itself', async () => {
    const { s, store } = await begun();
    const presenting = store.getState().present({ kind: 'file', path: '/a.json' }, PASSPHRASE);
    s.answer('quorumLoginPresent', { ok: true, value: loginView({ present: [{ index: 1, name: 'Alice', group: null, expiresAt: '2026-01-01T00:10:00.000Z' }], progress: '1 of 2: Alice' }) });
    await presenting;
    s.emit('quorumChanged', loginView({ present: [], progress: '0 of 2' }));
    assert.match(store.getState().announcement.message, /dropped\. Now: 0 of 2/);
  });

  it('cancel ends the session with main’s reason; reset starts over', async () => {
    const { s, store } = await begun();
    const cancelling = store.getState().cancel();
    assert.deepEqual(s.pending[0]?.request, { sessionId: 'session-1' });
    s.answer('quorumLoginCancel', { ok: true, value: loginView({ ended: 'Cancelled by the operator.' }) });
    await cancelling;
    assert.equal(store.getState().view?.ended, 'Cancelled by the operator.');
    store.getState().reset();
    assert.equal(store.getState().view, null);
    assert.equal(await store.getState().present({ kind: 'file', path: '/a.json' }, PASSPHRASE), false);
    assert.equal(store.getState().failure?.error.code, 'LOGIN_NOT_STARTED');
    assertNoSecret(store.getState(), [PASSPHRASE]);
  });

  it('describes envelope sources without repeating pasted text', () => {
    assert.equal(describeSource({ kind: 'file', path: '/m/a.json' }), 'the file /m/a.json');
    assert.equal(describeSource({ kind: 'qr-image', path: '/m/a.png' }), 'the QR image /m/a.png');
    assert.equal(describeSource({ kind: 'text', text: 'SECRET-LOOKING' }), 'the pasted envelope text');
  });
});
