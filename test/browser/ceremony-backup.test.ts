// Key backup and restore through the UI, in Debian's Chromium, against the real main side
// on two throwaway SoftHSM2 rehearsal tokens, each in an app data folder of its own.
//
// Token A first gets its quorum (2 of 3) and a wrap-only-export EC P-256 key from a
// ceremony run by the engine, as the CLI tests set it up. Then, all by clicks and typing:
// the key-backup ceremony on token A — the quorum logs in, each custodian types a
// backup-envelope passphrase twice, the card shows the values a restore pins — with a
// witness who signs the checkpoint and the seal with the EC key on her own SoftHSM2 token
// (a second HSM worker; a mistyped token label is refused before anything is recorded).
// Then the key-restore ceremony onto token B — a new quorum, the backup folder read and
// checked against the pins before any passphrase (a folder that is not a backup is
// refused), two custodians present, and the card shows the key as read back: the
// original's CKA_ID, sensitive and not extractable, its fingerprint words matching the
// pinned ones. `conclave verify` accepts both folders; no passphrase or PIN is in them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ANSWERS_FORMAT, ANSWERS_VERSION, FAST_KDF_ENV, inputsFromAnswers, kdfCost, parseAnswers, rehearsalPinStore, runCeremony } from '../../main/ceremony/engine';
import { keyBackupScript, keyRestoreScript, REHEARSAL_TOKEN_LABEL, renderScriptYaml, type CeremonyScript } from '../../main/ceremony/script';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, quorumSetupStep, type TemplateParticipants } from '../../main/ceremony/script/templates/common';
import { ceremonyServiceForStatus } from '../../main/ceremony/session';
import { forkHsmClient } from '../../main/hsm/hsm-client';
import { ensureRehearsalToken, readRehearsalPins } from '../../main/hsm/rehearsal-token';
import type { KdfCost } from '../../main/quorum/kdf';
import { createStatusService } from '../../main/status/status-service';
import { createWitnessKey } from '../../main/witness';
import { softHsmEnv } from '../../native/softhsm/softhsm-config';
import type { BackupPreview, CeremonyView } from '../../preload/contract';
import { SecretTracker } from '../helpers/secret-scan';
import { initTokenWithUtil, makeSoftHsm, type SoftHsmFixture } from '../helpers/softhsm';
import { stepDriver, screenshot, text, transcriptLines, type StepDriver } from './ceremony-ui';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type OpenedApp, type StaticServer } from './harness';

const CLI = join(ROOT, 'dist', 'cli', 'conclave.cjs');
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

const CUSTODIANS = ['Ada', 'Brook', 'Cyrus'];
const WORD: Record<string, string> = { Ada: 'violet', Brook: 'granite', Cyrus: 'saffron' };
const PASSPHRASE = (name: string) => `correct horse ${WORD[name]} battery 7731!`;
const BACKUP_PASSPHRASE = (name: string) => `lantern ${WORD[name]} orbit meadow 4412?`;
const RESTORE_QUORUM_PASSPHRASE = (name: string) => `quiet ${WORD[name]} harbour lamp 2209#`;
const KEY_LABEL = 'issuing-key-2026';
const RESTORED_LABEL = 'issuing-key-2026-b';
const WES = 'Wes';
const WES_PASSPHRASE = 'witness ledger quartz 9915 harbour';
const WENDY = { label: 'Wendy Card', soPin: 'so-pin-wendy-1', userPin: 'wendy-card-pin-2468' };
const WENDY_KEY = 'wendy-witness';

interface App extends OpenedApp {
  ui: StepDriver;
}

