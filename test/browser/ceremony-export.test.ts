// The export step of the app's rehearsal through the UI, in Debian's Chromium, against
// the real main side on SoftHSM2 (prepareRehearsal makes the rehearsal token, the
// recipient token and the transport KEK they share). Before the step, the card names the
// recipient by its KEK label and the key with its usage, version and validity, and lists
// the mounted removable media (a fake mount table with two USB sticks). A typed folder on
// a fixed disk without its confirmation opens an exception that names
// MEDIUM_NOT_REMOVABLE; after a retry with the folder typed again the bundle is copied,
// read back and recorded (media-written). The result card shows the bundle's SHA-256 as
// hex and words and the bundle as QR codes: each frame is screenshotted, read with jsQR
// and fed to the import side's UR decoder until it holds exactly the bundle file. The
// counter, stepping, play, pause and the speed control work. The ceremony is sealed,
// `conclave verify` accepts the folder, `conclave bundle verify` the bundle, and no
// passphrase or PIN is in any file written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { parseBundle } from '../../main/bundle/format';
import { FAST_KDF_ENV, kdfCost, prepareRehearsal, type PreparedRehearsal } from '../../main/ceremony/engine';
import { hashForPeople } from '../../main/ceremony/folder/hash-words';
import { ceremonyServiceForStatus } from '../../main/ceremony/session';
import { sha256Hex } from '../../main/files/atomic-write';
import { forkHsmClient } from '../../main/hsm/hsm-client';
import { BUNDLE_UR_TYPE, UrMessageDecoder } from '../../main/qr';
import { createStatusService } from '../../main/status/status-service';
import type { BundleFrames, CeremonyView } from '../../preload/contract';
import { readRehearsalAnswers, trackRehearsalSecrets, type RehearsalAnswers } from '../helpers/rehearsal-answers';
import { SecretTracker } from '../helpers/secret-scan';
import { fakeMedia, STICK_LABEL, STICK_SERIAL, type FakeMedia } from '../unit/ceremony-session/fake-media';
import { screenshot, stepDriver, text, transcriptLines, type StepDriver } from './ceremony-ui';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type MainSide, type OpenedPage, type StaticServer } from './harness';

const CLI = join(ROOT, 'dist', 'cli', 'conclave.cjs');
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
const STEP = 'export-data-key';
const BUNDLE_NAME = 'rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json';

/** The QR code on screen, read as a camera would: a screenshot of the code, decoded by jsQR. */
async function readShownFrame(page: Page): Promise<string> {
  const png = PNG.sync.read(await page.locator('[data-testid="bundle-qr"] .animated-qr__code').screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  assert.ok(found, 'the QR code on screen decodes');
  return found.data;
}

async function shownFrame(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid="bundle-qr"] figure.animated-qr').getAttribute('data-frame'));
}

