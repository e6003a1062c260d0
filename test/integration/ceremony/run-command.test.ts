// `conclave run SCRIPT --answers FILE --out DIR`: any script without prompts, refusing
// what it must refuse before anything is written.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FAST_KDF_ENV, kdfCost, parseAnswers, prepareRehearsal } from '../../../main/ceremony/engine';
import { rehearsalRootScript, renderScriptYaml, rootKeyGenerationScript } from '../../../main/ceremony/script';
import { DomainError } from '../../../native/errors';
import { conclave, verifiedTranscript } from './cli-run';

test('run: a rehearsal script with its answers file runs to the seal in a new folder', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-run-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const prepared = await prepareRehearsal(join(base, 'prep'), { kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }) });
  const scriptFile = join(base, 'root.yaml');
  writeFileSync(scriptFile, renderScriptYaml(prepared.script));
  const out = join(base, 'ceremony');
  const run = conclave(['run', scriptFile, '--answers', prepared.answersPath, '--out', out]);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const entries = verifiedTranscript(out);
  const opened = entries[0]!.entry;
  assert.ok(opened.type === 'ceremony-opened' && opened.data.script.text === readFileSync(scriptFile, 'utf8'));
  assert.ok(existsSync(join(out, 'SHA256SUMS')));
  assert.equal(conclave(['verify', out]).status, 0);
});

test('run: refuses a non-empty folder without a transcript, and token PINs for a real (non-rehearsal) script', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-run-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const script = rootKeyGenerationScript({
    ceremonyId: 'real-root',
    participants: { administrator: { name: 'Admin' }, custodians: [{ name: 'A' }, { name: 'B' }], witnesses: [{ name: 'W', key: { kind: 'file', fingerprint: 'cd'.repeat(32) } }] },
    quorum: { threshold: 2 },
    token: { label: 'Conclave Test' },
  });
  const scriptFile = join(base, 'real.yaml');
  writeFileSync(scriptFile, renderScriptYaml(script));
  const answersFile = join(base, 'answers.json');
  const secretPin = 'pin-that-must-not-echo-4821';
  writeFileSync(answersFile, JSON.stringify({ format: 'conclave-ceremony-answers', version: 1, rehearsalToken: { rehearsal: true, label: 'Conclave Test', soPin: secretPin, userPin: secretPin } }));

  const busy = join(base, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'something.txt'), 'x');
  const refusedFolder = conclave(['run', scriptFile, '--answers', answersFile, '--out', busy, '--module', '/usr/lib/softhsm/libsofthsm2.so']);
  assert.equal(refusedFolder.status, 1);
  assert.match(refusedFolder.stderr, /not empty/);

  const out = join(base, 'out');
  const refusedPins = conclave(['run', scriptFile, '--answers', answersFile, '--out', out, '--module', '/usr/lib/softhsm/libsofthsm2.so']);
  assert.equal(refusedPins.status, 1);
  assert.match(refusedPins.stderr, /PINS_ONLY_FOR_REHEARSAL/);
  assert.ok(!existsSync(join(out, 'transcript.jsonl')), 'nothing was written');
  assert.doesNotMatch(refusedPins.stdout + refusedPins.stderr, new RegExp(secretPin));
});

test('answers are parsed strictly and errors never echo a value', () => {
  const secret = 'hunter2-but-longer-and-secret';
  const attempt = () => parseAnswers({ format: 'conclave-ceremony-answers', version: 1, custodians: { A: { passphrase: secret, extra: secret } } }, '/tmp');
  assert.throws(attempt, (error: unknown) => DomainError.is(error) && error.code === 'ANSWERS_INVALID' && !error.message.includes(secret) && /custodians\.A/.test(error.message));
  assert.throws(
    () => parseAnswers({ format: 'conclave-ceremony-answers', version: 1, onException: { x: { resolution: 'skip' } } }, '/tmp'),
    (error: unknown) => DomainError.is(error) && /justification/.test(error.message),
  );
  const parsed = parseAnswers({ format: 'conclave-ceremony-answers', version: 1, witnesses: { W: { keyFile: 'w.json', passphrase: secret } } }, '/data');
  assert.equal(parsed.witnesses.W!.keyFile, '/data/w.json');
  assert.equal(parsed.confirmAll, false);
});

test('run: a key label already on the token that the transcript does not account for is an exception, never adopted', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-run-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const prep = join(base, 'prep');
  const prepared = await prepareRehearsal(prep, { kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }) });
  // Someone put a key labelled like the root key on the token before the ceremony.
  const pins = JSON.parse(readFileSync(join(prep, 'rehearsal-token', 'rehearsal-pins.json'), 'utf8')) as { userPin: string };
  execFileSync('pkcs11-tool', ['--module', '/usr/lib/softhsm/libsofthsm2.so', '--token-label', 'CONCLAVE REHEARSAL', '--login', '--pin', pins.userPin, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'root-signing-key'], {
    env: { ...process.env, SOFTHSM2_CONF: join(prep, 'rehearsal-token', 'softhsm2.conf') },
    stdio: 'pipe',
  });
  const scriptFile = join(base, 'root.yaml');
  writeFileSync(scriptFile, renderScriptYaml(prepared.script));
  const out = join(base, 'ceremony');
  const run = conclave(['run', scriptFile, '--answers', prepared.answersPath, '--out', out]);
  assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /ABORTED/);
  const lines = readFileSync(join(out, 'transcript.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  const opened = lines.find((e) => e.type === 'exception-opened')!;
  assert.equal(opened.data.step, 'root-key');
  assert.equal(opened.data.code, 'KEY_LABEL_TAKEN');
  assert.equal(lines.at(-1)!.type, 'exception-resolved');
  assert.equal(lines.at(-1)!.data.resolution, 'abort');
  assert.ok(!lines.some((e) => e.type === 'key-generated' && e.data.label === 'root-signing-key'));
});

test('run: the optional self-signed root certificate is signed in the token and verifies with openssl', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'conclave-run-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const prepared = await prepareRehearsal(join(base, 'prep'), { kdf: await kdfCost({ [FAST_KDF_ENV]: '1' }) });
  const script = rehearsalRootScript({ witnessFingerprint: prepared.script.participants.witnesses[0]!.key.fingerprint, certificate: true });
  const scriptFile = join(base, 'root-with-certificate.yaml');
  writeFileSync(scriptFile, renderScriptYaml(script));
  const out = join(base, 'ceremony');
  const run = conclave(['run', scriptFile, '--answers', prepared.answersPath, '--out', out]);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const certificate = join(out, 'root-certificate.pem');
  assert.match(execFileSync('openssl', ['verify', '-CAfile', certificate, certificate], { encoding: 'utf8' }), /: OK/);
  const text = execFileSync('openssl', ['x509', '-in', certificate, '-noout', '-text'], { encoding: 'utf8' });
  assert.match(text, /Subject: O = Conclave rehearsal, CN = Conclave Rehearsal Root/);
  assert.match(text, /CA:TRUE/);
  assert.match(text, /ecdsa-with-SHA384/);
  // The certificate carries the root key recorded in the transcript.
  const entries = verifiedTranscript(out);
  const root = entries.find((e) => e.entry.type === 'key-generated' && e.entry.data.label === 'root-signing-key')!.entry;
  const certKey = new X509Certificate(readFileSync(certificate)).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  assert.equal(root.type === 'key-generated' && root.data.publicKeySpki, certKey);
  assert.ok(entries.some((e) => e.entry.type === 'file-written' && e.entry.data.path === 'root-certificate.pem'));
  assert.equal(conclave(['verify', out]).status, 0);
});
