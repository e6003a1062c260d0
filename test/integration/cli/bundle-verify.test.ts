// `conclave bundle verify` as a real subprocess (the built dist/cli/conclave.cjs) on real
// files: bundles signed by a root key in SoftHSM2, the root public key as the token
// exported it, and openssl as an independent source of the fingerprint the operator
// compares.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { issuerOf } from '../../../main/bundle/format/root-key';
import type { BundleManifest } from '../../../main/bundle/format/schema';
import { signBundle } from '../../../main/bundle/format/sign';
import { withToken, type Cleanup } from '../../helpers/softhsm';
import { manifestFor, vectorKey, VECTOR_DIR, type TestKey } from '../../unit/bundle-format/fixtures';
import { conclave, ensureBuilt } from './softhsm-fixture';

const dir = mkdtempSync(join(tmpdir(), 'conclave-bundle-cli-'));
const cleanups: Array<() => unknown> = [];
const suite: Cleanup = { after: (fn) => cleanups.push(fn) };
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const files = {
  valid: join(dir, 'payments.bundle.json'),
  expired: join(dir, 'expired.bundle.json'),
  rehearsal: join(dir, 'rehearsal.bundle.json'),
  tampered: join(dir, 'tampered.bundle.json'),
  newline: join(dir, 'newline.bundle.json'),
  root: join(dir, 'root-public.pem'),
  otherRoot: join(dir, 'other-root.pem'),
};
let manifest: BundleManifest;
let rootFingerprint: string;

before(async () => {
  ensureBuilt();
  const fx = await withToken(suite, { login: true });
  const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'root-signing-key', role: 'sign' });
  const exported = await fx.client.exportPublicKey(key.privateKey!.handle);
  writeFileSync(files.root, exported.pem);
  writeFileSync(files.otherRoot, readFileSync(vectorKey('other-p256').pemPath));
  const issuer = { spki: exported.spki } as TestKey;
  const now = Date.now();
  const sign = (m: BundleManifest) => signBundle(fx.client, key.privateKey!.handle, m);
  manifest = manifestFor(issuer, { exportedAt: iso(now - HOUR), expiresAt: iso(now + 30 * 24 * HOUR) });
  assert.deepEqual(manifest.issuer, issuerOf(exported.spki));
  const valid = await sign(manifest);
  writeFileSync(files.valid, valid);
  writeFileSync(files.expired, await sign({ ...manifest, exportedAt: iso(now - 60 * 24 * HOUR), expiresAt: iso(now - 24 * HOUR) }));
  writeFileSync(files.rehearsal, await sign({ ...manifest, rehearsal: true }));
  const tampered = Buffer.from(valid);
  const at = tampered.indexOf('"wrappedKey":"') + 20;
  tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
  writeFileSync(files.tampered, tampered);
  writeFileSync(files.newline, Buffer.concat([Buffer.from(valid), Buffer.from('\n')]));

  // The fingerprint the operator compares, computed by openssl from the PEM file.
  const der = execFileSync('openssl', ['pkey', '-pubin', '-in', files.root, '-outform', 'DER']);
  rootFingerprint = createHash('sha256').update(der).digest('hex');
});

function words(hex: string): string {
  const bits = [...Buffer.from(hex, 'hex')].map((b) => b.toString(2).padStart(8, '0')).join('');
  return Array.from({ length: 6 }, (_, i) => wordlist[Number.parseInt(bits.slice(i * 11, i * 11 + 11), 2)]).join(' ');
}

const verify = (...args: string[]) => conclave(['bundle', 'verify', ...args]);

