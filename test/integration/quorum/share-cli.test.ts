// `conclave share inspect` and `conclave share check` as real subprocesses of the built
// CLI (dist/cli/conclave.cjs) under plain Node, on real envelope files; the terminal
// prompt through a real pseudo-terminal (util-linux `script`). The passphrase never
// appears in any output.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { encodeShares, parseEnvelope } from '../../../main/quorum/envelope';
import { deriveKey } from '../../../main/quorum/kdf';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { PASSPHRASE, groupPolicy, randomSecret, sealedEnvelope } from '../../unit/quorum/fixtures';

const repoRoot = join(__dirname, '..', '..', '..');
const cliPath = join(repoRoot, 'dist', 'cli', 'conclave.cjs');
const dir = mkdtempSync(join(tmpdir(), 'conclave-share-cli-'));
const files: Record<string, string> = {};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function conclave(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000, stdio: ['pipe', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function neverShows(run: Run, secret: string): void {
  assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'the passphrase appears in no output');
}

before(async () => {
  if (!existsSync(cliPath)) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  }
  const flat = await sealedEnvelope();
  files.flat = join(dir, 'bob.share.json');
  writeFileSync(files.flat, flat.text);
  const grouped = await sealedEnvelope({ policy: groupPolicy(), index: 4 });
  files.grouped = join(dir, 'dave.share.json');
  writeFileSync(files.grouped, grouped.text);

  // Authentic under the right passphrase, but holding shares that do not match the
  // commitments in its metadata: only the commitment check can catch it.
  const parsed = parseEnvelope(flat.text);
  const key = await deriveKey(encodePassphrase(PASSPHRASE), parsed.kdf);
  const forged = xchacha20poly1305(key, parsed.aead.nonce, parsed.associatedData).encrypt(encodeShares({ 'user-pin': randomSecret(33), 'so-pin': randomSecret(33) }));
  const o = JSON.parse(flat.text);
  o.ciphertext = Buffer.from(forged).toString('base64');
  files.forged = join(dir, 'forged.share.json');
  writeFileSync(files.forged, canonicalJson(o));

  const tampered = JSON.parse(flat.text);
  tampered.metadata.custodian.name = 'Mallory';
  files.tampered = join(dir, 'tampered.share.json');
  writeFileSync(files.tampered, canonicalJson(tampered));

  const malformed = JSON.parse(flat.text);
  malformed.kdf.memoryKiB = 1024;
  files.malformed = join(dir, 'weak.share.json');
  writeFileSync(files.malformed, canonicalJson(malformed));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('conclave share inspect', () => {
  test('prints ceremony, custodian, index, threshold and total, KDF, fingerprint and rehearsal without a passphrase', () => {
    const r = conclave(['share', 'inspect', 'bob.share.json']);
    assert.equal(r.status, 0, r.stderr);
    const info = parseEnvelope(readFileSync(files.flat!, 'utf8'));
    assert.match(r.stdout, /Ceremony +ceremony-2025-01/);
    assert.match(r.stdout, /Custodian +Bob \(custodian 2 of 5\)/);
    assert.match(r.stdout, /Policy +3 of 5/);
    assert.match(r.stdout, /Argon2id +64 MiB, 3 iterations, 4 lanes/);
    assert.ok(r.stdout.includes(info.fingerprint.hex));
    assert.ok(r.stdout.includes(info.fingerprint.words.join(' ')));
    assert.match(r.stdout, /Rehearsal +no/);
  });

  test('groups are shown', () => {
    const r = conclave(['share', 'inspect', files.grouped!]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Group +operations/);
    assert.match(r.stdout, /Groups +security needs 2; operations needs 1; 2 of 2 groups needed/);
  });

  test('--json', () => {
    const r = conclave(['share', 'inspect', files.grouped!, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.custodian, 'Dave');
    assert.equal(out.index, 4);
    assert.equal(out.threshold, 3);
    assert.equal(out.total, 5);
    assert.deepEqual(out.groups, [{ name: 'security', threshold: 2 }, { name: 'operations', threshold: 1 }]);
    assert.deepEqual(out.kdf, { algorithm: 'argon2id', version: 19, memoryKiB: 65536, iterations: 3, parallelism: 4 });
    assert.equal(out.fingerprint.words.length, 6);
    assert.equal(out.rehearsal, false);
  });

  test('a malformed or missing envelope exits 3 naming what is wrong', () => {
    const weak = conclave(['share', 'inspect', files.malformed!]);
    assert.equal(weak.status, 3);
    assert.match(weak.stderr, /malformed at "kdf\.memoryKiB"/);
    const missing = conclave(['share', 'inspect', 'nope.json']);
    assert.equal(missing.status, 3);
    assert.match(missing.stderr, /nope\.json does not exist/);
  });
});

describe('conclave share check', () => {
  test('--passphrase-env: opens and the commitment holds (exit 0)', () => {
    const r = conclave(['share', 'check', files.flat!, '--passphrase-env', 'CUSTODIAN_PASSPHRASE'], { CUSTODIAN_PASSPHRASE: PASSPHRASE });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /opens; commitment holds/);
    neverShows(r, PASSPHRASE);
  });

  test('a wrong passphrase exits 1 and says so', () => {
    const wrong = 'violet anchor 58 drizzle';
    const r = conclave(['share', 'check', files.flat!, '--passphrase-env', 'P'], { P: wrong });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /passphrase does not open the envelope of Bob/);
    neverShows(r, wrong);
  });

  test('an altered envelope does not open (exit 1); a forged share fails its commitment (exit 1)', () => {
    const altered = conclave(['share', 'check', files.tampered!, '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(altered.status, 1);
    assert.match(altered.stderr, /does not open/);
    neverShows(altered, PASSPHRASE);
    const forged = conclave(['share', 'check', files.forged!, '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(forged.status, 1);
    assert.match(forged.stderr, /does not match its commitment/);
    neverShows(forged, PASSPHRASE);
  });

  test('a malformed envelope exits 3 before asking for a passphrase', () => {
    const r = conclave(['share', 'check', files.malformed!, '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /kdf\.memoryKiB/);
    neverShows(r, PASSPHRASE);
  });

  test('without a terminal and without --passphrase-env: exit 2 with a clear message', () => {
    const r = conclave(['share', 'check', files.flat!]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /standard input is not a terminal, and --passphrase-env was not given/);
  });

  test('an unset variable exits 2 without repeating its name', () => {
    const r = conclave(['share', 'check', files.flat!, '--passphrase-env', 'Hunter2IsMySecret']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /environment variable named by --passphrase-env is not set/);
    assert.ok(!r.stderr.includes('Hunter2IsMySecret'));
  });

  test('usage errors exit 2; extra words are not echoed', () => {
    assert.equal(conclave(['share']).status, 2);
    assert.match(conclave(['share', 'frobnicate', 'x']).stderr, /Unknown share subcommand/);
    const extra = conclave(['share', 'check', files.flat!, 'my secret words']);
    assert.equal(extra.status, 2);
    assert.ok(!extra.stderr.includes('my secret words'));
    assert.equal(conclave(['share', 'inspect']).status, 2);
    const help = conclave(['help', 'share']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /conclave share check FILE \[--passphrase-env VAR\]/);
    assert.match(conclave(['--help']).stdout, /share +A custodian's self-check/);
  });

  test('from a terminal: prompts, reads without echo, opens (real pseudo-terminal)', async (t) => {
    if (!existsSync('/usr/bin/script')) {
      t.skip('util-linux script is not installed');
      return;
    }
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} share check ${JSON.stringify(files.flat)}`;
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const prompted = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Passphrase for the envelope of Bob')) resolve();
      });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await prompted;
    // Raw mode is set right after the prompt is written; give it a moment before typing.
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.write(`${PASSPHRASE}\r`);
    const status = await exited;
    assert.equal(status, 0, output);
    assert.match(output, /opens; commitment holds/);
    assert.ok(!output.includes(PASSPHRASE), 'the typed passphrase is not echoed');
  });
});
