// Writes the key bundle test vectors (test/vectors/bundle/, docs/bundle.md "Test
// vectors"): fixed TEST-ONLY root keys (EC P-256 and P-384) and another P-256 key, two
// valid bundles with every intermediate value (canonical manifest, signature payload,
// r || s and its DER form, the bundle's bytes and SHA-256), a rehearsal bundle, and
// negative vectors, each with the error code a verifier must give.
// test/unit/bundle-format/bundle-vectors.test.ts re-verifies them with a second
// implementation and with openssl.
//
// The keys are made once and then reused. ECDSA signatures are randomized, so re-running
// changes the signatures and the bundle bytes, never the manifests.
// Run: node --import tsx scripts/make-bundle-vectors.ts
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecdsaRawToDer } from '../native/hsm/der';
import { ECDSA_PROFILES, normalizeLowS, type BundleSignatureAlgorithm } from '../main/bundle/format/ecdsa';
import { encodeBundle } from '../main/bundle/format/encode';
import { bundleSignaturePayload } from '../main/bundle/format/payload';
import { issuerOf, rootKeyFromSpki } from '../main/bundle/format/root-key';
import type { BundleManifest } from '../main/bundle/format/schema';
import { verifyBundle } from '../main/bundle/format/verify';
import { canonicalJson } from '../main/quorum/canonical-json';
import { sha256Hex, toHex } from '../main/quorum/bytes';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'vectors', 'bundle');
const keyDir = join(outDir, 'keys');

const TEST_ONLY =
  'TEST-ONLY KEY. It is published in the Conclave repository as part of the key bundle test\n' +
  'vectors (docs/bundle.md). Anyone can sign with it. Never use it for anything real.\n';

interface TestKey {
  name: string;
  privateKey: KeyObject;
  spki: Uint8Array;
  algorithm: BundleSignatureAlgorithm;
}

function testKey(name: string, curve: 'prime256v1' | 'secp384r1'): TestKey {
  const pkcs8Path = join(keyDir, `${name}.TEST-ONLY.pkcs8.pem`);
  let privateKey: KeyObject;
  if (existsSync(pkcs8Path)) {
    privateKey = createPrivateKey(readFileSync(pkcs8Path, 'utf8'));
  } else {
    privateKey = generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(pkcs8Path, TEST_ONLY + (privateKey.export({ format: 'pem', type: 'pkcs8' }) as string));
  }
  const publicKey = createPublicKey(privateKey);
  writeFileSync(join(keyDir, `${name}.TEST-ONLY.spki.pem`), TEST_ONLY + (publicKey.export({ format: 'pem', type: 'spki' }) as string));
  const spki = Uint8Array.from(publicKey.export({ format: 'der', type: 'spki' }));
  return { name, privateKey, spki, algorithm: curve === 'prime256v1' ? 'ecdsa-p256-sha256' : 'ecdsa-p384-sha384' };
}

const rootP256 = testKey('root-p256', 'prime256v1');
const rootP384 = testKey('root-p384', 'secp384r1');
const otherP256 = testKey('other-p256', 'prime256v1');

function filler(length: number, seed: number): string {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i * 37) & 0xff;
  return Buffer.from(bytes).toString('base64');
}

const VERIFY_AT = '2025-03-15T12:00:00.000Z';

