import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import ts from 'typescript';
import { join } from 'node:path';
import { CHANNELS, EVENTS, ipcChannel } from '../../preload/contract';
import { listSources, ROOT } from './source-files';

const BUNDLE = join(ROOT, 'dist', 'preload', 'preload.cjs');
let code: string;

before(() => {
  // Build when the bundle is missing or older than its sources (npm test builds first).
  const newest = Math.max(...listSources(join(ROOT, 'preload')).map((f) => statSync(f).mtimeMs));
  if (!existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < newest) {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `the build failed:\n${build.stderr}`);
  }
  code = readFileSync(BUNDLE, 'utf8');
});

describe('preload bundle (dist/preload/preload.cjs)', () => {
  it("requires nothing but 'electron', as a sandboxed preload must", () => {
    // Walk the bundle's syntax tree, so text in comments and strings does not count.
    const source = ts.createSourceFile(BUNDLE, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const loads: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const isRequire = ts.isIdentifier(callee) && (callee.text === 'require' || callee.text === '__require');
        if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) {
          const arg = node.arguments[0];
          loads.push(arg && ts.isStringLiteralLike(arg) ? arg.text : `(computed: ${arg ? arg.getText(source).slice(0, 40) : ''})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    assert.deepEqual([...new Set(loads)], ['electron']);
  });

  it('exposes the API as window.conclave through contextBridge', () => {
    assert.match(code, /contextBridge\.exposeInMainWorld\(\s*["']conclave["']/);
    assert.doesNotMatch(code, /exposeInMainWorld\(\s*["'](?!conclave["'])/, 'nothing else is exposed');
  });

  it('carries every contract channel and event name, so the bridge matches the contract', () => {
    for (const name of [...CHANNELS, ...EVENTS]) assert.ok(code.includes(`${name}:`) || code.includes(`"${name}"`), `${ipcChannel(name)} is in the bundle`);
  });
});
