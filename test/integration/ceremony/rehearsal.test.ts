// `conclave rehearse` end to end on a fresh SoftHSM2 token: a sealed folder whose
// transcript verifies, `conclave verify` accepts, no secret outside the answers file and
// the rehearsal token, and a root key the token itself reports as non-extractable; then
// the rehearsal bundle is imported by hand into the recipient token beside it, as the
// rehearse output says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRehearsalAnswers, trackRehearsalSecrets } from '../../helpers/rehearsal-answers';
import { listFiles, SecretTracker } from '../../helpers/secret-scan';
import { conclave, verifiedTranscript } from './cli-run';

test('conclave rehearse --out DIR: sealed, verified, no secret leaked, root key non-extractable', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-rehearse-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const dir = join(base, 'ceremony');

  const run = conclave(['rehearse', '--out', dir]);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /Root key "root-signing-key" \(ec-p384\) fingerprint:\n {2}[0-9a-f]{4}( [0-9a-f]{4}){15}\n {2}[a-z]+( [a-z]+){5}/);
  assert.match(run.stdout, /pkcs11-tool --module /);

  const entries = verifiedTranscript(dir);
  const keys = entries.filter((e) => e.entry.type === 'key-generated');
  assert.deepEqual(keys.map((k) => k.entry.type === 'key-generated' && k.entry.data.label).sort(), ['ceremony-rehearsal-root', 'rehearsal-data-key', 'root-kek', 'root-signing-key']);
  const printed = /fingerprint:\n {2}([0-9a-f ]+)\n/.exec(run.stdout)![1];
  const root = keys.find((k) => k.entry.type === 'key-generated' && k.entry.data.label === 'root-signing-key')!.entry;
  assert.equal(root.type === 'key-generated' && root.data.fingerprint?.hex, printed);

  const verify = conclave(['verify', dir]);
  assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);

  // Secrets: every passphrase and PIN the rehearsal used, searched in every file but the two allowed places.
  const answers = readRehearsalAnswers(join(dir, 'rehearsal-answers.json'));
  const pins = JSON.parse(readFileSync(join(dir, 'rehearsal-token', 'rehearsal-pins.json'), 'utf8')) as { soPin: string; userPin: string };
  const secrets = new SecretTracker();
  trackRehearsalSecrets(secrets, answers);
  secrets.add('SO PIN after setup', pins.soPin);
  secrets.add('user PIN after setup', pins.userPin);
  assert.equal(secrets.size, 12);
  const tokenFiles = listFiles(join(dir, 'rehearsal-token'));
  const { findings, filesScanned } = secrets.scan([dir], { allow: [join(dir, 'rehearsal-answers.json'), ...tokenFiles] });
  assert.ok(filesScanned >= 10, `only ${filesScanned} files scanned`);
  assert.deepEqual(findings, []);

  // The token itself, through an outside tool.
  const listing = execFileSync(
    'pkcs11-tool',
    ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 'CONCLAVE REHEARSAL', '--login', '--pin', pins.userPin, '-O'],
    { env: { ...process.env, SOFTHSM2_CONF: join(dir, 'rehearsal-token', 'softhsm2.conf') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const privateRoot = listing.split(/\n(?=\S)/).find((block) => block.startsWith('Private Key Object') && /label:\s+root-signing-key/.test(block));
  assert.ok(privateRoot, listing);
  assert.match(privateRoot, /never extractable/);
  assert.match(privateRoot, /Access:\s+sensitive/);
  assert.doesNotMatch(privateRoot, /Access:[^\n]*\bextractable\b(?<!never extractable)/);

  // The bundle, as the rehearse output says to try it: file and QR frames hold the same bytes.
  const bundles = readdirSync(join(dir, 'bundles'));
  assert.deepEqual(bundles, ['rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json']);
  const bundle = join(dir, 'bundles', bundles[0]!);
  assert.match(run.stdout, /--token "CONCLAVE RECIPIENT" --pin-env RECIPIENT_PIN --allow-rehearsal/);
  const qrDir = join(dir, 'qr', 'rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL');
  const frames = readdirSync(qrDir).filter((f) => f.endsWith('.png')).map((f) => join(qrDir, f));
  assert.ok(frames.length >= 1);
  const decoded = join(base, 'from-qr.json');
  const qr = conclave(['qr', 'decode', ...frames, '--out', decoded]);
  assert.equal(qr.status, 0, qr.stderr);
  assert.deepEqual(readFileSync(decoded), readFileSync(bundle));
  const zbar = execFileSync('zbarimg', ['--raw', '-q', frames[0]!], { encoding: 'utf8' });
  assert.match(zbar, /^UR:CONCLAVE-BUNDLE\//i);

  const softhsm = { SOFTHSM2_CONF: join(dir, 'rehearsal-token', 'softhsm2.conf'), RECIPIENT_PIN: answers.rehearsalRecipient.userPin };
  const rootPem = join(dir, 'root-public.pem');
  const importArgs = ['bundle', 'import', bundle, '--root', rootPem, '--module', '/usr/lib/softhsm/libsofthsm2.so', '--token', 'CONCLAVE RECIPIENT', '--pin-env', 'RECIPIENT_PIN', '--root-fingerprint', printed!.replace(/ /g, ''), '--records', join(base, 'imports')];
  const refused = conclave(importArgs, softhsm);
  assert.equal(refused.status, 1, `${refused.stdout}\n${refused.stderr}`);
  assert.match(`${refused.stdout}${refused.stderr}`, /rehearsal/i);
  const imported = conclave([...importArgs, '--allow-rehearsal'], softhsm);
  assert.equal(imported.status, 0, `${imported.stdout}\n${imported.stderr}`);
  assert.match(imported.stdout, /IMPORTED {2}"rehearsal-data-key"/);
  const recipientListing = execFileSync(
    'pkcs11-tool',
    ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 'CONCLAVE RECIPIENT', '--login', '--pin', answers.rehearsalRecipient.userPin, '-O'],
    { env: { ...process.env, SOFTHSM2_CONF: softhsm.SOFTHSM2_CONF }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const dataKey = recipientListing.split(/\n(?=\S)/).find((block) => block.startsWith('Secret Key Object') && /label:\s+rehearsal-data-key/.test(block));
  assert.ok(dataKey, recipientListing);
  assert.match(dataKey, /Access:\s+sensitive/);
  assert.doesNotMatch(dataKey, /Access:[^\n]*\bextractable\b/);

  // A second rehearsal into the same folder is refused.
  const again = conclave(['rehearse', '--out', dir]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /not empty/);
});
