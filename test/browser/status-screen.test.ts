// The status screen in Debian's Chromium, against the real main side: the IPC router
// (main/ipc) over the status service (main/status) with its HSM worker process loading
// SoftHSM2 on a fresh token directory. The page gets window.conclave from the same
// createApi factory the preload uses (dist/test-bridge/bridge.js); calls cross into this
// process through a Playwright binding, and service events come back through the bridge.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { handlersFor } from '../../main/ipc/handlers';
import { createRouter } from '../../main/ipc/router';
import { createStatusService } from '../../main/status/status-service';
import type { StatusService } from '../../main/status/types';
import { UsbWatcher } from '../../native/usb/usb-watcher';
import type { ErrorValue, Result, ResponseOf, StatusSnapshot } from '../../preload/contract';
import { initTokenWithUtil, makeSoftHsm, type SoftHsmFixture } from '../helpers/softhsm';
import { CHROMIUM, expectOk, lastResponse, launchChromium, openApp, openRendererPage, RENDERER_DIR, requireBrowserBuilds, ROOT, startStaticServer, unexpectedProblems, type MainSide, type OpenedPage, type StaticServer } from './harness';
import { PluggableUsbSource, YUBIHSM2 } from './pluggable-usb-source';

const SCREENSHOTS = join(ROOT, 'test-results');
const TOKEN = { label: 'Browser Root 2026', soPin: 'so-browser-1', userPin: 'user-browser-1' };
const SKIP = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;

async function slotCard(page: Page, label: string) {
  const heading = page.getByRole('heading', { level: 3, name: label, exact: true });
  await heading.waitFor();
  return page.locator('section.token').filter({ has: heading });
}

