// Witnesses who sign with a key on their own PKCS#11 token (a smartcard; here a second
// SoftHSM2 token whose key pkcs11-tool made, as a witness would). The answers name the
// token and the environment variable that holds its PIN — never the PIN. The runner
// opens the token in its own HSM worker (or, for a token of the ceremony's module, in
// the ceremony's), refuses a key whose fingerprint is not the script's, and the sealed
// folder passes the verifier with the token witness's ECDSA signatures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { ANSWERS_FORMAT, ANSWERS_VERSION, FAST_KDF_ENV, inputsFromAnswers, kdfCost, parseAnswers, runCeremony, type AnswersInput, type CeremonyInputs } from '../../../main/ceremony/engine';
import { finalizeCeremonyFolder, verifyCeremonyFolder } from '../../../main/ceremony/folder';
import { quorumSetupScript, renderScriptYaml, type CeremonyScript } from '../../../main/ceremony/script';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep } from '../../../main/ceremony/script/templates/common';
import { readTranscript, type EntryOf } from '../../../main/transcript';
import { DomainError } from '../../../native/errors';
import { listFiles, SecretTracker } from '../../helpers/secret-scan';
import { clientFor, initTokenWithUtil, makeSoftHsm, type HsmClient, type SoftHsmFixture, type TokenSpec } from '../../helpers/softhsm';
import { CUSTODIANS, MemoryPins, PASSPHRASE, tempDir } from './backup-restore-fixture';

const CEREMONY: TokenSpec = { label: 'Ceremony HSM', soPin: 'so-pin-ceremony-1', userPin: 'user-pin-ceremony-1' };
const WANDA: TokenSpec = { label: 'Wanda Card', soPin: 'so-pin-wanda-1', userPin: 'wanda-card-pin-2468' };
const WENDY: TokenSpec = { label: 'Wendy Card', soPin: 'so-pin-wendy-1', userPin: 'wendy-card-pin-1357' };

/** A witness key made on the token by an outside tool, and its SPKI fingerprint read back by that tool. */
function witnessKey(store: SoftHsmFixture, token: TokenSpec, label: string, id: string, dir: string): string {
  const tool = (args: string[]) => execFileSync('pkcs11-tool', ['--module', store.modulePath, '--token-label', token.label, ...args], { env: store.env, stdio: ['ignore', 'pipe', 'pipe'] });
  tool(['--login', '--pin', token.userPin, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', label, '--id', id]);
  const out = join(dir, `${label}.der`);
  tool(['--read-object', '--type', 'pubkey', '--label', label, '-o', out]);
  return createHash('sha256').update(readFileSync(out)).digest('hex');
}

function answers(extra: Partial<AnswersInput>): AnswersInput {
  return {
    format: ANSWERS_FORMAT,
    version: ANSWERS_VERSION,
    custodians: Object.fromEntries(CUSTODIANS.map((name) => [name, { passphrase: PASSPHRASE(name) }])),
    confirmAll: true,
    acknowledgeAll: true,
    confirmClockUtc: true,
    ...extra,
  };
}

async function run(options: { dir: string; store: SoftHsmFixture; script: CeremonyScript; answers: AnswersInput; env: NodeJS.ProcessEnv; pins: MemoryPins; openWitnessHsm?: (module: string) => Promise<HsmClient>; inputs?: (base: CeremonyInputs) => CeremonyInputs; t: { after(fn: () => unknown): void } }) {
  const client = clientFor(options.store, options.t);
  await client.loadModule(options.store.modulePath);
  const parsed = parseAnswers(options.answers, options.dir);
  const base = inputsFromAnswers(parsed, options.env);
  const log: string[] = [];
  const outcome = await runCeremony({
    deps: {
      dir: options.dir,
      hsm: client,
      modulePath: options.store.modulePath,
      inputs: options.inputs ? options.inputs(base) : base,
      kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }),
      rehearsalPins: options.pins,
      toolVersion: 'test',
      ...(options.openWitnessHsm ? { openWitnessHsm: options.openWitnessHsm } : {}),
    },
    answers: parsed,
    start: { script: options.script, source: { name: `${options.script.ceremony.id}.yaml`, format: 'yaml', text: renderScriptYaml(options.script) } },
    log: (line) => log.push(line),
  });
  await client.close();
  return { outcome, log };
}

