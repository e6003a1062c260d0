// The quorum screens in Debian's Chromium against the real main side: the IPC router over
// the status service and the quorum service, with the HSM worker loading SoftHSM2 on a
// fresh token store whose one slot is uninitialized. Through the UI only: a 3-of-5 setup
// (five custodians, passphrases typed twice, envelopes saved to five folders, a QR decoded
// with zbarimg, every receipt proven, the record written), then a quorum login presenting
// three envelopes as a file, as pasted text and as a QR image, with a wrong passphrase on
// the way. Afterwards no passphrase may be found in any file written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import type { Browser, Locator, Page } from 'playwright-core';
import { quorumServiceForStatus } from '../../main/quorum/quorum-service';
import { KDF_MINIMUM } from '../../main/quorum/types';
import { createStatusService } from '../../main/status/status-service';
import type { QuorumLoginView, QuorumSetupView, Result, StatusSnapshot } from '../../preload/contract';
import { SecretTracker } from '../helpers/secret-scan';
import { makeSoftHsm, type SoftHsmFixture } from '../helpers/softhsm';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type MainSide, type OpenedPage, type StaticServer } from './harness';

const SCREENSHOTS = join(ROOT, 'test-results');
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
const ZBARIMG = '/usr/bin/zbarimg';

const CUSTODIANS = ['Alice Liddell', 'Bob Marley', 'Carol Danvers', 'Dave Bowman', 'Erin Brockovich'];
/** Strong enough for main's passphrase policy, and none contains its custodian's name. */
const PASSPHRASES = ['Amber falcon 41 crosses tundra', 'Violet kettle 73 hums loudly', 'Granite otter 58 juggles plums', 'Copper lantern 26 drifts east', 'Saffron beetle 94 paints clouds'];
const WRONG_PASSPHRASE = 'Mistaken walrus 17 forgot lines';
const TOKEN_LABEL = 'Quorum Browser 2026';
/** The cheapest Argon2id the service accepts: tests may use exactly the minimum, never less. */
const KDF = { algorithm: 'argon2id' as const, version: 19 as const, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const hexOnly = (text: string) => text.replace(/[^0-9a-f]/gi, '').toLowerCase();

/** zbarimg as the independent QR oracle: the text of the one code in the PNG. */
function zbarDecode(pngPath: string): string {
  return execFileSync(ZBARIMG, ['--raw', '-q', '-Sbinary', pngPath], { encoding: 'utf8' }).replace(/\n$/, '');
}

async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).trim();
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Sticky parts sit where the scroll left them: take full pages from the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