describe('status screen with a configured SoftHSM2 module', { skip: SKIP, timeout: 180_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let fixture: SoftHsmFixture;
  let dataDir: string;
  let usbSource: PluggableUsbSource;
  let watcher: UsbWatcher;
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;

  before(async () => {
    requireBrowserBuilds();
    fixture = makeSoftHsm();
    initTokenWithUtil(fixture, TOKEN);
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-browser-data-'));
    usbSource = new PluggableUsbSource();
    // Polls only when the test asks (refresh), so every event below is one the test caused.
    watcher = new UsbWatcher({ source: usbSource, intervalMs: 3_600_000 });
    await watcher.start();
    server = await startStaticServer(RENDERER_DIR);
    const service = createStatusService({ dataDir, modulePath: fixture.modulePath, env: fixture.env, usb: watcher });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status: service }));
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    watcher?.stop();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it('shows the SoftHSM2 module, the fresh token as ready and the uninitialized slot', async () => {
    const token = await slotCard(page, TOKEN.label);
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus'));
    assert.equal(snapshot.module?.path, fixture.modulePath);

    const module = page.locator('#module');
    await assertText(module.locator('.kv__row[data-key="path"] dd'), fixture.modulePath);
    await assertText(module.locator('.kv__row[data-key="library"] dd'), snapshot.module!.libraryDescription);
    await assertText(module.locator('.kv__row[data-key="libraryVersion"] dd'), snapshot.module!.libraryVersion);
    assert.equal(await module.locator('.badge').first().innerText(), 'Loaded');

    const facts = snapshot.tokens.find((t) => t.token?.label === TOKEN.label);
    assert.ok(facts, 'the token made by softhsm2-util is in the snapshot');
    assert.equal(facts.state, 'ready');
    assert.equal(await token.locator('[data-state]').getAttribute('data-state'), 'ready');
    assert.equal(await token.locator('.card__actions .badge').innerText(), 'Ready');
    await assertText(token.locator('.token__detail'), facts.stateDetail);
    await assertText(token.locator('.kv__row[data-key="serial"] dd'), facts.token!.serial);
    await assertText(token.locator('.kv__row[data-key="model"] dd'), facts.token!.model);
    await assertText(token.locator('.kv__row[data-key="firmware"] dd'), facts.token!.firmwareVersion, 'contains');
    assert.equal(await token.locator('[data-flag="loginRequired"] .flag__value').innerText(), 'Yes');
    assert.equal(await token.locator('[data-flag="tokenInitialized"] .flag__value').innerText(), 'Yes');
    assert.equal(await token.locator('td[data-flag="userPinInitialized"]').innerText(), 'Yes');
    assert.equal(await token.locator('td[data-flag="userPinLocked"]').innerText(), 'No');

    // SoftHSM2 always offers one more, uninitialized token.
    const uninitialized = await slotCard(page, 'Uninitialized token');
    assert.equal(await uninitialized.locator('[data-state]').getAttribute('data-state'), 'uninitialized');
    assert.equal(await uninitialized.locator('.card__actions .badge').innerText(), 'Uninitialized');
    assert.equal(await uninitialized.locator('[data-flag="tokenInitialized"] .flag__value').innerText(), 'No');
    // PIN flags of a token that has no PINs yet are shown, but not as alarms.
    assert.equal(await uninitialized.locator('.flag--bad').count(), 0);
    await uninitialized.getByText('Not in force until the token is initialized.').waitFor();
    assert.equal(await token.locator('.flag--bad').count(), 0, 'a ready token raises no PIN alarm');

    // A configured module is no rehearsal: no mark, no banner.
    assert.equal(snapshot.rehearsal.active, false);
    assert.equal(await page.getByTestId('rehearsal-mark').count(), 0);
    assert.equal(await page.getByTestId('rehearsal-banner').count(), 0);
    assert.equal(await page.getByText('REHEARSAL', { exact: true }).count(), 0);
  });

  it('is usable from the keyboard: Tab reaches Refresh with a visible focus, and R refreshes', async () => {
    // A fresh load, so keyboard focus starts at the top of the document as it does at launch.
    await page.reload();
    await slotCard(page, TOKEN.label);
    let presses = 0;
    while (presses < 10) {
      await page.keyboard.press('Tab');
      presses += 1;
      if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'refresh')) break;
    }
    // Before it come only the skip link and the screen tabs of the navigation.
    const screenTabs = await page.getByRole('navigation', { name: 'Screens' }).getByRole('button').count();
    assert.ok(presses <= 2 + screenTabs, `the refresh button should be among the first Tab stops (took ${presses}, ${screenTabs} screen tabs)`);
    const focus = await page.getByTestId('refresh').evaluate((el) => {
      const style = getComputedStyle(el);
      return { focusVisible: el.matches(':focus-visible'), boxShadow: style.boxShadow, background: style.backgroundColor, shortcut: el.getAttribute('aria-keyshortcuts') };
    });
    assert.equal(focus.focusVisible, true);
    assert.notEqual(focus.boxShadow, 'none', 'a focus ring is drawn');
    assert.equal(focus.background, 'rgb(255, 221, 0)', 'the focused button turns the focus yellow');
    assert.equal(focus.shortcut, 'R');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator('.page-header').screenshot({ path: join(SCREENSHOTS, 'status-focus.png') });

    // The shortcuts are announced on screen.
    await page.locator('.shortcuts').getByText('Refresh status').waitFor();
    const refreshes = opened.calls.filter((c) => c === 'conclave:refreshTokens').length;
    await page.keyboard.press('r');
    await waitFor(() => opened.responses.filter((r) => r.channel === 'conclave:refreshTokens').length > refreshes);
    await page.getByTestId('announcer').getByText(/Tokens refreshed/).waitFor({ state: 'attached' });
  });

  it('lists the token mechanisms on demand', async () => {
    const token = await slotCard(page, TOKEN.label);
    await token.getByRole('button', { name: `Mechanisms of ${TOKEN.label}` }).click();
    const table = token.locator('table').filter({ has: page.getByText(/mechanisms? supported by/) });
    await table.waitFor();
    const mechanisms = expectOk<ResponseOf<'getMechanisms'>>(lastResponse(opened, 'getMechanisms'));
    assert.ok(mechanisms.length > 10, `SoftHSM2 offers many mechanisms, got ${mechanisms.length}`);
    assert.equal(await table.locator('tbody tr').count(), mechanisms.length);
    assert.ok(mechanisms.some((m) => m.name === 'CKM_ECDSA'), 'SoftHSM2 supports CKM_ECDSA');
    await table.getByRole('rowheader', { name: 'CKM_ECDSA', exact: true }).waitFor();
  });

  it('renders every room check with its result, reason and action, and checks again on request', async () => {
    await page.locator('#room table').waitFor();
    const checkCalls = opened.calls.filter((c) => c === 'conclave:checkRoom').length;
    await page.getByRole('button', { name: 'Check the room again' }).click();
    await waitFor(() => opened.responses.filter((r) => r.channel === 'conclave:checkRoom').length > checkCalls);
    const room = expectOk<ResponseOf<'checkRoom'>>(lastResponse(opened, 'checkRoom'));
    await page.locator('#room time').filter({ hasText: room.generatedAt.slice(11, 19) }).waitFor();
    await assertRoomMatches(page, room);
    const ids = room.checks.map((c) => c.id);
    for (const id of ['air-gap', 'clock-utc', 'pkcs11-module']) assert.ok(ids.includes(id), `room check ${id} is reported (got ${ids.join(', ')})`);
    assert.equal(room.checks.find((c) => c.id === 'pkcs11-module')?.status, 'pass');
  });

  it('shows a USB device attached and detached through the watcher, live', async () => {
    const usb = page.locator('#usb');
    assert.equal(await usb.locator('.card__actions .badge').innerText(), 'Watching USB');
    await usb.getByText('No HSM or token is attached').waitFor();

    usbSource.plug(YUBIHSM2);
    await watcher.refresh();
    const log = page.getByTestId('usb-log');
    const attached = log.locator('li.usb-log__entry--attach').filter({ hasText: 'YubiHSM 2' });
    await attached.waitFor();
    assert.match(await attached.innerText(), /Attached/);
    assert.match(await attached.innerText(), /1050:0030/);
    await usb.getByRole('rowheader', { name: 'YubiHSM 2' }).waitFor();
    assert.equal(await page.getByTestId('summary-usb').locator('.summary__detail').innerText(), '1 known device attached');
    await page.getByTestId('announcer').getByText('USB: YubiHSM 2 attached.').waitFor({ state: 'attached' });

    usbSource.pull(YUBIHSM2.key);
    await watcher.refresh();
    const detached = log.locator('li.usb-log__entry--detach').filter({ hasText: 'YubiHSM 2' });
    await detached.waitFor();
    // Newest first: the detach sits above the attach.
    assert.match(await log.locator('li').first().innerText(), /Detached/);
    await usb.getByText('No HSM or token is attached').waitFor();
  });

  it('shows the error and what to do when the module picker is given a bad path', async () => {
    const bad = '/nonexistent/conclave/libno-such-pkcs11.so';
    await page.getByRole('button', { name: 'Use another PKCS#11 module' }).click();
    const candidates = expectOk<ResponseOf<'listModuleCandidates'>>(lastResponse(opened, 'listModuleCandidates'));
    const softhsm = candidates.find((c) => c.path === fixture.modulePath);
    assert.ok(softhsm?.exists, 'SoftHSM2 is among the known module candidates');
    await page.getByRole('row').filter({ hasText: fixture.modulePath }).getByText('In use').waitFor();

    await page.getByLabel('Module path').fill(bad);
    await page.getByRole('button', { name: 'Use this path' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'That module could not be used' });
    await alert.waitFor();
    const result = lastResponse(opened, 'useModule') as { ok: false; error: ErrorValue };
    assert.equal(result.ok, false);
    assert.match(result.error.message, /libno-such-pkcs11\.so/);
    assert.ok(result.error.action.length > 0);
    const text = await alert.innerText();
    assert.ok(text.includes(result.error.message), `the alert shows the message: ${text}`);
    assert.ok(text.includes(`What to do: ${result.error.action}`), `the alert shows the action: ${text}`);
    assert.ok(text.includes(result.error.code));
    // Nothing changed: the SoftHSM2 module and its token are still shown.
    await assertText(page.locator('#module .kv__row[data-key="path"] dd'), fixture.modulePath);
    await slotCard(page, TOKEN.label);
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
  });

  it('saves a screenshot of the status screen', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.getByRole('button', { name: 'Use another PKCS#11 module' }).click(); // close the picker again
    // Plug the HSM back in so the picture shows a device attached as well as the log.
    usbSource.plug(YUBIHSM2);
    await watcher.refresh();
    await page.locator('#usb').getByRole('rowheader', { name: 'YubiHSM 2' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'status-screen.png'), fullPage: true });
    assert.ok(readFileSync(join(SCREENSHOTS, 'status-screen.png')).length > 10_000);
  });

  it('logged no console errors, page errors or CSP violations', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    assert.deepEqual(main.forwardErrors, [], 'every service event satisfied the contract');
  });

  it('cannot reach the network from the page (connect-src none)', async () => {
    const probe = `/network-probe-${Date.now()}`;
    const outcome = await page.evaluate(async (path) => {
      const attempts: string[] = [];
      for (const url of [new URL(path, location.href).href, 'http://192.0.2.1/conclave-probe']) {
        try {
          await fetch(url);
          attempts.push(`fetched ${url}`);
        } catch (error) {
          attempts.push(`blocked ${url}: ${(error as Error).name}`);
        }
      }
      return attempts;
    }, probe);
    assert.ok(outcome.every((a) => a.startsWith('blocked')), outcome.join('; '));
    assert.ok(!server.requests.some((r) => r.startsWith(probe)), 'the request never reached the server');
    await waitFor(() => opened.cspViolations.some((v) => v.startsWith('connect-src')));
  });
});