test('a witness signs with a key on their own PKCS#11 token; the folder verifies; the PIN is written nowhere', async (t) => {
  const base = tempDir(t, 'conclave-token-witness-');
  const secrets = new SecretTracker();
  // The ceremony HSM and Wanda's card share one SoftHSM2 store (one module, two tokens);
  // Wendy's card is a device of its own, reached through its own HSM worker.
  const ceremonyStore = makeSoftHsm(t);
  initTokenWithUtil(ceremonyStore, CEREMONY);
  initTokenWithUtil(ceremonyStore, WANDA);
  const wendyStore = makeSoftHsm(t);
  initTokenWithUtil(wendyStore, WENDY);
  const wendyFingerprint = witnessKey(wendyStore, WENDY, 'wendy-witness', '01', base);
  const wendyDecoy = witnessKey(wendyStore, WENDY, 'wendy-old-key', '02', base);
  const wandaFingerprint = witnessKey(ceremonyStore, WANDA, 'wanda-witness', '01', base);
  assert.notEqual(wendyFingerprint, wendyDecoy);
  for (const spec of [CEREMONY, WANDA, WENDY]) {
    secrets.add(`SO PIN of ${spec.label}`, spec.soPin);
    secrets.add(`user PIN of ${spec.label}`, spec.userPin);
  }
  for (const name of CUSTODIANS) secrets.add(`passphrase of ${name}`, PASSPHRASE(name));
  const pins = new MemoryPins(CEREMONY.label, CEREMONY.soPin, CEREMONY.userPin, secrets);
  const people = { administrator: { name: 'Admin' }, custodians: CUSTODIANS.map((name) => ({ name })) };

  // Ceremony 1: the quorum setup, witnessed by Wendy's card through its own worker. The
  // first attempt names her old key, whose fingerprint is not the script's: refused, then retried.
  const setupDir = join(base, 'setup');
  const wendyEnv = { WENDY_PIN: WENDY.userPin };
  let witnessSigning = 0;
  const setup = await run({
    t,
    dir: setupDir,
    store: ceremonyStore,
    pins,
    env: wendyEnv,
    script: quorumSetupScript({
      ceremonyId: 'token-witness-setup',
      rehearsal: true,
      participants: { ...people, witnesses: [{ name: 'Wendy', key: { kind: 'pkcs11', fingerprint: wendyFingerprint, tokenLabel: WENDY.label } }] },
      quorum: { threshold: 2 },
      token: { label: CEREMONY.label },
    }),
    answers: answers({
      witnesses: { Wendy: { pkcs11: { module: wendyStore.modulePath, tokenLabel: WENDY.label, keyLabel: 'wendy-witness', pinEnv: 'WENDY_PIN' } } },
      rehearsalToken: { rehearsal: true, label: CEREMONY.label, soPin: CEREMONY.soPin, userPin: CEREMONY.userPin },
      onException: { 'witness-sign': { resolution: 'retry', attempts: 1 } },
    }),
    openWitnessHsm: async (module) => {
      const client = clientFor(wendyStore, t);
      await client.loadModule(module);
      return client;
    },
    inputs: (base) => ({
      ...base,
      witnessToken: (name) => {
        const given = base.witnessToken!(name);
        return given && ++witnessSigning === 1 ? { ...given, keyLabel: 'wendy-old-key' } : given;
      },
    }),
  });
  assert.equal(setup.outcome.status, 'sealed', setup.log.join('\n'));
  const setupEntries = (await readTranscript(join(setupDir, 'transcript.jsonl'))).entries;
  const refused = setupEntries.flatMap((e) => (e.entry.type === 'exception-opened' ? [(e.entry as EntryOf<'exception-opened'>).data] : []));
  assert.deepEqual(refused.map((e) => [e.step, e.code]), [['witness-sign', 'WITNESS_KEY_WRONG']]);
  assert.match(refused[0]!.reason, /not the key the script lists for Wendy/);
  const wendySignatures = setupEntries.flatMap((e) => (e.entry.type === 'signature' && e.entry.data.signer.kind === 'witness' ? [(e.entry as EntryOf<'signature'>).data] : []));
  assert.equal(wendySignatures.length, 2, 'the checkpoint and the seal');
  for (const s of wendySignatures) assert.deepEqual([s.signer.name, s.signer.keyFingerprint, s.algorithm], ['Wendy', wendyFingerprint, 'ecdsa-p256-sha256']);
  await finalizeCeremonyFolder(setupDir);
  const setupVerdict = await verifyCeremonyFolder(setupDir);
  assert.ok(setupVerdict.ok, JSON.stringify(setupVerdict.firstFailure));

  // Ceremony 2 on the same token and quorum, witnessed by Wanda's card: a token of the
  // ceremony's own module, reached through the ceremony's HSM worker.
  const loginDir = join(base, 'login');
  const login = await run({
    t,
    dir: loginDir,
    store: ceremonyStore,
    pins,
    env: { WANDA_PIN: WANDA.userPin },
    script: buildScript(
      {
        ceremonyId: 'token-witness-login',
        rehearsal: true,
        participants: { ...people, witnesses: [{ name: 'Wanda', key: { kind: 'pkcs11', fingerprint: wandaFingerprint } }] },
        quorum: { threshold: 2 },
        token: { label: CEREMONY.label },
      },
      'custom',
      'Quorum login witnessed by a smartcard',
      [...openingSteps(), quorumLoginStep(), ceremonyKeyStep('token-witness-login'), ...closingSteps()],
    ),
    answers: answers({
      witnesses: { Wanda: { pkcs11: { module: ceremonyStore.modulePath, tokenLabel: WANDA.label, keyLabel: 'wanda-witness', pinEnv: 'WANDA_PIN' } } },
      quorumRecord: join(setupDir, 'shares', 'quorum-record.json'),
    }),
  });
  assert.equal(login.outcome.status, 'sealed', login.log.join('\n'));
  await finalizeCeremonyFolder(loginDir);
  const loginVerdict = await verifyCeremonyFolder(loginDir);
  assert.ok(loginVerdict.ok, JSON.stringify(loginVerdict.firstFailure));

  const { findings, filesScanned } = secrets.scan([setupDir, loginDir]);
  assert.ok(filesScanned >= listFiles(setupDir).length);
  assert.deepEqual(findings, []);
});

