// A full rehearsal root ceremony through the UI, in Debian's Chromium, against the real
// main side: the IPC router over the status service (on a fresh throwaway SoftHSM2
// rehearsal token made by prepareRehearsal) and the ceremony service. Everything is done
// with clicks and typing, the passphrases typed from the rehearsal answers file: the
// room, the clock, the token, a 3-of-5 quorum set up, a login (first with a wrong
// passphrase: the exception dialog, then retry), the ceremony key, the root key, the
// key-encryption key, the public key, a data key exported to the rehearsal recipient
// (test/browser/ceremony-export.test.ts looks at that step closely), a checkpoint the
// witness reviews and signs on the witness screen, and the seal, which the witness
// signs too. The folder is finalized;
// the built CLI's `conclave verify DIR` must accept it; no secret is in any file it holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { FAST_KDF_ENV, kdfCost, prepareRehearsal, type PreparedRehearsal } from '../../main/ceremony/engine';
import { ceremonyServiceForStatus } from '../../main/ceremony/session';
import { forkHsmClient } from '../../main/hsm/hsm-client';
import { createStatusService } from '../../main/status/status-service';
import type { CeremonyView } from '../../preload/contract';
import { readRehearsalAnswers, trackRehearsalSecrets, type RehearsalAnswers } from '../helpers/rehearsal-answers';
import { SecretTracker } from '../helpers/secret-scan';
import { screenshot, stepDriver, text, transcriptLines, type StepDriver } from './ceremony-ui';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type MainSide, type OpenedPage, type StaticServer } from './harness';

const CLI = join(ROOT, 'dist', 'cli', 'conclave.cjs');
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
const WRONG_PASSPHRASE = 'Wrong-walrus 17 forgot the lines';

