// The bundle format: encoding, strict parsing with the field or byte named, signing
// through the HSM port (a software stand-in here; SoftHSM2 in the integration test),
// low-s normalization, and the cross-field rules of the manifest.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalMismatch, pathAt } from '../../../main/bundle/format/canonical-form';
import { ECDSA_PROFILES, isLowS, normalizeLowS } from '../../../main/bundle/format/ecdsa';
import { parseBundle } from '../../../main/bundle/format/parse';
import { bundleSignaturePayload } from '../../../main/bundle/format/payload';
import { issuerOf, rootKeyFromPem, rootKeyFromSpki } from '../../../main/bundle/format/root-key';
import { BundleManifestSchema, type BundleManifest } from '../../../main/bundle/format/schema';
import { signBundle } from '../../../main/bundle/format/sign';
import { bundleFileName, bundleSummary } from '../../../main/bundle/format/summary';
import { verifyBundle } from '../../../main/bundle/format/verify';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { parseData } from '../../../main/transcript/entry-schema';
import { DURING, filler, manifestFor, softwareHsm, vectorKey } from './fixtures';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

const root = vectorKey('root-p256');
const root384 = vectorKey('root-p384');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytesOf = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

function refusal(fn: () => unknown): { code: string; message: string; action: string } {
  try {
    fn();
  } catch (error) {
    const e = error as { code?: string; message: string; action?: string };
    assert.ok(e.code, `a DomainError, got ${e.message}`);
    assert.ok(e.action && e.action.length > 0, 'with an action');
    return e as { code: string; message: string; action: string };
  }
  assert.fail('expected a refusal, but the call succeeded');
}

