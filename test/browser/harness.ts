// Runs the built renderer (dist/renderer) in Debian's Chromium, the way Electron would:
// served from one origin, with the CSP of index.html, and window.conclave installed by the
// same createApi factory the preload uses (dist/test-bridge/bridge.js). Every API call
// crosses into this process through a Playwright binding and is answered by `handle`
// (the real IPC router in the tests). Console errors, page errors and CSP violations are
// collected so a test can insist there were none.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ImportService } from '../../main/bundle/import/import-service';
import type { CeremonyService } from '../../main/ceremony/session';
import { handlersFor } from '../../main/ipc/handlers';
import { createRouter, type Router } from '../../main/ipc/router';
import type { QuorumService } from '../../main/quorum/quorum-service';
import type { StatusService } from '../../main/status/types';
import { events, ipcChannel, type Result } from '../../preload/contract';
import { requireWorkerBuild } from '../helpers/softhsm';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'dist', 'renderer');
export const BRIDGE_SCRIPT = join(ROOT, 'dist', 'test-bridge', 'bridge.js');
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the router needs to validate a sender, as Electron would give it. */
export interface SenderInfo {
  origin: string;
  isMainFrame: boolean;
  url: string;
}

export type InvokeHandler = (sender: SenderInfo, channel: string, payload: unknown) => Promise<unknown>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  origin: string;
  port: number;
  /** Every request path the server received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `root` read-only on 127.0.0.1 at a random port. */
export async function startStaticServer(root: string): Promise<StaticServer> {
  const base = resolve(root);
  const requests: string[] = [];
  // No CSP header on purpose: the tests prove that the <meta> policy in index.html holds
  // by itself (the Electron shell sends the same policy as a header as well).
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const file = resolve(base, normalize(`.${pathname === '/' ? '/index.html' : pathname}`));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a file');
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    })();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** `extraArgs` adds switches for one test, e.g. a fake camera (--use-file-for-fake-video-capture). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; install the Debian package "chromium".`);
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface PageDiagnostics {
  consoleErrors: string[];
  pageErrors: string[];
  /** CSP violations seen by the page (securitypolicyviolation events) and the console. */
  cspViolations: string[];
  /** Every API call the page made, by wire channel, in order. */
  calls: string[];
  /** What the router answered to each call, in order: exactly what the page received. */
  responses: Array<{ channel: string; result: unknown }>;
}

export interface OpenedPage extends PageDiagnostics {
  context: BrowserContext;
  page: Page;
  origin: string;
  /** Pushes a main → renderer event into the page; returns how many listeners got it. */
  emit(channel: string, payload: unknown): Promise<number>;
  close(): Promise<void>;
}

export interface OpenPageOptions {
  browser: Browser;
  handle: InvokeHandler;
  /** The origin to load the page from (the static server's, or another name for it). */
  origin: string;
  /** Install window.conclave (the preload's part); false to see the page without it. */
  bridge?: boolean;
  viewport?: { width: number; height: number };
  /** Emulated prefers-reduced-motion; "reduce" by default so screenshots are stable. */
  reducedMotion?: 'reduce' | 'no-preference';
}

/** Opens the renderer in a fresh context with the bridge installed; waits for its first paint. */
export async function openRendererPage({ browser, handle, origin, bridge = true, viewport = { width: 1600, height: 1000 }, reducedMotion = 'reduce' }: OpenPageOptions): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, reducedMotion, serviceWorkers: 'block' });
  const page = await context.newPage();
  const diagnostics: PageDiagnostics = { consoleErrors: [], pageErrors: [], cspViolations: [], calls: [], responses: [] };

  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) diagnostics.cspViolations.push(text);
    if (message.type() === 'error') diagnostics.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => diagnostics.pageErrors.push(`${error.name}: ${error.message}`));

  if (bridge) {
    await page.exposeBinding('__conclaveInvoke', async (source, channel: unknown, payload: unknown) => {
      diagnostics.calls.push(String(channel));
      const frame = source.frame;
      const result = await handle({ origin: new URL(frame.url()).origin, isMainFrame: frame === source.page.mainFrame(), url: frame.url() }, String(channel), payload);
      diagnostics.responses.push({ channel: String(channel), result });
      return result;
    });
  }
  await page.exposeBinding('__conclaveReportCsp', (_source, text: unknown) => {
    diagnostics.cspViolations.push(String(text));
  });
  // Runs before any page script: report every CSP violation the document sees.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __conclaveReportCsp?: (t: string) => void }).__conclaveReportCsp;
      report?.(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  if (bridge) {
    if (!existsSync(BRIDGE_SCRIPT)) throw new Error(`${BRIDGE_SCRIPT} is missing: run "npm run build" first.`);
    await page.addInitScript({ path: BRIDGE_SCRIPT });
  }

  await page.goto(`${origin}/index.html`);
  return {
    ...diagnostics,
    // The arrays above are live: the listeners push into the same objects.
    consoleErrors: diagnostics.consoleErrors,
    pageErrors: diagnostics.pageErrors,
    cspViolations: diagnostics.cspViolations,
    calls: diagnostics.calls,
    responses: diagnostics.responses,
    context,
    page,
    origin,
    emit: (channel, payload) =>
      page.evaluate(
        ([c, p]) => (window as unknown as { __conclaveEmit: (c: string, p: unknown) => number }).__conclaveEmit(c, p),
        [channel, payload] as const,
      ),
    close: () => context.close(),
  };
}

/** Every console error, page error and CSP report: a clean page has none. */
export function unexpectedProblems(page: PageDiagnostics): { consoleErrors: string[]; pageErrors: string[]; cspViolations: string[] } {
  return {
    consoleErrors: [...page.consoleErrors],
    pageErrors: [...page.pageErrors],
    cspViolations: [...page.cspViolations],
  };
}

/** The last answer the router gave the page on `channel` (contract name, e.g. "getStatus"). */
export function lastResponse(page: PageDiagnostics, channel: string): unknown {
  const found = [...page.responses].reverse().find((r) => r.channel === `conclave:${channel}`);
  if (!found) throw new Error(`the page made no ${channel} call`);
  return found.result;
}

/** Fails early, with what to do, when the renderer, the HSM worker or another built file is missing. */
export function requireBrowserBuilds(...extraFiles: string[]): void {
  for (const file of [join(RENDERER_DIR, 'index.html'), join(RENDERER_DIR, 'app.js'), ...extraFiles]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" before the browser tests.`);
  }
  requireWorkerBuild();
}

