// Re-verifies the bundle test vectors (test/vectors/bundle/) twice: with a second
// implementation written from docs/bundle.md (its own canonical JSON, its own r || s to
// DER conversion, node:crypto with DER signatures) and with openssl as an independent
// oracle; only then checks that Conclave's verifier agrees, and refuses every negative
// vector with the recorded code.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { verifyBundle } from '../../../main/bundle/format/verify';
import { VECTOR_DIR } from './fixtures';

interface ValidVector {
  rootKey: { spkiPemFile: string; spkiDerHex: string; fingerprint: string; groupedHex: string; words: string[] };
  manifest: Record<string, unknown>;
  manifestCanonical: string;
  signaturePayload: string;
  signaturePayloadSha256: string;
  signature: { algorithm: 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384'; rawHex: string; derHex: string; base64: string };
  bundleFile: string;
  bundle: string;
  bundleBytes: number;
  bundleSha256: string;
  verifyAt: string;
}

interface NegativeVector {
  name: string;
  bundleBase64: string;
  rootKey: string;
  now: string;
  allowRehearsal: boolean;
  expectedRecipient?: { name?: string; keyFingerprint?: string };
  expect: { code: string; messageIncludes: string };
}

const load = <T>(name: string): T => JSON.parse(readFileSync(join(VECTOR_DIR, name), 'utf8')) as T;
const VALID = ['valid-p256.json', 'valid-p384.json', 'rehearsal-p256.json'].map((name) => ({ name, vector: load<ValidVector>(name) }));

// ---- the second implementation, from docs/bundle.md only ----

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${canonical(k)}:${canonical(record[k])}`)
    .join(',')}}`;
}

function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let body = bytes.subarray(i);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

/** r || s → DER SEQUENCE { INTEGER r, INTEGER s } (short or one-byte long form; enough for P-256 and P-384). */
function rawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const content = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  const length = content.length < 0x80 ? Buffer.from([content.length]) : Buffer.from([0x81, content.length]);
  return Buffer.concat([Buffer.from([0x30]), length, content]);
}

function words(digestHex: string): string[] {
  const bits = [...Buffer.from(digestHex, 'hex')].map((b) => b.toString(2).padStart(8, '0')).join('');
  return Array.from({ length: 6 }, (_, i) => wordlist[Number.parseInt(bits.slice(i * 11, i * 11 + 11), 2)]!);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('bundle test vectors, second implementation', () => {
  for (const { name, vector } of VALID) {
    test(`${name}: every intermediate value follows from the spec`, () => {
      const pem = readFileSync(join(VECTOR_DIR, vector.rootKey.spkiPemFile), 'utf8');
      const spki = createPublicKey(pem).export({ format: 'der', type: 'spki' });
      assert.equal(spki.toString('hex'), vector.rootKey.spkiDerHex);
      assert.equal(sha256(spki), vector.rootKey.fingerprint);
      assert.equal(vector.rootKey.fingerprint.match(/.{4}/g)!.join(' '), vector.rootKey.groupedHex);
      assert.deepEqual(words(vector.rootKey.fingerprint), vector.rootKey.words);

      const bytes = readFileSync(join(VECTOR_DIR, vector.bundleFile));
      assert.equal(bytes.toString('latin1'), vector.bundle, 'the .bundle file holds exactly the vector text');
      assert.equal(bytes.length, vector.bundleBytes);
      assert.equal(sha256(bytes), vector.bundleSha256);
      assert.ok([...bytes].every((b) => b >= 0x20 && b <= 0x7e), 'printable ASCII only');

      const doc = JSON.parse(vector.bundle) as { format: string; version: number; manifest: Record<string, unknown>; signature: { algorithm: string; value: string } };
      assert.equal(canonical(doc), vector.bundle, 'the bundle is the canonical JSON of its content');
      assert.deepEqual(Object.keys(doc).sort(), ['format', 'manifest', 'signature', 'version']);
      assert.equal(doc.format, 'conclave-key-bundle');
      assert.equal(doc.version, 1);
      assert.equal(canonical(doc.manifest), vector.manifestCanonical);
      assert.equal(canonical(vector.manifest), vector.manifestCanonical);
      const issuer = doc.manifest.issuer as { keyFingerprint: string; words: string[] };
      assert.equal(issuer.keyFingerprint, vector.rootKey.fingerprint);
      assert.deepEqual(issuer.words, vector.rootKey.words);

      const payload = `conclave-key-bundle/v1\n${vector.manifestCanonical}`;
      assert.equal(vector.signaturePayload, payload);
      assert.equal(sha256(payload), vector.signaturePayloadSha256);

      const raw = Buffer.from(doc.signature.value, 'base64');
      assert.equal(doc.signature.algorithm, vector.signature.algorithm);
      assert.equal(raw.toString('hex'), vector.signature.rawHex);
      assert.equal(raw.length, vector.signature.algorithm === 'ecdsa-p256-sha256' ? 64 : 96);
      const der = rawToDer(raw);
      assert.equal(der.toString('hex'), vector.signature.derHex);
      const hash = vector.signature.algorithm === 'ecdsa-p256-sha256' ? 'sha256' : 'sha384';
      assert.ok(verify(hash, Buffer.from(payload), { key: createPublicKey(pem), dsaEncoding: 'der' }, der), 'the DER signature verifies');
      assert.ok(!verify(hash, Buffer.from(`${payload} `), { key: createPublicKey(pem), dsaEncoding: 'der' }, der), 'and not over other bytes');
    });
  }

  test('openssl dgst verifies each vector signature over the payload bytes, and refuses a changed payload', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'conclave-bundle-vectors-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const { name, vector } of VALID) {
      const payloadPath = join(dir, `${name}.payload`);
      const sigPath = join(dir, `${name}.sig.der`);
      writeFileSync(payloadPath, vector.signaturePayload);
      writeFileSync(sigPath, rawToDer(Buffer.from(vector.signature.rawHex, 'hex')));
      const digest = vector.signature.algorithm === 'ecdsa-p256-sha256' ? '-sha256' : '-sha384';
      const out = execFileSync('openssl', ['dgst', digest, '-verify', join(VECTOR_DIR, vector.rootKey.spkiPemFile), '-signature', sigPath, payloadPath], { encoding: 'utf8' });
      assert.match(out, /Verified OK/, name);
      writeFileSync(payloadPath, vector.signaturePayload.replace('"rehearsal":', '"rehearsal": '));
      assert.throws(
        () => execFileSync('openssl', ['dgst', digest, '-verify', join(VECTOR_DIR, vector.rootKey.spkiPemFile), '-signature', sigPath, payloadPath], { stdio: 'pipe', encoding: 'utf8' }),
        (error: { status?: number; stdout?: string }) => error.status === 1 && /Verification failure/.test(error.stdout ?? ''),
      );
    }
  });
});