describe('ceremony runner and witness screens: a rehearsal root ceremony through the UI', { skip: SKIP, timeout: 900_000 }, () => {
  let work: string;
  let rehearsalDir: string;
  let ceremonyDir: string;
  let prepared: PreparedRehearsal;
  let answers: RehearsalAnswers;
  let server: StaticServer;
  let browser: Browser;
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;
  let ui: StepDriver;
  const secrets = new SecretTracker();

  const passphraseOf = (n: number) => answers.custodians[`Custodian ${n}`]!.passphrase;

  before(async () => {
    requireBrowserBuilds(CLI);
    work = mkdtempSync(join(tmpdir(), 'conclave-ceremony-browser-'));
    rehearsalDir = join(work, 'rehearsal');
    ceremonyDir = join(work, 'ceremony');
    // The engine's own fast cost for tests: the minimum Argon2id the envelopes accept.
    const kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    prepared = await prepareRehearsal(rehearsalDir, { kdf });
    answers = readRehearsalAnswers(prepared.answersPath);
    trackRehearsalSecrets(secrets, answers);
    secrets.add('the wrong passphrase', WRONG_PASSPHRASE);

    const env = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    server = await startStaticServer(RENDERER_DIR);
    // No module configured: the app uses the rehearsal token in its data folder, the one prepareRehearsal made.
    const status = createStatusService({ dataDir: rehearsalDir, env, usb: null });
    const ceremony = ceremonyServiceForStatus(status, { dataDir: rehearsalDir, toolVersion: 'browser-test', kdf: async () => kdf, hsmFactory: (workerEnv) => forkHsmClient({ env: workerEnv }), env });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status, ceremony }));
    ui = stepDriver(page);
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reaches the ceremony screen from the navigation, in rehearsal', async () => {
    await page.getByTestId('nav-ceremony').click();
    await page.getByRole('heading', { level: 1, name: 'Ceremony' }).waitFor();
    assert.equal(await page.getByTestId('nav-ceremony').getAttribute('aria-current'), 'page');
    assert.ok(await page.locator('header.app-header').getByTestId('rehearsal-mark').isVisible());
    await page.getByTestId('open-ceremony').waitFor();
  });

  it('refuses a folder that is not a full path without asking main', async () => {
    const before = opened.calls.length;
    await page.getByTestId('open-witness-key').fill(prepared.witnessKeyPath);
    await page.getByTestId('open-directory').fill('ceremony-folder');
    await page.getByTestId('open-submit').click();
    await page.getByText('Give the full path of the ceremony folder').waitFor();
    assert.equal(opened.calls.slice(before).filter((c) => c === 'conclave:ceremonyOpen').length, 0);
  });

  it('opens the built-in rehearsal root ceremony into a new folder', async () => {
    await page.getByTestId('open-kind-template').check();
    await page.getByTestId('open-directory').fill(ceremonyDir);
    await page.getByTestId('open-submit').click();
    await page.getByTestId('ceremony-header').waitFor();
    const view = expectOk<CeremonyView>(lastResponse(opened, 'ceremonyOpen'));
    assert.equal(view.rehearsal, true);
    assert.equal(view.steps.length, 14);
    assert.ok(await page.getByTestId('ceremony-rehearsal').isVisible(), 'the rehearsal is marked on the runner');
    assert.equal(await page.getByRole('navigation', { name: 'Ceremony steps' }).getByRole('listitem').count(), 14);
    await ui.waitForCurrent('check-room');
    assert.equal(await page.locator('[data-testid^="step-item-"][data-status="pending"]').count(), 14);
    assert.equal(transcriptLines(ceremonyDir)[0]?.type, 'ceremony-opened');
  });

  it('refuses a step out of order in the UI, with the engine\'s message, and records nothing', async () => {
    const linesBefore = transcriptLines(ceremonyDir).length;
    await page.getByTestId('step-item-root-key').getByRole('button').click();
    await page.locator('[data-testid="step-card"][data-step="root-key"]').waitFor();
    await ui.card().getByTestId('start-step').click();
    const error = page.getByTestId('ceremony-error');
    await error.waitFor();
    assert.match(await text(error), /The step "root-key" cannot start yet: the step "check-room" must come first\./);
    assert.match(await text(error), /STEP_OUT_OF_ORDER/);
    assert.equal(transcriptLines(ceremonyDir).length, linesBefore, 'a refused start writes nothing');
    assert.equal(await page.getByTestId('step-item-root-key').getAttribute('data-status'), 'pending');
    await ui.card().getByTestId('back-to-current').click();
    await ui.waitForCurrent('check-room');
  });

  it('checks the room, confirms the clock and records the token', async () => {
    await ui.plainStep('check-room');
    await ui.startStep('confirm-clock');
    assert.equal(await ui.card().getByTestId('perform-step').isDisabled(), true, 'the clock is confirmed only after the tick');
    await ui.card().getByTestId('clock-confirmed').check();
    await ui.card().getByTestId('perform-step').click();
    await ui.card().getByTestId('step-result').waitFor();
    await ui.completeStep('confirm-clock');
    await ui.plainStep('token-facts');
    const types = transcriptLines(ceremonyDir).map((e) => e.type);
    for (const t of ['room-checked', 'air-gap-override', 'clock-confirmed', 'token-facts']) assert.ok(types.includes(t), `the transcript records ${t}`);
  });

  it('sets up the 3-of-5 quorum: a typed confirmation, five passphrases typed twice, the HSM activity shown', async () => {
    await ui.startStep('quorum-setup');
    await ui.confirmIrreversible('quorum-setup');
    const form = ui.card().getByTestId('custodian-form-setup');
    await form.waitFor();
    for (let n = 1; n <= 5; n++) {
      await form.getByTestId(`custodian-passphrase-${n}`).fill(passphraseOf(n));
      await form.getByTestId(`custodian-repeat-${n}`).fill(passphraseOf(n));
      assert.equal(await form.getByTestId(`custodian-passphrase-${n}`).getAttribute('type'), 'password');
    }
    await form.getByTestId('custodian-submit').click();
    // The fields are emptied the moment the button is pressed, before main answers.
    for (let n = 1; n <= 5; n++) assert.equal(await form.getByTestId(`custodian-passphrase-${n}`).inputValue(), '');
    await page.locator('[data-testid="hsm-activity"][data-state="working"]').waitFor();
    await page.getByTestId('activity-label').filter({ hasText: /envelope/ }).waitFor();
    await page.getByTestId('activity-progress').waitFor({ state: 'attached' });
    await ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('hsm-activity').getAttribute('data-state'), 'idle');
    const acked = await ui.acknowledgeAll();
    assert.equal(acked.length, 7, 'the administrator, every custodian and the witness acknowledge');
    await ui.card().getByTestId('complete-step').click();
    await page.locator('[data-testid="step-item-quorum-setup"][data-status="done"]').waitFor();
    assert.equal(await text(page.getByTestId('quorum-policy')), '3 of 5');
    await screenshot(page, 'ceremony-runner-after-setup.png');
  });

  it('shows the exception dialog for a wrong passphrase at login, and a retry logs the quorum in', async () => {
    await ui.startStep('quorum-login');
    let form = ui.card().getByTestId('custodian-form-login');
    await form.getByTestId('custodian-passphrase-1').fill(passphraseOf(1));
    await form.getByTestId('custodian-passphrase-2').fill(WRONG_PASSPHRASE);
    await form.getByTestId('custodian-passphrase-3').fill(passphraseOf(3));
    await form.getByTestId('custodian-submit').click();

    const dialog = page.getByTestId('exception-dialog');
    await dialog.waitFor({ timeout: 120_000 });
    assert.ok(await dialog.evaluate((el) => (el as HTMLDialogElement).open && el.matches(':modal')), 'a modal dialog');
    assert.match(await text(dialog.getByTestId('exception-reason')), /The passphrase does not open the envelope of Custodian 2/);
    assert.match(await text(dialog), /ENVELOPE_WRONG_PASSPHRASE/);
    assert.equal(await page.getByTestId('step-item-quorum-login').getAttribute('data-status'), 'exception');
    assert.equal(await page.getByTestId('nav-ceremony').locator('.screen-nav__note').innerText(), 'Exception');
    await page.keyboard.press('Escape');
    assert.ok(await dialog.isVisible(), 'Escape does not dismiss an exception');
    const opening = transcriptLines(ceremonyDir).filter((e) => e.type === 'exception-opened');
    assert.equal(opening.length, 1);
    await screenshot(page, 'ceremony-runner-exception.png');

    await dialog.getByTestId('exception-retry').click();
    await dialog.waitFor({ state: 'detached' });
    const resolved = transcriptLines(ceremonyDir).filter((e) => e.type === 'exception-resolved');
    assert.deepEqual(resolved.map((e) => e.data.resolution), ['retry']);

    form = ui.card().getByTestId('custodian-form-login');
    await form.waitFor();
    assert.equal(await form.getByTestId('custodian-passphrase-2').inputValue(), '', 'nothing typed before is kept');
    await form.getByTestId('custodian-passphrase-1').fill(passphraseOf(1));
    await form.getByTestId('custodian-passphrase-2').fill(passphraseOf(2));
    await form.getByTestId('custodian-passphrase-4').fill(passphraseOf(4));
    await form.getByTestId('custodian-submit').click();
    await ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="quorum-panel"][data-logged-in="true"]').waitFor();
    assert.equal(await text(page.getByTestId('quorum-presented')), 'Custodian 1, Custodian 2, Custodian 4');
    await ui.completeStep('quorum-login');
  });

  it('generates the ceremony key, the root key and the key-encryption key, and exports the root public key', async () => {
    await ui.plainStep('ceremony-key');
    await ui.startStep('root-key');
    await ui.confirmIrreversible('root-key');
    await ui.card().getByTestId('perform-step').click();
    const keys = ui.card().getByTestId('step-keys');
    await keys.waitFor({ timeout: 120_000 });
    const recorded = transcriptLines(ceremonyDir).find((e) => e.type === 'key-generated' && e.data.label === 'root-signing-key')!;
    const fingerprint = recorded.data.fingerprint as { hex: string; words: string[] };
    assert.deepEqual(await keys.locator('.fingerprint__word').allInnerTexts(), fingerprint.words, 'the root key fingerprint as words, as recorded');
    assert.equal((await text(keys.locator('.fingerprint__hex'))).replace(/\s+/g, '').toLowerCase(), fingerprint.hex.replace(/\s+/g, ''));
    await ui.completeStep('root-key');
    await ui.plainStep('key-encryption-key');
    await ui.plainStep('export-root-public-key');
    assert.ok(existsSync(join(ceremonyDir, 'root-public.pem')));
    await ui.plainStep('generate-data-key');
    await ui.plainStep('export-data-key');
    assert.ok(transcriptLines(ceremonyDir).some((e) => e.type === 'file-written' && String(e.data.path).startsWith('bundles/')), 'the bundle is written and recorded');
    await ui.plainStep('checkpoint');
  });

  it('hands the checkpoint to the witness, who reviews the entries and signs it with key file and passphrase', async () => {
    await ui.startStep('witness-sign');
    await ui.card().getByTestId('witness-handoff').waitFor();
    await ui.card().getByTestId('open-witness-screen').click();
    await page.getByRole('heading', { level: 1, name: 'Witness review and signing' }).waitFor();
    const request = page.getByTestId('witness-request');
    await request.waitFor();
    assert.equal(await request.getAttribute('data-kind'), 'checkpoint');
    assert.equal(await request.getAttribute('data-ready'), 'true');
    const checkpoint = transcriptLines(ceremonyDir).filter((e) => e.type === 'checkpoint').pop()!;
    // The entries it covers are listed, up to the checkpoint itself.
    await page.locator(`[data-row-id="entry-${checkpoint.seq}"]`).waitFor();
    assert.equal(await page.locator('.verify-transcript tbody tr').count(), checkpoint.seq + 1);
    const view = expectOk<CeremonyView>(lastResponse(opened, 'ceremonyStartStep'));
    assert.deepEqual(await request.locator('.fingerprint__word').allInnerTexts(), view.witness!.reviewWords);

    const form = page.getByTestId('witness-sign-form');
    await form.getByTestId('witness-key-file-1').fill(prepared.witnessKeyPath);
    await form.getByTestId('witness-passphrase-1').fill(answers.witnesses['Rehearsal Witness']!.passphrase);
    await form.getByTestId('witness-sign').click();
    await form.getByText('Read the entries first').waitFor();
    await form.getByTestId('witness-reviewed').check();
    await form.getByTestId('witness-sign').click();
    await page.locator('[data-testid="witness-signer-Rehearsal Witness"][data-signed="true"]').waitFor({ timeout: 120_000 });
    assert.match(await text(page.getByTestId('witness-blocked')), /Every witness asked has signed/);
    const signature = transcriptLines(ceremonyDir).filter((e) => e.type === 'signature').pop()!;
    assert.equal(signature.data.signs, checkpoint.seq);
    assert.deepEqual((signature.data.signer as { kind: string; name: string }).name, 'Rehearsal Witness');
    await screenshot(page, 'ceremony-witness-signed-checkpoint.png');

    await page.getByTestId('nav-ceremony').click();
    await ui.card().getByTestId('step-result').waitFor();
    await ui.completeStep('witness-sign');
  });

  it('seals: acknowledgements first, then the witness reviews and signs the seal; the folder is finalized', async () => {
    await ui.startStep('seal');
    await ui.acknowledgeAll();
    await ui.card().getByTestId('open-witness-screen').click();
    const request = page.getByTestId('witness-request');
    await page.locator('[data-testid="witness-request"][data-kind="seal"][data-ready="true"]').waitFor();
    const head = transcriptLines(ceremonyDir).pop()!;
    await page.locator(`[data-row-id="entry-${head.seq}"]`).waitFor();
    await page.getByText(`The seal covers entries 0 to ${head.seq}; the seal entry is written when you sign, and you sign it.`).waitFor();
    assert.match(await text(request), new RegExp(`Hash of entry ${head.seq}, the last one the seal covers`));
    const form = page.getByTestId('witness-sign-form');
    await form.getByTestId('witness-reviewed').check();
    await form.getByTestId('witness-key-file-1').fill(prepared.witnessKeyPath);
    await form.getByTestId('witness-passphrase-1').fill(answers.witnesses['Rehearsal Witness']!.passphrase);
    await form.getByTestId('witness-sign').click();
    await page.getByTestId('witness-nothing').waitFor({ timeout: 180_000 });
    assert.match(await text(page.getByTestId('witness-nothing')), /sealed/);

    await page.getByTestId('nav-ceremony').click();
    const sealed = page.getByTestId('ceremony-sealed');
    // Sealed first (pushed as soon as the transcript says so), then the folder is finalized.
    await page.locator('[data-testid="ceremony-sealed"][data-finalized="true"]').waitFor({ timeout: 120_000 });
    const view = expectOk<CeremonyView>(lastResponse(opened, 'witnessSign'));
    assert.equal(view.sealed?.finalized, true, JSON.stringify(view.sealed?.finalizeError));
    assert.equal(view.status, 'sealed');
    const last = readFileSync(join(ceremonyDir, 'transcript.jsonl'), 'utf8').trimEnd().split('\n').pop()!;
    assert.equal(JSON.parse(last).type, 'sealed');
    assert.deepEqual(await sealed.locator('.fingerprint__word').allInnerTexts(), view.sealed!.finalHash.words);
    assert.equal(await page.locator('[data-testid^="step-item-"][data-status="done"]').count(), 14);
    for (const file of ['report.html', 'report.pdf', 'SHA256SUMS']) assert.ok(existsSync(join(ceremonyDir, file)), `${file} was written`);
    await screenshot(page, 'ceremony-runner-sealed.png');
  });

  it('produces a folder `conclave verify` accepts (the built CLI, exit 0)', () => {
    const run = spawnSync(process.execPath, [CLI, 'verify', ceremonyDir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  });

  it('kept every passphrase and PIN out of the folder, the answers the page received and the events', () => {
    const { findings, filesScanned } = secrets.scan([ceremonyDir]);
    assert.ok(filesScanned >= 8, `only ${filesScanned} files scanned`);
    assert.deepEqual(findings, []);
    const seen = JSON.stringify(opened.responses);
    for (const [, c] of Object.entries(answers.custodians)) assert.ok(!seen.includes(c.passphrase), 'no custodian passphrase in what main answered');
    assert.ok(!seen.includes(answers.witnesses['Rehearsal Witness']!.passphrase));
    assert.deepEqual(main.forwardErrors, [], 'every ceremonyChanged event satisfied the contract');
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
  });
});
