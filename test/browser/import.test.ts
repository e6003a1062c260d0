// The import screen in Debian's Chromium against the real main side: the IPC router over
// the status service (SoftHSM2, the ops team's token beside the ceremony token) and the
// import service. Through the UI only: pin the root key and confirm its words, load a
// bundle file and import it into the token with its PIN, see the record; load a bundle
// from a folder of QR images; refuse a rehearsal bundle until rehearsals are allowed; and
// scan an animated QR code with the camera, which is Chromium's fake capture device
// playing the frames from a Y4M file. Afterwards the PIN is found in no file and in no
// answer main sent the page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ImportRecordSchema, importServiceForStatus, readPinnedRoot } from '../../main/bundle/import';
import { qrFramesFor, writeQrFolder, frameSymbol } from '../../main/qr';
import { createStatusService } from '../../main/status/status-service';
import type { StatusSnapshot } from '../../preload/contract';
import { SecretTracker } from '../helpers/secret-scan';
import type { Cleanup } from '../helpers/softhsm';
import { RECIPIENT, exportBundle, importWorld, importedKey, sameAesKey, type ExportedBundle, type ImportWorld } from '../integration/bundle-import/fixture';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, openRendererPage, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type MainSide, type OpenedPage, type StaticServer } from './harness';

const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
const SCREENSHOTS = join(ROOT, 'test-results');

/**
 * The frames of an animated QR code as a Y4M video (4:2:0, grey: chroma 128), each code
 * held for `hold` frames at 10 frames a second; Chromium's fake camera plays it in a loop.
 */