describe('export step in the app: recipient, media, the bundle as animated QR', { skip: SKIP, timeout: 900_000 }, () => {
  let work: string;
  let rehearsalDir: string;
  let ceremonyDir: string;
  let mediaDir: string;
  let places: string;
  let machine: FakeMedia;
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
  const bundlePath = () => join(ceremonyDir, 'bundles', BUNDLE_NAME);

  async function signAsWitness(): Promise<void> {
    const form = page.getByTestId('witness-sign-form');
    await form.getByTestId('witness-reviewed').check();
    await form.getByTestId('witness-key-file-1').fill(prepared.witnessKeyPath);
    await form.getByTestId('witness-passphrase-1').fill(answers.witnesses['Rehearsal Witness']!.passphrase);
    await form.getByTestId('witness-sign').click();
  }

  before(async () => {
    requireBrowserBuilds(CLI);
    work = realpathSync(mkdtempSync(join(tmpdir(), 'conclave-export-browser-')));
    rehearsalDir = join(work, 'rehearsal');
    ceremonyDir = join(work, 'ceremony');
    mediaDir = join(work, 'fixed-disk-out');
    mkdirSync(mediaDir);
    places = join(work, 'media');
    const mounts = { stick: join(places, STICK_LABEL), noSerial: join(places, 'NOSERIAL'), fixed: join(places, 'fixed') };
    for (const dir of Object.values(mounts)) mkdirSync(dir, { recursive: true });
    machine = fakeMedia(mounts);

    const kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    prepared = await prepareRehearsal(rehearsalDir, { kdf });
    answers = readRehearsalAnswers(prepared.answersPath);
    trackRehearsalSecrets(secrets, answers);

    const env = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    server = await startStaticServer(RENDERER_DIR);
    const status = createStatusService({ dataDir: rehearsalDir, env, usb: null });
    const ceremony = ceremonyServiceForStatus(status, {
      dataDir: rehearsalDir,
      toolVersion: 'browser-test',
      kdf: async () => kdf,
      hsmFactory: (workerEnv) => forkHsmClient({ env: workerEnv }),
      env,
      // The media listing and the engine's write both read this fake mount table.
      mediaProbe: machine.probe,
    });
    browser = await launchChromium();
    // Reduced motion (the harness's default): the QR animation starts paused.
    ({ main, opened, page } = await openApp(browser, server, { status, ceremony }));
    ui = stepDriver(page);
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    machine?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens the built-in rehearsal, which now ends with a data key exported to the rehearsal recipient', async () => {
    await page.getByTestId('nav-ceremony').click();
    await page.getByTestId('open-ceremony').waitFor();
    await page.getByTestId('open-kind-template').check();
    await page.getByTestId('open-witness-key').fill(prepared.witnessKeyPath);
    await page.getByTestId('open-directory').fill(ceremonyDir);
    await page.getByTestId('open-submit').click();
    await page.getByTestId('ceremony-header').waitFor();
    const view = expectOk<CeremonyView>(lastResponse(opened, 'ceremonyOpen'));
    assert.deepEqual(
      view.steps.map((s) => s.id).slice(-5),
      ['generate-data-key', 'export-data-key', 'checkpoint', 'witness-sign', 'seal'],
    );
  });

  it('runs the rehearsal up to the export: room, clock, token, quorum, keys', async () => {
    await ui.plainStep('check-room');
    await ui.startStep('confirm-clock');
    await ui.card().getByTestId('clock-confirmed').check();
    await ui.card().getByTestId('perform-step').click();
    await ui.card().getByTestId('step-result').waitFor();
    await ui.completeStep('confirm-clock');
    await ui.plainStep('token-facts');

    await ui.startStep('quorum-setup');
    await ui.confirmIrreversible('quorum-setup');
    const setup = ui.card().getByTestId('custodian-form-setup');
    for (let n = 1; n <= 5; n++) {
      await setup.getByTestId(`custodian-passphrase-${n}`).fill(passphraseOf(n));
      await setup.getByTestId(`custodian-repeat-${n}`).fill(passphraseOf(n));
    }
    await setup.getByTestId('custodian-submit').click();
    await ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await ui.completeStep('quorum-setup');

    await ui.startStep('quorum-login');
    const login = ui.card().getByTestId('custodian-form-login');
    for (const n of [1, 3, 5]) await login.getByTestId(`custodian-passphrase-${n}`).fill(passphraseOf(n));
    await login.getByTestId('custodian-submit').click();
    await ui.card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await ui.completeStep('quorum-login');

    for (const step of ['ceremony-key', 'root-key', 'key-encryption-key', 'export-root-public-key', 'generate-data-key']) await ui.plainStep(step);
  });

  it('shows the recipient, the key, its usage, version and validity before the step is even started', async () => {
    await ui.waitForCurrent(STEP);
    const summary = ui.card().getByTestId('export-summary');
    await summary.waitFor();
    assert.equal(await text(summary.getByTestId('export-recipient-name')), 'Rehearsal Recipient');
    assert.equal(await text(summary.getByTestId('export-kek-label')), 'rehearsal-transport-kek');
    assert.equal(await text(summary.getByTestId('export-key')), 'rehearsal-data-key (aes-256)');
    assert.equal(await text(summary.locator('[data-key="usage"] dd')), 'encrypt');
    assert.equal(await text(summary.locator('[data-key="version"] dd')), '1');
    assert.match(await text(summary.locator('[data-key="validity"] dd')), /^30 days/);
    assert.equal(await text(summary.locator('[data-key="signer"] dd')), 'root-signing-key');
    assert.equal(await summary.getByTestId('export-recipient-fingerprint').count(), 0, 'a transport KEK has no public key to compare');
    assert.equal(await ui.card().getByTestId('perform-section').count(), 0, 'nothing to perform before the start and the typed confirmation');
  });

  it('lists the mounted removable media with label, size and serial, and offers a typed folder', async () => {
    await ui.startStep(STEP);
    await ui.confirmIrreversible(STEP);
    const list = ui.card().getByTestId('export-media-list');
    await list.waitFor();
    assert.equal(await list.locator('li').count(), 2, 'the two sticks, not the fixed disk');
    const stick = list.locator('li', { hasText: STICK_LABEL });
    const facts = await text(stick.getByTestId('export-medium-facts'));
    assert.match(facts, new RegExp(`label "${STICK_LABEL}"`));
    assert.match(facts, new RegExp(`serial ${STICK_SERIAL}`));
    assert.match(facts, /GiB/);
    assert.equal(await stick.getAttribute('data-allowed'), 'null', 'the rehearsal has no allow-list: any removable medium');
    assert.match(await text(list.locator('li', { hasText: 'NOSERIAL' }).getByTestId('export-medium-facts')), /serial unknown/);
    assert.ok(await ui.card().getByTestId('export-medium-none').isChecked(), 'no copy unless someone chooses one');
    await screenshot(page, 'ceremony-export-medium.png');
  });

  it('has main refuse a missing folder or a confirmation that is not the folder before anything is recorded (asked through the router, as a page skipping its own checks would)', async () => {
    const sender = { origin: server.origin, isMainFrame: true, url: `${server.origin}/index.html` };
    const ask = (medium: unknown) => main.router.handle(sender, 'conclave:ceremonyPerform', { step: STEP, medium }) as Promise<{ ok: boolean; error?: { code: string } }>;
    const lines = transcriptLines(ceremonyDir).length;
    assert.equal((await ask({ directory: join(work, 'not-there') })).error?.code, 'MEDIUM_FOLDER_NOT_FOUND');
    assert.equal((await ask({ directory: mediaDir, nonRemovableConfirmation: join(work, 'elsewhere') })).error?.code, 'CONFIRMATION_MISMATCH');
    assert.equal((await ask({ directory: 'fixed-disk-out' })).error?.code, 'PATH_NOT_ABSOLUTE');
    const elsewhere = await main.router.handle(sender, 'conclave:ceremonyListMedia', { step: 'checkpoint' }) as { error?: { code: string } };
    assert.equal(elsewhere.error?.code, 'NOT_AN_EXPORT_STEP');
    assert.equal(transcriptLines(ceremonyDir).length, lines, 'nothing recorded, no exception opened');
    assert.deepEqual(readdirSync(mediaDir), []);
  });

  it('opens an exception naming MEDIUM_NOT_REMOVABLE for a fixed-disk folder typed without its confirmation', async () => {
    await ui.card().getByTestId('export-medium-typed').check();
    await ui.card().getByTestId('export-medium-folder').fill(mediaDir);
    await ui.card().getByTestId('perform-step').click();
    const dialog = page.getByTestId('exception-dialog');
    await dialog.waitFor({ timeout: 120_000 });
    assert.match(await text(dialog), /MEDIUM_NOT_REMOVABLE/);
    assert.equal(await page.getByTestId(`step-item-${STEP}`).getAttribute('data-status'), 'exception');
    assert.deepEqual(readdirSync(mediaDir), [], 'nothing was written to the folder');
    const lines = transcriptLines(ceremonyDir);
    assert.equal(lines.filter((e) => e.type === 'exception-opened').pop()?.data.code, 'MEDIUM_NOT_REMOVABLE');
    assert.ok(lines.some((e) => e.type === 'file-written' && e.data.path === `bundles/${BUNDLE_NAME}`), 'the bundle itself was written and recorded first');
    assert.equal(lines.filter((e) => e.type === 'media-written').length, 0);
    await screenshot(page, 'ceremony-export-exception.png');
    await dialog.getByTestId('exception-retry').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('copies the bundle to the folder typed again as confirmation, reads it back and records it', async () => {
    const form = ui.card().getByTestId('export-medium-form');
    await form.waitFor();
    const performs = () => opened.calls.filter((c) => c === 'conclave:ceremonyPerform').length;
    const performed = performs();
    await form.getByTestId('export-medium-typed').check();
    await form.getByTestId('export-medium-folder').fill(mediaDir);
    await form.getByTestId('export-medium-confirm').fill(`${mediaDir}/`);
    await form.getByTestId('perform-step').click();
    await form.getByTestId('export-medium-problem').waitFor();
    assert.equal(performs(), performed, 'a mistyped confirmation never reaches main');
    await form.getByTestId('export-medium-confirm').fill(mediaDir);
    await form.getByTestId('perform-step').click();
    const result = ui.card().getByTestId('export-result');
    await result.waitFor({ timeout: 120_000 });

    const bundle = readFileSync(bundlePath());
    const sha256 = sha256Hex(bundle);
    const copy = join(mediaDir, BUNDLE_NAME);
    assert.deepEqual(readFileSync(copy), bundle, 'the copy is the bundle, byte for byte');
    const lines = transcriptLines(ceremonyDir);
    const written = lines.filter((e) => e.type === 'media-written');
    assert.equal(written.length, 1);
    assert.deepEqual([written[0]!.data.path, written[0]!.data.sha256, written[0]!.data.bytes], [copy, sha256, bundle.length]);
    assert.match(String(written[0]!.data.medium), /not removable: confirmed by the operator/);
    const confirmation = lines.filter((e) => e.type === 'confirmation-typed' && e.data.step === null).pop();
    assert.equal(confirmation?.data.phrase, mediaDir, 'the typed confirmation is recorded');

    const people = hashForPeople(sha256);
    assert.equal(await text(result.getByTestId('export-file')), `bundles/${BUNDLE_NAME}`);
    const shown = result.getByTestId('export-sha256');
    assert.equal((await text(shown.locator('.fingerprint__hex'))).replace(/\s+/g, '').toLowerCase(), sha256);
    assert.deepEqual(await shown.locator('.fingerprint__word').allInnerTexts(), people.words);
    assert.ok(await result.getByTestId('export-adopted').isVisible(), 'the retry adopted the bundle the failed attempt wrote, not a second wrap');
    assert.equal(await result.getAttribute('data-rehearsal'), 'true');
    assert.ok(await result.getByTestId('export-rehearsal').getByTestId('rehearsal-mark').isVisible(), 'marked REHEARSAL');
    const manifest = parseBundle(new Uint8Array(bundle)).manifest;
    assert.equal(await result.getByTestId('export-expires').getAttribute('datetime'), manifest.expiresAt);
    assert.match(await text(result.getByTestId('export-media-written')), new RegExp(copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await text(result.getByTestId('export-recipient-check')), manifest.recipient.keyFingerprint, 'the KEK check value the bundle carries');
  });

  it('shows the bundle as animated QR codes that reassemble, from screenshots, to exactly the bundle file', async () => {
    const qr = page.getByTestId('bundle-qr');
    await qr.waitFor({ timeout: 60_000 });
    const frames = expectOk<BundleFrames>(lastResponse(opened, 'ceremonyBundleFrames'));
    const bundle = readFileSync(bundlePath());
    assert.equal(frames.sha256, sha256Hex(bundle));
    assert.equal(frames.staticFrame, false, `a ${bundle.length}-byte bundle takes several frames`);
    const count = frames.texts.length;
    assert.equal(Number(await qr.getAttribute('data-frames')), count);
    const figure = qr.locator('figure.animated-qr');
    assert.equal(await figure.getAttribute('data-playing'), 'false', 'reduced motion: the animation starts paused');
    assert.equal(await qr.getByRole('button', { name: 'Play' }).count(), 1);
    await screenshot(page, 'ceremony-export-qr.png');

    const decoder = new UrMessageDecoder(BUNDLE_UR_TYPE);
    const next = qr.getByRole('button', { name: 'Next frame' });
    let shown = 0;
    while (!decoder.progress().complete) {
      assert.ok(shown < count * 3, 'the decoder completes within the frames shown');
      const index = (shown % count) + 1;
      assert.equal(await text(qr.locator('.animated-qr__counter')), `frame ${index} of ${count}`);
      const read = await readShownFrame(page);
      assert.equal(read, frames.texts[index - 1], `frame ${index} on screen is the frame main made`);
      const outcome = decoder.receive(read);
      assert.notEqual(outcome.status, 'refused', JSON.stringify(outcome));
      shown++;
      await next.click();
      await page.locator(`[data-testid="bundle-qr"] figure[data-frame="${(shown % count) + 1}"]`).waitFor();
    }
    assert.deepEqual(Buffer.from(decoder.bytes()!), bundle, 'the reassembled bytes are the bundle file');
  });

  it('plays, pauses, steps back and changes speed', async () => {
    const qr = page.getByTestId('bundle-qr');
    const figure = qr.locator('figure.animated-qr');
    const count = Number(await qr.getAttribute('data-frames'));
    const before = await shownFrame(page);
    await qr.getByRole('button', { name: 'Previous frame' }).click();
    await page.locator(`[data-testid="bundle-qr"] figure[data-frame="${before === 1 ? count : before - 1}"]`).waitFor();

    const speed = qr.getByLabel('Speed (frames per second)');
    assert.deepEqual(await speed.locator('option').allInnerTexts(), ['1', '2', '3', '4', '6', '8', '10']);
    await speed.selectOption('10');
    assert.equal(await speed.inputValue(), '10');
    await qr.getByRole('button', { name: 'Play' }).click();
    assert.equal(await figure.getAttribute('data-playing'), 'true');
    // Playing: the frames advance by themselves; the page notes every frame it shows.
    await page.waitForFunction(
      (n) => {
        const w = window as unknown as { __framesSeen?: Set<string> };
        w.__framesSeen ??= new Set();
        w.__framesSeen.add(document.querySelector('[data-testid="bundle-qr"] figure.animated-qr')?.getAttribute('data-frame') ?? '');
        return w.__framesSeen.size >= n;
      },
      Math.min(count, 3),
      { polling: 20, timeout: 30_000 },
    );
    await qr.getByRole('button', { name: 'Pause' }).click();
    assert.equal(await figure.getAttribute('data-playing'), 'false');
    const paused = await shownFrame(page);
    await page.waitForTimeout(600);
    assert.equal(await shownFrame(page), paused, 'paused: the frame stays to be scanned');
    assert.equal(await speed.inputValue(), '10', 'the speed stays as chosen');
  });

  it('completes the export, seals with the witness, and leaves a folder and a bundle that verify', async () => {
    await ui.completeStep(STEP);
    await ui.plainStep('checkpoint');
    await ui.startStep('witness-sign');
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="checkpoint"][data-ready="true"]').waitFor();
    await signAsWitness();
    await page.locator('[data-testid="witness-signer-Rehearsal Witness"][data-signed="true"]').waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-ceremony').click();
    await ui.card().getByTestId('step-result').waitFor();
    await ui.completeStep('witness-sign');
    await ui.startStep('seal');
    await ui.acknowledgeAll();
    await ui.card().getByTestId('open-witness-screen').click();
    await page.locator('[data-testid="witness-request"][data-kind="seal"][data-ready="true"]').waitFor();
    await signAsWitness();
    await page.getByTestId('witness-nothing').waitFor({ timeout: 180_000 });
    await page.getByTestId('nav-ceremony').click();
    await page.locator('[data-testid="ceremony-sealed"][data-finalized="true"]').waitFor({ timeout: 120_000 });

    const verify = spawnSync(process.execPath, [CLI, 'verify', ceremonyDir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
    const root = join(ceremonyDir, 'root-public.pem');
    const refusedRehearsal = spawnSync(process.execPath, [CLI, 'bundle', 'verify', join(mediaDir, BUNDLE_NAME), '--root', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.notEqual(refusedRehearsal.status, 0, 'a rehearsal bundle is refused without --allow-rehearsal');
    const bundleVerify = spawnSync(process.execPath, [CLI, 'bundle', 'verify', join(mediaDir, BUNDLE_NAME), '--root', root, '--allow-rehearsal'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(bundleVerify.status, 0, `${bundleVerify.stdout}\n${bundleVerify.stderr}`);
  });

  it('kept every passphrase and PIN out of the folder, the medium, the answers and the events', () => {
    const { findings, filesScanned } = secrets.scan([ceremonyDir, mediaDir]);
    assert.ok(filesScanned >= 10, `only ${filesScanned} files scanned`);
    assert.deepEqual(findings, []);
    const seen = JSON.stringify(opened.responses);
    for (const c of Object.values(answers.custodians)) assert.ok(!seen.includes(c.passphrase), 'no custodian passphrase in what main answered');
    assert.ok(!seen.includes(answers.rehearsalRecipient.userPin), 'no recipient PIN in what main answered');
    assert.deepEqual(main.forwardErrors, [], 'every ceremonyChanged event satisfied the contract');
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
  });
});
