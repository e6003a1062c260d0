// `conclave witness new` and `conclave witness show` as real subprocesses of the built
// CLI (dist/cli/conclave.cjs) under plain Node, writing real files; the terminal prompt
// through a real pseudo-terminal (util-linux `script`). The key file opens with the
// passphrase, its signatures verify with openssl against the written PEM, nothing is
// overwritten, and the passphrase appears in no output and no file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { openWitnessKey } from '../../../main/witness/open-witness-key';
import { parseWitnessKey } from '../../../main/witness/witness-key-file';
import { SecretTracker } from '../../helpers/secret-scan';
import { openssl } from '../../helpers/softhsm';
import { signaturePayload } from '../../unit/witness/fixtures';

const repoRoot = join(__dirname, '..', '..', '..');
const cliPath = join(repoRoot, 'dist', 'cli', 'conclave.cjs');
const dir = mkdtempSync(join(tmpdir(), 'conclave-witness-cli-'));
const PASSPHRASE = 'harbor Quill 62 saffron dune';
const secrets = new SecretTracker();
secrets.add('witness passphrase', PASSPHRASE);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function conclave(args: string[], env: Record<string, string> = {}, cwd = dir): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000, stdio: ['pipe', 'pipe', 'pipe'] });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function neverShows(run: Run, secret: string): void {
  assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'the passphrase appears in no output');
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