/** The value of a successful router answer; fails the test with the error otherwise. */
export function expectOk<T>(result: unknown): T {
  const r = result as Result<T>;
  if (!r.ok) assert.fail(`expected success, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The real main side for one page: services, the router over them, and their events forwarded into the page. */
export interface MainSide {
  status: StatusService;
  quorum: QuorumService | null;
  ceremony: CeremonyService | null;
  router: Router;
  /** Events that broke the contract and were not forwarded (the services swallow listener errors). */
  forwardErrors: string[];
  forwardTo(page: OpenedPage): void;
  close(): Promise<void>;
}

export interface MainServices {
  status: StatusService;
  quorum?: QuorumService;
  ceremony?: CeremonyService;
  imports?: ImportService;
}

export function hostMainSide(services: MainServices, origin: string): MainSide {
  const { status, quorum = null, ceremony = null, imports = null } = services;
  const router = createRouter(handlersFor({ status, quorum, ceremony, imports }), { allowedOrigins: [origin] });
  const forwardErrors: string[] = [];
  const unsubscribers: Array<() => void> = [];
  const forward = (page: OpenedPage, name: keyof typeof events, payload: unknown) => {
    // As the shell does: only payloads that satisfy the contract reach the renderer.
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      forwardErrors.push(`${name}: ${parsed.error.message}`);
      return;
    }
    page.emit(ipcChannel(name), parsed.data).catch(() => undefined);
  };
  return {
    status,
    quorum,
    ceremony,
    router,
    forwardErrors,
    forwardTo(page) {
      unsubscribers.push(status.subscribe((event) => forward(page, event.name, event.payload)));
      if (quorum) unsubscribers.push(quorum.subscribe((event) => forward(page, event.name, event.payload)));
      if (ceremony) unsubscribers.push(ceremony.subscribe((event) => forward(page, event.name, event.payload)));
    },
    async close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      await ceremony?.close();
      await quorum?.close();
      await status.close();
    },
  };
}

/** One renderer page wired to the real main side, as the Electron shell wires its window. */
export interface OpenedApp {
  main: MainSide;
  opened: OpenedPage;
  page: Page;
  /** Closes the page, then the services (their HSM workers and engines). */
  close(): Promise<void>;
}

/**
 * Hosts `services` behind the router, opens the renderer from `server` in `browser`, forwards
 * the services' events into the page and waits for the first paint (the page header appears
 * once the first status snapshot is in).
 */
export async function openApp(browser: Browser, server: StaticServer, services: MainServices, page: Omit<OpenPageOptions, 'browser' | 'handle' | 'origin'> = {}): Promise<OpenedApp> {
  const main = hostMainSide(services, server.origin);
  let opened: OpenedPage | undefined;
  try {
    opened = await openRendererPage({ ...page, browser, origin: server.origin, handle: (sender, channel, payload) => main.router.handle(sender, channel, payload) });
    main.forwardTo(opened);
    await opened.page.locator('.page-header').waitFor();
  } catch (error) {
    await opened?.close();
    await main.close();
    throw error;
  }
  const ready = opened;
  return {
    main,
    opened: ready,
    page: ready.page,
    async close() {
      await ready.close();
      await main.close();
    },
  };
}