describe('key backup and restore through the UI, with a token witness', { skip: SKIP, timeout: 900_000 }, () => {
  const secrets = new SecretTracker();
  const cleanups: Array<() => unknown> = [];
  let work: string;
  let kdf: KdfCost;
  let server: StaticServer;
  let browser: Browser;
  let wendyStore: SoftHsmFixture;
  let wendyFingerprint: string;
  let wesKeyFile: string;
  let wesFingerprint: string;
  let setupDir: string;
  let backupDir: string;
  let restoreDir: string;
  let original: { id: string; fingerprint: { hex: string; words: string[] } };
  let pins: { wrappedKeySha256: string; fingerprint: string } | null = null;
  let appA: App;
  let appB: App | null = null;

  const dataA = () => join(work, 'app-data-a');
  const dataB = () => join(work, 'app-data-b');

  function participants(witness: 'wendy' | 'wes'): TemplateParticipants {
    return {
      administrator: { name: 'Admin' },
      custodians: CUSTODIANS.map((name) => ({ name })),
      witnesses:
        witness === 'wendy'
          ? [{ name: 'Wendy', key: { kind: 'pkcs11', fingerprint: wendyFingerprint, tokenLabel: WENDY.label } }]
          : [{ name: WES, key: { kind: 'file', fingerprint: wesFingerprint } }],
    };
  }

  /** Token A's first ceremony, run by the engine as `conclave run` would: its quorum and the key to back up. */
  async function setUpTokenA(): Promise<void> {
    const token = await ensureRehearsalToken(dataA());
    const client = forkHsmClient({ env: softHsmEnv(token.confPath) });
    try {
      await client.loadModule(token.modulePath);
      const script = buildScript({ ceremonyId: 'token-a-setup', rehearsal: true, participants: participants('wes'), quorum: { threshold: 2 }, token: { label: REHEARSAL_TOKEN_LABEL } }, 'custom', 'Token A: quorum and a key to back up', [
        ...openingSteps(),
        quorumSetupStep(),
        quorumLoginStep(),
        ceremonyKeyStep('token-a-setup'),
        { id: 'issuing-key', title: 'Generate the key pair to back up', action: 'generate-key', params: { label: KEY_LABEL, type: 'ec-p256', role: 'wrap-only-export' } },
        ...closingSteps(),
      ]);
      const answers = parseAnswers(
        {
          format: ANSWERS_FORMAT,
          version: ANSWERS_VERSION,
          custodians: Object.fromEntries(CUSTODIANS.map((name) => [name, { passphrase: PASSPHRASE(name) }])),
          witnesses: { [WES]: { keyFile: wesKeyFile, passphrase: WES_PASSPHRASE } },
          confirmAll: true,
          acknowledgeAll: true,
          confirmClockUtc: true,
        },
        work,
      );
      const outcome = await runCeremony({
        deps: { dir: setupDir, hsm: client, modulePath: token.modulePath, inputs: inputsFromAnswers(answers), kdf, rehearsalPins: rehearsalPinStore(dataA()), toolVersion: 'browser-test' },
        answers,
        start: { script, source: { name: 'token-a-setup.yaml', format: 'yaml', text: renderScriptYaml(script) } },
      });
      assert.equal(outcome.status, 'sealed');
      const key = outcome.keys.find((k) => k.label === KEY_LABEL)!;
      original = { id: key.id, fingerprint: key.fingerprint! };
    } finally {
      await client.close();
    }
  }

  /** Wendy's own token with an EC P-256 key made by an outside tool, as a witness would bring it; its fingerprint read back by that tool. */
  function wendysToken(): void {
    wendyStore = makeSoftHsm({ after: (fn) => cleanups.push(fn) });
    initTokenWithUtil(wendyStore, WENDY);
    const tool = (args: string[]) => execFileSync('pkcs11-tool', ['--module', wendyStore.modulePath, '--token-label', WENDY.label, ...args], { env: wendyStore.env, stdio: ['ignore', 'pipe', 'pipe'] });
    tool(['--login', '--pin', WENDY.userPin, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', WENDY_KEY, '--id', '01']);
    const der = join(work, 'wendy.pub.der');
    tool(['--read-object', '--type', 'pubkey', '--label', WENDY_KEY, '-o', der]);
    wendyFingerprint = createHash('sha256').update(readFileSync(der)).digest('hex');
  }

  async function openTokenApp(dataDir: string): Promise<App> {
    const env = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    const status = createStatusService({ dataDir, env, usb: null });
    // A witness's token gets a worker of its own from the same factory, with the environment its module reads.
    const ceremony = ceremonyServiceForStatus(status, { dataDir, toolVersion: 'browser-test', kdf: async () => kdf, hsmFactory: (workerEnv) => forkHsmClient({ env: workerEnv }), env: { ...env, ...wendyStore.env } });
    const app = await openApp(browser, server, { status, ceremony });
    return { ...app, ui: stepDriver(app.page) };
  }

  async function openScript(app: App, script: CeremonyScript, directory: string): Promise<CeremonyView> {
    const path = join(work, `${script.ceremony.id}.yaml`);
    writeFileSync(path, renderScriptYaml(script));
    const { page } = app;
    await page.getByTestId('nav-ceremony').click();
    await page.getByTestId('open-kind-script').check();
    await page.getByTestId('open-script').fill(path);
    await page.getByTestId('open-directory').fill(directory);
    await page.getByTestId('open-submit').click();
    await page.getByTestId('ceremony-header').waitFor();
    return expectOk<CeremonyView>(lastResponse(app.opened, 'ceremonyOpen'));
  }

  async function openingSteps3(app: App): Promise<void> {
    await app.ui.plainStep('check-room');
    await app.ui.startStep('confirm-clock');
    await app.ui.card().getByTestId('clock-confirmed').check();
    await app.ui.card().getByTestId('perform-step').click();
    await app.ui.card().getByTestId('step-result').waitFor();
    await app.ui.completeStep('confirm-clock');
    await app.ui.plainStep('token-facts');
  }

  async function login(app: App, passphrase: (name: string) => string, recordPath: string | null): Promise<void> {
    await app.ui.startStep('quorum-login');
    const form = app.ui.card().getByTestId('custodian-form-login');
    await form.getByTestId('custodian-passphrase-1').fill(passphrase('Ada'));
    await form.getByTestId('custodian-passphrase-3').fill(passphrase('Cyrus'));
    if (recordPath) await form.getByTestId('quorum-record-path').fill(recordPath);
    await form.getByTestId('custodian-submit').click();
    await app.ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await app.ui.completeStep('quorum-login');
  }

  /** The witness screen's form for a token witness: the library chosen from the list, the labels, the PIN. */
  async function fillWendysToken(page: Page, tokenLabel: string, fresh: boolean): Promise<void> {
    const form = page.getByTestId('witness-sign-form');
    assert.equal(await form.getByTestId('witness-kind-token-1').isChecked(), true, 'the script lists a token for Wendy: "Token" is chosen');
    if (fresh) assert.equal(await form.getByTestId('witness-token-label-1').inputValue(), WENDY.label, "the script's token label is filled in");
    await form.getByTestId('witness-module-choice-1').selectOption(wendyStore.modulePath);
    assert.equal(await form.getByTestId('witness-module-1').inputValue(), wendyStore.modulePath);
    await form.getByTestId('witness-token-label-1').fill(tokenLabel);
    await form.getByTestId('witness-key-label-1').fill(WENDY_KEY);
    await form.getByTestId('witness-pin-1').fill(WENDY.userPin);
    assert.equal(await form.getByTestId('witness-pin-1').getAttribute('type'), 'password');
  }

  async function signAsWes(page: Page): Promise<void> {
    const form = page.getByTestId('witness-sign-form');
    assert.equal(await form.getByTestId('witness-kind-file-1').isChecked(), true);
    await form.getByTestId('witness-reviewed').check();
    await form.getByTestId('witness-key-file-1').fill(wesKeyFile);
    await form.getByTestId('witness-passphrase-1').fill(WES_PASSPHRASE);
    await form.getByTestId('witness-sign').click();
  }

  async function sealFolder(app: App, sign: (page: Page) => Promise<void>): Promise<void> {
    const { page, ui } = app;
    await ui.plainStep('checkpoint');
    await ui.startStep('witness-sign');
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="checkpoint"][data-ready="true"]').waitFor();
    await sign(page);
    await page.locator('[data-testid="witness-request"] [data-signed="true"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-ceremony').click();
    await ui.completeStep('witness-sign');
    await ui.startStep('seal');
    await ui.acknowledgeAll();
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="seal"][data-ready="true"]').waitFor();
    await sign(page);
    await page.getByTestId('witness-nothing').waitFor({ timeout: 180_000 });
    await page.getByTestId('nav-ceremony').click();
    await page.locator('[data-testid="ceremony-sealed"][data-finalized="true"]').waitFor({ timeout: 120_000 });
  }

  function conclaveVerify(dir: string): void {
    const run = spawnSync(process.execPath, [CLI, 'verify', dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  }

  before(async () => {
    requireBrowserBuilds(CLI);
    work = mkdtempSync(join(tmpdir(), 'conclave-backup-browser-'));
    setupDir = join(work, 'token-a-setup');
    backupDir = join(work, 'backup');
    restoreDir = join(work, 'restore');
    // The engine's own fast cost for tests: the minimum Argon2id the envelopes accept.
    kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    const wes = await createWitnessKey({ name: WES, passphrase: new TextEncoder().encode(WES_PASSPHRASE), kdf });
    wesKeyFile = join(work, 'wes.key.json');
    writeFileSync(wesKeyFile, wes.fileText, { mode: 0o600 });
    wesFingerprint = wes.fingerprintHex;
    for (const name of CUSTODIANS) {
      secrets.add(`passphrase of ${name}`, PASSPHRASE(name));
      secrets.add(`backup passphrase of ${name}`, BACKUP_PASSPHRASE(name));
      secrets.add(`token B quorum passphrase of ${name}`, RESTORE_QUORUM_PASSPHRASE(name));
    }
    secrets.add('witness passphrase', WES_PASSPHRASE);
    secrets.add("Wendy's token PIN", WENDY.userPin);
    secrets.add("Wendy's token SO PIN", WENDY.soPin);
    wendysToken();
    await setUpTokenA();
    server = await startStaticServer(RENDERER_DIR);
    browser = await launchChromium();
    appA = await openTokenApp(dataA());
  });

  after(async () => {
    for (const app of [appA, appB]) await app?.close();
    await browser?.close();
    await server?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens the key-backup script on token A, and the quorum logs in with the setup ceremony\'s record', async () => {
    const script = keyBackupScript({ ceremonyId: 'backup-ui-2026', rehearsal: true, participants: participants('wendy'), quorum: { threshold: 2 }, token: { label: REHEARSAL_TOKEN_LABEL }, keyLabel: KEY_LABEL });
    const view = await openScript(appA, script, backupDir);
    assert.equal(view.kind, 'key-backup');
    assert.deepEqual(view.steps.map((s) => s.id), ['check-room', 'confirm-clock', 'token-facts', 'quorum-login', 'ceremony-key', 'backup-key', 'checkpoint', 'witness-sign', 'seal']);
    await openingSteps3(appA);
    await login(appA, PASSPHRASE, join(setupDir, 'shares', 'quorum-record.json'));
    await appA.ui.plainStep('ceremony-key');
  });

  it('backs the key up: each custodian types a backup-envelope passphrase twice; the card shows what a restore pins', async () => {
    const { page, ui } = appA;
    await ui.startStep('backup-key');
    const form = ui.card().getByTestId('custodian-form-backup');
    await form.waitFor();
    for (const [i, name] of CUSTODIANS.entries()) {
      await form.getByTestId(`custodian-passphrase-${i + 1}`).fill(BACKUP_PASSPHRASE(name));
      await form.getByTestId(`custodian-repeat-${i + 1}`).fill(BACKUP_PASSPHRASE(name));
    }
    await form.getByTestId('custodian-submit').click();
    for (let n = 1; n <= 3; n++) assert.equal(await form.getByTestId(`custodian-passphrase-${n}`).inputValue(), '', 'emptied as the button is pressed');
    const result = ui.card().getByTestId('backup-result');
    await result.waitFor({ timeout: 120_000 });

    const wrapped = readFileSync(join(backupDir, 'wrapped-key.bin'));
    const wrappedSha256 = createHash('sha256').update(wrapped).digest('hex');
    const written = transcriptLines(backupDir).find((e) => e.type === 'file-written' && e.data.path === 'wrapped-key.bin')!;
    assert.equal(written.data.sha256, wrappedSha256, 'the transcript records the wrapped file');
    assert.equal(await text(result.getByTestId('backup-wrapped-sha256')), wrappedSha256);
    assert.deepEqual(await result.locator('.fingerprint__word').allInnerTexts(), original.fingerprint.words, "the backed-up key's fingerprint words are the original key's");
    // What the administrator copies into the restore script, as shown.
    const shown = await text(result.getByTestId('backup-pins'));
    const sha = /wrappedKeySha256: ([0-9a-f]{64})/.exec(shown)?.[1];
    const fingerprint = /fingerprint: ([0-9a-f]{64})/.exec(shown)?.[1];
    assert.equal(sha, wrappedSha256);
    assert.equal(fingerprint, original.fingerprint.hex.replace(/\s+/g, ''));
    pins = { wrappedKeySha256: sha!, fingerprint: fingerprint! };
    await screenshot(page, 'ceremony-backup-result.png');
    await ui.completeStep('backup-key');
  });

  it("Wendy signs the checkpoint and the seal with the key on her own token; a mistyped token label is refused first, and nothing recorded", async () => {
    const { page, ui, opened } = appA;
    await ui.plainStep('checkpoint');
    await ui.startStep('witness-sign');
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="checkpoint"][data-ready="true"]').waitFor();
    const form = page.getByTestId('witness-sign-form');
    await form.getByTestId('witness-reviewed').check();

    // "Key file" is not what the script lists for Wendy: the form says so and sends nothing.
    const before = opened.calls.length;
    await form.getByTestId('witness-kind-file-1').check();
    await form.getByTestId('witness-kind-mismatch-1').waitFor();
    await form.getByTestId('witness-sign').click();
    assert.match(await text(form.getByTestId('witness-problem')), /the script lists a key on Wendy's own token: choose "Token"/);
    assert.equal(opened.calls.slice(before).filter((c) => c === 'conclave:witnessSign').length, 0);
    await form.getByTestId('witness-kind-token-1').check();

    const linesBefore = transcriptLines(backupDir).length;
    await fillWendysToken(page, 'Someone Else', true);
    await form.getByTestId('witness-sign').click();
    assert.equal(await form.getByTestId('witness-pin-1').inputValue(), '', 'the PIN leaves the form as Sign is pressed');
    await form.getByText('WITNESS_TOKEN_WRONG').waitFor();
    assert.equal(transcriptLines(backupDir).length, linesBefore, 'a refused token label writes nothing');

    await fillWendysToken(page, WENDY.label, false);
    await form.getByTestId('witness-sign').click();
    await page.locator('[data-testid="witness-signer-Wendy"][data-signed="true"]').waitFor({ timeout: 120_000 });
    const signature = transcriptLines(backupDir).filter((e) => e.type === 'signature').pop()!;
    assert.deepEqual(signature.data.signer, { kind: 'witness', name: 'Wendy', keyFingerprint: wendyFingerprint });
    assert.equal(signature.data.algorithm, 'ecdsa-p256-sha256');
    await screenshot(page, 'ceremony-witness-token-signed.png');
    await page.getByTestId('nav-ceremony').click();
    await ui.completeStep('witness-sign');

    await ui.startStep('seal');
    await ui.acknowledgeAll();
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="seal"][data-ready="true"]').waitFor();
    await page.getByTestId('witness-reviewed').check();
    await fillWendysToken(page, WENDY.label, true);
    await screenshot(page, 'ceremony-witness-token-form.png');
    await page.getByTestId('witness-sign').click();
    await page.getByTestId('witness-nothing').waitFor({ timeout: 180_000 });
    await page.getByTestId('nav-ceremony').click();
    await page.locator('[data-testid="ceremony-sealed"][data-finalized="true"]').waitFor({ timeout: 120_000 });
    const signatures = transcriptLines(backupDir).filter((e) => e.type === 'signature' && (e.data.signer as { kind: string }).kind === 'witness');
    assert.equal(signatures.length, 2, 'the checkpoint and the seal');
  });

  it('leaves a backup folder that `conclave verify` accepts', () => {
    conclaveVerify(backupDir);
  });

  it('opens the key-restore script on token B, in a second app, with its own quorum', async () => {
    assert.ok(pins, 'the backup ceremony gave the values to pin');
    appB = await openTokenApp(dataB());
    const script = keyRestoreScript({
      ceremonyId: 'restore-ui-2026',
      rehearsal: true,
      participants: participants('wes'),
      quorum: { threshold: 2 },
      token: { label: REHEARSAL_TOKEN_LABEL },
      label: RESTORED_LABEL,
      type: 'ec-p256',
      role: 'sign',
      wrappedKeySha256: pins.wrappedKeySha256,
      fingerprint: pins.fingerprint,
    });
    await openScript(appB, script, restoreDir);
    await openingSteps3(appB);
    const { ui } = appB;
    await ui.startStep('quorum-setup');
    await ui.confirmIrreversible('quorum-setup');
    const form = ui.card().getByTestId('custodian-form-setup');
    for (const [i, name] of CUSTODIANS.entries()) {
      await form.getByTestId(`custodian-passphrase-${i + 1}`).fill(RESTORE_QUORUM_PASSPHRASE(name));
      await form.getByTestId(`custodian-repeat-${i + 1}`).fill(RESTORE_QUORUM_PASSPHRASE(name));
    }
    await form.getByTestId('custodian-submit').click();
    await ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await ui.completeStep('quorum-setup');
    await login(appB, RESTORE_QUORUM_PASSPHRASE, null);
    await ui.plainStep('ceremony-key');
  });

  it('shows what the restore checks, refuses a folder that is not a backup, and reads the backup folder before any passphrase', async () => {
    const app = appB!;
    const { page, ui, opened } = app;
    await ui.startStep('restore-key');
    await ui.confirmIrreversible('restore-key');
    const restore = ui.card().getByTestId('restore-inputs');
    await restore.waitFor();
    assert.equal(await text(restore.getByTestId('restore-pinned-sha256')), pins!.wrappedKeySha256);
    assert.deepEqual(await restore.getByTestId('restore-pinned-fingerprint').locator('.fingerprint__word').allInnerTexts(), original.fingerprint.words);

    const linesBefore = transcriptLines(restoreDir).length;
    await restore.getByTestId('restore-folder').fill(setupDir);
    await restore.getByTestId('restore-inspect').click();
    await restore.getByText('BACKUP_RECORD_UNREADABLE').waitFor();
    assert.equal(await restore.getByTestId('restore-preview').count(), 0);

    await restore.getByTestId('restore-folder').fill(backupDir);
    await restore.getByTestId('restore-inspect').click();
    const preview = restore.getByTestId('restore-preview');
    await preview.waitFor();
    assert.equal(await preview.getAttribute('data-checks-hold'), 'true');
    const read = expectOk<BackupPreview>(lastResponse(opened, 'ceremonyInspectBackup'));
    assert.deepEqual(read.checks.map((c) => [c.id, c.holds]), [['wrapped-pinned', true], ['record-lists-wrapped', true], ['key-type', true], ['fingerprint', true], ['rehearsal', true]]);
    assert.equal(read.ceremonyId, 'backup-ui-2026');
    assert.deepEqual(read.custodians.map((c) => [c.name, c.envelope]), CUSTODIANS.map((n) => [n, 'found']));
    assert.equal(transcriptLines(restoreDir).length, linesBefore, 'reading folders records nothing');
    await screenshot(page, 'ceremony-restore-preview.png');
  });

  it('restores the key onto token B with two custodians; the card shows it read back, its fingerprint words matching the pin', async () => {
    const { page, ui } = appB!;
    const form = ui.card().getByTestId('custodian-form-restore');
    await form.getByTestId('restore-passphrase-1').fill(BACKUP_PASSPHRASE('Ada'));
    await form.getByTestId('restore-passphrase-3').fill(BACKUP_PASSPHRASE('Cyrus'));
    await form.getByTestId('restore-submit').click();
    assert.equal(await form.getByTestId('restore-passphrase-1').inputValue(), '', 'emptied as the button is pressed');
    const result = ui.card().getByTestId('restore-result');
    await result.waitFor({ timeout: 120_000 });

    assert.equal(await text(result.getByTestId('restore-key-id')), original.id, "the original's CKA_ID");
    const attribute = async (name: string) => text(result.locator(`[data-attribute="${name}"] td`));
    assert.equal(await attribute('token'), 'true');
    assert.equal(await attribute('sensitive'), 'true');
    assert.equal(await attribute('extractable'), 'false');
    assert.equal(await attribute('sign'), 'true');
    const match = result.getByTestId('restore-fingerprint-match');
    assert.equal(await match.getAttribute('data-match'), 'true');
    const words = await match.locator('.fingerprint').first().locator('.fingerprint__word').allInnerTexts();
    assert.deepEqual(words, original.fingerprint.words, 'the restored key signs for the original public key, in words');
    const recorded = transcriptLines(restoreDir).find((e) => e.type === 'key-generated' && e.data.label === RESTORED_LABEL)!;
    assert.equal(recorded.data.id, original.id);
    const completed = transcriptLines(restoreDir).find((e) => e.type === 'step-completed' && e.data.step === 'restore-key');
    assert.equal(completed, undefined, 'not completed before the acknowledgements');
    await screenshot(page, 'ceremony-restore-result.png');
    await ui.completeStep('restore-key');
    const result2 = transcriptLines(restoreDir).find((e) => e.type === 'step-completed' && e.data.step === 'restore-key')!;
    assert.deepEqual((result2.data.result as { custodians: string[] }).custodians, ['Ada', 'Cyrus']);
  });

  it('puts the restored key on token B sensitive and not extractable, as pkcs11-tool reads it', () => {
    const token = readRehearsalPins(dataB());
    const userPin = new TextDecoder().decode(token.userPin);
    secrets.add('token B user PIN', userPin);
    secrets.add('token B SO PIN', token.soPin);
    const listing = execFileSync('pkcs11-tool', ['--module', wendyStore.modulePath, '--token-label', REHEARSAL_TOKEN_LABEL, '--login', '--pin', userPin, '--list-objects', '--type', 'privkey'], {
      env: softHsmEnv(join(dataB(), 'rehearsal-token', 'softhsm2.conf')),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const block = listing.split(/\n(?=\S)/).find((b) => new RegExp(`label:\\s+${RESTORED_LABEL}\\n`).test(b));
    assert.ok(block, listing);
    assert.match(block, new RegExp(`ID:\\s+${original.id}\\n`));
    const access = /Access:\s+(.*)/.exec(block)![1]!;
    assert.match(access, /\bsensitive\b/);
    assert.doesNotMatch(access.replace('never extractable', ''), /extractable/);
    assert.match(block, /Usage:\s+sign\n/);
  });

  it('seals the restore, witnessed with a key file, into a folder `conclave verify` accepts', async () => {
    await sealFolder(appB!, signAsWes);
    conclaveVerify(restoreDir);
  });

  it('kept every passphrase and PIN out of both folders, the answers the pages received and the events', () => {
    const { findings, filesScanned } = secrets.scan([backupDir, restoreDir]);
    assert.ok(filesScanned >= 12, `only ${filesScanned} files scanned`);
    assert.deepEqual(findings, []);
    for (const app of [appA, appB!]) {
      const seen = JSON.stringify(app.opened.responses);
      for (const name of CUSTODIANS) {
        assert.ok(!seen.includes(BACKUP_PASSPHRASE(name)), 'no backup passphrase in what main answered');
        assert.ok(!seen.includes(PASSPHRASE(name)));
      }
      assert.ok(!seen.includes(WENDY.userPin), "Wendy's PIN is in no answer");
      assert.deepEqual(app.main.forwardErrors, [], 'every ceremonyChanged event satisfied the contract');
      assert.deepEqual(unexpectedProblems(app.opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    }
  });
});
