// End-to-end tests of the real Electron app (dist/main/main.cjs) through Playwright's
// Electron support and electron-playwright-helpers. They need the Electron binary, which
// cannot be downloaded on the build machines: without it the test reports itself skipped
// and says why. Nothing here loads `electron` from plain Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ElectronApplication, Page } from 'playwright-core';
import { CHANNELS, ipcChannel } from '../../preload/contract';
import { acquireDisplay } from './display';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type BinaryLookup = { present: true; path: string; version: string } | { present: false; reason: string; version: string };

test('Electron app end to end', { timeout: 180_000 }, async (t) => {
  const { findElectronBinary } = (await import(pathToFileURL(join(ROOT, 'scripts', 'electron-binary.mjs')).href)) as {
    findElectronBinary(root: string): BinaryLookup;
  };
  const electron = findElectronBinary(ROOT);
  if (!electron.present) {
    t.skip(`Electron binary not present: ${electron.reason}. Run \`node node_modules/electron/install.js\` on a machine with internet access to enable these tests.`);
    return;
  }
  assert.ok(existsSync(join(ROOT, 'dist', 'main', 'main.cjs')), 'dist/main/main.cjs is missing; run `npm run build` (npm test builds first)');

  const display = await acquireDisplay();
  if ('unavailable' in display) {
    t.skip(`No display for Electron: ${display.unavailable}`);
    return;
  }

  const { _electron } = await import('playwright-core');
  const helpers = await import('electron-playwright-helpers');
  const userData = mkdtempSync(join(tmpdir(), 'conclave-e2e-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;

  // Chromium refuses to run as root with its OS sandbox on; CI containers often run as
  // root. The renderer sandbox (sandbox: true, contextIsolation) is still what is checked
  // below; only the OS-level layer is off, and the run says so.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) t.diagnostic('running as root: Electron started with --no-sandbox (the OS-level sandbox layer is off for this run)');

  let app: ElectronApplication | null = null;
  try {
    app = await _electron.launch({
      executablePath: electron.path,
      args: asRoot ? ['--no-sandbox', ROOT] : [ROOT],
      cwd: ROOT,
      env: { ...env, ...display.env, CONCLAVE_USER_DATA: userData },
      timeout: 60_000,
    });
    const running = app;
    const page: Page = await helpers.waitForWindowByUrl(running, /^app:\/\/conclave\//, { timeout: 60_000 });
    await page.waitForLoadState('domcontentloaded');

    await t.test('one window shows the app from app://conclave', async () => {
      assert.equal(page.url(), 'app://conclave/index.html');
      assert.equal(await running.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1);
      const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'));
      assert.match(String(csp), /connect-src 'none'/);
    });

    await t.test('the page has no Node and sees exactly the contract methods', async () => {
      const seen = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return {
          require: typeof w.require,
          process: typeof w.process,
          module: typeof w.module,
          Buffer: typeof w.Buffer,
          ipcRenderer: typeof w.ipcRenderer,
          api: Object.keys(w.conclave as object).sort(),
          methods: Object.values(w.conclave as object).every((v) => typeof v === 'function'),
        };
      });
      assert.deepEqual(seen, {
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
        Buffer: 'undefined',
        ipcRenderer: 'undefined',
        api: [...CHANNELS, 'on'].sort(),
        methods: true,
      });
    });

    await t.test('the status screen renders from real IPC', async () => {
      const status = await page.evaluate(() => (window as unknown as { conclave: { getStatus(r: object): Promise<unknown> } }).conclave.getStatus({}));
      assert.equal((status as { ok: boolean }).ok, true, `getStatus failed: ${JSON.stringify(status)}`);
      await page.getByRole('heading', { level: 1, name: 'Workstation status' }).waitFor({ state: 'visible', timeout: 30_000 });
      await page.getByTestId('room-verdict').waitFor({ state: 'visible', timeout: 30_000 });
      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results', 'electron-status.png') });
    });

    await t.test('a request that is not from the window is refused by the router', async () => {
      const result = (await helpers.ipcMainInvokeHandler(running, ipcChannel('getStatus'), {})) as { ok: boolean; error?: { code: string } };
      assert.equal(result.ok, false);
      assert.equal(result.error?.code, 'SENDER_REJECTED');
      const bad = await page.evaluate(() => (window as unknown as { conclave: { useModule(r: object): Promise<unknown> } }).conclave.useModule({ path: 1, extra: 'x' }));
      assert.equal((bad as { error?: { code: string } }).error?.code, 'BAD_REQUEST');
    });

    await t.test('navigation to a remote URL, new windows and network requests are refused', async () => {
      await running.evaluate(({ BrowserWindow }) => {
        const g = globalThis as unknown as { navigationAttempts: { url: string; prevented: boolean }[] };
        g.navigationAttempts = [];
        BrowserWindow.getAllWindows()[0]?.webContents.on('will-navigate', (event) => {
          g.navigationAttempts.push({ url: event.url, prevented: event.defaultPrevented });
        });
      });
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await helpers.electronWaitForFunction(running, () => (globalThis as unknown as { navigationAttempts: unknown[] }).navigationAttempts.length > 0);
      const attempts = await running.evaluate(() => (globalThis as unknown as { navigationAttempts: unknown[] }).navigationAttempts);
      assert.deepEqual(attempts, [{ url: 'https://example.com/', prevented: true }]);
      assert.equal(page.url(), 'app://conclave/index.html');

      const opened = await page.evaluate(() => window.open('https://example.com/') === null);
      assert.equal(opened, true, 'window.open is denied');
      assert.equal(running.windows().length, 1);

      const fetched = await page.evaluate(() => fetch('https://example.com/').then(() => 'loaded', (e: unknown) => `refused: ${String(e)}`));
      assert.match(fetched, /^refused/);
    });
  } finally {
    if (app) await app.close().catch(() => undefined);
    await display.stop();
    rmSync(userData, { recursive: true, force: true });
  }
});
