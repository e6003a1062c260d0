// TypeScript strict mode is part of the test command: the Node layers and the renderer
// (DOM types only, no Node) must both compile without an error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function typecheck(project: string): void {
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc -p ${project} reported errors:\n${run.stdout}${run.stderr}`);
}

describe('TypeScript strict', () => {
  it('main, native, preload and test compile without errors', { timeout: 240_000 }, () => typecheck('tsconfig.json'));
  it('the renderer compiles with DOM types only', { timeout: 240_000 }, () => typecheck('renderer/tsconfig.json'));
});
