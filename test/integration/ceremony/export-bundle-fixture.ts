// Set-up for the export-bundle ceremony tests: per recipient kind, one SoftHSM2 store with
// the ceremony token and the ops team's recipient token (the two sit side by side, as in
// the rehearsal), a witness key file, a root-key script with `exports`, answers standing in
// for the people in the room, and the runner — in this process, or in a child process that
// a test kills for real. Real (non-rehearsal) ceremonies: the token's first PINs reach the
// quorum setup only through the inputs, as the administrator types them, never the answers.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWERS_FORMAT, ANSWERS_VERSION, FAST_KDF_ENV, inputsFromAnswers, kdfCost, parseAnswers, runCeremony, type Answers, type AnswersInput, type EngineDeps, type RunOutcome } from '../../../main/ceremony/engine';
import { finalizeCeremonyFolder } from '../../../main/ceremony/folder';
import { parseScript, renderScriptYaml, rootKeyGenerationScript, type CeremonyScript } from '../../../main/ceremony/script';
import type { BundleExport } from '../../../main/ceremony/script/templates/root-key';
import { forkHsmClient, type HsmClient } from '../../../main/hsm/hsm-client';
import { DEFAULT_SHARE_LIFETIME_MS, QuorumLoginSession, realScheduler } from '../../../main/quorum/login';
import { loadRecordFile } from '../../../main/quorum/record-file';
import { createWitnessKey } from '../../../main/witness';
import type { SecretTracker } from '../../helpers/secret-scan';
import { valueThroughTestKek } from '../bundle-wrap/two-tokens';
import { initTokenWithUtil, makeSoftHsm, pin, requireWorkerBuild, type Cleanup, type SoftHsmFixture, type TokenSpec } from '../../helpers/softhsm';

export const CEREMONY_TOKEN: TokenSpec = { label: 'Export Ceremony', soPin: 'so-export-ceremony-4711', userPin: 'user-export-ceremony-0815' };
export const RECIPIENT_TOKEN: TokenSpec = { label: 'Ops HSM', soPin: 'so-ops-hsm-2718', userPin: 'user-ops-hsm-3141' };
export const WITNESS = 'Wes';
const CUSTODIAN_PASSPHRASES: Record<string, string> = {
  Ada: 'violet tugboat orchard 4471 quietly',
  Brook: 'granite lantern meadow 9023 softly',
  Cyrus: 'copper falcon harbor 5518 slowly',
};
export const CUSTODIANS = Object.keys(CUSTODIAN_PASSPHRASES);
const PASSPHRASE = (name: string) => CUSTODIAN_PASSPHRASES[name]!;
const WITNESS_PASSPHRASE = 'witness wes keeps this one 9081!';
export const RUNNER_CONFIG_ENV = 'CONCLAVE_EXPORT_TEST_RUN';

export interface ExportWorld {
  /** Everything of this world outside the ceremony folders: witness key, media folders, import records. */
  base: string;
  store: SoftHsmFixture;
  /** The test's own client: logged in to the recipient token (and, after quorumLogin, to the ceremony token). */
  client: HsmClient;
  ceremonySlot: string;
  recipientSlot: string;
  witness: { keyFile: string; fingerprint: string };
}

/** Every passphrase and first PIN the tests use, for the secret scan. */
export function trackSecrets(secrets: SecretTracker): void {
  for (const name of CUSTODIANS) secrets.add(`passphrase of ${name}`, PASSPHRASE(name));
  secrets.add('witness passphrase', WITNESS_PASSPHRASE);
  secrets.add('ceremony token SO PIN', CEREMONY_TOKEN.soPin);
  secrets.add('ceremony token user PIN', CEREMONY_TOKEN.userPin);
  secrets.add('recipient token SO PIN', RECIPIENT_TOKEN.soPin);
  secrets.add('recipient token user PIN', RECIPIENT_TOKEN.userPin);
}

export function clientFor(store: SoftHsmFixture): HsmClient {
  return forkHsmClient({ workerScript: requireWorkerBuild(), env: store.env });
}