describe('status screen in rehearsal mode (no module configured)', { skip: SKIP, timeout: 180_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let fixture: SoftHsmFixture;
  let dataDir: string;
  let main: MainSide;
  let opened: OpenedPage;
  let page: Page;

  before(async () => {
    requireBrowserBuilds();
    // A real token exists for the module switch at the end; until then nothing points at it.
    fixture = makeSoftHsm();
    initTokenWithUtil(fixture, TOKEN);
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-browser-rehearsal-'));
    const env = { ...fixture.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    server = await startStaticServer(RENDERER_DIR);
    const service = createStatusService({ dataDir, env, usb: null });
    browser = await launchChromium();
    ({ main, opened, page } = await openApp(browser, server, { status: service }));
  });

  after(async () => {
    await opened?.close();
    await browser?.close();
    await main?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it('shows the REHEARSAL mark, why, and the throwaway token it made', async () => {
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus'));
    assert.equal(snapshot.rehearsal.active, true);
    assert.ok(snapshot.rehearsal.tokenDirectory?.startsWith(dataDir), 'the rehearsal token lives in the data folder');

    const mark = page.getByTestId('rehearsal-mark');
    await mark.waitFor();
    assert.equal(await mark.innerText(), 'REHEARSAL');
    assert.ok(await page.locator('header.app-header').getByTestId('rehearsal-mark').isVisible(), 'the mark is in the header of the screen');
    const banner = page.getByTestId('rehearsal-banner');
    await assertText(banner.locator('.rehearsal-banner__reason'), snapshot.rehearsal.reason);
    await assertText(banner.locator('.rehearsal-banner__dir code'), snapshot.rehearsal.tokenDirectory!);

    const rehearsalToken = snapshot.tokens.find((t) => t.state === 'ready');
    assert.ok(rehearsalToken?.token, 'the rehearsal token is initialized and ready');
    const card = await slotCard(page, rehearsalToken.token.label);
    assert.equal(await card.locator('[data-state]').getAttribute('data-state'), 'ready');
    await page.locator('#room').getByText('Rehearsal: the air-gap and UTC checks count only as warnings.', { exact: false }).waitFor();
  });

  it('says why USB cannot be watched', async () => {
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'getStatus'));
    assert.equal(snapshot.usb.available, false);
    const usb = page.locator('#usb');
    assert.equal(await usb.locator('.card__actions .badge').innerText(), 'USB unavailable');
    await usb.getByRole('status').getByText(snapshot.usb.reason!, { exact: true }).waitFor();
  });

  it('leaves rehearsal when a real module is chosen, and the mark goes away', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'status-screen-rehearsal.png'), fullPage: true });
    // In rehearsal the picker is open and SoftHSM2 stays selectable: choosing it as the
    // module means "use the tokens in SOFTHSM2_CONF", not the rehearsal token.
    await page.getByRole('button', { name: `Use SoftHSM2 module at ${fixture.modulePath}` }).or(page.getByRole('button', { name: new RegExp(`^Use .* module at ${fixture.modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })).first().click();
    await slotCard(page, TOKEN.label);
    await page.getByTestId('rehearsal-mark').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('rehearsal-banner').count(), 0);
    const snapshot = expectOk<StatusSnapshot>(lastResponse(opened, 'useModule'));
    assert.equal(snapshot.rehearsal.active, false);
    assert.equal(snapshot.module?.path, fixture.modulePath);
  });

  it('logged no console errors, page errors or CSP violations', () => {
    assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    assert.deepEqual(main.forwardErrors, [], 'every service event satisfied the contract');
  });
});

describe('status screen when it cannot reach main', { skip: SKIP, timeout: 120_000 }, () => {
  let server: StaticServer;
  let browser: Browser;
  let dataDir: string;
  let service: StatusService;

  before(async () => {
    requireBrowserBuilds();
    server = await startStaticServer(RENDERER_DIR);
    browser = await launchChromium();
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-browser-refused-'));
    service = createStatusService({ dataDir, whenUnconfigured: 'none', usb: null });
  });

  after(async () => {
    await browser?.close();
    await service?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('explains a missing bridge instead of showing a blank window', async () => {
    const opened = await openRendererPage({ browser, origin: server.origin, bridge: false, handle: () => Promise.reject(new Error('unused')) });
    try {
      await opened.page.getByRole('heading', { level: 1, name: 'Conclave cannot reach its main process' }).waitFor();
      const alert = await opened.page.getByRole('alert').innerText();
      assert.match(alert, /window\.conclave is not defined/);
      assert.match(alert, /What to do: Start Conclave itself/);
      assert.deepEqual(unexpectedProblems(opened), { consoleErrors: [], pageErrors: [], cspViolations: [] });
    } finally {
      await opened.close();
    }
  });

  it('shows the router refusing a page from another origin, with what to do', async () => {
    // Same server, other host name: a different origin than the one the router allows.
    const router = createRouter(handlersFor(service), { allowedOrigins: [server.origin] });
    const opened = await openRendererPage({ browser, origin: `http://localhost:${server.port}`, handle: (sender, channel, payload) => router.handle(sender, channel, payload) });
    try {
      const alert = opened.page.getByRole('alert').filter({ hasText: 'The status of this workstation could not be loaded' });
      await alert.waitFor();
      const result = lastResponse(opened, 'getStatus') as { ok: false; error: ErrorValue };
      assert.equal(result.ok, false);
      assert.equal(result.error.code, 'SENDER_REJECTED');
      const text = await alert.innerText();
      assert.ok(text.includes(result.error.message));
      assert.ok(text.includes(`What to do: ${result.error.action}`));
      await opened.page.getByRole('button', { name: 'Try again' }).waitFor();
    } finally {
      await opened.close();
    }
  });
});

async function assertText(locator: Locator, expected: string, mode: 'equals' | 'contains' = 'equals'): Promise<void> {
  const actual = (await locator.innerText()).trim();
  if (mode === 'equals') assert.equal(actual, expected.trim());
  else assert.ok(actual.includes(expected), `"${actual}" should contain "${expected}"`);
}

async function assertRoomMatches(page: Page, room: ResponseOf<'checkRoom'>): Promise<void> {
  const table = page.locator('#room table');
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), room.checks.length);
  const words = { pass: 'Pass', warn: 'Warning', fail: 'Fail' } as const;
  for (const check of room.checks) {
    const row = table.locator(`tr[data-row-id="${check.id}"]`);
    const cells = await row.locator('th, td').allInnerTexts();
    assert.equal(cells[0]?.trim(), check.title, `title of ${check.id}`);
    assert.equal(cells[1]?.trim(), words[check.status], `result of ${check.id}`);
    assert.equal(cells[2]?.trim(), check.reason.trim(), `reason of ${check.id}`);
    assert.ok(check.reason.length > 0, `${check.id} has a reason`);
    assert.equal(cells[3]?.trim(), check.action ? check.action.trim() : 'Nothing', `action of ${check.id}`);
  }
  const verdict = await page.getByTestId('room-verdict').innerText();
  assert.match(verdict, room.ready ? /ready for a ceremony/ : /not ready for a ceremony/);
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
