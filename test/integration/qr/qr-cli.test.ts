// `conclave qr decode` end to end: the built CLI (dist/cli/conclave.cjs) as a real
// subprocess under plain Node, on frame files written by writeQrFolder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256Hex } from '../../../main/files/atomic-write';
import { frameFileName, framePng, writeQrFolder, type QrFolder } from '../../../main/qr/index';
import { requireTool, seededPayload } from './qr-helpers';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const cliPath = join(repoRoot, 'dist', 'cli', 'conclave.cjs');

/** Rebuilds dist/ when the CLI bundle is missing or older than the sources it is made from. */
function ensureBuilt(): void {
  const sources = ['main/cli/qr.ts', 'main/cli/args.ts', 'main/cli/run.ts', 'main/qr/decoder.ts', 'main/qr/folder.ts', 'main/qr/ur.ts'];
  const newest = Math.max(...sources.map((s) => statSync(join(repoRoot, s)).mtimeMs));
  if (existsSync(cliPath) && statSync(cliPath).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed:\n${r.stderr}`);
}

function conclave(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

requireTool('zbarimg');
const temp = mkdtempSync(join(tmpdir(), 'conclave-qr-cli-'));
const payload = seededPayload(2400, 'cli bundle');
let folder: QrFolder;
let frames: string[];

before(async () => {
  ensureBuilt();
  folder = await writeQrFolder(join(temp, 'qr'), payload);
  frames = folder.frames.texts.map((_, i) => join('qr', frameFileName(i)));
});
after(() => rmSync(temp, { recursive: true, force: true }));

describe('conclave qr decode', () => {
  test('rebuilds the bundle from its frames in any order, prints its SHA-256 and the frames used', () => {
    const out = join(temp, 'bundle.bin');
    const r = conclave(['qr', 'decode', ...[...frames].reverse(), '--out', 'bundle.bin'], temp);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(out)), payload);
    const sha = sha256Hex(payload);
    assert.match(r.stdout, new RegExp(`^SHA-256  ${sha}$`, 'm'));
    assert.match(r.stdout, new RegExp(`Decoded a bundle of 2400 bytes from ${frames.length} image\\(s\\): (\\d+) frame\\(s\\) used, (\\d+) not needed`));
    const [, used, unneeded] = /(\d+) frame\(s\) used, (\d+) not needed/.exec(r.stdout)!;
    assert.equal(Number(used) + Number(unneeded), frames.length);
    assert.equal(Number(used), folder.frames.fragments);
    assert.match(r.stdout, new RegExp(`Written  ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  test('never overwrites an existing file', () => {
    const out = join(temp, 'existing.bin');
    writeFileSync(out, 'keep me');
    const r = conclave(['qr', 'decode', ...frames, '--out', out], temp);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already exists; Conclave never overwrites a file/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me');
  });

  test('too few frames: exit 1, says how many more are needed, writes nothing', () => {
    const out = join(temp, 'incomplete.bin');
    const r = conclave(['qr', 'decode', ...frames.slice(0, 5), '--out', out], temp);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`5 of its ${folder.frames.fragments} fragments are known; at least ${folder.frames.fragments - 5} more frame\\(s\\) are needed`));
    assert.match(r.stderr, /Nothing was written\./);
    assert.match(r.stderr, /What to do: Add more frames/);
    assert.equal(existsSync(out), false);
  });

  test('a damaged frame: exit 1, the file and the reason named, writes nothing', () => {
    mkdirSync(join(temp, 'bad'), { recursive: true });
    const text = folder.frames.texts[0]!;
    const at = text.length - 12;
    writeFileSync(join(temp, 'bad', 'edited.png'), framePng(text.slice(0, at) + (text[at] === 'Z' ? 'Y' : 'Z') + text.slice(at + 1)));
    const out = join(temp, 'damaged.bin');
    const r = conclave(['qr', 'decode', ...frames, 'bad/edited.png', '--out', out], temp);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /edited\.png: The frame is damaged/);
    assert.match(r.stderr, /Frames: \d+ used, \d+ not needed, 1 refused/);
    assert.equal(existsSync(out), false);
  });

  test('usage errors exit 2; help describes the command', () => {
    assert.equal(conclave(['qr', 'decode', '--out', 'x.bin'], temp).status, 2);
    assert.match(conclave(['qr', 'decode', ...frames], temp).stderr, /needs --out FILE/);
    assert.equal(conclave(['qr', 'encode'], temp).status, 2);
    const help = conclave(['help', 'qr'], temp);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: conclave qr decode IMAGE\.\.\. --out FILE/);
    assert.match(conclave(['--help'], temp).stdout, /qr decode IMAGE\.\.\. --out FILE/);
  });
});