/** A fresh store with the ceremony token and the recipient token, and a client logged in to the recipient token. */
export async function exportWorld(t: Cleanup): Promise<ExportWorld> {
  const base = mkdtempSync(join(tmpdir(), 'conclave-export-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const store = makeSoftHsm(t);
  initTokenWithUtil(store, CEREMONY_TOKEN);
  initTokenWithUtil(store, RECIPIENT_TOKEN);
  const client = clientFor(store);
  t.after(() => client.close());
  await client.loadModule(store.modulePath);
  const tokens = await client.listTokens();
  const slotOf = (label: string) => tokens.find((x) => x.token?.label === label)!.slotId;
  const recipientSlot = slotOf(RECIPIENT_TOKEN.label);
  await client.login(recipientSlot, 'user', pin(RECIPIENT_TOKEN.userPin));
  const created = await createWitnessKey({ name: WITNESS, passphrase: pin(WITNESS_PASSPHRASE), kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }) });
  const keyFile = join(base, 'witness-key.json');
  writeFileSync(keyFile, created.fileText, { mode: 0o600 });
  return { base, store, client, ceremonySlot: slotOf(CEREMONY_TOKEN.label), recipientSlot, witness: { keyFile, fingerprint: created.fingerprintHex } };
}

/**
 * The root-key template with the given exports, as a script file would say it (rendered
 * and parsed again). The template has no OAEP-SHA-1 option: an RSA recipient on SoftHSM2
 * needs `allowOaepSha1` set on its export steps.
 */
export function exportScript(witnessFingerprint: string, ceremonyId: string, exports: BundleExport[], options: { allowOaepSha1?: boolean } = {}): CeremonyScript {
  const script = rootKeyGenerationScript({
    ceremonyId,
    rehearsal: false,
    participants: {
      administrator: { name: 'Admin' },
      custodians: CUSTODIANS.map((name) => ({ name })),
      witnesses: [{ name: WITNESS, key: { kind: 'file', fingerprint: witnessFingerprint } }],
    },
    quorum: { threshold: 2 },
    token: { label: CEREMONY_TOKEN.label },
    quorumSetup: true,
    exports,
  });
  if (options.allowOaepSha1) {
    for (const step of script.steps) if (step.action === 'export-bundle') step.params.allowOaepSha1 = true;
  }
  return parseScript(renderScriptYaml(script), { fileName: `${ceremonyId}.yaml` });
}

export function answersInput(world: ExportWorld, extra: Partial<AnswersInput> = {}): AnswersInput {
  return {
    format: ANSWERS_FORMAT,
    version: ANSWERS_VERSION,
    custodians: Object.fromEntries(CUSTODIANS.map((name) => [name, { passphrase: PASSPHRASE(name) }])),
    witnesses: { [WITNESS]: { keyFile: world.witness.keyFile, passphrase: WITNESS_PASSPHRASE } },
    confirmAll: true,
    acknowledgeAll: true,
    confirmClockUtc: true,
    airGapOverride: { reason: 'integration test on a networked build machine' },
    ...extra,
  };
}

export async function depsFor(hsm: HsmClient, modulePath: string, dir: string, answers: Answers, options: { firstPins?: TokenSpec; killAtExport?: string } = {}): Promise<EngineDeps> {
  const fromAnswers = inputsFromAnswers(answers);
  const enc = (s: string) => new TextEncoder().encode(s);
  return {
    dir,
    hsm,
    modulePath,
    inputs: {
      ...fromAnswers,
      // The administrator types the token's current PINs once, for the quorum setup to replace them.
      rehearsalTokenPins: () => (options.firstPins ? { soPin: enc(options.firstPins.soPin), userPin: enc(options.firstPins.userPin) } : null),
      exportMedium: (stepId) => {
        // Asked for only after the bundle and its QR frames are written and recorded, before the step completes.
        if (stepId === options.killAtExport) process.kill(process.pid, 'SIGKILL');
        return fromAnswers.exportMedium!(stepId);
      },
    },
    kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }),
    rehearsalPins: null,
    toolVersion: 'test',
  };
}

