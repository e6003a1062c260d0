// What the CLI integration tests share: a fresh SoftHSM2 token store with one initialized
// token (test/helpers/softhsm.ts, made with the real softhsm2-util), the built CLI, and a
// runner that starts it as a real subprocess under plain Node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { initTokenWithUtil, makeSoftHsm, requireSoftHsm } from '../../helpers/softhsm';

export const SOFTHSM_MODULE = requireSoftHsm();

export interface SoftHsmFixture {
  confPath: string;
  label: string;
  soPin: string;
  userPin: string;
  remove(): void;
}

export function softHsmToken(label: string): SoftHsmFixture {
  const store = makeSoftHsm();
  const spec = { label, soPin: 'cli-so-pin-4711', userPin: 'cli-user-pin-0815' };
  initTokenWithUtil(store, spec);
  return { confPath: store.confPath, ...spec, remove: store.cleanup };
}

export const repoRoot = join(__dirname, '..', '..', '..');
export const cliPath = join(repoRoot, 'dist', 'cli', 'conclave.cjs');

/** Builds once when the CLI or the worker bundle is missing (the test runner builds before running tests). */
export function ensureBuilt(): void {
  if (existsSync(cliPath) && existsSync(join(repoRoot, 'dist', 'native', 'hsm-worker.cjs'))) return;
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stderr}`);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real subprocess under plain Node. */
export function conclave(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): CliResult {
  const base = { ...process.env };
  delete base.CONCLAVE_PKCS11_MODULE;
  delete base.SOFTHSM2_CONF;
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