describe('quorum setup and login screens against SoftHSM2', { skip: SKIP, timeout: 600_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let fixture: SoftHsmFixture;
  let work: string;
  let dataDir: string;
  let recordsDir: string;
  let mediaDirs: string[];
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;
  let slotId: string;
  let recordPath: string;
  const savedFiles: string[] = [];
  const secrets = new SecretTracker();

  before(async () => {
    requireBrowserBuilds();
    fixture = makeSoftHsm(); // a fresh token store: SoftHSM2 offers one uninitialized slot
    work = mkdtempSync(join(tmpdir(), 'conclave-quorum-browser-'));
    dataDir = join(work, 'data');
    recordsDir = join(work, 'records');
    mediaDirs = CUSTODIANS.map((_, i) => join(work, `media-${i + 1}`));
    for (const dir of [dataDir, recordsDir, ...mediaDirs, join(work, 'qr')]) mkdirSync(dir, { recursive: true });
    for (const [i, passphrase] of PASSPHRASES.entries()) secrets.add(`passphrase of ${CUSTODIANS[i]}`, passphrase);
    secrets.add('the wrong passphrase', WRONG_PASSPHRASE);

    server = await startStaticServer(RENDERER_DIR);
    const status = createStatusService({ dataDir, modulePath: fixture.modulePath, env: fixture.env, usb: null });
    const quorum = quorumServiceForStatus(status, { dataDir, kdf: KDF });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status, quorum }));
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus'));
    const free = snapshot.tokens.find((t) => t.state === 'uninitialized');
    assert.ok(free, 'the fresh SoftHSM2 store offers an uninitialized slot');
    slotId = free.slotId;
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it('reaches the quorum screens from the keyboard, the current one marked', async () => {
    const setupTab = page.getByTestId('nav-quorum-setup');
    await page.locator('body').focus();
    for (let i = 0; i < 12 && !(await setupTab.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await setupTab.evaluate((el) => el === document.activeElement), 'Tab reaches "Quorum setup" in the navigation');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Quorum setup' }).waitFor();
    assert.equal(await setupTab.getAttribute('aria-current'), 'page');
    assert.equal(await page.getByTestId('nav-status').getAttribute('aria-current'), null);
    assert.equal(await text(page.locator('.app-header__screen')), 'Quorum setup');
    assert.equal(await page.getByRole('navigation', { name: 'Screens' }).getByRole('button').count(), 7);
  });

  it('checks the policy before sending anything', async () => {
    const callsBefore = opened.calls.length;
    await page.getByTestId('setup-begin').click();
    await page.getByText('Custodian 1 has no name.', { exact: false }).waitFor();
    await page.getByText('Choose the token whose PINs the quorum will guard.').waitFor();
    assert.equal(opened.calls.slice(callsBefore).filter((c) => c.startsWith('conclave:quorum')).length, 0, 'no quorum call for an invalid form');
  });

  it('sets up 3 of 5 custodians: seal, save, QR, receipt, one custodian at a time', async () => {
    await page.getByTestId('add-custodian').click();
    await page.getByTestId('add-custodian').click();
    // The new name field takes the focus after "Add custodian".
    assert.ok(await page.getByTestId('custodian-name-5').evaluate((el) => el === document.activeElement));
    for (const [i, name] of CUSTODIANS.entries()) await page.getByTestId(`custodian-name-${i + 1}`).fill(name);
    await page.getByTestId('policy-threshold').fill('3');
    assert.equal(await text(page.getByTestId('policy-summary')), 'Policy: 3 of 5');
    await page.getByTestId('setup-slot').selectOption(slotId);
    await page.getByTestId('setup-token-label').fill(TOKEN_LABEL);
    assert.equal(await page.getByTestId('setup-so-pin').count(), 0, 'an uninitialized token needs no current PINs');
    await page.getByTestId('setup-output').fill(recordsDir);
    await page.getByTestId('setup-ceremony').fill('browser-quorum-2026');
    await page.getByTestId('setup-begin').click();

    const card = page.getByTestId('custodian-card');
    await card.waitFor();
    const begun = expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupBegin'));
    assert.equal(begun.policySummary, '3 of 5');
    assert.deepEqual(begun.kdf, { memoryKiB: KDF.memoryKiB, iterations: KDF.iterations, parallelism: KDF.parallelism });
    assert.equal(await text(page.getByTestId('setup-policy')), '3 of 5');
    assert.equal(await page.getByTestId('complete-setup').isDisabled(), true, 'Complete is not possible before every receipt');

    for (const [i, name] of CUSTODIANS.entries()) {
      const index = i + 1;
      assert.equal(await text(card.locator('.custodian-card__name')), name);
      assert.equal(await page.getByTestId(`custodian-progress-${index}`).getAttribute('aria-current'), 'step');

      // Passphrase, typed twice, with the strength hint visible.
      await card.getByTestId('passphrase').fill(PASSPHRASES[i]!);
      assert.match(await text(card.getByTestId('passphrase-hint')), /Meets the minimum .* type it again/);
      await card.getByTestId('passphrase-repeat').fill(PASSPHRASES[i]!);
      assert.match(await text(card.getByTestId('passphrase-hint')), /both entries match/);
      assert.equal(await card.getByTestId('passphrase').getAttribute('type'), 'password');
      assert.equal(await card.getByTestId('passphrase').getAttribute('autocomplete'), 'off');
      await card.getByTestId('seal').click();
      await card.getByTestId('step-1').and(page.locator('[data-state="done"]')).waitFor();
      assert.equal(await page.getByTestId(`custodian-progress-${index}`).getAttribute('data-stage'), 'sealed');

      // Save to this custodian's folder: a real file, read back by main.
      await card.getByTestId('save-directory').fill(mediaDirs[i]!);
      await card.getByTestId('save').click();
      await card.getByTestId('saved-to').waitFor();
      const view = expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupSave'));
      const custodian = view.custodians[i]!;
      assert.ok(custodian.savedTo?.startsWith(mediaDirs[i]!), `${name}'s envelope is in their folder`);
      const saved = readFileSync(custodian.savedTo!);
      assert.equal(sha256(saved), custodian.savedSha256, 'the file holds what main read back');
      assert.deepEqual(readdirSync(mediaDirs[i]!), [custodian.savedTo!.slice(mediaDirs[i]!.length + 1)]);
      savedFiles.push(custodian.savedTo!);

      // Fingerprint as hex groups and words, the same as the file's SHA-256.
      const fingerprint = card.locator('.qr-card .fingerprint').first();
      const shownHex = hexOnly(await text(fingerprint.locator('.fingerprint__hex')));
      assert.equal(shownHex, sha256(saved), 'the fingerprint on screen is the SHA-256 of the saved file');
      const words = await fingerprint.locator('.fingerprint__word').allInnerTexts();
      assert.ok(words.length >= 6, 'at least six words');
      assert.deepEqual(words, custodian.fingerprint!.words);

      // The QR on screen carries exactly the saved envelope.
      const qr = card.getByTestId('envelope-qr');
      await qr.waitFor();
      if (index === 1) {
        const src = (await qr.getAttribute('src')) ?? '';
        assert.match(src, /^data:image\/png;base64,/);
        const fromDataUrl = join(work, 'qr', 'from-data-url.png');
        writeFileSync(fromDataUrl, Buffer.from(src.slice('data:image/png;base64,'.length), 'base64'));
        assert.equal(zbarDecode(fromDataUrl), saved.toString('utf8'), 'zbarimg reads the saved envelope from the QR data');
        const fromScreen = join(work, 'qr', 'from-screen.png');
        await qr.screenshot({ path: fromScreen });
        assert.equal(zbarDecode(fromScreen), saved.toString('utf8'), 'zbarimg reads the saved envelope from the QR as displayed');

        // Printing shows the custodian's card alone.
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.locator('.app').isVisible(), false, 'the app is hidden in print');
        const sheet = page.locator('.print-sheet');
        assert.equal(await sheet.isVisible(), true);
        assert.match(await text(sheet), new RegExp(`${name}[\\s\\S]*browser-quorum-2026`));
        assert.equal(await sheet.locator('img.qr-card__qr').getAttribute('src'), src);
        await page.emulateMedia({ media: 'screen' });
        await screenshot(page, 'quorum-setup.png');
      }

      // Receipt: first a wrong passphrase for Bob, counted and named; then the right one.
      const source = card.getByTestId('prove-path');
      assert.equal(await source.inputValue(), custodian.savedTo, 'the saved file is offered as the source');
      if (index === 2) {
        await card.getByTestId('prove-passphrase').fill(WRONG_PASSPHRASE);
        await card.getByTestId('prove').click();
        const alert = card.getByRole('alert');
        await alert.waitFor();
        assert.match(await text(alert), new RegExp(`${name}’s envelope did not open[\\s\\S]*ENVELOPE_WRONG_PASSPHRASE`));
        assert.equal(await text(card.getByTestId('failed-proofs')), '1 wrong passphrase so far');
        assert.equal(await text(page.getByTestId(`custodian-failed-${index}`)), '1 wrong passphrase');
        assert.equal(await card.getByTestId('prove-passphrase').inputValue(), '', 'the passphrase field was cleared when sent');
      }
      await card.getByTestId('prove-passphrase').fill(PASSPHRASES[i]!);
      await card.getByTestId('prove').click();
      await card.getByText(`${name} opened their envelope: receipt proven`).waitFor();
      assert.equal(await page.getByTestId(`custodian-progress-${index}`).getAttribute('data-stage'), 'proven');
      if (index === 2) assert.equal(expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupProve')).custodians[1]!.failedProofs, 1);
      if (index < CUSTODIANS.length) {
        assert.equal(await page.getByTestId('complete-setup').isDisabled(), true);
        await card.getByTestId('next-custodian').click();
      }
    }

    assert.equal(await text(page.getByTestId('proven-count')), '5 of 5 proven');
    const complete = page.getByTestId('complete-setup');
    assert.equal(await complete.isDisabled(), false, 'Complete is possible once every custodian has proven receipt');
    await complete.click();
    await page.getByTestId('setup-complete').waitFor();
    const done = expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupComplete'));
    assert.equal(done.phase, 'complete');
    recordPath = done.recordPath!;
    assert.equal(await text(page.getByTestId('record-path')), recordPath);
    assert.ok(recordPath.startsWith(recordsDir));

    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { policySummary: string; custodians: Array<{ name: string; envelopeFingerprint: string }>; token: { label: string } };
    assert.equal(record.policySummary, '3 of 5');
    assert.equal(record.token.label, TOKEN_LABEL);
    assert.deepEqual(record.custodians.map((c) => c.name), CUSTODIANS);
    assert.deepEqual(record.custodians.map((c) => hexOnly(c.envelopeFingerprint)), savedFiles.map((f) => sha256(readFileSync(f))), 'the record names each saved envelope');
    await screenshot(page, 'quorum-setup-complete.png');
  });

  it('logs in with three envelopes: a file, pasted text and a QR image; a wrong passphrase is named and counted', async () => {
    await page.getByTestId('nav-quorum-login').click();
    assert.equal(await page.getByTestId('nav-quorum-login').getAttribute('aria-current'), 'page');
    await page.getByTestId('login-record').fill(recordPath);
    // Initializing the token renumbered SoftHSM2's slots: the screen lists them afresh.
    const option = page.getByTestId('login-slot').locator('option', { hasText: TOKEN_LABEL });
    await option.waitFor({ state: 'attached' });
    const loginSlot = (await option.getAttribute('value'))!;
    const listed = expectOk<StatusSnapshot>(lastResponse(opened, 'refreshTokens')).tokens.find((t) => t.token?.label === TOKEN_LABEL);
    assert.equal(listed?.slotId, loginSlot);
    assert.equal(listed?.state, 'ready', 'the quorum left the token initialized with its user PIN set');
    await page.getByTestId('login-slot').selectOption(loginSlot);
    await page.getByTestId('login-start').click();
    const form = page.getByTestId('present-form');
    await form.waitFor();
    assert.equal(await text(page.getByTestId('login-progress')), '0 of 3');

    const present = async (kind: 'file' | 'qr-image' | 'text', value: string, passphrase: string) => {
      await form.getByTestId(`present-kind-${kind}`).check();
      if (kind === 'text') await form.getByTestId('present-text').fill(value);
      else await form.getByTestId('present-path').fill(value);
      await form.getByTestId('present-passphrase').fill(passphrase);
      const before = opened.responses.length;
      await form.getByTestId('present').click();
      // The answer has arrived once the router logged one more present response.
      for (let t = 0; t < 200 && opened.responses.slice(before).every((r) => r.channel !== 'conclave:quorumLoginPresent'); t++) await page.waitForTimeout(50);
      // At the threshold the form gives way to the logged-in state; until then it stays, emptied of the passphrase.
      if (await form.isVisible()) assert.equal(await form.getByTestId('present-passphrase').inputValue(), '', 'the passphrase field is cleared when sent');
    };

    // Alice: her envelope file.
    await present('file', savedFiles[0]!, PASSPHRASES[0]!);
    await page.getByTestId('present-1').waitFor();
    assert.equal(await text(page.getByTestId('login-progress')), `1 of 3: ${CUSTODIANS[0]}`);
    assert.match(await text(page.getByTestId('present-1').getByTestId('countdown')), /^(10:00|9:[0-5]\d) left$/);

    // Carol pastes her envelope's text, first with a wrong passphrase.
    const carolText = readFileSync(savedFiles[2]!, 'utf8');
    await present('text', carolText, WRONG_PASSPHRASE);
    const alert = form.getByRole('alert');
    await alert.waitFor();
    const refusal = await text(alert);
    assert.match(refusal, /The share from the pasted envelope text was not accepted/);
    assert.match(refusal, new RegExp(`${CUSTODIANS[2]}[\\s\\S]*so far: 1`), 'the error names the custodian and the count');
    assert.match(refusal, /ENVELOPE_WRONG_PASSPHRASE/);
    await page.getByTestId('wrong-passphrases').getByText(`${CUSTODIANS[2]}: 1 wrong passphrase`).waitFor();
    assert.equal(await text(page.getByTestId('login-progress')), `1 of 3: ${CUSTODIANS[0]}`, 'a refusal changes nobody’s presence');
    assert.equal(await form.getByTestId('present-text').inputValue(), carolText, 'the envelope stays for another try');
    await screenshot(page, 'quorum-login-progress.png');
    await form.getByTestId('present-passphrase').fill(PASSPHRASES[2]!);
    await form.getByTestId('present').click();
    await page.getByTestId('present-3').waitFor();
    assert.equal(await text(page.getByTestId('login-progress')), `2 of 3: ${CUSTODIANS[0]}, ${CUSTODIANS[2]}`);

    // Erin brings a picture of her QR code: made from her envelope file, checked with zbarimg.
    const erinQr = join(work, 'qr', 'erin.png');
    await QRCode.toFile(erinQr, readFileSync(savedFiles[4]!, 'utf8'), { errorCorrectionLevel: 'M', margin: 4, scale: 4 });
    assert.equal(zbarDecode(erinQr), readFileSync(savedFiles[4]!, 'utf8'), 'the QR image decodes to the envelope');
    await present('qr-image', erinQr, PASSPHRASES[4]!);
    const loggedIn = page.getByTestId('logged-in');
    await loggedIn.waitFor();
    const view = expectOk<QuorumLoginView>(lastResponse(opened, 'quorumLoginPresent'));
    assert.equal(view.loggedIn, true);
    assert.equal(view.satisfied, true);
    assert.equal(await text(loggedIn.getByTestId('login-progress')), `3 of 3: ${CUSTODIANS[0]}, ${CUSTODIANS[2]}, ${CUSTODIANS[4]}`);
    assert.match(await text(loggedIn.getByTestId('wrong-passphrases')), new RegExp(`${CUSTODIANS[2]} 1`));
    assert.match(await text(loggedIn), new RegExp(`Logged in to ${TOKEN_LABEL}`));
    assert.equal(await text(page.getByTestId('nav-quorum-login').locator('.screen-nav__note')), 'Logged in');
    await screenshot(page, 'quorum-login.png');

    // Ending the session says why and offers a new login.
    await page.getByTestId('cancel-login').click();
    await page.getByTestId('login-ended').waitFor();
    assert.ok((await text(page.getByTestId('login-ended'))).length > 0);
  });

  it('ends the login and says why when the token goes away while shares are held', async () => {
    await page.getByTestId('login-again').click();
    await page.getByTestId('login-record').fill(recordPath);
    const option = page.getByTestId('login-slot').locator('option', { hasText: TOKEN_LABEL });
    await option.waitFor({ state: 'attached' });
    await page.getByTestId('login-slot').selectOption((await option.getAttribute('value'))!);
    await page.getByTestId('login-start').click();
    const form = page.getByTestId('present-form');
    await form.waitFor();
    await form.getByTestId('present-path').fill(savedFiles[1]!);
    await form.getByTestId('present-passphrase').fill(PASSPHRASES[1]!);
    await form.getByTestId('present').click();
    await page.getByTestId('present-2').waitFor();

    // The token disappears (as when an HSM is unplugged): deleted with SoftHSM2's own tool.
    execFileSync('softhsm2-util', ['--delete-token', '--token', TOKEN_LABEL], { env: fixture.env, stdio: 'pipe' });
    const ended = page.getByTestId('login-ended');
    await ended.waitFor({ timeout: 30_000 });
    const reason = await text(ended.locator('.login-ended__reason'));
    assert.match(reason, /removed|no longer|unplugged/i, `the screen says why the session ended: ${reason}`);
    assert.equal(await page.getByTestId('present-form').count(), 0, 'no share can be presented to an ended session');
    await screenshot(page, 'quorum-login-ended.png');
  });

  it('wrote no passphrase into any file', () => {
    const { findings, filesScanned } = secrets.scan([work, fixture.directory]);
    assert.ok(filesScanned >= CUSTODIANS.length + 1, `the envelopes and the record were scanned (${filesScanned} files)`);
    assert.deepEqual(findings, []);
  });

  it('logged no console errors, page errors or CSP violations', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    assert.deepEqual(main.forwardErrors, [], 'every service event satisfied the contract');
  });
});

