// A stand-in for the `electron` module, for running the real bundled main process
// (dist/main/main.cjs) under plain Node when no Electron binary exists. Loaded with
// `node --require test/electron/simulated-electron.cjs dist/main/main.cjs`, it answers
// require('electron') with objects that record what main.ts wires up, and lets the test
// process drive them over the IPC channel: invoke a contract channel as a given sender,
// fetch an app:// URL, try a navigation, a window.open, a permission or a request.
// utilityProcess.fork is simulated by child_process.fork of the same worker script, so
// the HSM worker, SoftHSM2 and the status service all run for real.
'use strict';
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const { fork } = require('node:child_process');

const recorded = {
  sandboxEnabled: false,
  singleInstanceLock: false,
  schemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  permissionRequest: null,
  permissionCheck: null,
  devicePermission: null,
  beforeRequest: null,
  headersReceived: null,
  windows: [],
  sent: [],
  errors: [],
  workers: 0,
  paths: {},
};

class App extends EventEmitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.quitting = false;
  }
  enableSandbox() {
    recorded.sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    recorded.singleInstanceLock = true;
    return true;
  }
  setPath(name, value) {
    recorded.paths[name] = value;
  }
  getPath(name) {
    if (!recorded.paths[name]) throw new Error(`simulated app.getPath: no path for ${name}`);
    return recorded.paths[name];
  }
  getVersion() {
    return require('../../package.json').version;
  }
  whenReady() {
    return new Promise((resolve) => setImmediate(resolve));
  }
  quit() {
    let prevented = false;
    this.emit('will-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.exit(0);
  }
  exit(code) {
    process.send?.({ type: 'exited', code });
    setTimeout(() => process.exit(code), 50);
  }
}
const app = new App();

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = { origin: 'app://conclave', url: 'app://conclave/index.html', parent: null };
    this.windowOpenHandler = null;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, payload) {
    recorded.sent.push({ channel, payload });
  }
  closeDevTools() {}
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loadedUrl = null;
    recorded.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return recorded.windows;
  }
  loadURL(url) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  show() {}
}

const webRequest = {
  onBeforeRequest: (fn) => (recorded.beforeRequest = fn),
  onHeadersReceived: (fn) => (recorded.headersReceived = fn),
};
const defaultSession = Object.assign(new EventEmitter(), {
  webRequest,
  setPermissionRequestHandler: (fn) => (recorded.permissionRequest = fn),
  setPermissionCheckHandler: (fn) => (recorded.permissionCheck = fn),
  setDevicePermissionHandler: (fn) => (recorded.devicePermission = fn),
});

const utilityProcess = {
  fork(modulePath, args, options) {
    recorded.workers += 1;
    const child = fork(modulePath, args, {
      env: options.env,
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const proxy = new EventEmitter();
    child.on('message', (message) => proxy.emit('message', message));
    child.on('exit', (code, signal) => proxy.emit('exit', code ?? (signal ? 1 : 0)));
    proxy.postMessage = (message) => child.send(message);
    proxy.kill = () => child.kill('SIGTERM');
    Object.defineProperty(proxy, 'pid', { get: () => child.pid });
    return proxy;
  },
};

const electron = {
  app,
  BrowserWindow,
  ipcMain: { handle: (channel, fn) => recorded.ipcHandlers.set(channel, fn), on: () => { throw new Error('ipcMain.on is not used by Conclave'); } },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => recorded.schemes.push(...schemes),
    handle: (scheme, fn) => recorded.protocolHandlers.set(scheme, fn),
  },
  session: { defaultSession },
  utilityProcess,
  dialog: { showErrorBox: (title, text) => recorded.errors.push(`${title}: ${text}`) },
};

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'electron') return electron;
  return originalLoad.call(this, request, parent, isMain);
};

// ---- driven by the test process --------------------------------------------------

function window() {
  const w = recorded.windows[0];
  if (!w) throw new Error('no window was opened');
  return w;
}

function senderEvent(kind) {
  const contents = window().webContents;
  if (kind === 'main') return { senderFrame: contents.mainFrame, sender: contents };
  if (kind === 'subframe') return { senderFrame: { origin: 'app://conclave', url: 'app://conclave/index.html', parent: contents.mainFrame }, sender: contents };
  if (kind === 'foreign') return { senderFrame: { origin: 'https://evil.example', url: 'https://evil.example/', parent: null }, sender: contents };
  return { senderFrame: null, sender: contents };
}

const commands = {
  async state() {
    const w = recorded.windows[0];
    return {
      sandboxEnabled: recorded.sandboxEnabled,
      singleInstanceLock: recorded.singleInstanceLock,
      schemes: recorded.schemes,
      protocols: [...recorded.protocolHandlers.keys()],
      channels: [...recorded.ipcHandlers.keys()].sort(),
      windows: recorded.windows.length,
      webPreferences: w ? { ...w.options.webPreferences } : null,
      loadedUrl: w ? w.loadedUrl : null,
      userData: recorded.paths.userData ?? null,
      workers: recorded.workers,
      errors: recorded.errors,
    };
  },
  async invoke({ channel, payload, sender }) {
    const handler = recorded.ipcHandlers.get(channel);
    if (!handler) return { missing: channel };
    return handler(senderEvent(sender), payload);
  },
  async fetch({ url, method }) {
    const handler = recorded.protocolHandlers.get(new URL(url).protocol.slice(0, -1));
    const response = await handler({ url, method: method ?? 'GET' });
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text: await response.text() };
  },
  async navigate({ url, event }) {
    let prevented = false;
    window().webContents.emit(event ?? 'will-navigate', { url, preventDefault: () => (prevented = true) });
    return { prevented };
  },
  async windowOpen({ url }) {
    return window().webContents.windowOpenHandler({ url });
  },
  async attachWebview() {
    let prevented = false;
    window().webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    return { prevented };
  },
  async permission({ permission }) {
    const granted = await new Promise((resolve) => recorded.permissionRequest(window().webContents, permission, resolve, {}));
    return { granted, check: recorded.permissionCheck(window().webContents, permission, 'app://conclave', {}), device: recorded.devicePermission({}) };
  },
  async request({ url }) {
    return new Promise((resolve) => recorded.beforeRequest({ url }, resolve));
  },
  async headers({ responseHeaders }) {
    return new Promise((resolve) => recorded.headersReceived({ url: 'app://conclave/index.html', responseHeaders }, resolve));
  },
  async sentEvents() {
    return recorded.sent.map((s) => s.channel);
  },
  async quit() {
    app.quit();
    return { quitting: true };
  },
};

process.on('message', (message) => {
  const { id, cmd, args } = message;
  Promise.resolve()
    .then(() => commands[cmd](args ?? {}))
    .then(
      (value) => process.send({ id, ok: true, value }),
      (error) => process.send({ id, ok: false, error: String(error && error.stack ? error.stack : error) }),
    );
});
