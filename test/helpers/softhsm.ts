// SoftHSM2 fixtures for tests: a fresh temporary token directory and softhsm2.conf per
// test, optionally an initialized token (made with softhsm2-util, an independent tool,
// or through the HSM client), and cleanup afterwards. Everything is real: the SoftHSM2
// PKCS#11 module, files on disk, the worker process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkHsmClient, type ForkHsmClientOptions, HsmClient } from '../../main/hsm/hsm-client';
import { defaultWorkerScript } from '../../main/hsm/worker-script';
import { softHsmModulePath } from '../../native/hsm/module-candidates';
import { softHsmEnv, writeSoftHsmConfig } from '../../native/softhsm/softhsm-config';

/** Anything that can run cleanup when a test (or a suite) ends: a TestContext, or a suite's own list. */
export interface Cleanup {
  after(fn: () => unknown): void;
}

export const pin = (text: string): Uint8Array => new TextEncoder().encode(text);

export function requireSoftHsm(): string {
  const path = softHsmModulePath();
  if (!path) throw new Error('SoftHSM2 is not installed (apt-get install softhsm2); the HSM integration tests need it.');
  return path;
}

/** The built worker; the tests run against dist/ exactly as the app does. */
export function requireWorkerBuild(): string {
  const script = defaultWorkerScript(__dirname);
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" before the HSM integration tests.`);
  return script;
}

export interface SoftHsmFixture {
  directory: string;
  confPath: string;
  tokenDirectory: string;
  modulePath: string;
  /** Environment with SOFTHSM2_CONF pointing at this fixture. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A fresh, empty SoftHSM2 token store (SoftHSM2 then offers one free slot). */
export function makeSoftHsm(t?: Cleanup): SoftHsmFixture {
  const modulePath = requireSoftHsm();
  const directory = mkdtempSync(join(tmpdir(), 'conclave-softhsm-'));
  const config = writeSoftHsmConfig(directory);
  const fixture: SoftHsmFixture = {
    directory,
    confPath: config.confPath,
    tokenDirectory: config.tokenDirectory,
    modulePath,
    env: softHsmEnv(config.confPath),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
  t?.after(() => fixture.cleanup());
  return fixture;
}

export interface TokenSpec {
  label: string;
  soPin: string;
  userPin: string;
}

export const DEFAULT_TOKEN: TokenSpec = { label: 'Conclave Test', soPin: 'so-secret-1', userPin: 'user-secret-1' };

/** Initializes a token in the fixture's free slot with softhsm2-util (independent of Conclave's code). */
export function initTokenWithUtil(fixture: SoftHsmFixture, spec: TokenSpec = DEFAULT_TOKEN): void {
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', spec.label, '--so-pin', spec.soPin, '--pin', spec.userPin],
    { env: fixture.env, stdio: 'pipe' },
  );
}

export function clientFor(fixture: SoftHsmFixture, t?: Cleanup, options: ForkHsmClientOptions = {}): HsmClient {
  const client = forkHsmClient({ workerScript: requireWorkerBuild(), env: fixture.env, ...options });
  t?.after(() => client.close());
  return client;
}

export interface TokenFixture extends SoftHsmFixture {
  client: HsmClient;
  slotId: string;
  spec: TokenSpec;
}

/** A fresh store with one initialized token, a client with the module loaded, optionally logged in as user. */
export async function withToken(
  t: Cleanup,
  options: { login?: boolean; spec?: TokenSpec; client?: ForkHsmClientOptions } = {},
): Promise<TokenFixture> {
  const spec = options.spec ?? DEFAULT_TOKEN;
  const fixture = makeSoftHsm(t);
  initTokenWithUtil(fixture, spec);
  const client = clientFor(fixture, t, options.client);
  await client.loadModule(fixture.modulePath);
  const token = (await client.listTokens()).find((x) => x.token?.label === spec.label);
  if (!token) throw new Error(`the token "${spec.label}" made by softhsm2-util is not listed`);
  if (options.login) await client.login(token.slotId, 'user', pin(spec.userPin));
  return { ...fixture, client, slotId: token.slotId, spec };
}

/** Runs pkcs11-tool (OpenSC) against the fixture's module and token, returning stdout. */
export function pkcs11Tool(fixture: TokenFixture, args: string[]): string {
  return execFileSync('pkcs11-tool', ['--module', fixture.modulePath, '--token-label', fixture.spec.label, ...args], {
    env: fixture.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs openssl and returns stdout; throws with stderr when it fails. */
export function openssl(args: string[], input?: Uint8Array): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input ? { input } : {}) });
}

/** Asserts a DomainError-shaped rejection with the given code and returns it. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<{ code: string; message: string; action: string; detail?: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: unknown; message: string; action?: unknown; detail?: string };
    if (e.code !== code) throw new Error(`expected error code ${code}, got ${String(e.code)}: ${e.message}`);
    if (typeof e.action !== 'string' || e.action.length === 0) throw new Error(`error ${code} has no action`);
    return e as { code: string; message: string; action: string; detail?: string };
  }
  throw new Error(`expected a rejection with code ${code}, but the call succeeded`);
}

export { HsmClient };