describe('quorum screens in rehearsal mode', { skip: SKIP, timeout: 180_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let dataDir: string;
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;

  before(async () => {
    requireBrowserBuilds();
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-quorum-rehearsal-'));
    const env = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    server = await startStaticServer(RENDERER_DIR);
    // No module configured: the app makes its throwaway rehearsal token.
    const status = createStatusService({ dataDir, env, usb: null });
    const quorum = quorumServiceForStatus(status, { dataDir, kdf: KDF });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status, quorum }));
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the REHEARSAL mark on every screen', async () => {
    assert.equal(expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus')).rehearsal.active, true);
    for (const [id, title] of [['quorum-setup', 'Quorum setup'], ['quorum-login', 'Quorum login'], ['status', 'Workstation status']] as const) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.ok(await page.locator('header.app-header').getByTestId('rehearsal-mark').isVisible(), `the mark is on ${title}`);
    }
  });

  it('lets the rehearsal token be set up without typing its PINs, which Conclave keeps', async () => {
    await page.getByTestId('nav-quorum-setup').click();
    const option = page.getByTestId('setup-slot').locator('option', { hasText: 'CONCLAVE REHEARSAL' });
    await option.waitFor({ state: 'attached' });
    await page.getByTestId('setup-slot').selectOption((await option.getAttribute('value'))!);
    await page.getByText('This is the throwaway rehearsal token: Conclave knows its PINs, so both fields may stay empty.').waitFor();
    await page.getByTestId('custodian-name-1').fill('Ann');
    await page.getByTestId('custodian-name-2').fill('Ben');
    await page.getByTestId('custodian-name-3').fill('Cat');
    await page.getByTestId('setup-output').fill(dataDir);

    // Typed PINs are checked by main, and leave the form the moment they are sent.
    await page.getByTestId('setup-so-pin').fill('not-the-so-pin-1');
    await page.getByTestId('setup-user-pin').fill('not-the-user-pin-1');
    assert.equal(await page.getByTestId('setup-so-pin').getAttribute('type'), 'password');
    await page.getByTestId('setup-begin').click();
    await page.getByRole('alert').filter({ hasText: 'Setup could not begin' }).waitFor();
    assert.equal(await page.getByTestId('setup-so-pin').inputValue(), '');
    assert.equal(await page.getByTestId('setup-user-pin').inputValue(), '');
    const refused = lastResponse(opened, 'quorumSetupBegin') as Result<unknown>;
    assert.equal(refused.ok, false);

    await page.getByTestId('setup-begin').click();
    await page.getByTestId('custodian-card').waitFor();
    const view = expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupBegin'));
    assert.equal(view.policySummary, '2 of 3');
    assert.ok(await page.locator('header.app-header').getByTestId('rehearsal-mark').isVisible());
    await page.getByTestId('cancel-setup').click();
    await page.getByTestId('confirm-cancel-setup').click();
    await page.getByTestId('setup-ended').waitFor();
    assert.equal(expectOk<QuorumSetupView>(lastResponse(opened, 'quorumSetupCancel')).phase, 'cancelled');
  });

  it('logged no console errors, page errors or CSP violations', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    assert.deepEqual(main.forwardErrors, []);
  });
});
