// Crash-safe resume: the rehearsal runner is killed (SIGKILL, from inside, at a named
// point) at every step, then resumed; the result is always a sealed transcript whose
// chain and signatures verify, with exactly one key-generated per key — and a key the
// token made before the crash could record it is adopted, never generated again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rehearsalScript } from '../../../main/ceremony/engine';
import type { ChainEntry } from '../../../main/transcript';
import { conclave, verifiedTranscript } from './cli-run';

const STEPS = rehearsalScript('00'.repeat(32)).steps.map((s) => s.id);
const KEY_STEPS = ['ceremony-key', 'root-key', 'key-encryption-key', 'generate-data-key'];
const LABELS = ['ceremony-rehearsal-root', 'rehearsal-data-key', 'root-kek', 'root-signing-key'];
/** The token also holds the transport key the rehearsal set up with the recipient token before the ceremony. */
const ON_TOKEN = [...LABELS, 'rehearsal-transport-kek'].sort();

function keyEntries(entries: ChainEntry[]) {
  return entries.flatMap((e) => (e.entry.type === 'key-generated' ? [e.entry.data] : []));
}

function keysOnToken(dir: string): string[] {
  const pins = JSON.parse(readFileSync(join(dir, 'rehearsal-token', 'rehearsal-pins.json'), 'utf8')) as { userPin: string };
  const listing = execFileSync(
    'pkcs11-tool',
    ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 'CONCLAVE REHEARSAL', '--login', '--pin', pins.userPin, '-O'],
    { env: { ...process.env, SOFTHSM2_CONF: join(dir, 'rehearsal-token', 'softhsm2.conf') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return listing
    .split(/\n(?=\S)/)
    .filter((b) => b.startsWith('Private Key Object') || b.startsWith('Secret Key Object'))
    .map((b) => /label:\s+(\S+)/.exec(b)![1]!)
    .sort();
}

function crashAndResume(t: { after: (fn: () => void) => void }, point: string) {
  const base = mkdtempSync(join(tmpdir(), 'conclave-resume-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ceremony');
  const crashed = conclave(['rehearse', '--out', dir], { CONCLAVE_TEST_CRASH_AFTER: point });
  assert.equal(crashed.signal, 'SIGKILL', `expected the runner to be killed at ${point}: ${crashed.stdout}\n${crashed.stderr}`);
  const resumed = conclave(['rehearse', '--resume', dir]);
  assert.equal(resumed.status, 0, `resume after ${point}: ${resumed.stdout}\n${resumed.stderr}`);
  const entries = verifiedTranscript(dir);
  const keys = keyEntries(entries);
  assert.deepEqual(keys.map((k) => k.label).sort(), LABELS, `one key-generated per key after ${point}`);
  assert.deepEqual(keysOnToken(dir), ON_TOKEN, `one key per label on the token after ${point}`);
  assert.equal(entries.filter((e) => e.entry.type === 'resumed').length, 1);
  assert.equal(conclave(['verify', dir]).status, 0);
  return keys;
}

test('kill -9 right after each step starts, then resume: the ceremony completes and verifies', async (t) => {
  assert.equal(STEPS.length, 14);
  for (const step of STEPS) {
    await t.test(`killed after ${step} started`, () => {
      crashAndResume(t, `${step}:started`);
    });
  }
});

test('kill -9 after the token made a key but before the transcript recorded it: the key is adopted', async (t) => {
  for (const step of KEY_STEPS) {
    await t.test(`killed inside ${step}`, () => {
      const keys = crashAndResume(t, `${step}:key-made`);
      const adopted = keys.filter((k) => k.adopted).map((k) => k.label);
      assert.equal(adopted.length, 1, `exactly the interrupted key is adopted: ${adopted.join(', ')}`);
    });
  }
});

test('kill -9 right after a step completed, then resume', async (t) => {
  crashAndResume(t, 'quorum-setup:completed');
});

test('kill -9 after the bundle file was written but before it was recorded: the bundle is adopted, never wrapped again', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-resume-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ceremony');
  const crashed = conclave(['rehearse', '--out', dir], { CONCLAVE_TEST_CRASH_AFTER: 'export-data-key:files-written' });
  assert.equal(crashed.signal, 'SIGKILL', `${crashed.stdout}\n${crashed.stderr}`);
  const bundleDir = join(dir, 'bundles');
  const [name] = readdirSync(bundleDir);
  const written = readFileSync(join(bundleDir, name!));
  const resumed = conclave(['rehearse', '--resume', dir]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.deepEqual(readFileSync(join(bundleDir, name!)), written);
  const entries = verifiedTranscript(dir);
  const completed = entries.find((e) => e.entry.type === 'step-completed' && e.entry.data.step === 'export-data-key');
  assert.ok(completed && completed.entry.type === 'step-completed');
  assert.equal((completed.entry.data.result as { adopted?: unknown }).adopted, true);
  assert.equal(entries.filter((e) => e.entry.type === 'file-written' && e.entry.data.path === `bundles/${name}`).length, 1);
  assert.equal(conclave(['verify', dir]).status, 0);
});

test('a torn final entry left by the crash is cut, recorded, and the ceremony resumes', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-resume-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ceremony');
  const crashed = conclave(['rehearse', '--out', dir], { CONCLAVE_TEST_CRASH_AFTER: 'root-key:started' });
  assert.equal(crashed.signal, 'SIGKILL');
  // What a write cut short by the crash leaves: part of a line, no newline.
  appendFileSync(join(dir, 'transcript.jsonl'), '{"actor":{"name":"conclave","role":"sys');
  const resumed = conclave(['rehearse', '--resume', dir]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  const entries = verifiedTranscript(dir);
  const cut = entries.find((e) => e.entry.type === 'torn-entry-cut')!.entry;
  assert.ok(cut.type === 'torn-entry-cut' && cut.data.reason === 'no-newline' && cut.data.bytes === 39);
  assert.deepEqual(keyEntries(entries).map((k) => k.label).sort(), LABELS);
});

test('kill -9 after sealed but before the folder was finalized: resume only finalizes it', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-resume-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ceremony');
  const crashed = conclave(['rehearse', '--out', dir], { CONCLAVE_TEST_CRASH_AFTER: 'seal:completed' });
  assert.equal(crashed.signal, 'SIGKILL');
  const before = readFileSync(join(dir, 'transcript.jsonl'));
  const resumed = conclave(['rehearse', '--resume', dir]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.deepEqual(readFileSync(join(dir, 'transcript.jsonl')), before, 'nothing is added after sealed');
  verifiedTranscript(dir);
  assert.equal(conclave(['verify', dir]).status, 0);
});
