// Electron main process: the only place in main/ that loads electron. It hardens the
// session before anything loads, serves the renderer from app://conclave, opens one
// sandboxed window, and connects the window to the status, quorum and ceremony services through
// the validated IPC router. Every decision worth testing lives in an electron-free module
// beside this one (window-options, csp, url-policy, app-files, sender, utility-transport).
import { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess, type Session, type WebContents } from 'electron';
import { join } from 'node:path';
import { CHANNELS, ipcChannel } from '../../preload/contract';
import { importServiceForStatus, type ImportService } from '../bundle/import/import-service';
import { ceremonyServiceForStatus, type CeremonyService } from '../ceremony/session';
import { HsmClient } from '../hsm/hsm-client';
import { ensureRehearsalToken } from '../hsm/rehearsal-token';
import { handlersFor, type AppServices } from '../ipc/handlers';
import { createRouter } from '../ipc/router';
import { quorumServiceForStatus, type QuorumService } from '../quorum/quorum-service';
import { createStatusService } from '../status/status-service';
import type { StatusService } from '../status/types';
import { serveAppFile } from './app-files';
import { isCameraCheckAllowed, isCameraRequestAllowed } from './camera-permission';
import { CONTENT_SECURITY_POLICY } from './csp';
import { senderInfoOf } from './sender';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, isNavigationAllowed, isRequestAllowed } from './url-policy';
import { createUtilityTransport } from './utility-transport';
import { devToolsAllowed, windowOptions } from './window-options';

// This file is bundled to dist/main/main.cjs; its siblings in dist/ are the other bundles.
const DIST = join(__dirname, '..');
const RENDERER_DIR = join(DIST, 'renderer');
const PRELOAD_PATH = join(DIST, 'preload', 'preload.cjs');
const WORKER_PATH = join(DIST, 'native', 'hsm-worker.cjs');

const devTools = devToolsAllowed(app.isPackaged, process.env);

function log(message: string): void {
  process.stderr.write(`[conclave] ${message}\n`);
}

/**
 * Denies every permission, download and off-machine request in a session. The one
 * exception is the camera (video only, the app's own page only) for scanning a bundle's
 * QR frames in the import mode; see camera-permission.ts.
 */
function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(isCameraRequestAllowed(permission, details)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => isCameraCheckAllowed(permission, requestingOrigin, details));
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
  ses.webRequest.onBeforeRequest((details, callback) => {
    const cancel = !isRequestAllowed(details.url);
    if (cancel) log(`blocked a request to ${details.url.slice(0, 200)}`);
    callback({ cancel });
  });
  // The app:// handler sets the CSP itself; this covers every other response as well.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

/** Navigation, redirects, new windows and webviews are refused for every web contents. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  if (!devTools) contents.on('devtools-opened', () => contents.closeDevTools());
}

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await serveAppFile(RENDERER_DIR, request.url, request.method);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}

/**
 * An HSM client whose worker is a utilityProcess. child_process.fork cannot be used in
 * the app: with the runAsNode fuse off, forking the Electron binary would start a second
 * copy of Conclave rather than Node. So the rehearsal token is made through it too.
 */
function utilityHsmClient(env: NodeJS.ProcessEnv): HsmClient {
  return new HsmClient(() => createUtilityTransport(utilityProcess.fork, WORKER_PATH, { env }), { workerScript: WORKER_PATH });
}

interface Services {
  status: StatusService;
  quorum: QuorumService;
  ceremony: CeremonyService;
  imports: ImportService;
}

function startServices(): Services {
  const dataDir = app.getPath('userData');
  const status = createStatusService({
    dataDir,
    whenUnconfigured: 'rehearsal',
    hsm: utilityHsmClient,
    ensureRehearsalToken: (dir) => ensureRehearsalToken(dir, { createClient: utilityHsmClient }),
  });
  // The quorum uses the status service's HSM client: a login lives in the worker that made it.
  const quorum = quorumServiceForStatus(status, { dataDir });
  // The ceremony runs on the same client too: its quorum login must be the token's login.
  // A witness's own token gets a utility-process worker of its own from the same factory.
  const ceremony = ceremonyServiceForStatus(status, { dataDir, toolVersion: app.getVersion(), hsmFactory: utilityHsmClient });
  // Imports unwrap into the token the status screen's module serves.
  const imports = importServiceForStatus(status, { dataDir, toolVersion: app.getVersion() });
  return { status, quorum, ceremony, imports };
}

function routeIpc(services: AppServices): void {
  const router = createRouter(handlersFor(services), {
    allowedOrigins: [APP_ORIGIN],
    onInternalError: ({ channel, kind, error }) =>
      log(`${kind} while handling ${channel}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  for (const channel of CHANNELS) {
    const wire = ipcChannel(channel);
    ipcMain.handle(wire, (event, payload: unknown) => router.handle(senderInfoOf(event), wire, payload));
  }
}

function sendToWindows(name: string, payload: unknown): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.isDestroyed()) window.webContents.send(name, payload);
  }
}

function pushEvents(services: Services): void {
  services.status.subscribe((event) => sendToWindows(ipcChannel(event.name), event.payload));
  services.quorum.subscribe((event) => sendToWindows(ipcChannel(event.name), event.payload));
  services.ceremony.subscribe((event) => sendToWindows(ipcChannel(event.name), event.payload));
}

function openWindow(): BrowserWindow {
  const window = new BrowserWindow(windowOptions({ preloadPath: PRELOAD_PATH, devTools }));
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => log(`the window could not load ${APP_ENTRY_URL}: ${String(error)}`));
  return window;
}

function main(): void {
  // A developer run may keep its data elsewhere (the end-to-end tests do); a packaged
  // app always uses the standard per-user folder.
  if (!app.isPackaged && process.env.CONCLAVE_USER_DATA) app.setPath('userData', process.env.CONCLAVE_USER_DATA);

  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

  // Two instances would share one data folder and one HSM; the second hands over to the first.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let window: BrowserWindow | null = null;
  let services: Services | null = null;
  let closed = false;

  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (closed || !services) return;
    // Overwrite every held share and PIN, then stop the HSM worker cleanly (logout,
    // C_Finalize) before the process goes.
    event.preventDefault();
    const closing = services;
    services = null;
    closing.ceremony
      .close()
      .catch((error: unknown) => log(`closing the ceremony failed: ${String(error)}`))
      .then(() => closing.quorum.close())
      .catch((error: unknown) => log(`stopping the quorum service failed: ${String(error)}`))
      .then(() => closing.status.close())
      .catch((error: unknown) => log(`stopping the status service failed: ${String(error)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      serveApp();
      services = startServices();
      routeIpc(services);
      pushEvents(services);
      window = openWindow();
    })
    .catch((error: unknown) => {
      log(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      dialog.showErrorBox('Conclave could not start', `${error instanceof Error ? error.message : String(error)}\n\nRun \`npx conclave doctor\` for details.`);
      app.exit(1);
    });
}

main();