describe('the shell recipe in docs/bundle.md', () => {
  test('verifies the P-256 vector with sed, od, openssl asn1parse and openssl dgst', (t) => {
    const doc = readFileSync(join(VECTOR_DIR, '..', '..', '..', 'docs', 'bundle.md'), 'utf8');
    const recipe = /### Checking a signature with openssl\n\n```sh\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(recipe, 'the recipe is in the document');
    const dir = mkdtempSync(join(tmpdir(), 'conclave-bundle-recipe-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'valid-p256.bundle'), readFileSync(join(VECTOR_DIR, 'valid-p256.bundle')));
    writeFileSync(join(dir, 'root-public.pem'), readFileSync(join(VECTOR_DIR, 'keys', 'root-p256.TEST-ONLY.spki.pem')));
    const out = execFileSync('sh', ['-e', '-c', recipe], { cwd: dir, encoding: 'utf8' });
    const vector = load<ValidVector>('valid-p256.json');
    assert.match(out, /Verified OK/);
    assert.ok(out.includes(vector.rootKey.fingerprint), 'prints the root key fingerprint');
    assert.equal(sha256(readFileSync(join(dir, 'payload.bin'))), vector.signaturePayloadSha256);
  });
});

describe('Conclave agrees with the vectors', () => {
  const spkiOf = (keyName: string) => createPublicKey(readFileSync(join(VECTOR_DIR, 'keys', `${keyName}.TEST-ONLY.spki.pem`), 'utf8')).export({ format: 'der', type: 'spki' });

  for (const { name, vector } of VALID) {
    test(`${name} verifies`, () => {
      const rehearsal = (vector.manifest as { rehearsal: boolean }).rehearsal;
      const result = verifyBundle(readFileSync(join(VECTOR_DIR, vector.bundleFile)), { rootPublicKeySpki: Buffer.from(vector.rootKey.spkiDerHex, 'hex'), now: new Date(vector.verifyAt), allowRehearsal: rehearsal });
      assert.equal(result.sha256, vector.bundleSha256);
      assert.equal(result.root.fingerprint, vector.rootKey.fingerprint);
      assert.deepEqual(result.root.words, vector.rootKey.words);
      assert.equal(canonical(result.manifest), vector.manifestCanonical);
    });
  }

  const negatives = load<{ vectors: NegativeVector[] }>('negative.json').vectors;
  test('there are negative vectors for every refusal code', () => {
    const codes = new Set(negatives.map((n) => n.expect.code));
    for (const code of ['BUNDLE_MALFORMED', 'BUNDLE_NOT_CANONICAL', 'BUNDLE_VERSION_UNSUPPORTED', 'BUNDLE_WRONG_ISSUER', 'BUNDLE_SIGNATURE_INVALID', 'BUNDLE_EXPIRED', 'BUNDLE_NOT_YET_VALID', 'BUNDLE_REHEARSAL', 'BUNDLE_WRONG_RECIPIENT']) {
      assert.ok(codes.has(code), code);
    }
  });
  for (const n of negatives) {
    test(`negative vector ${n.name} is refused with ${n.expect.code}`, () => {
      assert.throws(
        () => verifyBundle(Buffer.from(n.bundleBase64, 'base64'), { rootPublicKeySpki: spkiOf(n.rootKey), now: new Date(n.now), allowRehearsal: n.allowRehearsal, expectedRecipient: n.expectedRecipient }),
        (error: { code?: string; message: string; action?: string }) => {
          assert.equal(error.code, n.expect.code, error.message);
          assert.ok(error.message.includes(n.expect.messageIncludes), error.message);
          assert.ok(error.action && error.action.length > 10, 'says what to do');
          return true;
        },
      );
    });
  }
});