describe('signing and encoding', () => {
  test('a P-256 bundle is signed with CKM_ECDSA_SHA256, is canonical ASCII and verifies', async () => {
    const hsm = softwareHsm(root);
    const manifest = manifestFor(root);
    const bytes = await signBundle(hsm, 'key-handle', manifest);
    assert.deepEqual(hsm.calls, ['ecdsa-sha256']);
    const text = ascii(bytes);
    assert.match(text, /^\{"format":"conclave-key-bundle","manifest":\{"ceremonyId":/);
    assert.ok(text.endsWith('"version":1}'));
    assert.ok([...bytes].every((b) => b >= 0x20 && b <= 0x7e));
    assert.equal(text, canonicalJson(JSON.parse(text)));
    const parsed = parseBundle(bytes);
    assert.deepEqual(parsed.manifest, manifest);
    assert.equal(parsed.signature.algorithm, 'ecdsa-p256-sha256');
    assert.equal(parsed.signature.value.length, 64);
    const result = verifyBundle(bytes, { rootPublicKeySpki: root.spki, now: DURING, allowRehearsal: false });
    assert.deepEqual(result.manifest, manifest);
    assert.equal(result.root.fingerprint, issuerOf(root.spki).keyFingerprint);
    assert.equal(result.root.words.length, 6);
  });

  test('a P-384 root signs with CKM_ECDSA_SHA384 and a 96-byte r || s', async () => {
    const hsm = softwareHsm(root384);
    const bytes = await signBundle(hsm, 'h', manifestFor(root384));
    assert.deepEqual(hsm.calls, ['ecdsa-sha384']);
    const parsed = parseBundle(bytes);
    assert.equal(parsed.signature.algorithm, 'ecdsa-p384-sha384');
    assert.equal(parsed.signature.value.length, 96);
    verifyBundle(bytes, { rootPublicKeySpki: root384.spki, now: DURING, allowRehearsal: false });
  });

  test('a high s from the HSM is stored as n − s; signing many times always yields low s', async () => {
    const profile = ECDSA_PROFILES['ecdsa-p256-sha256'];
    const low = Uint8Array.from({ length: 64 }, (_, i) => (i < 32 ? 1 : i === 63 ? 5 : 0));
    assert.ok(isLowS(low, profile));
    const high = normalizeLowS(low, profile);
    assert.deepEqual(high, low, 'a low s is kept');
    // s = n − 5 is high; normalizing gives 5 back.
    const n = profile.order;
    const sHigh = n - 5n;
    const highRaw = Uint8Array.from(low);
    for (let i = 63, v = sHigh; i >= 32; i--, v >>= 8n) highRaw[i] = Number(v & 0xffn);
    assert.ok(!isLowS(highRaw, profile));
    assert.deepEqual(normalizeLowS(highRaw, profile), low);
    assert.ok(!isLowS(new Uint8Array(64), profile), 'r = s = 0 is out of range');

    const hsm = softwareHsm(root);
    for (let i = 0; i < 24; i++) {
      const parsed = parseBundle(await signBundle(hsm, 'h', manifestFor(root, { transcriptHead: { seq: i, hash: 'a'.repeat(64) } })));
      assert.ok(isLowS(parsed.signature.value, profile));
    }
  });

  test('signBundle refuses a manifest whose issuer is not the signing key, before signing', async () => {
    const hsm = softwareHsm(root);
    await assert.rejects(signBundle(hsm, 'h', manifestFor(vectorKey('other-p256'))), (e: { code: string }) => e.code === 'BUNDLE_ISSUER_MISMATCH');
    assert.deepEqual(hsm.calls, [], 'nothing was signed');
  });

  test('signBundle refuses an invalid manifest naming the field, before signing', async () => {
    const hsm = softwareHsm(root);
    const bad = { ...manifestFor(root), key: { ...manifestFor(root).key, id: 'XYZ' } };
    await assert.rejects(signBundle(hsm, 'h', bad), (e: { code: string; message: string }) => e.code === 'BUNDLE_MANIFEST_INVALID' && e.message.includes('manifest.key.id'));
    assert.deepEqual(hsm.calls, []);
  });

  test('signBundle refuses a key that is not EC P-256 or P-384', async () => {
    const ed = generateKeyPairSync('ed25519');
    const spki = Uint8Array.from(ed.publicKey.export({ format: 'der', type: 'spki' }));
    const hsm = {
      async sign(): Promise<Uint8Array> {
        throw new Error('must not sign');
      },
      async exportPublicKey(handle: string) {
        return { algorithm: 'ed25519' as const, bits: 255, spki, pem: '', handle };
      },
    };
    const manifest = { ...manifestFor(root), issuer: issuerOf(spki) };
    await assert.rejects(signBundle(hsm, 'h', manifest), (e: { code: string }) => e.code === 'BUNDLE_SIGNING_KEY_UNSUPPORTED');
  });

  test('a signature the HSM got wrong is caught by the self-check', async () => {
    const hsm = softwareHsm(root);
    const broken = { ...hsm, sign: async (r: Parameters<typeof hsm.sign>[0]) => (await hsm.sign({ ...r, data: Uint8Array.from([1, 2, 3]) })) };
    await assert.rejects(signBundle(broken, 'h', manifestFor(root)), (e: { code: string }) => e.code === 'BUNDLE_SIGNATURE_SELF_CHECK_FAILED');
  });

  test('the signature payload is the domain line followed by the canonical manifest', () => {
    const manifest = manifestFor(root);
    assert.equal(ascii(bundleSignaturePayload(manifest)), `conclave-key-bundle/v1\n${canonicalJson(manifest)}`);
  });
});

describe('manifest rules', () => {
  const check = (manifest: BundleManifest) => BundleManifestSchema.safeParse(manifest);
  const firstPath = (manifest: BundleManifest) => {
    const r = check(manifest);
    return r.success ? null : r.error.issues[0]!.path.join('.');
  };

  test('the vector manifest is valid', () => {
    assert.equal(firstPath(manifestFor(root)), null);
  });
  test('a bundle must expire after it was exported', () => {
    assert.equal(firstPath(manifestFor(root, { expiresAt: '2025-03-01T10:00:00.000Z' })), 'expiresAt');
  });
  test('the wrap method must suit the recipient kind', () => {
    assert.equal(firstPath(manifestFor(root, { recipient: { name: 'x', kind: 'ec', keyFingerprint: 'ab'.repeat(32) } })), 'wrap.method');
  });
  test('awsKms is given exactly for an aws-kms recipient, and its algorithm fixes the method', () => {
    const aws = { name: 'AWS', kind: 'aws-kms' as const, keyFingerprint: 'ab'.repeat(32), awsKms: { wrappingAlgorithm: 'RSAES_OAEP_SHA_256' as const, importToken: filler(32, 1) } };
    assert.equal(firstPath(manifestFor(root, { recipient: aws })), 'wrap', 'RSAES_OAEP_SHA_256 with rsa-aes-kwp');
    assert.equal(firstPath(manifestFor(root, { recipient: aws, wrap: { method: 'rsa-oaep', oaepHash: 'sha256', wrappedKey: filler(512, 1) } })), null);
    assert.equal(firstPath(manifestFor(root, { recipient: { ...aws, awsKms: undefined } })), 'recipient.awsKms');
  });
  test("a transport KEK's check value must be the recipient's fingerprint", () => {
    const recipient = { name: 'HSM B', kind: 'transport-kek' as const, keyFingerprint: 'abcdef' };
    assert.equal(firstPath(manifestFor(root, { recipient, wrap: { method: 'transport-kek-kwp', kekLabel: 'kek', kekCheckValue: 'abcdef', wrappedKey: filler(40, 1) } })), null);
    assert.equal(firstPath(manifestFor(root, { recipient, wrap: { method: 'transport-kek-kwp', kekLabel: 'kek', kekCheckValue: '123456', wrappedKey: filler(40, 1) } })), 'wrap.kekCheckValue');
  });
  test('a key pair names its public key fingerprint; a secret key does not', () => {
    const key = manifestFor(root).key;
    assert.equal(firstPath(manifestFor(root, { key: { ...key, algorithm: 'ec-p256' } })), 'key.publicKeyFingerprint');
    assert.equal(firstPath(manifestFor(root, { key: { ...key, publicKeyFingerprint: 'ab'.repeat(32) } })), 'key.publicKeyFingerprint');
  });
  test('issuer words must spell the fingerprint', () => {
    const issuer = issuerOf(root.spki);
    assert.equal(firstPath(manifestFor(root, { issuer: { ...issuer, words: [...issuer.words.slice(1), issuer.words[0]!] } })), 'issuer.words');
  });
});

describe('strict parsing', () => {
  const hsm = softwareHsm(root);
  const signed = signBundle(hsm, 'h', manifestFor(root));

  test('errors name the byte or the field', async () => {
    const text = ascii(await signed);
    const cases: Array<[string, Uint8Array, string, RegExp]> = [
      ['empty', new Uint8Array(0), 'BUNDLE_MALFORMED', /byte 0: the bundle is empty/],
      ['CRLF', bytesOf(`${text}\r\n`), 'BUNDLE_MALFORMED', new RegExp(`byte ${text.length}: found 0x0d \\(a carriage return\\)`)],
      ['tab inside', bytesOf(text.replace('"manifest":', '"manifest":\t')), 'BUNDLE_MALFORMED', /0x09 \(a tab\)/],
      ['not JSON', bytesOf(text.slice(0, -1)), 'BUNDLE_MALFORMED', /not valid JSON/],
      ['array', bytesOf('[1]'), 'BUNDLE_MALFORMED', /top level: expected a JSON object/],
      ['missing format', bytesOf('{"version":1}'), 'BUNDLE_MALFORMED', /at format: missing/],
      ['version 0', bytesOf(text.replace('"version":1}', '"version":0}')), 'BUNDLE_MALFORMED', /at version: expected 1/],
      ['signature algorithm', bytesOf(text.replace('"algorithm":"ecdsa-p256-sha256"', '"algorithm":"ed25519"')), 'BUNDLE_MALFORMED', /signature\.algorithm/],
      ['short signature', bytesOf(text.replace(/"value":"[^"]+"/, `"value":"${Buffer.alloc(48, 1).toString('base64')}"`)), 'BUNDLE_MALFORMED', /signature\.value/],
      ['non-canonical base64', bytesOf(text.replace(/"value":"([^"]+)=="/, (_m, v: string) => `"value":"${v.slice(0, -1)}${B64[B64.indexOf(v.slice(-1)) ^ 1]}=="`)), 'BUNDLE_MALFORMED', /signature\.value: expected canonical base64/],
      ['changed wrapped key', bytesOf(text.replace(/"wrappedKey":"([^"]+)"/, (_m, v: string) => `"wrappedKey":"${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}"`)), 'BUNDLE_SIGNATURE_INVALID', /does not verify/],
      ['upper-case hex', bytesOf(text.replace('"id":"0a1b2c3d"', '"id":"0A1B2C3D"')), 'BUNDLE_MALFORMED', /manifest\.key\.id/],
      ['fraction', bytesOf(text.replace('"version":3', '"version":3.5')), 'BUNDLE_MALFORMED', /manifest\.key\.version/],
      ['1.0 for 1', bytesOf(text.replace('"version":1}', '"version":1.0}')), 'BUNDLE_NOT_CANONICAL', /byte \d+ \(in version\)/],
      ['escaped ASCII', bytesOf(text.replace('"payments-dek-2025"', '"payments-dek-\\u0032025"')), 'BUNDLE_NOT_CANONICAL', /in manifest\.key\.label/],
      ['trailing space', bytesOf(`${text} `), 'BUNDLE_NOT_CANONICAL', /after the end of the bundle's JSON \(byte \d+\) there is 1 more byte/],
      ['leading space', bytesOf(` ${text}`), 'BUNDLE_NOT_CANONICAL', /at byte 0 \(in the top level\)/],
      ['bad time', bytesOf(text.replace('2025-06-01T00:00:00.000Z', '2025-02-30T00:00:00.000Z')), 'BUNDLE_MALFORMED', /manifest\.expiresAt/],
      ['too large', new Uint8Array(131073).fill(0x20), 'BUNDLE_MALFORMED', /at most 131072/],
    ];
    for (const [name, input, code, pattern] of cases) {
      const e = refusal(() => verifyBundle(input, { rootPublicKeySpki: root.spki, now: DURING, allowRehearsal: false }));
      assert.equal(e.code, code, `${name}: ${e.message}`);
      assert.match(e.message, pattern, name);
    }
  });

  test('the path of the first non-canonical byte is found by walking the canonical text', () => {
    const text = '{"a":{"b":[1,{"c":22}],"d":"x"},"e":true}';
    assert.equal(pathAt(text, text.indexOf('22') + 1), 'a.b[1].c');
    assert.equal(pathAt(text, text.indexOf('"x"')), 'a.d');
    assert.equal(pathAt(text, text.indexOf('true')), 'e');
    assert.equal(pathAt(text, 0), 'the top level');
    assert.equal(pathAt(text, text.indexOf('"d"') + 1), 'a', 'inside a key: the object');
    assert.equal(canonicalMismatch(text, text), null);
    assert.deepEqual(canonicalMismatch('{"a":{"b":[1, 2]}}', '{"a":{"b":[1,2]}}'), { offset: 13, field: 'a.b[1]', expected: '"2"', found: 'a space' });
  });
});

describe('root keys and summaries', () => {
  test('the root key is read from PEM with text around it, and refused when it is not an EC public key', () => {
    const pem = readFileSync(root.pemPath, 'utf8');
    assert.ok(pem.startsWith('TEST-ONLY'));
    assert.equal(rootKeyFromPem(pem).fingerprint, issuerOf(root.spki).keyFingerprint);
    const pkcs8 = readFileSync(root.pemPath.replace('.spki.pem', '.pkcs8.pem'), 'utf8');
    assert.match(refusal(() => rootKeyFromPem(pkcs8)).message, /PRIVATE key/);
    assert.match(refusal(() => rootKeyFromPem(`${pem}\n${pem}`)).message, /2 public keys/);
    assert.match(refusal(() => rootKeyFromPem('hello')).message, /no "-----BEGIN PUBLIC KEY-----" block/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    assert.equal(refusal(() => rootKeyFromPem(rsa)).code, 'BUNDLE_ROOT_KEY_INVALID');
    assert.match(refusal(() => rootKeyFromPem(rsa)).message, /a rsa key; bundles are signed with an EC P-256 or P-384 public key/);
    assert.equal(refusal(() => rootKeyFromSpki(Uint8Array.from([0x30, 0x00]))).code, 'BUNDLE_ROOT_KEY_INVALID');
  });

  test('the summary fits a step-completed transcript entry and holds no wrapped key', async () => {
    const bytes = await signBundle(softwareHsm(root), 'h', manifestFor(root));
    const summary = bundleSummary(parseBundle(bytes));
    const checked = parseData('step-completed', { step: 'export-bundle', result: summary });
    assert.ok(checked.ok, checked.ok ? '' : checked.problem);
    assert.ok(!JSON.stringify(summary).includes(manifestFor(root).wrap.wrappedKey));
    assert.equal(summary.bytes, bytes.length);
  });

  test('file names are portable and mark rehearsal bundles', () => {
    assert.equal(bundleFileName(manifestFor(root)), 'payments-dek-2025-v3-for-Payments-Ops.bundle.json');
    const m = manifestFor(root, { rehearsal: true, key: { ...manifestFor(root).key, label: 'Clé/../DEK' } });
    assert.equal(bundleFileName(m), 'Cle-.-DEK-v3-for-Payments-Ops-REHEARSAL.bundle.json');
  });
});
