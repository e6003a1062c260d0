// The real bundled main process (dist/main/main.cjs) under plain Node, with `electron`
// answered by test/electron/simulated-electron.cjs. Everything behind the Electron API
// is real: the router, the status service, the HSM worker (forked where the app uses a
// utilityProcess), SoftHSM2 and the rehearsal token it creates, and the app:// file
// server. What is simulated is Electron itself, so this complements, and does not
// replace, app.e2e.test.ts, which drives a real Electron window when a binary exists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS, ipcChannel, StatusSnapshotSchema, type Result, type StatusSnapshot } from '../../preload/contract';
import { CONTENT_SECURITY_POLICY } from '../../main/shell/csp';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main', 'main.cjs');
const HARNESS = join(ROOT, 'test', 'electron', 'simulated-electron.cjs');

let child: ChildProcess;
let userData: string;
let nextId = 0;
const pending = new Map<number, (reply: { ok: boolean; value?: unknown; error?: string }) => void>();
const exits: unknown[] = [];

function call<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  const id = ++nextId;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, (reply) => (reply.ok ? resolve(reply.value as T) : reject(new Error(reply.error))));
    child.send({ id, cmd, args });
  });
}

interface State {
  sandboxEnabled: boolean;
  singleInstanceLock: boolean;
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocols: string[];
  channels: string[];
  windows: number;
  webPreferences: Record<string, unknown> | null;
  loadedUrl: string | null;
  userData: string | null;
  workers: number;
  errors: string[];
}

before(async () => {
  if (!existsSync(MAIN)) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `the build failed:\n${build.stderr}`);
  }
  userData = mkdtempSync(join(tmpdir(), 'conclave-main-sim-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !['CONCLAVE_PKCS11_MODULE', 'SOFTHSM2_CONF', 'ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS'].includes(key)) env[key] = value;
  }
  child = fork(MAIN, [], {
    cwd: ROOT,
    execArgv: ['--require', HARNESS],
    env: { ...env, CONCLAVE_USER_DATA: userData },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: { id?: number; type?: string; ok: boolean; value?: unknown; error?: string }) => {
    if (message.type === 'exited') exits.push(message);
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  // Start-up is asynchronous (app.whenReady); wait until the window exists.
  for (;;) {
    const state = await call<State>('state');
    if (state.windows > 0 || state.errors.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

after(() => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(userData, { recursive: true, force: true });
});

describe('main process with simulated Electron', () => {
  it('starts hardened: sandbox, single instance, privileged app:// scheme, one secure window', async () => {
    const state = await call<State>('state');
    assert.deepEqual(state.errors, []);
    assert.equal(state.sandboxEnabled, true);
    assert.equal(state.singleInstanceLock, true);
    assert.deepEqual(state.schemes.map((s) => s.scheme), ['app']);
    assert.equal(state.schemes[0]!.privileges.standard, true);
    assert.equal(state.schemes[0]!.privileges.secure, true);
    assert.equal(state.schemes[0]!.privileges.bypassCSP, false);
    assert.deepEqual(state.protocols, ['app']);
    assert.equal(state.windows, 1);
    assert.equal(state.loadedUrl, 'app://conclave/index.html');
    assert.equal(state.userData, userData);
    const prefs = state.webPreferences!;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.devTools, false);
    assert.equal(prefs.preload, join(ROOT, 'dist', 'preload', 'preload.cjs'));
  });

  it('registers exactly the contract channels', async () => {
    const state = await call<State>('state');
    assert.deepEqual(state.channels, CHANNELS.map((c) => ipcChannel(c)).sort());
  });

  it('answers the window with a real status snapshot from the rehearsal token', { timeout: 120_000 }, async () => {
    const result = await call<Result<StatusSnapshot>>('invoke', { channel: ipcChannel('getStatus'), payload: {}, sender: 'main' });
    assert.equal(result.ok, true, JSON.stringify(result));
    if (!result.ok) return;
    const snapshot = StatusSnapshotSchema.parse(result.value);
    assert.equal(snapshot.rehearsal.active, true);
    assert.ok(snapshot.rehearsal.tokenDirectory?.startsWith(userData), 'the rehearsal token lives in the data folder');
    const rehearsal = snapshot.tokens.find((t) => t.token?.label === 'CONCLAVE REHEARSAL');
    assert.ok(rehearsal, `the rehearsal token is listed: ${JSON.stringify(snapshot.tokens.map((t) => t.token?.label))}`);
    assert.equal(rehearsal.state, 'ready');
    assert.ok((await call<State>('state')).workers >= 1, 'the HSM worker was started through utilityProcess.fork');
  });

  it('pushes status events to the window on its event channel', { timeout: 60_000 }, async () => {
    const result = await call<Result<StatusSnapshot>>('invoke', { channel: ipcChannel('refreshTokens'), payload: {}, sender: 'main' });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok((await call<string[]>('sentEvents')).includes(ipcChannel('statusChanged')));
  });

  it('refuses subframes, foreign origins, vanished frames and malformed requests', async () => {
    for (const sender of ['subframe', 'foreign', 'gone']) {
      const result = await call<Result<unknown>>('invoke', { channel: ipcChannel('getStatus'), payload: {}, sender });
      assert.equal(result.ok, false, sender);
      if (!result.ok) assert.equal(result.error.code, 'SENDER_REJECTED', sender);
    }
    const bad = await call<Result<unknown>>('invoke', { channel: ipcChannel('getMechanisms'), payload: { slotId: 'x', pin: '1234' }, sender: 'main' });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.error.code, 'BAD_REQUEST');
      assert.ok(!bad.error.message.includes('1234'));
    }
  });

  it('serves the renderer over app:// with the CSP header, and nothing outside it', async () => {
    const index = await call<{ status: number; headers: Record<string, string>; text: string }>('fetch', { url: 'app://conclave/index.html' });
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(index.text, /<div id="root">/);
    for (const url of ['app://conclave/../main/main.cjs', 'app://conclave/%2e%2e/main/main.cjs', 'app://conclave/..%2fpreload%2fpreload.cjs']) {
      const outside = await call<{ status: number }>('fetch', { url });
      assert.notEqual(outside.status, 200, url);
    }
  });

  it('refuses navigation away, new windows, webviews, permissions and network requests', async () => {
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      assert.deepEqual(await call('navigate', { url: 'https://example.com/', event }), { prevented: true }, event);
      assert.deepEqual(await call('navigate', { url: 'app://conclave/index.html', event }), { prevented: false }, event);
    }
    assert.deepEqual(await call('windowOpen', { url: 'https://example.com/' }), { action: 'deny' });
    assert.deepEqual(await call('attachWebview'), { prevented: true });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'usb']) {
      assert.deepEqual(await call('permission', { permission }), { granted: false, check: false, device: false }, permission);
    }
    assert.deepEqual(await call('request', { url: 'https://example.com/x.js' }), { cancel: true });
    assert.deepEqual(await call('request', { url: 'ws://127.0.0.1:9222/' }), { cancel: true });
    assert.deepEqual(await call('request', { url: 'app://conclave/app.js' }), { cancel: false });
    const headers = await call<{ responseHeaders: Record<string, string[]> }>('headers', {
      responseHeaders: { 'content-security-policy': ['default-src *'], 'content-type': ['text/html'] },
    });
    assert.deepEqual(headers.responseHeaders, { 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('stops the status service and its worker before quitting', { timeout: 60_000 }, async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await call('quit');
    assert.equal(await exited, 0);
    assert.deepEqual(exits, [{ type: 'exited', code: 0 }]);
  });
});