before(() => {
  if (!existsSync(cliPath)) {
    const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('conclave witness new', () => {
  let made: Run;
  const keyPath = join(dir, 'wanda.witness.json');
  const pemPath = join(dir, 'wanda.pub.pem');

  before(() => {
    made = conclave(['witness', 'new', '--out', 'wanda.witness.json', '--name', 'Wanda Witness', '--passphrase-env', 'WITNESS_PASSPHRASE', '--public-out', 'wanda.pub.pem'], {
      WITNESS_PASSPHRASE: PASSPHRASE,
    });
  });

  test('--passphrase-env: writes the key file (0600) and the public key PEM, prints the fingerprint as hex and words', () => {
    assert.equal(made.status, 0, made.stderr);
    const parsed = parseWitnessKey(readFileSync(keyPath, 'utf8'));
    assert.equal(parsed.name, 'Wanda Witness');
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    assert.equal(statSync(pemPath).mode & 0o777, 0o644);
    const hex = parsed.fingerprint;
    const grouped = hex.match(/.{4}/g)!.join(' ');
    assert.ok(made.stdout.includes(grouped), 'grouped hex');
    assert.ok(made.stdout.includes(hex), 'the 64-digit form for scripts');
    assert.match(made.stdout, /Fingerprint +[0-9a-f ]+\n +([a-z]+ ){5}[a-z]+\n/);
    assert.ok(made.stdout.includes(`Witness key written to ${keyPath}`));
    assert.match(made.stdout, new RegExp(`Public key +${pemPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(made.stdout, /Argon2id +\d+ MiB, \d+ iterations, \d+ lanes/);
    neverShows(made, PASSPHRASE);
  });

  test('the key opens with the passphrase, and openssl verifies its signature with the written PEM', async () => {
    const parsed = parseWitnessKey(readFileSync(keyPath, 'utf8'));
    const signer = await openWitnessKey(parsed, encodePassphrase(PASSPHRASE));
    const payload = signaturePayload('ceremony-cli', 3, 'aa'.repeat(32));
    const signature = await signer.sign(payload);
    signer.close();
    writeFileSync(join(dir, 'payload'), payload);
    writeFileSync(join(dir, 'sig'), signature);
    const out = openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pemPath, '-rawin', '-in', join(dir, 'payload'), '-sigfile', join(dir, 'sig')]);
    assert.match(out, /Signature Verified Successfully/);
  });

  test('refuses to overwrite the key file or the public key file; nothing changes', () => {
    const before = sha(keyPath);
    const again = conclave(['witness', 'new', '--out', keyPath, '--name', 'Wanda Witness', '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists; Conclave never overwrites a file/);
    assert.equal(sha(keyPath), before);
    const pemBefore = sha(pemPath);
    const pemClash = conclave(['witness', 'new', '--out', 'other.witness.json', '--name', 'Otto', '--passphrase-env', 'P', '--public-out', 'wanda.pub.pem'], { P: PASSPHRASE });
    assert.equal(pemClash.status, 1);
    assert.match(pemClash.stderr, /wanda\.pub\.pem already exists/);
    assert.equal(sha(pemPath), pemBefore);
    assert.ok(!existsSync(join(dir, 'other.witness.json')), 'no key file is written when the PEM cannot be');
    neverShows(again, PASSPHRASE);
    neverShows(pemClash, PASSPHRASE);
  });

  test('a weak passphrase is refused with the reason; no file is written and the passphrase is not repeated', () => {
    const weak = 'Password123!';
    const r = conclave(['witness', 'new', '--out', 'weak.witness.json', '--name', 'Walter', '--passphrase-env', 'P'], { P: weak });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not strong enough/);
    assert.ok(!existsSync(join(dir, 'weak.witness.json')));
    neverShows(r, weak);
    const named = conclave(['witness', 'new', '--out', 'named.witness.json', '--name', 'Wanda Witness', '--passphrase-env', 'P'], { P: 'wanda 77 Sunlit orchard' });
    assert.equal(named.status, 1);
    assert.match(named.stderr, /Leave your name out/);
  });

  test('missing passphrase sources and usage errors', () => {
    const unset = conclave(['witness', 'new', '--out', 'x.json', '--name', 'X Y', '--passphrase-env', 'Hunter2IsMySecret']);
    assert.equal(unset.status, 2);
    assert.ok(!unset.stderr.includes('Hunter2IsMySecret'));
    const noTty = conclave(['witness', 'new', '--out', 'x.json', '--name', 'X Y']);
    assert.equal(noTty.status, 2);
    assert.match(noTty.stderr, /standard input is not a terminal/);
    assert.equal(conclave(['witness', 'new', '--name', 'X Y']).status, 2);
    assert.equal(conclave(['witness', 'new', '--out', 'x.json']).status, 2);
    const extra = conclave(['witness', 'new', '--out', 'x.json', '--name', 'X Y', 'my secret words']);
    assert.equal(extra.status, 2);
    assert.ok(!extra.stderr.includes('my secret words'));
    assert.equal(conclave(['witness', 'new', '--out', 'x.json', '--name', ' padded ', '--passphrase-env', 'P'], { P: PASSPHRASE }).status, 2);
    assert.equal(conclave(['witness', 'new', '--out', 'same.pem', '--name', 'X Y', '--public-out', 'same.pem', '--passphrase-env', 'P'], { P: PASSPHRASE }).status, 2);
    const noDir = conclave(['witness', 'new', '--out', 'missing/x.json', '--name', 'X Y', '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(noDir.status, 1);
    assert.match(noDir.stderr, /does not exist/);
    assert.equal(conclave(['witness']).status, 2);
    assert.match(conclave(['witness', 'frobnicate']).stderr, /Unknown witness subcommand/);
    const help = conclave(['help', 'witness']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /conclave witness new --out FILE --name NAME/);
    assert.match(conclave(['--help']).stdout, /witness +/);
    assert.ok(!existsSync(join(dir, 'x.json')));
  });

  test('no file in the folder holds the passphrase in any common encoding', () => {
    const { findings, filesScanned } = secrets.scan([dir]);
    assert.ok(filesScanned >= 2);
    assert.deepEqual(findings, []);
  });
});

describe('conclave witness show', () => {
  const keyPath = join(dir, 'show', 'otto.witness.json');

  before(() => {
    mkdirSync(join(dir, 'show'));
    const r = conclave(['witness', 'new', '--out', keyPath, '--name', 'Otto Observer', '--passphrase-env', 'P'], { P: PASSPHRASE });
    assert.equal(r.status, 0, r.stderr);
  });

  test('prints name, fingerprint (hex and words), KDF and the public key PEM without a passphrase', () => {
    const r = conclave(['witness', 'show', keyPath]);
    assert.equal(r.status, 0, r.stderr);
    const parsed = parseWitnessKey(readFileSync(keyPath, 'utf8'));
    assert.match(r.stdout, /Witness +Otto Observer/);
    assert.match(r.stdout, /Algorithm +Ed25519/);
    assert.ok(r.stdout.includes(parsed.fingerprint.match(/.{4}/g)!.join(' ')));
    assert.ok(r.stdout.includes(`For scripts  ${parsed.fingerprint}`));
    assert.match(r.stdout, /-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]+\n-----END PUBLIC KEY-----/);
  });

  test('--json', () => {
    const r = conclave(['witness', 'show', keyPath, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const parsed = parseWitnessKey(readFileSync(keyPath, 'utf8'));
    assert.equal(out.file, keyPath);
    assert.equal(out.name, 'Otto Observer');
    assert.equal(out.algorithm, 'ed25519');
    assert.equal(out.fingerprintHex, parsed.fingerprint);
    assert.equal(out.fingerprint.words.length, 6);
    assert.equal(out.publicKey, Buffer.from(parsed.publicKeySpki).toString('base64'));
    assert.equal(out.kdf.algorithm, 'argon2id');
    assert.ok(out.kdf.memoryKiB >= 65536);
    assert.ok(!('ciphertext' in out));
  });

  test('a malformed or missing file exits 3 naming what is wrong', () => {
    const o = JSON.parse(readFileSync(keyPath, 'utf8'));
    o.kdf.memoryKiB = 1024;
    const weak = join(dir, 'show', 'weak.witness.json');
    writeFileSync(weak, canonicalJson(o));
    const r = conclave(['witness', 'show', weak]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /malformed at "kdf\.memoryKiB"/);
    const missing = conclave(['witness', 'show', 'nope.json']);
    assert.equal(missing.status, 3);
    assert.match(missing.stderr, /nope\.json does not exist/);
    // An editor's trailing newline is not a problem.
    const newline = join(dir, 'show', 'newline.witness.json');
    writeFileSync(newline, `${readFileSync(keyPath, 'utf8')}\n`);
    assert.equal(conclave(['witness', 'show', newline]).status, 0);
  });
});

describe('conclave witness new from a terminal', () => {
  test('asks twice without echo, and asks again after a weak or mismatched passphrase (real pseudo-terminal)', async (t) => {
    if (!existsSync('/usr/bin/script')) {
      t.skip('util-linux script is not installed');
      return;
    }
    const out = join(dir, 'tty.witness.json');
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} witness new --out ${JSON.stringify(out)} --name "Tia Terminal"`;
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const waiters: Array<{ text: string; count: number; resolve: () => void }> = [];
    const occurrences = (text: string) => output.split(text).length - 1;
    const check = () => {
      for (const w of waiters.splice(0)) {
        if (occurrences(w.text) >= w.count) w.resolve();
        else waiters.push(w);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const prompt = (text: string, count: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ text, count, resolve });
        check();
      });
    // Raw mode is set right after a prompt is written; give it a moment before typing.
    const type = async (text: string) => {
      await new Promise((r) => setTimeout(r, 300));
      child.stdin.write(`${text}\r`);
    };
    const first = 'New passphrase for the witness key of Tia Terminal';
    await prompt(first, 1);
    await type('short');
    await prompt(first, 2);
    await type(PASSPHRASE);
    await prompt('Type the same passphrase again', 1);
    await type(`${PASSPHRASE}x`);
    await prompt(first, 3);
    await type(PASSPHRASE);
    await prompt('Type the same passphrase again', 2);
    await type(PASSPHRASE);
    const status = await exited;
    assert.equal(status, 0, output);
    assert.match(output, /Use at least 12 characters/);
    assert.match(output, /The two passphrases differ/);
    assert.match(output, /Witness key written to/);
    assert.ok(!output.includes(PASSPHRASE), 'the typed passphrase is not echoed');
    assert.ok(!output.includes('short'), 'the weak attempt is not echoed');
    const signer = await openWitnessKey(parseWitnessKey(readFileSync(out, 'utf8')), encodePassphrase(PASSPHRASE));
    signer.close();
  });
});
