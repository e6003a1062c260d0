// The tampering matrix (issue 5, item 8): every changed, missing or extra byte of a
// signed bundle, every added or removed field, a wrapped key swapped between two
// bundles, another signer, an expired or rehearsal bundle and a wrong recipient are each
// refused with a DomainError that names the problem, and nothing is returned as valid.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { sign as nodeSign } from 'node:crypto';
import { ECDSA_PROFILES, normalizeLowS } from '../../../main/bundle/format/ecdsa';
import { encodeBundle } from '../../../main/bundle/format/encode';
import { bundleSignaturePayload } from '../../../main/bundle/format/payload';
import { signBundle } from '../../../main/bundle/format/sign';
import { issuerOf } from '../../../main/bundle/format/root-key';
import { verifyBundle, type VerifyBundleOptions } from '../../../main/bundle/format/verify';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { DomainError } from '../../../native/errors';
import { DURING, EXPIRES_AT, filler, manifestFor, softwareHsm, vectorKey, type TestKey } from './fixtures';

const root = vectorKey('root-p256');
const root384 = vectorKey('root-p384');
const other = vectorKey('other-p256');
const OPTIONS: VerifyBundleOptions = { rootPublicKeySpki: root.spki, now: DURING, allowRehearsal: false };
const REFUSAL_CODES = new Set(['BUNDLE_MALFORMED', 'BUNDLE_NOT_CANONICAL', 'BUNDLE_VERSION_UNSUPPORTED', 'BUNDLE_WRONG_ISSUER', 'BUNDLE_SIGNATURE_INVALID']);

const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytesOf = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

/** Verifies and expects a refusal; returns it. Fails the test if anything verifies. */
function refused(bytes: Uint8Array, options: VerifyBundleOptions = OPTIONS, label = ''): DomainError {
  let result: unknown;
  try {
    result = verifyBundle(bytes, options);
  } catch (error) {
    assert.ok(error instanceof DomainError, `${label}: not a DomainError: ${(error as Error).message}`);
    assert.ok(error.message.length > 20 && error.action.length > 20, `${label}: says what is wrong and what to do`);
    return error;
  }
  assert.fail(`${label}: a tampered bundle verified: ${JSON.stringify(result).slice(0, 200)}`);
}

async function sign(key: TestKey, overrides: Parameters<typeof manifestFor>[1] = {}): Promise<Uint8Array> {
  return signBundle(softwareHsm(key), 'h', manifestFor(key, overrides));
}

/** Every object path in a JSON value, e.g. [[], ['manifest'], ['manifest', 'key'], ...]. */
function objectPaths(value: unknown, path: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return [path, ...Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => objectPaths(v, [...path, k]))];
}

function at(doc: unknown, path: string[]): Record<string, unknown> {
  return path.reduce((node, key) => (node as Record<string, unknown>)[key], doc) as Record<string, unknown>;
}

