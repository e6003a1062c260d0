// Every wrap method between two real SoftHSM2 tokens: wrapped on the ceremony token,
// imported on the recipient token, the imported key protected (read back, and pkcs11-tool
// cannot read its value) and usable (an AES key's check value matches the original's
// value, an EC key signs for the original public key). Independent oracles check the byte
// layouts: Node's ECDH and @noble/ciphers for ecdh-aes-kwp, a test KEK for key values.
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createECDH, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import type { GeneratedKey, KeySpecType } from '../../../native/hsm/protocol';
import { establishTransportKek, findRecipientKey, spkiFingerprint, unwrapForImport, wrapForRecipient, type RecipientKey, type WrapRecord } from '../../../main/bundle/wrap';
import { rejectsWithCode } from '../../helpers/softhsm';
import { RECIPIENT, objectsOn, softwareCheckValue, toolOn, twoTokens, valueThroughTestKek, type TwoTokens } from './two-tokens';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const softhsm26 = (t: TwoTokens) => t.client.module?.libraryVersion === '2.6';

describe('wrap for a recipient, import on the recipient token', () => {
  const cleanups: Array<() => unknown> = [];
  let t: TwoTokens;
  let rsaRecipient: GeneratedKey;
  let ecRecipient: GeneratedKey;
  let rsaSpki: Uint8Array;
  let ecSpki: Uint8Array;
  let n = 0;
  const label = (base: string) => `${base}-${++n}`;

  before(async () => {
    t = await twoTokens({ after: (fn) => cleanups.push(fn) });
    rsaRecipient = await t.client.generateKey({ slotId: t.b, type: 'rsa-3072', label: 'recipient-rsa', role: 'wrap' });
    ecRecipient = await t.client.generateKey({ slotId: t.b, type: 'ec-p256', label: 'recipient-ec', role: 'derive' });
    rsaSpki = (await t.client.exportPublicKey(rsaRecipient.publicKey!.handle)).spki;
    ecSpki = (await t.client.exportPublicKey(ecRecipient.publicKey!.handle)).spki;
  });

  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  const exportable = (type: KeySpecType, name: string) => t.client.generateKey({ slotId: t.a, type, label: label(name), role: 'wrap-only-export' });
  const keyOf = (g: GeneratedKey) => (g.secretKey ?? g.privateKey)!.handle;

  /** The imported AES key equals the original: its check value is the one its value gives. */
  async function assertSameAesKey(original: GeneratedKey, importedHandle: string): Promise<void> {
    const value = await valueThroughTestKek(t.client, t.a, keyOf(original));
    assert.equal((await t.client.keyCheckValue(importedHandle)).value, softwareCheckValue(value));
  }

  /** The imported private key signs, and the original public key on the ceremony token verifies it. */
  async function assertSignsForOriginal(original: GeneratedKey, importedHandle: string, curve: 'ecdsa-sha256' | 'ecdsa-sha384'): Promise<void> {
    const data = new TextEncoder().encode(`signed on the recipient token ${label('data')}`);
    const signature = await t.client.sign({ key: importedHandle, mechanism: curve, data });
    const publicPem = (await t.client.exportPublicKey(original.publicKey!.handle)).pem;
    assert.ok(nodeVerify(curve === 'ecdsa-sha256' ? 'sha256' : 'sha384', data, createPublicKey(publicPem), ecdsaRawToDer(signature)));
  }

  /** Read back through the worker and through pkcs11-tool: protected, and its value cannot be read. */
  async function assertProtected(importedHandle: string, importedLabel: string): Promise<void> {
    const a = (await t.client.keyAttributes(importedHandle)).attributes;
    assert.deepEqual([a.token, a.private, a.sensitive, a.extractable, a.label], [true, true, true, false, importedLabel]);
    const type = a.class === 'secret' ? 'secrkey' : 'privkey';
    const listing = toolOn(t.fixture, RECIPIENT, ['--list-objects', '--type', type, '--label', importedLabel]);
    const access = /Access:\s*([^\n]*)/u.exec(listing)?.[1] ?? '';
    assert.match(access, /\bsensitive\b/u, listing);
    // pkcs11-tool prints "extractable" for CKA_EXTRACTABLE true ("never extractable" is another flag).
    assert.doesNotMatch(access.replace(/never extractable/gu, ''), /extractable/u, listing);
    const out = join(t.fixture.directory, `read-${importedLabel}.bin`);
    try {
      toolOn(t.fixture, RECIPIENT, ['--read-object', '--type', type, '--label', importedLabel, '--output-file', out]);
    } catch {
      // Refusing to read is the expected outcome for a secret key (CKA_VALUE is sensitive).
    }
    assert.ok(!existsSync(out) || statSync(out).size === 0, 'pkcs11-tool read key material out of the imported key');
  }

  const rsaRecipientKey = (): RecipientKey => ({ kind: 'rsa', name: 'ops RSA', spki: rsaSpki });
  const ecRecipientKey = (): RecipientKey => ({ kind: 'ec', name: 'ops EC', spki: ecSpki });

  it('rsa-oaep: an AES key, SHA-1 only where the token cannot do SHA-256 and both sides allow it', async () => {
    const key = await exportable('aes-256', 'oaep-aes');
    if (softhsm26(t)) {
      const refused = await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(key), 'aes-256', rsaRecipientKey()), 'OAEP_SHA256_UNSUPPORTED');
      assert.match(refused.action, /allow SHA-1/);
    }
    const record = await wrapForRecipient(t.client, t.a, keyOf(key), 'aes-256', rsaRecipientKey(), { allowOaepSha1: true });
    assert.equal(record.method, 'rsa-oaep');
    assert.equal(record.method === 'rsa-oaep' && record.oaepHash, softhsm26(t) ? 'sha1' : 'sha256');
    assert.equal(Buffer.from(record.wrappedKey, 'base64').length, 384);

    const recipientKey = await findRecipientKey(t.client, t.b, spkiFingerprint(rsaSpki));
    assert.equal(recipientKey.handle, rsaRecipient.privateKey!.handle);
    const importLabel = label('imported-oaep');
    const options = { label: importLabel, algorithm: 'aes-256' as const, usage: 'wrap' as const, recipientKey: recipientKey.handle };
    if (softhsm26(t)) {
      const before = await objectsOn(t.client, t.b);
      await rejectsWithCode(unwrapForImport(t.client, t.b, record, options), 'OAEP_SHA1_REFUSED');
      assert.deepEqual(await objectsOn(t.client, t.b), before);
    }
    const imported = await unwrapForImport(t.client, t.b, record, { ...options, acceptOaepSha1: true });
    assert.deepEqual([imported.attributes.wrap, imported.attributes.unwrap, imported.attributes.encrypt, imported.attributes.sign], [true, true, false, false]);
    await assertSameAesKey(key, imported.handle);
    await assertProtected(imported.handle, importLabel);
  });

  it('rsa-aes-kwp: an EC P-384 private key, OAEP part then RFC 5649 part, imported to sign', async () => {
    const key = await exportable('ec-p384', 'rsa-aes-ec384');
    // SoftHSM2's PKCS#8 of a P-384 key is 80 bytes, a multiple of 8, so its zero-padding
    // deviation changes nothing here; the option is still needed because the probe cannot
    // know a private key's length in advance.
    const record = await wrapForRecipient(t.client, t.a, keyOf(key), 'ec-p384', rsaRecipientKey(), { allowOaepSha1: true, allowZeroPaddedKwp: true });
    assert.equal(record.method, 'rsa-aes-kwp');
    const bytes = Buffer.from(record.wrappedKey, 'base64');
    // 384 bytes of RSA-OAEP (3072-bit modulus), then RFC 5649 of the 80-byte PKCS#8: 88 bytes.
    assert.equal(bytes.length, 384 + 88);
    const importLabel = label('imported-ec384');
    const imported = await unwrapForImport(t.client, t.b, record, {
      label: importLabel,
      algorithm: 'ec-p384',
      usage: 'sign',
      recipientKey: rsaRecipient.privateKey!.handle,
      acceptOaepSha1: true,
    });
    assert.deepEqual([imported.attributes.class, imported.attributes.curve, imported.attributes.sign, imported.attributes.derive], ['private', 'ec-p384', true, false]);
    await assertSignsForOriginal(key, imported.handle, 'ecdsa-sha384');
    await assertProtected(imported.handle, importLabel);
    // No session object (ephemeral AES key, recipient public key) is left on either token.
    assert.ok((await objectsOn(t.client, t.a)).every((o) => !o.includes('conclave-')));
    assert.ok((await objectsOn(t.client, t.b)).every((o) => !o.includes('conclave-')));
  });

  it('refuses a P-256 private key where the token zero-pads RFC 5649, unless the rehearsal allows it', async () => {
    const key = await exportable('ec-p256', 'rsa-aes-ec256');
    if (softhsm26(t)) {
      const refused = await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(key), 'ec-p256', rsaRecipientKey(), { allowOaepSha1: true }), 'KWP_ZERO_PADDED');
      assert.match(refused.message, /multiple of 8/);
    }
    const record = await wrapForRecipient(t.client, t.a, keyOf(key), 'ec-p256', rsaRecipientKey(), { allowOaepSha1: true, allowZeroPaddedKwp: true });
    const imported = await unwrapForImport(t.client, t.b, record, {
      label: label('imported-ec256'),
      algorithm: 'ec-p256',
      usage: 'sign',
      recipientKey: rsaRecipient.privateKey!.handle,
      acceptOaepSha1: true,
    });
    await assertSignsForOriginal(key, imported.handle, 'ecdsa-sha256');
  });

  it('ecdh-aes-kwp: an AES key to an EC P-256 recipient key, layout checked with Node ECDH and @noble/ciphers', async () => {
    const key = await exportable('aes-256', 'ecdh-aes');
    const record = await wrapForRecipient(t.client, t.a, keyOf(key), 'aes-256', ecRecipientKey());
    assert.equal(record.method, 'ecdh-aes-kwp');
    if (record.method !== 'ecdh-aes-kwp') return;
    assert.equal(record.curve, 'p-256');
    assert.equal(record.kdf, softhsm26(t) ? 'null' : record.kdf);
    const importLabel = label('imported-ecdh');
    const imported = await unwrapForImport(t.client, t.b, record, { label: importLabel, algorithm: 'aes-256', usage: 'wrap', recipientKey: ecRecipient.privateKey!.handle });
    await assertSameAesKey(key, imported.handle);
    await assertProtected(imported.handle, importLabel);

    // The same wrap to a recipient key made in software: ECDH, the KDF and RFC 5649 redone outside any token.
    const software = createECDH('prime256v1');
    software.generateKeys();
    const softwareSpki = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: software.getPublicKey().subarray(1, 33).toString('base64url'), y: software.getPublicKey().subarray(33).toString('base64url') }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const toSoftware = await wrapForRecipient(t.client, t.a, keyOf(key), 'aes-256', { kind: 'ec', name: 'software', spki: new Uint8Array(softwareSpki) }, { ecdhKdf: 'null' });
    assert.equal(toSoftware.method, 'ecdh-aes-kwp');
    if (toSoftware.method !== 'ecdh-aes-kwp') return;
    const ephemeralPoint = createPublicKey({ key: Buffer.from(toSoftware.ephemeralPublicKey, 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.of(4), Buffer.from(ephemeralPoint.x!, 'base64url'), Buffer.from(ephemeralPoint.y!, 'base64url')]);
    const kek = software.computeSecret(point);
    const unwrapped = aeskwp(new Uint8Array(kek)).decrypt(Buffer.from(toSoftware.wrappedKey, 'base64'));
    assert.equal(hex(unwrapped), hex(await valueThroughTestKek(t.client, t.a, keyOf(key))));
  });

  it('ecdh-aes-kwp: an EC P-384 private key imported to sign; P-384 recipients without CKD_SHA256_KDF are refused', async () => {
    const key = await exportable('ec-p384', 'ecdh-ec384');
    const record = await wrapForRecipient(t.client, t.a, keyOf(key), 'ec-p384', ecRecipientKey(), { allowZeroPaddedKwp: true });
    const imported = await unwrapForImport(t.client, t.b, record, { label: label('imported-ecdh-ec384'), algorithm: 'ec-p384', usage: 'sign', recipientKey: ecRecipient.privateKey!.handle });
    await assertSignsForOriginal(key, imported.handle, 'ecdsa-sha384');

    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' });
    if (softhsm26(t)) {
      const refused = await rejectsWithCode(
        wrapForRecipient(t.client, t.a, keyOf(key), 'ec-p384', { kind: 'ec', name: 'p384', spki: new Uint8Array(p384) }, { allowZeroPaddedKwp: true }),
        'ECDH_KDF_UNSUPPORTED',
      );
      assert.match(refused.message, /48 shared-secret bytes/);
    }
  });

  it('transport-kek-kwp: a KEK agreed by ECDH on both tokens carries an AES key and a private key', async () => {
    const setup = await establishTransportKek({ hsm: t.client, slotId: t.a }, { hsm: t.client, slotId: t.b }, { label: 'transport-kek' });
    for (const kek of [setup.a, setup.b]) {
      const a = kek.attributes;
      assert.deepEqual(
        [a.class, a.keyType, a.label, a.token, a.sensitive, a.extractable, a.wrap, a.unwrap, a.encrypt, a.decrypt, a.sign, a.derive],
        ['secret', 'aes', 'transport-kek', true, true, false, true, true, false, false, false, false],
      );
    }
    assert.equal(setup.a.attributes.id, setup.b.attributes.id);
    assert.equal((await t.client.keyCheckValue(setup.b.handle)).value, setup.checkValue);
    assert.match(setup.checkValue, /^[0-9a-f]{16}$/);
    // Setting it up again under the same label is refused, and leaves nothing new behind.
    const beforeA = await objectsOn(t.client, t.a);
    await rejectsWithCode(establishTransportKek({ hsm: t.client, slotId: t.a }, { hsm: t.client, slotId: t.b }, { label: 'transport-kek' }), 'LABEL_EXISTS');
    assert.deepEqual(await objectsOn(t.client, t.a), beforeA);

    const recipient: RecipientKey = { kind: 'transport-kek', name: 'rehearsal', kekLabel: 'transport-kek' };
    const aes = await exportable('aes-256', 'kek-aes');
    const record = await wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', recipient);
    assert.deepEqual(record.method === 'transport-kek-kwp' && [record.kekLabel, record.kekCheckValue], ['transport-kek', setup.checkValue]);
    assert.equal(Buffer.from(record.wrappedKey, 'base64').length, 40);
    const importedAes = await unwrapForImport(t.client, t.b, record, { label: label('imported-kek-aes'), algorithm: 'aes-256', usage: 'wrap' });
    await assertSameAesKey(aes, importedAes.handle);

    const ec = await exportable('ec-p256', 'kek-ec');
    const ecRecord = await wrapForRecipient(t.client, t.a, keyOf(ec), 'ec-p256', recipient, { allowZeroPaddedKwp: true });
    const importedEc = await unwrapForImport(t.client, t.b, ecRecord, { label: label('imported-kek-ec'), algorithm: 'ec-p256', usage: 'sign' });
    await assertSignsForOriginal(ec, importedEc.handle, 'ecdsa-sha256');
    await assertProtected(importedEc.handle, importedEc.attributes.label);

    // A record naming another KEK (its check value) is refused before anything is unwrapped.
    const before = await objectsOn(t.client, t.b);
    const wrongKek = { ...record, kekCheckValue: '0123456789abcdef' };
    const refused = await rejectsWithCode(unwrapForImport(t.client, t.b, wrongKek, { label: label('never'), algorithm: 'aes-256', usage: 'wrap' }), 'TRANSPORT_KEK_MISMATCH');
    assert.match(refused.message, new RegExp(setup.checkValue));
    assert.deepEqual(await objectsOn(t.client, t.b), before);
  });

  it('tampered wrapped bytes are refused with a clear reason, and nothing is created on the recipient token', async () => {
    const aes = await exportable('aes-256', 'tamper-aes');
    const records: Array<{ name: string; record: WrapRecord; recipientKey?: string; algorithm: KeySpecType; usage: 'wrap' | 'sign' }> = [
      { name: 'rsa-oaep', record: await wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', rsaRecipientKey(), { allowOaepSha1: true }), recipientKey: rsaRecipient.privateKey!.handle, algorithm: 'aes-256', usage: 'wrap' },
      { name: 'ecdh-aes-kwp', record: await wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', ecRecipientKey()), recipientKey: ecRecipient.privateKey!.handle, algorithm: 'aes-256', usage: 'wrap' },
      { name: 'transport-kek-kwp', record: await wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', { kind: 'transport-kek', name: 'r', kekLabel: 'transport-kek' }), algorithm: 'aes-256', usage: 'wrap' },
    ];
    const ec = await exportable('ec-p384', 'tamper-ec');
    records.push({ name: 'rsa-aes-kwp', record: await wrapForRecipient(t.client, t.a, keyOf(ec), 'ec-p384', rsaRecipientKey(), { allowOaepSha1: true, allowZeroPaddedKwp: true }), recipientKey: rsaRecipient.privateKey!.handle, algorithm: 'ec-p384', usage: 'sign' });

    const before = await objectsOn(t.client, t.b);
    for (const { name, record, recipientKey, algorithm, usage } of records) {
      const bytes = Buffer.from(record.wrappedKey, 'base64');
      // Near the start (the RSA-OAEP part of RSA records), in the middle (for rsa-aes-kwp:
      // inside the RFC 5649 part), and the last byte.
      for (const at of [10, Math.floor(bytes.length / 2) + (name === 'rsa-aes-kwp' ? 200 : 0), bytes.length - 1]) {
        const tampered = Buffer.from(bytes);
        tampered[at]! ^= 0x01;
        const options = { label: label(`tampered-${name}`), algorithm, usage, acceptOaepSha1: true, ...(recipientKey ? { recipientKey } : {}) };
        const error = await rejectsWithCode(unwrapForImport(t.client, t.b, { ...record, wrappedKey: tampered.toString('base64') }, options), 'WRAPPED_KEY_INVALID');
        assert.match(error.message, /altered or damaged/, name);
      }
      // One byte more, or one less: refused as well.
      const longer = Buffer.concat([bytes, Buffer.of(0)]).toString('base64');
      await assert.rejects(
        unwrapForImport(t.client, t.b, { ...record, wrappedKey: longer }, { label: label('longer'), algorithm, usage, acceptOaepSha1: true, ...(recipientKey ? { recipientKey } : {}) }),
        (error: { code?: string; action?: string }) => ['WRAPPED_KEY_INVALID', 'WRAP_RECORD_INVALID'].includes(error.code ?? '') && (error.action ?? '').length > 0,
      );
    }
    // A changed ephemeral public key: a point off the curve.
    const ecdh = records[1]!.record;
    if (ecdh.method === 'ecdh-aes-kwp') {
      const spki = Buffer.from(ecdh.ephemeralPublicKey, 'base64');
      spki[spki.length - 1]! ^= 0x01;
      await rejectsWithCode(
        unwrapForImport(t.client, t.b, { ...ecdh, ephemeralPublicKey: spki.toString('base64') }, { label: label('bad-point'), algorithm: 'aes-256', usage: 'wrap', recipientKey: ecRecipient.privateKey!.handle }),
        'PEER_KEY_INVALID',
      );
    }
    await rejectsWithCode(unwrapForImport(t.client, t.b, { ...records[0]!.record, extra: 1 }, { label: label('extra'), algorithm: 'aes-256', usage: 'wrap', recipientKey: rsaRecipient.privateKey!.handle }), 'WRAP_RECORD_INVALID');
    assert.deepEqual(await objectsOn(t.client, t.b), before);
  });

  it('refuses keys that cannot be exported, or are not what the step says', async () => {
    const locked = await t.client.generateKey({ slotId: t.a, type: 'aes-256', label: label('locked'), role: 'encrypt' });
    const refused = await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(locked), 'aes-256', ecRecipientKey()), 'WRAP_KEY_NOT_EXPORTABLE');
    assert.match(refused.action, /wrap-only-export/);
    const aes = await exportable('aes-256', 'mismatch');
    await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(aes), 'ec-p256', ecRecipientKey()), 'WRAP_KEY_MISMATCH');
    await rejectsWithCode(wrapForRecipient(t.client, t.b, keyOf(aes), 'aes-256', ecRecipientKey()), 'WRAP_KEY_MISMATCH');
    await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', { kind: 'ec', name: 'wrong kind', spki: rsaSpki }), 'RECIPIENT_KEY_INVALID');
    await rejectsWithCode(wrapForRecipient(t.client, t.a, keyOf(aes), 'aes-256', { kind: 'transport-kek', name: 'none', kekLabel: 'no-such-kek' }), 'TRANSPORT_KEK_NOT_FOUND');
  });
});
