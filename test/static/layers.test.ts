import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './source-files';

interface Problem {
  file: string;
  line: number;
  spec: string;
  reason: string;
}
type CheckLayers = (root: string) => Problem[];

let checkLayers: CheckLayers;
let fixture: string;

const write = (rel: string, text: string) => {
  const path = join(fixture, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

before(async () => {
  ({ checkLayers } = (await import(pathToFileURL(join(ROOT, 'scripts', 'check-layers.mjs')).href)) as { checkLayers: CheckLayers });
  fixture = mkdtempSync(join(tmpdir(), 'conclave-layers-'));
  // Targets the fixture files import, so every import resolves to a real file.
  write('preload/contract.ts', 'export const contract = {};\nexport type Channel = string;\n');
  write('main/thing.ts', 'export const thing = 1;\n');
  write('main/ipc/router.ts', 'export const createRouter = () => null;\n');
  write('main/shell/window-options.ts', 'export const windowOptions = () => ({});\n');
});

after(() => rmSync(fixture, { recursive: true, force: true }));

function problemsOf(file: string): Problem[] {
  return checkLayers(fixture).filter((p) => p.file.split('\\').join('/') === file);
}

describe('layer rules on this repository', () => {
  it('hold', () => {
    const problems = checkLayers(ROOT).map((p) => `${p.file}:${p.line}: "${p.spec}": ${p.reason}`);
    assert.deepEqual(problems, []);
  });
});

describe('layer checker catches each kind of violation', () => {
  const cases: { name: string; file: string; text: string; reason: RegExp }[] = [
    { name: 'renderer importing node:fs', file: 'renderer/bad-fs.ts', text: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", reason: /renderer\/ may not use Node built-in "node:fs"/ },
    { name: 'renderer requiring fs', file: 'renderer/bad-require.ts', text: "const fs = require('fs');\nexport { fs };\n", reason: /may not use Node built-in "fs"/ },
    { name: 'renderer importing electron', file: 'renderer/bad-electron.tsx', text: "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", reason: /only main\/shell\/ and preload\/index\.ts may import electron/ },
    { name: 'renderer value-importing preload/contract', file: 'renderer/bad-contract.ts', text: "import { contract } from '../preload/contract';\nexport const c = contract;\n", reason: /renderer\/ may import only types from preload\/contract/ },
    { name: 'renderer importing main', file: 'renderer/bad-main.ts', text: "import { thing } from '../main/thing';\nexport const t = thing;\n", reason: /renderer\/ may not import main\// },
    { name: 'native importing main', file: 'native/bad-main.ts', text: "import { thing } from '../main/thing';\nexport const t = thing;\n", reason: /native\/ may import only native\// },
    { name: 'main domain importing electron', file: 'main/room/bad-electron.ts', text: "import { app } from 'electron';\nexport const a = app;\n", reason: /only main\/shell\/ and preload\/index\.ts may import electron/ },
    { name: 'main domain importing the shell', file: 'main/ipc/bad-shell.ts', text: "import { windowOptions } from '../shell/window-options';\nexport const w = windowOptions;\n", reason: /only main\/shell\/ may import the Electron shell/ },
    { name: 'preload importing main', file: 'preload/bad-main.ts', text: "import { createRouter } from '../main/ipc/router';\nexport const r = createRouter;\n", reason: /preload\/ may import only preload\// },
    { name: 'preload (not its entry) importing electron', file: 'preload/bad-electron.ts', text: "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n", reason: /only main\/shell\/ and preload\/index\.ts may import electron/ },
  ];

  before(() => {
    for (const c of cases) write(c.file, c.text);
    // Allowed counterparts: the checker must not flag these.
    write('renderer/ok-types.ts', "import type { Channel } from '../preload/contract';\nexport type C = Channel;\n");
    write('main/shell/ok-electron.ts', "import { app } from 'electron';\nexport const a = app;\n");
    write('preload/index.ts', "import { contextBridge } from 'electron';\nimport { contract } from './contract';\ncontextBridge.exposeInMainWorld('x', contract);\n");
    write('main/room/ok-native.ts', "import { readFileSync } from 'node:fs';\nimport { contract } from '../../preload/contract';\nexport const x = [readFileSync, contract];\n");
  });

  for (const c of cases) {
    it(`flags ${c.name}`, () => {
      const problems = problemsOf(c.file);
      assert.equal(problems.length, 1, `expected one problem in ${c.file}, got ${JSON.stringify(problems)}`);
      assert.match(problems[0]!.reason, c.reason);
      assert.equal(problems[0]!.line, 1, 'the problem names the line of the import');
    });
  }

  it('accepts the allowed counterparts', () => {
    for (const file of ['renderer/ok-types.ts', 'main/shell/ok-electron.ts', 'preload/index.ts', 'main/room/ok-native.ts']) {
      assert.deepEqual(problemsOf(file), [], file);
    }
  });
});