function qrVideo(bytes: Uint8Array, path: string, hold = 3): number {
  const width = 640;
  const height = 480;
  const texts = qrFramesFor(bytes).texts;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts: Buffer[] = [header];
  for (const text of texts) {
    const symbol = frameSymbol(text);
    const modules = symbol.size + 8;
    const scale = Math.floor(Math.min(width, height) / modules);
    const luma = Buffer.alloc(width * height, 0xff);
    const left = Math.floor((width - modules * scale) / 2) + 4 * scale;
    const top = Math.floor((height - modules * scale) / 2) + 4 * scale;
    for (let y = 0; y < symbol.size; y++) {
      for (let x = 0; x < symbol.size; x++) {
        if (!symbol.dark(x, y)) continue;
        for (let row = top + y * scale; row < top + (y + 1) * scale; row++) luma.fill(0, row * width + left + x * scale, row * width + left + (x + 1) * scale);
      }
    }
    for (let i = 0; i < hold; i++) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
  return texts.length;
}

describe('the import screen against SoftHSM2', { skip: SKIP, timeout: 600_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
  const secrets = new SecretTracker();
  let world: ImportWorld;
  let server: StaticServer;
  let browser: Browser;
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;
  let dataDir: string;
  let words: string[];
  const bundles: Record<string, ExportedBundle> = {};

  before(async () => {
    requireBrowserBuilds();
    world = await importWorld(suite);
    dataDir = join(world.work, 'app-data');
    mkdirSync(dataDir, { recursive: true });
    secrets.add('the recipient token user PIN', RECIPIENT.userPin);
    words = (await readPinnedRoot(world.rootPem, '/')).words;
    bundles.file = await exportBundle(world, { label: 'browser-file-dek', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    bundles.qr = await exportBundle(world, { label: 'browser-qr-dek', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    bundles.rehearsal = await exportBundle(world, { label: 'browser-rehearsal', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek', rehearsal: true });
    bundles.camera = await exportBundle(world, { label: 'browser-camera-dek', algorithm: 'aes-256', usage: 'wrap', recipient: 'transport-kek' });
    await writeQrFolder(join(world.work, 'qr'), bundles.qr.bytes);

    server = await startStaticServer(RENDERER_DIR);
    const status = createStatusService({ dataDir, modulePath: world.fixture.modulePath, env: world.fixture.env, usb: null });
    const imports = importServiceForStatus(status, { dataDir, toolVersion: 'browser-test' });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status, imports }));
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus'));
    assert.ok(snapshot.tokens.some((t) => t.slotId === world.b && t.token?.label === RECIPIENT.label), 'the status service lists the ops token');
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    for (const fn of cleanups.reverse()) await fn();
  });

  async function screenshot(target: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await target.evaluate(() => window.scrollTo(0, 0));
    await target.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  }

  /** Pins the root key and confirms its words, as an operator does. */
  async function pinAndConfirm(target: Page): Promise<void> {
    await target.getByTestId('nav-import').click();
    await target.getByRole('heading', { level: 1, name: 'Import a key bundle' }).waitFor();
    await target.getByTestId('import-root-path').fill(world.rootPem);
    await target.getByTestId('import-root-pin').click();
    await target.getByTestId('import-root').waitFor();
    const shown = await target.locator('.import-root .fingerprint__word').allInnerTexts();
    assert.deepEqual(shown.map((w) => w.trim()), words, 'the six words of the root key are shown');
    assert.equal(await target.getByTestId('import-root-confirm').isDisabled(), true, 'confirming needs the comparison ticked first');
    assert.equal(await target.getByTestId('import-bundle-form').count(), 0, 'no bundle is taken before the root key is confirmed');
    await target.getByTestId('import-root-compared').check();
    await target.getByTestId('import-root-confirm').click();
    await target.getByTestId('import-root-confirmed').waitFor();
  }

  async function importIntoToken(target: Page, label: string): Promise<string> {
    await target.getByTestId('import-slot').selectOption(world.b);
    await target.getByTestId('import-pin').fill(RECIPIENT.userPin);
    await target.getByTestId('import-run').click();
    await target.getByTestId('import-record').waitFor({ timeout: 60_000 });
    const path = (await target.getByTestId('import-record-path').innerText()).trim();
    const record = ImportRecordSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    assert.equal(record.tool.via, 'app');
    assert.equal(record.root.confirmation, 'confirmed-on-screen');
    assert.equal(record.outcome.kind === 'token' && record.outcome.key.label, label);
    return path;
  }

  it('pins the root key, shows its words, and takes a bundle only after they are confirmed', async () => {
    await pinAndConfirm(page);
    await screenshot(page, 'import-root-confirmed.png');
  });

  it('loads a bundle file, shows what it holds, imports it into the token with its PIN, and shows the record', async () => {
    await page.getByTestId('import-source-file').check();
    await page.getByTestId('import-bundle-path').fill(bundles.file!.path);
    await page.getByTestId('import-load').click();
    const manifest = page.getByTestId('import-manifest');
    await manifest.waitFor();
    assert.equal(await manifest.getAttribute('data-rehearsal'), 'false');
    const text = await manifest.innerText();
    for (const expected of ['ops-import-test-2026', 'browser-file-dek', 'Payments Ops', 'transport-kek-kwp', bundles.file!.manifest.expiresAt]) assert.ok(text.includes(expected), expected);
    const path = await importIntoToken(page, 'browser-file-dek');
    assert.equal(await page.getByTestId('import-pin').count(), 0, 'the PIN field is gone with the finished import');
    const imported = await importedKey(world, 'browser-file-dek');
    assert.deepEqual([imported.attributes.sensitive, imported.attributes.extractable, imported.attributes.token], [true, false, true]);
    assert.ok(await sameAesKey(world, bundles.file!, imported.handle));
    assert.ok(path.startsWith(join(dataDir, 'imports')), path);
    assert.equal(await page.getByTestId('nav-import').innerText().then((t) => t.includes('Imported')), true);
    await screenshot(page, 'import-record.png');
  });

  it('refuses a rehearsal bundle until rehearsal bundles are allowed, and marks it REHEARSAL', async () => {
    await page.getByTestId('import-bundle-path').fill(bundles.rehearsal!.path);
    await page.getByTestId('import-load').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'BUNDLE_REHEARSAL');
    await page.getByTestId('import-allow-rehearsal').check();
    await page.getByTestId('import-load').click();
    await page.getByTestId('import-rehearsal-banner').waitFor();
    assert.equal(await page.getByTestId('import-manifest').getAttribute('data-rehearsal'), 'true');
    await screenshot(page, 'import-rehearsal.png');
    await page.getByTestId('import-allow-rehearsal').uncheck();
  });

  it('loads a bundle from a folder of QR frame images and imports it', async () => {
    await page.getByTestId('import-source-qr-folder').check();
    await page.getByTestId('import-bundle-path').fill(join(world.work, 'qr'));
    await page.getByTestId('import-load').click();
    await page.getByTestId('import-manifest').getByText('browser-qr-dek', { exact: false }).first().waitFor();
    assert.match(await page.getByTestId('import-manifest').innerText(), /QR frame image\(s\)/);
    await importIntoToken(page, 'browser-qr-dek');
    assert.ok(await sameAesKey(world, bundles.qr!, (await importedKey(world, 'browser-qr-dek')).handle));
  });

  it('a wrong PIN is reported, not retried, and leaves nothing on the token', async () => {
    await page.getByTestId('import-reset').click();
    await pinAndConfirm(page);
    await page.getByTestId('import-source-file').check();
    await page.getByTestId('import-bundle-path').fill(bundles.camera!.path);
    await page.getByTestId('import-load').click();
    await page.getByTestId('import-manifest').waitFor();
    const callsBefore = opened.calls.filter((c) => c === 'conclave:importRun').length;
    await page.getByTestId('import-slot').selectOption(world.b);
    await page.getByTestId('import-pin').fill('wrong-pin-0000');
    secrets.add('the wrong PIN', 'wrong-pin-0000');
    await page.getByTestId('import-run').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    assert.match((await error.getAttribute('data-code')) ?? '', /^PIN_INCORRECT/);
    assert.equal(opened.calls.filter((c) => c === 'conclave:importRun').length, callsBefore + 1, 'one import call, one login');
    assert.equal(await page.getByTestId('import-pin').inputValue(), '', 'the PIN field is cleared once sent');
    assert.equal((await world.client.findObjects({ slotId: world.b, label: 'browser-camera-dek' })).length, 0);
    await page.getByTestId('import-reset').click();
  });

  it('has no console errors, CSP violations, or PIN in any answer or file', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    const answers = JSON.stringify(opened.responses);
    assert.ok(!answers.includes(RECIPIENT.userPin) && !answers.includes('wrong-pin-0000'), 'main never sends a PIN back');
    const { findings, filesScanned } = secrets.scan([world.work]);
    assert.ok(filesScanned > 3);
    assert.deepEqual(findings, []);
  });

  describe('the camera (Chromium\'s fake capture device playing QR frames)', () => {
    let cameraBrowser: Browser;
    let camera: OpenedPage;

    before(async () => {
      const video = join(world.work, 'qr-frames.y4m');
      const frames = qrVideo(bundles.camera!.bytes, video);
      assert.ok(frames > 1, 'an animated code');
      cameraBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
      camera = await openRendererPage({ browser: cameraBrowser, origin: server.origin, handle: (sender, channel, payload) => main.router.handle(sender, channel, payload) });
      main.forwardTo(camera);
      await camera.page.locator('.page-header').waitFor();
    });

    after(async () => {
      await camera?.close();
      await cameraBrowser?.close();
    });

    it('reads the animated code frame by frame, main reassembles it, and the bundle imports', async () => {
      const p = camera.page;
      await pinAndConfirm(p);
      await p.getByTestId('import-source-camera').check();
      await p.getByTestId('import-camera-start').click();
      await p.getByTestId('import-camera').waitFor();
      await p.getByTestId('import-manifest').waitFor({ timeout: 120_000 });
      assert.match(await p.getByTestId('import-manifest').innerText(), /the camera: \d+ frame\(s\) read/);
      const scanCalls = camera.calls.filter((c) => c === 'conclave:importScanFrame').length;
      assert.ok(scanCalls >= 1, `${scanCalls} frame texts sent to main`);
      await importIntoToken(p, 'browser-camera-dek');
      assert.ok(await sameAesKey(world, bundles.camera!, (await importedKey(world, 'browser-camera-dek')).handle));
      assert.deepEqual(unexpectedProblems(camera), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    });
  });
});