describe('tampering matrix', () => {
  let valid: Uint8Array;
  let valid384: Uint8Array;
  before(async () => {
    valid = await sign(root);
    valid384 = await sign(root384);
    verifyBundle(valid, OPTIONS);
    verifyBundle(valid384, { ...OPTIONS, rootPublicKeySpki: root384.spki });
  });

  test('every byte changed is refused (three bit flips each for P-256, one for P-384)', () => {
    const codes = new Map<string, number>();
    for (const bundle of [valid, valid384]) {
      const options = bundle === valid ? OPTIONS : { ...OPTIONS, rootPublicKeySpki: root384.spki };
      for (let i = 0; i < bundle.length; i++) {
        for (const mask of bundle === valid ? [0x01, 0x20, 0x80] : [0x01]) {
          const changed = Uint8Array.from(bundle);
          changed[i] = changed[i]! ^ mask;
          const e = refused(changed, options, `byte ${i} ^ 0x${mask.toString(16)}`);
          assert.ok(REFUSAL_CODES.has(e.code), `byte ${i}: ${e.code}`);
          codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        }
      }
    }
    // The matrix reaches every layer: byte checks, JSON, fields, issuer and signature.
    for (const code of ['BUNDLE_MALFORMED', 'BUNDLE_SIGNATURE_INVALID', 'BUNDLE_WRONG_ISSUER']) assert.ok((codes.get(code) ?? 0) > 0, `${code} reached`);
  });

  test('every byte removed is refused', () => {
    for (let i = 0; i < valid.length; i++) {
      const shorter = Uint8Array.from([...valid.subarray(0, i), ...valid.subarray(i + 1)]);
      refused(shorter, OPTIONS, `without byte ${i}`);
    }
  });

  test('an extra byte anywhere is refused', () => {
    const codes = new Set<string>();
    for (let i = 0; i <= valid.length; i++) {
      for (const extra of [0x20, 0x30, 0x0a]) {
        const longer = Uint8Array.from([...valid.subarray(0, i), extra, ...valid.subarray(i)]);
        codes.add(refused(longer, OPTIONS, `0x${extra.toString(16)} inserted at ${i}`).code);
      }
    }
    assert.ok(codes.has('BUNDLE_NOT_CANONICAL'), 'a space between tokens is valid JSON but not canonical');
  });

  test('a field added to any object is refused, naming that object', () => {
    const doc = JSON.parse(ascii(valid)) as unknown;
    for (const path of objectPaths(doc)) {
      const copy = JSON.parse(ascii(valid)) as unknown;
      at(copy, path).zz = 'extra';
      const e = refused(bytesOf(canonicalJson(copy)), OPTIONS, `added to ${path.join('.')}`);
      assert.equal(e.code, 'BUNDLE_MALFORMED');
      assert.ok(e.message.includes(`at ${path.length ? path.join('.') : 'the top level'}: unknown field "zz"`), e.message);
    }
  });

  test('any field removed is refused, naming that field', () => {
    const doc = JSON.parse(ascii(valid)) as unknown;
    let count = 0;
    for (const path of objectPaths(doc)) {
      for (const key of Object.keys(at(doc, path))) {
        const copy = JSON.parse(ascii(valid)) as unknown;
        delete at(copy, path)[key];
        const e = refused(bytesOf(canonicalJson(copy)), OPTIONS, `without ${[...path, key].join('.')}`);
        const field = [...path, key].join('.');
        // Removing "format" names format; removing a discriminator names the union (wrap.method).
        assert.ok(e.message.includes(field) || e.code === 'BUNDLE_WRONG_ISSUER', `${field}: ${e.message}`);
        count++;
      }
    }
    assert.ok(count > 25, `${count} fields`);
  });

  test('a changed value in every manifest field, re-encoded canonically, breaks the signature', () => {
    const changes: Array<[string[], unknown]> = [
      [['ceremonyId'], 'vector-export-2025-04'],
      [['transcriptHead', 'seq'], 42],
      [['transcriptHead', 'hash'], 'b'.repeat(64)],
      [['exportedAt'], '2025-03-01T10:00:00.001Z'],
      [['expiresAt'], '2030-01-01T00:00:00.000Z'],
      [['rehearsal'], true],
      [['recipient', 'name'], 'Card Ops'],
      [['recipient', 'keyFingerprint'], 'c'.repeat(64)],
      [['key', 'id'], '0a1b2c3e'],
      [['key', 'label'], 'payments-dek-2026'],
      [['key', 'usage'], 'wrap'],
      [['key', 'version'], 4],
      [['wrap', 'oaepHash'], 'sha1'],
      [['wrap', 'wrappedKey'], filler(552, 8)],
    ];
    for (const [path, value] of changes) {
      const copy = JSON.parse(ascii(valid)) as { manifest: Record<string, unknown> };
      at(copy.manifest, path.slice(0, -1))[path[path.length - 1]!] = value;
      const e = refused(bytesOf(canonicalJson(copy)), { ...OPTIONS, allowRehearsal: true }, path.join('.'));
      assert.equal(e.code, 'BUNDLE_SIGNATURE_INVALID', `${path.join('.')}: ${e.message}`);
    }
  });

  test("the wrapped key of two bundles from the same root cannot be swapped", async () => {
    const second = await sign(root, { key: { ...manifestFor(root).key, id: 'ffee', label: 'card-dek' }, wrap: { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: filler(552, 200) } });
    verifyBundle(second, OPTIONS);
    const a = JSON.parse(ascii(valid)) as { manifest: { wrap: { wrappedKey: string } } };
    const b = JSON.parse(ascii(second)) as { manifest: { wrap: { wrappedKey: string } } };
    [a.manifest.wrap.wrappedKey, b.manifest.wrap.wrappedKey] = [b.manifest.wrap.wrappedKey, a.manifest.wrap.wrappedKey];
    assert.equal(refused(bytesOf(canonicalJson(a))).code, 'BUNDLE_SIGNATURE_INVALID');
    assert.equal(refused(bytesOf(canonicalJson(b))).code, 'BUNDLE_SIGNATURE_INVALID');
    // Nor the signatures.
    const sa = JSON.parse(ascii(valid)) as { signature: { value: string } };
    sa.signature.value = (JSON.parse(ascii(second)) as { signature: { value: string } }).signature.value;
    assert.equal(refused(bytesOf(canonicalJson(sa))).code, 'BUNDLE_SIGNATURE_INVALID');
  });

  test('a bundle signed by another key is refused, whichever issuer it names', async () => {
    const honest = await sign(other);
    const e = refused(honest);
    assert.equal(e.code, 'BUNDLE_WRONG_ISSUER');
    assert.match(e.message, /pinned root key/);
    // Claiming the root as issuer does not help: the signature does not verify.
    // (signBundle itself refuses to emit such a bundle: its self-check fails.)
    const manifest = manifestFor(root);
    await assert.rejects(signBundle({ ...softwareHsm(other), exportPublicKey: softwareHsm(root).exportPublicKey }, 'h', manifest), (e: DomainError) => e.code === 'BUNDLE_SIGNATURE_SELF_CHECK_FAILED');
    const raw = normalizeLowS(Uint8Array.from(nodeSign('sha256', bundleSignaturePayload(manifest), { key: other.privateKey, dsaEncoding: 'ieee-p1363' })), ECDSA_PROFILES['ecdsa-p256-sha256']);
    const forged = encodeBundle(manifest, { algorithm: 'ecdsa-p256-sha256', value: raw });
    assert.equal(refused(forged).code, 'BUNDLE_SIGNATURE_INVALID');
    // A P-384 bundle checked against the P-256 root, and the other way round.
    assert.equal(refused(valid384).code, 'BUNDLE_WRONG_ISSUER');
    assert.equal(refused(valid, { ...OPTIONS, rootPublicKeySpki: root384.spki }).code, 'BUNDLE_WRONG_ISSUER');
    assert.deepEqual(issuerOf(root.spki), manifestFor(root).issuer);
  });

  test('expired, not yet valid, rehearsal and wrong-recipient bundles are refused; the same bundles pass when allowed', async () => {
    assert.equal(refused(valid, { ...OPTIONS, now: new Date(EXPIRES_AT) }).code, 'BUNDLE_EXPIRED');
    assert.equal(refused(valid, { ...OPTIONS, now: new Date(Date.parse(EXPIRES_AT) + 86_400_000 * 3) }).message.includes('3 days ago'), true);
    verifyBundle(valid, { ...OPTIONS, now: new Date(Date.parse(EXPIRES_AT) - 1) });
    assert.equal(refused(valid, { ...OPTIONS, now: new Date('2025-03-01T09:49:59.999Z') }).code, 'BUNDLE_NOT_YET_VALID');
    verifyBundle(valid, { ...OPTIONS, now: new Date('2025-03-01T09:50:00.000Z') });

    const rehearsal = await sign(root, { rehearsal: true });
    const e = refused(rehearsal);
    assert.equal(e.code, 'BUNDLE_REHEARSAL');
    assert.match(e.action, /--allow-rehearsal/);
    assert.equal(verifyBundle(rehearsal, { ...OPTIONS, allowRehearsal: true }).manifest.rehearsal, true);

    assert.equal(refused(valid, { ...OPTIONS, expectedRecipient: { name: 'Card Ops' } }).code, 'BUNDLE_WRONG_RECIPIENT');
    assert.match(refused(valid, { ...OPTIONS, expectedRecipient: { name: 'payments ops' } }).message, /differ in upper and lower case/);
    assert.equal(refused(valid, { ...OPTIONS, expectedRecipient: { keyFingerprint: 'd'.repeat(64) } }).code, 'BUNDLE_WRONG_RECIPIENT');
    verifyBundle(valid, { ...OPTIONS, expectedRecipient: { name: 'Payments Ops', keyFingerprint: manifestFor(root).recipient.keyFingerprint.toUpperCase() } });
  });
});
