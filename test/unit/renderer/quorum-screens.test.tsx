// Markup of the quorum screens in states the SoftHSM2 browser test cannot reach: a token
// with a protected authentication path (SoftHSM2 has none), a session ended by main, a
// group policy, a setup waiting for receipts. Rendered with react-dom/server over stores
// set to those states; behaviour under a real browser is in test/browser/quorum.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ConclaveApi, QuorumLoginView, QuorumSetupView } from '../../../preload/contract';
import { loadRendererModule } from './load-renderer';

const screens = loadRendererModule<typeof import('./quorum-screens-entry')>('test/unit/renderer/quorum-screens-entry.ts');

/** An API that never answers: the stores keep exactly the state a test sets. */
const silentApi = new Proxy({}, { get: (_t, prop) => (prop === 'on' ? () => () => undefined : () => new Promise(() => undefined)) }) as ConclaveApi;

function loginView(patch: Partial<QuorumLoginView> = {}): QuorumLoginView {
  return {
    sessionId: 's',
    ceremonyId: 'c',
    purpose: 'login',
    policySummary: '2 of security and 1 of operations',
    slotId: '3',
    tokenLabel: 'Root PED HSM',
    present: [],
    progress: 'security 0 of 2; operations 0 of 1; groups ready 0 of 2',
    satisfied: false,
    loggedIn: false,
    failedAttempts: [],
    shareLifetimeSeconds: 600,
    protectedAuthenticationPath: false,
    ended: null,
    ...patch,
  };
}

function render(screen: 'login' | 'setup', state: { login?: QuorumLoginView; setup?: QuorumSetupView }): string {
  const status = screens.createStatusStore(silentApi);
  const setup = screens.createQuorumSetupStore(silentApi);
  const login = screens.createQuorumLoginStore(silentApi);
  if (state.login) login.setState({ view: state.login });
  if (state.setup) setup.setState({ view: state.setup });
  // Server rendering reads a store's initial state (useSyncExternalStore's server snapshot).
  login.getInitialState = login.getState;
  setup.getInitialState = setup.getState;
  const Screen = screen === 'login' ? screens.QuorumLoginScreen : screens.QuorumSetupScreen;
  return renderToStaticMarkup(
    <screens.StatusStoreProvider store={status}>
      <screens.QuorumStoresProvider setup={setup} login={login}>
        <Screen />
      </screens.QuorumStoresProvider>
    </screens.StatusStoreProvider>,
  );
}

describe('quorum login screen', () => {
  it('asks custodians to authenticate at the device when the token has a PIN pad or PED', () => {
    const html = render('login', { login: loginView({ protectedAuthenticationPath: true }) });
    assert.match(html, />Authenticate at the device</);
    assert.match(html, /data-testid="at-device-start"/);
    assert.doesNotMatch(html, /data-testid="present-form"/, 'no passphrase is asked for on this keyboard');
    assert.match(html, /security 0 of 2; operations 0 of 1; groups ready 0 of 2/);
  });

  it('shows why a session ended and offers a new login', () => {
    const html = render('login', { login: loginView({ ended: 'The HSM (YubiHSM 2) was unplugged.' }) });
    assert.match(html, /The login session ended/);
    assert.match(html, /The HSM \(YubiHSM 2\) was unplugged\./);
    assert.match(html, /data-testid="login-again"/);
  });

  it('asks for the passphrase in a password field that is not autocompleted', () => {
    const html = render('login', { login: loginView() });
    assert.match(html, /<input[^>]*type="password"[^>]*autoComplete="off"|<input[^>]*autoComplete="off"[^>]*type="password"/i);
    assert.match(html, /Present share/);
  });

  it('starts with the record and token fields when no login is open', () => {
    const html = render('login', {});
    assert.match(html, /data-testid="login-record"/);
    assert.match(html, /data-testid="login-slot"/);
  });
});

describe('quorum setup screen', () => {
  const custodian = (index: number, name: string, patch: Partial<QuorumSetupView['custodians'][number]> = {}) => ({
    index,
    name,
    group: index <= 2 ? 'security' : 'operations',
    sealed: false,
    fingerprint: null,
    savedTo: null,
    savedSha256: null,
    proven: false,
    failedProofs: 0,
    ...patch,
  });
  const setupView = (custodians: QuorumSetupView['custodians']): QuorumSetupView => ({
    setupId: 'x',
    ceremonyId: 'c-1',
    reshareNonce: null,
    policySummary: '2 of security and 1 of operations',
    threshold: 3,
    total: custodians.length,
    phase: custodians.every((c) => c.proven) ? 'ready-to-complete' : 'receipts',
    kdf: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
    custodians,
    outputDirectory: '/media/rec',
    recordPath: null,
    failure: null,
  });

  it('shows every custodian’s stage and keeps Complete disabled until all are proven', () => {
    const html = render('setup', {
      setup: setupView([custodian(1, 'Ann', { sealed: true, savedTo: '/m/a.json', proven: true }), custodian(2, 'Ben', { sealed: true, failedProofs: 2 }), custodian(3, 'Cat')]),
    });
    assert.match(html, /data-stage="proven"[\s\S]*Ann/);
    assert.match(html, /data-stage="sealed"[\s\S]*Ben[\s\S]*2 wrong passphrases/);
    assert.match(html, /data-stage="waiting"[\s\S]*Cat/);
    assert.match(html, /<button[^>]*disabled=""[^>]*data-testid="complete-setup"|<button[^>]*data-testid="complete-setup"[^>]*disabled=""/);
    assert.match(html, /2 still to prove/);
    // The first custodian still to prove is the one at the keyboard.
    assert.match(html, /aria-current="step"[^>]*data-testid="custodian-progress-2"/);
  });

  it('enables Complete once every custodian has proven receipt', () => {
    const html = render('setup', { setup: setupView([custodian(1, 'Ann', { proven: true, sealed: true, savedTo: '/a' }), custodian(2, 'Ben', { proven: true, sealed: true, savedTo: '/b' })]) });
    assert.doesNotMatch(html, /<button[^>]*disabled=""[^>]*data-testid="complete-setup"/);
    assert.match(html, /Every custodian has proven receipt/);
  });
});
