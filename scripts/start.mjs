// `npm start`: runs the Conclave desktop app from this checkout. Builds first when dist/
// is incomplete, fetches the Electron binary when it was never downloaded (npm 11 does
// not run electron's install script), refuses clearly when there is no display, then
// hands the terminal over to Electron and exits with its exit code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_OUTPUTS = [
  'dist/main/main.cjs',
  'dist/preload/preload.cjs',
  'dist/native/hsm-worker.cjs',
  'dist/renderer/index.html',
  'dist/renderer/app.js',
];

function stop(lines) {
  console.error(lines.join('\n'));
  process.exit(1);
}

function ensureBuilt() {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(join(root, file)));
  if (missing.length === 0) return;
  console.log(`Building Conclave first (${missing.join(', ')} missing)…`);
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) stop(['The build failed (see above), so Conclave cannot start. Fix the error and run `npm start` again.']);
}

/** The first line of the installer's error, which names the cause (e.g. ENOTFOUND github.com). */
function firstErrorLine(text) {
  return (text ?? '').split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'the installer reported nothing';
}

function ensureElectron() {
  let electron = findElectronBinary(root);
  if (electron.present) return electron;
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) stop([`Conclave cannot start: ${electron.reason}.`]);

  console.log(`The Electron ${electron.version} runtime is not installed yet: ${electron.reason}. Downloading it once…`);
  const install = spawnSync(process.execPath, [installer], {
    cwd: dirname(installer),
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
  });
  electron = findElectronBinary(root);
  if (electron.present) return electron;

  const cause = install.error
    ? install.error.message
    : process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
      ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the installer skipped the download'
      : firstErrorLine(install.stderr);
  stop([
    `Conclave's desktop window needs the Electron ${electron.version} runtime, and it could not be downloaded: ${cause}.`,
    '',
    'To get it, do one of these, then run `npm start` again:',
    '  - on a machine with internet access, run `node node_modules/electron/install.js` in this checkout;',
    '  - set ELECTRON_MIRROR to a mirror you can reach (https://www.electronjs.org/docs/latest/tutorial/installation#mirror);',
    `  - unpack electron-v${electron.version}-linux-${process.arch}.zip from a trusted source and set ELECTRON_OVERRIDE_DIST_PATH to that folder.`,
    '',
    'The command-line checks work without Electron: `npx conclave doctor` (and `npx conclave tokens`).',
  ]);
}

function ensureDisplay() {
  if (process.platform !== 'linux') return;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  stop([
    'Conclave cannot open its window: there is no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).',
    'Start it from a desktop session, or on a headless machine run `xvfb-run -a npm start`.',
    'The command-line checks work without a display: `npx conclave doctor`.',
  ]);
}

ensureBuilt();
const electron = ensureElectron();
ensureDisplay();

const env = { ...process.env };
// With this set, the Electron binary would run as plain Node instead of the app.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron.path, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('error', (error) => stop([`Could not start Electron at ${electron.path}: ${error.message}`]));
child.on('exit', (code, signal) => {
  if (signal) console.error(`Conclave was stopped by ${signal}.`);
  process.exit(code ?? 1);
});