/** Runs (or, without a script, resumes) the ceremony in this process; a sealed folder is finalized as the CLI does. */
export async function runExport(world: ExportWorld, dir: string, answers: AnswersInput, script?: CeremonyScript): Promise<RunOutcome> {
  const hsm = clientFor(world.store);
  try {
    await hsm.loadModule(world.store.modulePath);
    const parsed = parseAnswers(answers, world.base);
    const deps = await depsFor(hsm, world.store.modulePath, dir, parsed, script ? { firstPins: CEREMONY_TOKEN } : {});
    const outcome = await runCeremony({
      deps,
      answers: parsed,
      ...(script ? { start: { script, source: { name: `${script.ceremony.id}.yaml`, format: 'yaml' as const, text: renderScriptYaml(script) } } } : {}),
    });
    if (outcome.status === 'sealed') await finalizeCeremonyFolder(dir);
    return outcome;
  } finally {
    await hsm.close();
  }
}

export interface RunnerConfig {
  confEnv: NodeJS.ProcessEnv;
  modulePath: string;
  base: string;
  dir: string;
  scriptText: string;
  answers: AnswersInput;
  killAtExport: string;
}

/** Starts the ceremony in a child process that kills itself (SIGKILL) inside the named export step. */
export function crashedRun(world: ExportWorld, dir: string, script: CeremonyScript, answers: AnswersInput, killAtExport: string): { signal: NodeJS.Signals | null; stderr: string } {
  const config: RunnerConfig = { confEnv: world.store.env, modulePath: world.store.modulePath, base: world.base, dir, scriptText: renderScriptYaml(script), answers, killAtExport };
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'export-bundle-runner.ts')], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...process.env, [RUNNER_CONFIG_ENV]: JSON.stringify(config) },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { signal: result.signal, stderr: `${result.stdout}\n${result.stderr}` };
}

/**
 * A new client the custodians log in to the ceremony token after the ceremony (its PINs
 * are known only to the quorum now). New, because a SoftHSM2 instance that was loaded
 * before the quorum setup changed the PINs in another process still checks the old ones.
 */
export async function ceremonyTokenAfter(world: ExportWorld, dir: string): Promise<HsmClient> {
  const client = clientFor(world.store);
  try {
    await client.loadModule(world.store.modulePath);
    const recordPath = join(dir, 'shares', 'quorum-record.json');
    const { record } = await loadRecordFile(recordPath);
    const session = await QuorumLoginSession.begin(
      { hsm: client, now: () => new Date(), scheduler: realScheduler, shareLifetimeMs: DEFAULT_SHARE_LIFETIME_MS, pollIntervalMs: 0, onChange: () => undefined },
      { record, recordPath, slotId: world.ceremonySlot, purpose: 'login' },
    );
    const files = readdirSync(join(dir, 'shares'));
    for (const custodian of record.custodians) {
      if (session.isLoggedIn) break;
      const prefix = `conclave-share-${record.ceremonyId}-${String(custodian.index).padStart(2, '0')}-`;
      const file = files.find((n) => n.startsWith(prefix) && n.endsWith('.json'))!;
      await session.present({ kind: 'file', path: join(dir, 'shares', file) }, pin(PASSPHRASE(custodian.name)));
    }
    if (!session.isLoggedIn) throw new Error('the quorum did not log in');
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** The value of the exported key on the ceremony token, learned through a known test KEK (an oracle outside the code under test). */
export async function originalValue(world: ExportWorld, dir: string, label: string): Promise<Uint8Array> {
  const client = await ceremonyTokenAfter(world, dir);
  try {
    const found = await client.findObjects({ slotId: world.ceremonySlot, label, class: 'secret' });
    if (found.length !== 1) throw new Error(`expected one secret key labelled ${label} on the ceremony token, found ${found.length}`);
    return await valueThroughTestKek(client, world.ceremonySlot, found[0]!.handle);
  } finally {
    await client.close();
  }
}

export function folder(world: ExportWorld, name: string): string {
  const path = join(world.base, name);
  mkdirSync(path, { recursive: true });
  return path;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