test('a token witness whose PIN variable is not set is told which variable to set, and the PIN never comes from the answers file', () => {
  const parsed = parseAnswers(
    { format: ANSWERS_FORMAT, version: ANSWERS_VERSION, witnesses: { Wanda: { pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'Wanda Card', keyLabel: 'w', pinEnv: 'WANDA_PIN' } } } },
    '/tmp',
  );
  const inputs = inputsFromAnswers(parsed, {});
  assert.throws(() => inputs.witnessToken!('Wanda'), (error: unknown) => DomainError.is(error) && error.code === 'WITNESS_PIN_MISSING' && /WANDA_PIN/.test(error.message));
  assert.equal(inputs.witnessKey('Wanda'), null);
  const given = inputsFromAnswers(parsed, { WANDA_PIN: '2468-card' }).witnessToken!('Wanda');
  assert.deepEqual({ ...given, pin: new TextDecoder().decode(given!.pin) }, { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'Wanda Card', keyLabel: 'w', pin: '2468-card' });
  // A PIN in the file has no field to go into, and a witness is a key file or a token, not both.
  assert.throws(() => parseAnswers({ format: ANSWERS_FORMAT, version: ANSWERS_VERSION, witnesses: { W: { pkcs11: { module: '/m.so', tokenLabel: 'T', keyLabel: 'k', pinEnv: 'P', pin: '1234' } } } }, '/tmp'), /ANSWERS|not valid/);
  assert.throws(
    () => parseAnswers({ format: ANSWERS_FORMAT, version: ANSWERS_VERSION, witnesses: { W: { keyFile: 'w.json', passphrase: 'long enough passphrase 1', pkcs11: { module: '/m.so', tokenLabel: 'T', keyLabel: 'k', pinEnv: 'P' } } } }, '/tmp'),
    /either keyFile and passphrase, or pkcs11/,
  );
});