describe('conclave bundle verify', () => {
  test('a valid bundle: exit 0, what it holds, and the root fingerprint as hex and words', () => {
    const r = verify(files.valid, '--root', files.root);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^VALID {2}key bundle "payments-dek-2025" for Payments Ops\n/);
    assert.match(r.stdout, /Ceremony +vector-export-2025-03\n/);
    assert.match(r.stdout, new RegExp(`Transcript +entry 41, hash ${manifest.transcriptHead.hash}\\n`));
    assert.match(r.stdout, /Key +payments-dek-2025 \(id 0a1b2c3d\), aes-256, usage encrypt, version 3\n/);
    assert.match(r.stdout, new RegExp(`Recipient +Payments Ops \\(rsa, key ${manifest.recipient.keyFingerprint}\\)`));
    assert.match(r.stdout, new RegExp(`Expires +${manifest.expiresAt.replace(/\./g, '\\.')} \\(in (29|30) days\\)`));
    assert.match(r.stdout, /Wrapped with +rsa-aes-kwp \(OAEP with sha256\)/);
    assert.match(r.stdout, /Rehearsal +no\n/);
    assert.ok(r.stdout.includes(`Root key      ${rootFingerprint.match(/.{4}/g)!.join(' ')}\n`), r.stdout);
    assert.ok(r.stdout.includes(`                ${words(rootFingerprint)}\n`), r.stdout);
    assert.match(r.stdout, /SHA-256 +[0-9a-f ]{79}\n/);
    assert.ok(r.stdout.includes(createHash('sha256').update(readFileSync(files.valid)).digest('hex').match(/.{4}/g)!.join(' ')));
    assert.equal(r.stderr, '');
  });

  test('--json gives the manifest, the bundle hash and the root key', () => {
    const r = verify(files.valid, '--root', files.root, '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ok: boolean; sha256: string; manifest: BundleManifest; root: { fingerprint: string; words: string[] } };
    assert.equal(out.ok, true);
    assert.deepEqual(out.manifest, manifest);
    assert.equal(out.root.fingerprint, rootFingerprint);
    assert.equal(out.root.words.join(' '), words(rootFingerprint));
    assert.equal(out.sha256, createHash('sha256').update(readFileSync(files.valid)).digest('hex'));
  });

  const refusals: Array<[string, string[], number, string, RegExp]> = [
    ['a changed byte in the wrapped key', [files.tampered, '--root', files.root], 1, 'BUNDLE_SIGNATURE_INVALID', /does not verify with the root key/],
    ['a newline appended', [files.newline, '--root', files.root], 1, 'BUNDLE_MALFORMED', /at byte \d+: found 0x0a \(a line feed\)/],
    ['another root key', [files.valid, '--root', files.otherRoot], 1, 'BUNDLE_WRONG_ISSUER', /but the pinned root key is/],
    ['an expired bundle', [files.expired, '--root', files.root], 1, 'BUNDLE_EXPIRED', /expired at .* \(1 day ago/],
    ['a rehearsal bundle without --allow-rehearsal', [files.rehearsal, '--root', files.root], 1, 'BUNDLE_REHEARSAL', /REHEARSAL bundle/],
    ['another recipient', [files.valid, '--root', files.root, '--recipient', 'Card Ops'], 1, 'BUNDLE_WRONG_RECIPIENT', /is for "Payments Ops", not for "Card Ops"/],
    ['a missing bundle file', [join(dir, 'missing.bundle.json'), '--root', files.root], 3, 'BUNDLE_UNREADABLE', /cannot be read \(ENOENT\)/],
    ['a private key as the root', [files.valid, '--root', join(VECTOR_DIR, 'keys', 'root-p256.TEST-ONLY.pkcs8.pem')], 3, 'BUNDLE_ROOT_KEY_INVALID', /PRIVATE key/],
    ['a missing root key file', [files.valid, '--root', join(dir, 'nope.pem')], 3, 'BUNDLE_ROOT_KEY_UNREADABLE', /cannot be read/],
  ];
  for (const [name, args, status, code, message] of refusals) {
    test(`refuses ${name}: exit ${status}, ${code}, and what to do`, () => {
      const r = verify(...args);
      assert.equal(r.status, status, r.stderr);
      assert.equal(r.stdout, '', 'nothing on stdout: nothing is shown as valid');
      assert.ok(r.stderr.startsWith(`NOT VALID (${code})`), r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\nWhat to do: \S/);
      const json = verify(...args, '--json');
      assert.equal(json.status, status);
      const out = JSON.parse(json.stdout) as { ok: boolean; code: string };
      assert.deepEqual([out.ok, out.code], [false, code]);
    });
  }

  test('a rehearsal bundle verifies with --allow-rehearsal and says so; the right --recipient passes', () => {
    const r = verify(files.rehearsal, '--root', files.root, '--allow-rehearsal');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^VALID .*\(REHEARSAL\)\n/);
    assert.match(r.stdout, /Rehearsal +YES/);
    assert.equal(verify(files.valid, '--root', files.root, '--recipient', 'Payments Ops').status, 0);
  });

  test('usage errors exit 2', () => {
    for (const args of [[files.valid], ['--root', files.root], [files.valid, files.valid, '--root', files.root], [files.valid, '--root', files.root, '--bogus']]) {
      const r = verify(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^conclave: /);
    }
    assert.equal(conclave(['bundle']).status, 2);
    assert.equal(conclave(['bundle', 'frobnicate']).status, 2);
    const help = conclave(['help', 'bundle']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /conclave bundle verify FILE --root PEM/);
    assert.match(conclave(['--help']).stdout, /bundle +A key bundle from a ceremony/);
  });
});