function p256Manifest(overrides: Partial<BundleManifest> = {}): BundleManifest {
  return {
    ceremonyId: 'vector-export-2025-03',
    transcriptHead: { seq: 41, hash: 'a3c1e6f0b2d4978812345678909abcdeffedcba9876543210a1b2c3d4e5f6071' },
    exportedAt: '2025-03-01T10:00:00.000Z',
    expiresAt: '2025-06-01T00:00:00.000Z',
    rehearsal: false,
    issuer: issuerOf(rootP256.spki),
    recipient: { name: 'Payments Ops', kind: 'rsa', keyFingerprint: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' },
    key: { id: '0a1b2c3d', label: 'payments-dek-2025', algorithm: 'aes-256', usage: 'encrypt', version: 3, publicKeyFingerprint: null },
    wrap: { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: filler(552, 7) },
    ...overrides,
  };
}

const p384Manifest: BundleManifest = {
  ceremonyId: 'vector-export-2025-03',
  transcriptHead: { seq: 44, hash: '5e0f1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100' },
  exportedAt: '2025-03-01T10:05:00.000Z',
  expiresAt: '2026-03-01T00:00:00.000Z',
  rehearsal: false,
  issuer: issuerOf(rootP384.spki),
  recipient: { name: 'Équipe Paiements', kind: 'ec', keyFingerprint: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  key: {
    id: 'c0ffee01',
    label: 'Zahlungs-Signatur Müller',
    algorithm: 'ec-p256',
    usage: 'sign',
    version: 1,
    publicKeyFingerprint: 'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
  },
  wrap: { method: 'ecdh-aes-kwp', curve: 'p-256', ephemeralPublicKey: filler(91, 3), kdf: 'sha256', wrappedKey: filler(152, 11) },
};

/** Signs as the HSM does (r || s), then brings s into the lower half as signBundle does. */
function signRaw(key: TestKey, payload: Uint8Array): Uint8Array {
  const profile = ECDSA_PROFILES[key.algorithm];
  const raw = Uint8Array.from(sign(profile.hash, payload, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
  return normalizeLowS(raw, profile);
}

function signed(key: TestKey, manifest: BundleManifest): { bytes: Uint8Array; raw: Uint8Array } {
  const raw = signRaw(key, bundleSignaturePayload(manifest));
  return { bytes: encodeBundle(manifest, { algorithm: key.algorithm, value: raw }), raw };
}

function validVector(key: TestKey, manifest: BundleManifest, file: string) {
  const { bytes, raw } = signed(key, manifest);
  writeFileSync(join(outDir, file), bytes);
  const rootKey = rootKeyFromSpki(key.spki);
  const result = verifyBundle(bytes, { rootPublicKeySpki: key.spki, now: new Date(VERIFY_AT), allowRehearsal: manifest.rehearsal });
  const payload = bundleSignaturePayload(manifest);
  return {
    description: `A valid bundle signed with ${key.algorithm} by the TEST-ONLY key ${key.name}.`,
    rootKey: {
      spkiPemFile: `keys/${key.name}.TEST-ONLY.spki.pem`,
      spkiDerHex: toHex(key.spki),
      fingerprint: rootKey.fingerprint,
      groupedHex: rootKey.groupedHex,
      words: rootKey.words,
    },
    manifest,
    manifestCanonical: canonicalJson(manifest),
    signaturePayload: new TextDecoder().decode(payload),
    signaturePayloadSha256: sha256Hex(payload),
    signature: { algorithm: key.algorithm, rawHex: toHex(raw), derHex: toHex(ecdsaRawToDer(raw)), base64: Buffer.from(raw).toString('base64') },
    bundleFile: file,
    bundle: new TextDecoder().decode(bytes),
    bundleBytes: bytes.length,
    bundleSha256: result.sha256,
    verifyAt: VERIFY_AT,
  };
}

interface Negative {
  name: string;
  description: string;
  bundleBase64: string;
  rootKey: 'root-p256' | 'root-p384';
  now: string;
  allowRehearsal: boolean;
  expectedRecipient?: { name?: string; keyFingerprint?: string };
  expect: { code: string; messageIncludes: string };
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
function bytesOf(value: string): Uint8Array {
  return Uint8Array.from(Buffer.from(value, 'latin1'));
}
function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The bundle's JSON with `edit` applied and written back canonically (signature unchanged). */
function edited(bytes: Uint8Array, edit: (doc: Record<string, any>) => void): Uint8Array {
  const doc = JSON.parse(text(bytes)) as Record<string, any>;
  edit(doc);
  return bytesOf(canonicalJson(doc));
}

function flipBase64Char(value: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const c = value[index]!;
  const next = alphabet[(alphabet.indexOf(c) + 1) % 64]!;
  return value.slice(0, index) + next + value.slice(index + 1);
}

function highS(raw: Uint8Array, algorithm: BundleSignatureAlgorithm): Uint8Array {
  const profile = ECDSA_PROFILES[algorithm];
  const half = profile.fieldBytes;
  let s = 0n;
  for (const b of raw.subarray(half)) s = (s << 8n) | BigInt(b);
  let high = profile.order - s;
  const out = Uint8Array.from(raw);
  for (let i = raw.length - 1; i >= half; i--) {
    out[i] = Number(high & 0xffn);
    high >>= 8n;
  }
  return out;
}

function main(): void {
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith('.bundle') || f.endsWith('.json')) rmSync(join(outDir, f));

  const p256 = validVector(rootP256, p256Manifest(), 'valid-p256.bundle');
  writeFileSync(join(outDir, 'valid-p256.json'), `${JSON.stringify(p256, null, 2)}\n`);
  const p384 = validVector(rootP384, p384Manifest, 'valid-p384.bundle');
  writeFileSync(join(outDir, 'valid-p384.json'), `${JSON.stringify(p384, null, 2)}\n`);
  const rehearsalManifest = p256Manifest({ rehearsal: true, recipient: { name: 'Rehearsal Recipient', kind: 'transport-kek', keyFingerprint: '5b0c1a' }, wrap: { method: 'transport-kek-kwp', kekLabel: 'rehearsal-transport-kek', kekCheckValue: '5b0c1a', wrappedKey: filler(40, 5) } });
  const rehearsal = validVector(rootP256, rehearsalManifest, 'rehearsal-p256.bundle');
  writeFileSync(join(outDir, 'rehearsal-p256.json'), `${JSON.stringify({ ...rehearsal, description: 'A valid REHEARSAL bundle: verifies only when rehearsal bundles are allowed.' }, null, 2)}\n`);

  const valid = bytesOf(p256.bundle);
  const second = signed(rootP256, p256Manifest({ key: { id: '0a1b2c3e', label: 'payments-dek-2025-b', algorithm: 'aes-256', usage: 'encrypt', version: 1, publicKeyFingerprint: null }, wrap: { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: filler(552, 99) } }));
  const byOther = signed(otherP256, p256Manifest({ issuer: issuerOf(otherP256.spki) }));
  const otherClaimsRoot = encodeBundle(p256Manifest(), { algorithm: 'ecdsa-p256-sha256', value: signRaw(otherP256, bundleSignaturePayload(p256Manifest())) });
  const at = (name: string, description: string, bundle: Uint8Array, code: string, messageIncludes: string, extra: Partial<Negative> = {}): Negative => ({
    name,
    description,
    bundleBase64: b64(bundle),
    rootKey: 'root-p256',
    now: VERIFY_AT,
    allowRehearsal: false,
    expect: { code, messageIncludes },
    ...extra,
  });
  const validText = text(valid);
  const negatives: Negative[] = [
    at('trailing-newline', 'The valid bundle with a line feed appended.', bytesOf(`${validText}\n`), 'BUNDLE_MALFORMED', `byte ${valid.length}`),
    at('byte-order-mark', 'The valid bundle with a UTF-8 byte-order mark in front.', Uint8Array.from([0xef, 0xbb, 0xbf, ...valid]), 'BUNDLE_MALFORMED', 'byte-order mark'),
    at('space-after-colon', 'A space after the first colon: valid JSON, not canonical.', bytesOf(validText.replace('"format":', '"format": ')), 'BUNDLE_NOT_CANONICAL', 'in format'),
    at('reordered-keys', 'The manifest with ceremonyId moved after expiresAt.', bytesOf(validText.replace('"ceremonyId":"vector-export-2025-03","expiresAt":"2025-06-01T00:00:00.000Z"', '"expiresAt":"2025-06-01T00:00:00.000Z","ceremonyId":"vector-export-2025-03"')), 'BUNDLE_NOT_CANONICAL', 'in manifest'),
    at('duplicated-key', 'manifest.rehearsal given twice (true, then false): JSON parsers disagree on such text, so it is refused.', bytesOf(validText.replace('"rehearsal":false', '"rehearsal":true,"rehearsal":false')), 'BUNDLE_NOT_CANONICAL', 'in manifest'),
    at('raw-non-ascii', 'A raw UTF-8 "ü" instead of its \\u00fc escape in key.label.', Uint8Array.from(Buffer.from(validText.replace('"payments-dek-2025"', '"payments-dek-2025ü"'), 'utf8')), 'BUNDLE_MALFORMED', 'outside 7-bit ASCII'),
    at('unknown-field', 'An extra manifest field "note" (written canonically).', edited(valid, (d) => (d.manifest.note = 'hello')), 'BUNDLE_MALFORMED', 'unknown field "note"'),
    at('missing-field', 'manifest.expiresAt removed.', edited(valid, (d) => delete d.manifest.expiresAt), 'BUNDLE_MALFORMED', 'manifest.expiresAt: missing'),
    at('wrong-type', 'manifest.key.version as the string "3".', edited(valid, (d) => (d.manifest.key.version = '3')), 'BUNDLE_MALFORMED', 'manifest.key.version'),
    at('unknown-wrap-method', 'manifest.wrap.method "aes-gcm".', edited(valid, (d) => (d.manifest.wrap.method = 'aes-gcm')), 'BUNDLE_MALFORMED', 'manifest.wrap.method'),
    at('foreign-format', 'format "conclave-share-envelope".', edited(valid, (d) => (d.format = 'conclave-share-envelope')), 'BUNDLE_MALFORMED', 'not a Conclave key bundle'),
    at('version-2', 'version 2.', edited(valid, (d) => (d.version = 2)), 'BUNDLE_VERSION_UNSUPPORTED', 'version 2'),
    at('changed-wrapped-key', 'One base64 character of manifest.wrap.wrappedKey changed (still canonical base64).', edited(valid, (d) => (d.manifest.wrap.wrappedKey = flipBase64Char(d.manifest.wrap.wrappedKey, 10))), 'BUNDLE_SIGNATURE_INVALID', 'does not verify'),
    at('extended-expiry', 'manifest.expiresAt moved a year later.', edited(valid, (d) => (d.manifest.expiresAt = '2026-06-01T00:00:00.000Z')), 'BUNDLE_SIGNATURE_INVALID', 'does not verify'),
    at('rehearsal-flag-cleared', 'The rehearsal bundle with manifest.rehearsal set to false.', edited(bytesOf(rehearsal.bundle), (d) => (d.manifest.rehearsal = false)), 'BUNDLE_SIGNATURE_INVALID', 'does not verify'),
    at('swapped-wrapped-key', "manifest.wrap.wrappedKey taken from another bundle signed by the same root.", edited(valid, (d) => (d.manifest.wrap.wrappedKey = (JSON.parse(text(second.bytes)) as any).manifest.wrap.wrappedKey)), 'BUNDLE_SIGNATURE_INVALID', 'does not verify'),
    at('high-s', 'The same signature with s replaced by n − s: valid ECDSA, but not the one accepted form.', edited(valid, (d) => (d.signature.value = b64(highS(Buffer.from(d.signature.value, 'base64'), 'ecdsa-p256-sha256')))), 'BUNDLE_SIGNATURE_INVALID', 'one accepted form'),
    at('signed-by-other-key', 'A bundle signed by other-p256 and naming it as the issuer.', byOther.bytes, 'BUNDLE_WRONG_ISSUER', 'pinned root key'),
    at('other-key-claims-root', 'A bundle signed by other-p256 but naming root-p256 as the issuer.', otherClaimsRoot, 'BUNDLE_SIGNATURE_INVALID', 'does not verify'),
    at('p384-root-for-p256-bundle', 'The valid P-256 bundle checked against the P-384 root key.', valid, 'BUNDLE_WRONG_ISSUER', 'pinned root key', { rootKey: 'root-p384' }),
    at('expired', 'The valid bundle, verified after its expiry.', valid, 'BUNDLE_EXPIRED', 'expired at 2025-06-01T00:00:00.000Z', { now: '2025-06-01T00:00:00.000Z' }),
    at('not-yet-valid', 'The valid bundle, verified a day before it was exported.', valid, 'BUNDLE_NOT_YET_VALID', 'clocks is wrong', { now: '2025-02-28T10:00:00.000Z' }),
    at('rehearsal-not-allowed', 'The rehearsal bundle, rehearsal bundles not allowed.', bytesOf(rehearsal.bundle), 'BUNDLE_REHEARSAL', 'REHEARSAL'),
    at('wrong-recipient', 'The valid bundle, expecting the recipient "Card Ops".', valid, 'BUNDLE_WRONG_RECIPIENT', '"Payments Ops", not for "Card Ops"', { expectedRecipient: { name: 'Card Ops' } }),
  ];
  for (const n of negatives) {
    const key = n.rootKey === 'root-p256' ? rootP256 : rootP384;
    let refusal: { code?: string; message: string } | null = null;
    try {
      verifyBundle(Buffer.from(n.bundleBase64, 'base64'), { rootPublicKeySpki: key.spki, now: new Date(n.now), allowRehearsal: n.allowRehearsal, expectedRecipient: n.expectedRecipient });
    } catch (error) {
      refusal = error as { code?: string; message: string };
    }
    if (!refusal) throw new Error(`negative vector ${n.name} verified`);
    if (refusal.code !== n.expect.code || !refusal.message.includes(n.expect.messageIncludes)) throw new Error(`negative vector ${n.name}: got ${refusal.code}: ${refusal.message}`);
  }
  writeFileSync(join(outDir, 'negative.json'), `${JSON.stringify({ description: 'Bundles a verifier must refuse, with the code and a part of the message Conclave gives.', vectors: negatives }, null, 2)}\n`);
  process.stdout.write(`wrote ${outDir}: 3 valid bundles, ${negatives.length} negative vectors\n`);
}

main();
