import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './source-files';

// `npm start` (scripts/start.mjs) run for real, with ELECTRON_OVERRIDE_DIST_PATH pointing
// at a folder this test controls: empty (no Electron), or holding a stand-in `electron`
// executable that records how it was started.
let base: string;
let empty: string;
let fake: string;
let record: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'conclave-start-'));
  empty = join(base, 'empty');
  fake = join(base, 'fake');
  record = join(base, 'record.txt');
  mkdirSync(empty);
  mkdirSync(fake);
  const script = `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\necho "RUN_AS_NODE=\${ELECTRON_RUN_AS_NODE:-unset}" >> '${record}'\nexit 7\n`;
  writeFileSync(join(fake, 'electron'), script);
  chmodSync(join(fake, 'electron'), 0o755);
});

after(() => rmSync(base, { recursive: true, force: true }));

function start(env: Record<string, string | undefined>) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !['DISPLAY', 'WAYLAND_DISPLAY', 'ELECTRON_SKIP_BINARY_DOWNLOAD', 'ELECTRON_OVERRIDE_DIST_PATH'].includes(k)) clean[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--flag'], { cwd: ROOT, env: clean, encoding: 'utf8', timeout: 120_000 });
}

describe('npm start (scripts/start.mjs)', () => {
  it('explains a missing Electron binary, how to get it, and that the CLI works without it', () => {
    const run = start({ ELECTRON_OVERRIDE_DIST_PATH: empty, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', DISPLAY: ':0' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /needs the Electron \d+\.\d+\.\d+ runtime, and it could not be downloaded: ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
    assert.match(run.stderr, /node node_modules\/electron\/install\.js/);
    assert.match(run.stderr, /npx conclave doctor/);
  });

  it('refuses to start without a display, and says what to do', () => {
    const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no graphical display \(neither DISPLAY nor WAYLAND_DISPLAY is set\)/);
    assert.match(run.stderr, /xvfb-run -a npm start/);
  });

  it('starts Electron on the app, passing arguments on and the exit code back', () => {
    rmSync(record, { force: true });
    const run = start({ ELECTRON_OVERRIDE_DIST_PATH: fake, DISPLAY: ':99', ELECTRON_RUN_AS_NODE: '1' });
    assert.equal(run.status, 7, run.stderr);
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    assert.deepEqual(lines, [ROOT, '--flag', 'RUN_AS_NODE=unset']);
  });
});
