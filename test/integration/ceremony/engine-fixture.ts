// Shared set-up for the engine tests: a SoftHSM2 token, an engine over a script, and
// inputs that hand out known passphrases (tracked for the secret scan).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CeremonyEngine, type CeremonyInputs, type EngineDeps, FAST_KDF_ENV, kdfCost } from '../../../main/ceremony/engine';
import { renderScriptYaml, type CeremonyScript } from '../../../main/ceremony/script';
import type { Cleanup } from '../../helpers/softhsm';
import { withToken, type TokenFixture } from '../../helpers/softhsm';

export const CUSTODIANS = ['Ada', 'Brook', 'Cyrus'];
export const PASSPHRASE = (name: string) => `correct horse ${name.toLowerCase()} battery 7731!`;

export function inputs(pins: TokenFixture['spec'] | null, overrides: Partial<CeremonyInputs> = {}): CeremonyInputs {
  const enc = (s: string) => new TextEncoder().encode(s);
  return {
    custodianPassphrase: (name) => enc(PASSPHRASE(name)),
    custodianEnvelope: () => null,
    loginCustodians: () => null,
    witnessKey: () => null,
    rehearsalTokenPins: () => (pins ? { soPin: enc(pins.soPin), userPin: enc(pins.userPin) } : null),
    quorumRecordPath: () => null,
    ...overrides,
  };
}

export function tempDir(t: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function engineFor(t: Cleanup, script: CeremonyScript, options: { ceremonyInputs?: Partial<CeremonyInputs>; token?: TokenFixture } = {}) {
  const token = options.token ?? (await withToken(t));
  const dir = join(tempDir(t, 'conclave-engine-'), 'ceremony');
  const deps: EngineDeps = {
    dir,
    hsm: token.client,
    modulePath: token.modulePath,
    inputs: inputs(token.spec, options.ceremonyInputs),
    kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }),
    rehearsalPins: null,
    toolVersion: 'test',
  };
  const engine = await CeremonyEngine.create(deps, script, { name: 'test.yaml', format: 'yaml', text: renderScriptYaml(script) });
  t.after(() => engine.close());
  return { engine, token, dir, deps };
}
