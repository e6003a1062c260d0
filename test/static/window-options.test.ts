import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { devToolsAllowed, windowOptions } from '../../main/shell/window-options';
import { codeWithoutComments, listSources, literalProperties, ROOT } from './source-files';

describe('window options', () => {
  const options = windowOptions({ preloadPath: '/opt/Conclave/resources/app.asar/dist/preload/preload.cjs', devTools: false });
  const prefs = options.webPreferences ?? {};

  it('isolate and sandbox the renderer, with no Node anywhere in it', () => {
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
  });

  it('keep web security on and the risky features off', () => {
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.spellcheck, false, 'the spellchecker would download dictionaries');
    assert.equal(prefs.enableBlinkFeatures, undefined);
  });

  it('load the given preload and pass the devtools decision through', () => {
    assert.equal(prefs.preload, '/opt/Conclave/resources/app.asar/dist/preload/preload.cjs');
    assert.equal(prefs.devTools, false);
    assert.equal(windowOptions({ preloadPath: '/p.cjs', devTools: true }).webPreferences?.devTools, true);
  });

  it('allow devtools only in an unpackaged run that asks for them', () => {
    assert.equal(devToolsAllowed(true, { CONCLAVE_DEVTOOLS: '1' }), false);
    assert.equal(devToolsAllowed(true, {}), false);
    assert.equal(devToolsAllowed(false, {}), false);
    assert.equal(devToolsAllowed(false, { CONCLAVE_DEVTOOLS: 'true' }), false);
    assert.equal(devToolsAllowed(false, { CONCLAVE_DEVTOOLS: '1' }), true);
  });
});

describe('Electron main process wiring (main/shell/main.ts)', () => {
  const code = codeWithoutComments(join(ROOT, 'main', 'shell', 'main.ts'));
  const has = (pattern: RegExp, what: string) => assert.match(code, pattern, `main.ts must ${what}`);

  it('creates its window from windowOptions', () => {
    has(/new BrowserWindow\(windowOptions\(/, 'build the window from windowOptions()');
    assert.doesNotMatch(code, /new BrowserWindow\((?!windowOptions\()/, 'every BrowserWindow uses windowOptions()');
  });

  it('enables the sandbox for every renderer and holds a single-instance lock', () => {
    has(/app\.enableSandbox\(\)/, 'call app.enableSandbox()');
    has(/app\.requestSingleInstanceLock\(\)/, 'take the single-instance lock');
  });

  it('denies every permission but the camera for the import screen (camera-permission.ts)', () => {
    has(/setPermissionRequestHandler\(\(\w*, permission, callback, details\) => callback\(isCameraRequestAllowed\(permission, details\)\)\)/, 'deny permission requests except the camera policy');
    has(/setPermissionCheckHandler\(\(\w*, permission, requestingOrigin, details\) => isCameraCheckAllowed\(permission, requestingOrigin, details\)\)/, 'deny permission checks except the camera policy');
    has(/setDevicePermissionHandler\(\(\) => false\)/, 'deny device (USB/HID/serial) permissions');
  });

  it('refuses navigation, redirects, new windows and webviews', () => {
    has(/on\('will-navigate', \(event\) => \{\s*if \(!isNavigationAllowed\(event\.url\)\)\s*event\.preventDefault\(\);/, 'guard will-navigate');
    has(/on\('will-redirect', \(event\) => \{\s*if \(!isNavigationAllowed\(event\.url\)\)\s*event\.preventDefault\(\);/, 'guard will-redirect');
    has(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/, 'deny window.open');
    has(/on\('will-attach-webview', \(event\) => event\.preventDefault\(\)\)/, 'refuse webviews');
    has(/app\.on\('web-contents-created', \(\w*, contents\) => guardContents\(contents\)\)/, 'guard every web contents');
  });

  it('sends the CSP header and cancels off-machine requests', () => {
    has(/onHeadersReceived\(/, 'set the CSP on responses');
    has(/\['Content-Security-Policy'\] = \[CONTENT_SECURITY_POLICY\]/, 'use the CSP from csp.ts');
    has(/onBeforeRequest\(/, 'filter requests');
    has(/!isRequestAllowed\(details\.url\)/, 'cancel requests the URL policy refuses');
  });

  it('serves the renderer from the privileged app:// scheme', () => {
    has(/registerSchemesAsPrivileged\(\[\{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES \}\]\)/, 'register app:// as privileged');
    has(/protocol\.handle\(APP_SCHEME,/, 'serve app://');
    has(/serveAppFile\(RENDERER_DIR,/, 'serve only the renderer folder');
    has(/loadURL\(APP_ENTRY_URL\)/, 'load the app entry URL');
    assert.doesNotMatch(code, /loadFile\(|file:\/\//, 'never load from file://');
  });

  it('routes every contract channel through the router with the real sender', () => {
    has(/for \(const channel of CHANNELS\)/, 'register every contract channel');
    has(/ipcMain\.handle\(wire, \(event, payload(: unknown)?\) => router\.handle\(senderInfoOf\(event\), wire, payload\)\)/, 'pass the sender to the router');
    has(/allowedOrigins: \[APP_ORIGIN\]/, 'allow only the app origin');
    assert.doesNotMatch(code, /ipcMain\.on\(/, 'no fire-and-forget IPC channels');
  });
});

describe('security settings across the repository sources', () => {
  const FORBIDDEN: Record<string, string> = {
    nodeIntegration: 'true',
    nodeIntegrationInWorker: 'true',
    nodeIntegrationInSubFrames: 'true',
    contextIsolation: 'false',
    sandbox: 'false',
    webSecurity: 'false',
    allowRunningInsecureContent: 'true',
    webviewTag: 'true',
    experimentalFeatures: 'true',
  };

  it('never weaken the window anywhere in main/, preload/, renderer/, native/ or scripts/', () => {
    const offenders: string[] = [];
    for (const dir of ['main', 'preload', 'renderer', 'native', 'scripts']) {
      for (const file of listSources(join(ROOT, dir))) {
        for (const { name, value, line } of literalProperties(file)) {
          if (FORBIDDEN[name] === value) offenders.push(`${relative(ROOT, file)}:${line}: ${name}: ${value}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });
});
