// The decisions around the token, against a software stand-in whose abilities each test
// chooses (soft-token.ts): which RSA-OAEP hash, which ECDH KDF, when RFC 5649 deviations
// are refused, which branch of the AWS KMS profile runs, and that an import the token
// does not protect is undone. The same code runs against SoftHSM2 in
// test/integration/bundle-wrap; these reach the branches SoftHSM2 2.6 cannot.
import assert from 'node:assert/strict';
import { constants, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { awsKmsImportMaterial, kmsHandoff } from '../../../main/bundle/kms';
import { parseWrapRecord, recipientRecordFor, spkiFingerprint, spkiFromInput, unwrapForImport, wrapForRecipient, type RecipientKey } from '../../../main/bundle/wrap';
import { CKM_AES_KEY_WRAP_PAD, CKM_EC_KEY_PAIR_GEN, CKM_RSA_PKCS_OAEP } from '../../../native/hsm/pkcs11-constants';
import { SoftToken } from './soft-token';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function rejectsCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<{ message: string; action: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    const e = error as { code?: string; message: string; action?: string };
    assert.equal(e.code, code, e.message);
    assert.ok((e.action ?? '').length > 0);
    return e as { message: string; action: string };
  }
  throw new Error(`expected ${code}`);
}

function pair(abilities: ConstructorParameters<typeof SoftToken>[1] = {}, recipientAbilities: ConstructorParameters<typeof SoftToken>[1] = abilities) {
  return { a: new SoftToken('1', abilities), b: new SoftToken('2', recipientAbilities) };
}

describe('wrap decisions', () => {
  it('rsa-oaep uses SHA-256 where the token can, and the recipient token gets the same key', async () => {
    const { a, b } = pair();
    const key = a.generate('aes-256', 'k', 'wrap-only-export');
    const rsa = b.generate('rsa-3072', 'r', 'wrap');
    const record = await wrapForRecipient(a, '1', key.handle, 'aes-256', { kind: 'rsa', name: 'ops', spki: b.publicSpki(rsa.handle) });
    assert.deepEqual([record.method, record.method === 'rsa-oaep' && record.oaepHash], ['rsa-oaep', 'sha256']);
    const imported = await unwrapForImport(b, '2', record, { label: 'in', algorithm: 'aes-256', usage: 'encrypt', recipientKey: rsa.handle });
    assert.equal(hex(b.valueOf(imported.handle)), hex(a.valueOf(key.handle)));
    // Nothing but the key itself is left on the sending token.
    assert.deepEqual([...a.objects.keys()], [key.handle]);
  });

  it('falls back to SHA-1 only when allowed, and leaves no throwaway behind when it refuses', async () => {
    const { a, b } = pair({ oaepSha256: false });
    const key = a.generate('aes-256', 'k', 'wrap-only-export');
    const rsa = b.generate('rsa-3072', 'r', 'wrap');
    const recipient: RecipientKey = { kind: 'rsa', name: 'ops', spki: b.publicSpki(rsa.handle) };
    await rejectsCode(wrapForRecipient(a, '1', key.handle, 'aes-256', recipient), 'OAEP_SHA256_UNSUPPORTED');
    assert.deepEqual([...a.objects.keys()], [key.handle]);
    const record = await wrapForRecipient(a, '1', key.handle, 'aes-256', recipient, { allowOaepSha1: true });
    assert.equal(record.method === 'rsa-oaep' && record.oaepHash, 'sha1');
    await rejectsCode(unwrapForImport(b, '2', record, { label: 'in', algorithm: 'aes-256', usage: 'wrap', recipientKey: rsa.handle }), 'OAEP_SHA1_REFUSED');
  });

  it('rsa-aes-kwp carries a private key: OAEP part of modulus length, then RFC 5649 of its PKCS#8', async () => {
    const { a, b } = pair();
    const key = a.generate('ec-p256', 'k', 'wrap-only-export');
    const rsa = b.generate('rsa-3072', 'r', 'wrap');
    const record = await wrapForRecipient(a, '1', key.handle, 'ec-p256', { kind: 'rsa', name: 'ops', spki: b.publicSpki(rsa.handle) });
    assert.equal(record.method, 'rsa-aes-kwp');
    const imported = await unwrapForImport(b, '2', record, { label: 'in', algorithm: 'ec-p256', usage: 'sign', recipientKey: rsa.handle });
    assert.equal(hex(b.valueOf(imported.handle)), hex(a.valueOf(key.handle)));
    const short = { ...record, wrappedKey: Buffer.from(Buffer.from(record.wrappedKey, 'base64').subarray(0, 390)).toString('base64') };
    await rejectsCode(unwrapForImport(b, '2', short, { label: 'in2', algorithm: 'ec-p256', usage: 'sign', recipientKey: rsa.handle }), 'WRAP_RECORD_INVALID');
    await rejectsCode(unwrapForImport(b, '2', record, { label: 'in3', algorithm: 'ec-p256', usage: 'encrypt', recipientKey: rsa.handle }), 'IMPORT_USAGE_UNSUPPORTED');
  });

  it('ECDH: CKD_SHA256_KDF where offered (P-384 too); CKD_NULL only on P-256', async () => {
    const { a, b } = pair();
    const key = a.generate('aes-256', 'k', 'wrap-only-export');
    const ec = b.generate('ec-p384', 'r', 'derive');
    const record = await wrapForRecipient(a, '1', key.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: b.publicSpki(ec.handle) });
    assert.deepEqual(record.method === 'ecdh-aes-kwp' && [record.curve, record.kdf], ['p-384', 'sha256']);
    const imported = await unwrapForImport(b, '2', record, { label: 'in', algorithm: 'aes-256', usage: 'wrap', recipientKey: ec.handle });
    assert.equal(hex(b.valueOf(imported.handle)), hex(a.valueOf(key.handle)));
    assert.ok(b.calls.includes('derive sha256'));

    const noKdf = new SoftToken('1', { kdfSha256: false });
    const key2 = noKdf.generate('aes-256', 'k', 'wrap-only-export');
    const refused = await rejectsCode(wrapForRecipient(noKdf, '1', key2.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: b.publicSpki(ec.handle) }), 'ECDH_KDF_UNSUPPORTED');
    assert.match(refused.message, /refused ECDH with CKD_SHA256_KDF/);
    const ec256 = b.generate('ec-p256', 'r256', 'derive');
    const nullRecord = await wrapForRecipient(noKdf, '1', key2.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: b.publicSpki(ec256.handle) });
    assert.equal(nullRecord.method === 'ecdh-aes-kwp' && nullRecord.kdf, 'null');
    // A record claiming CKD_NULL on P-384 is refused on import too.
    await rejectsCode(unwrapForImport(b, '2', { ...record, kdf: 'null' }, { label: 'x', algorithm: 'aes-256', usage: 'wrap', recipientKey: ec.handle }), 'ECDH_KDF_UNSUPPORTED');
    // The recipient key must be the one for the record's curve, and able to derive.
    await rejectsCode(unwrapForImport(b, '2', record, { label: 'y', algorithm: 'aes-256', usage: 'wrap', recipientKey: ec256.handle }), 'RECIPIENT_KEY_INVALID');
  });

  it('RFC 5649 cross-check: a broken key wrap is refused for every key, zero padding for private keys only', async () => {
    const broken = new SoftToken('1', { kwpBroken: true });
    const recipient = new SoftToken('2');
    const ec = recipient.generate('ec-p256', 'r', 'derive');
    const aes = broken.generate('aes-256', 'k', 'wrap-only-export');
    await rejectsCode(wrapForRecipient(broken, '1', aes.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: recipient.publicSpki(ec.handle) }), 'KWP_NOT_RFC5649');

    const padding = new SoftToken('1', { kwpZeroPads: true });
    const aes2 = padding.generate('aes-256', 'k', 'wrap-only-export');
    await wrapForRecipient(padding, '1', aes2.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: recipient.publicSpki(ec.handle) });
    const priv = padding.generate('ec-p256', 'p', 'wrap-only-export');
    await rejectsCode(wrapForRecipient(padding, '1', priv.handle, 'ec-p256', { kind: 'ec', name: 'ops', spki: recipient.publicSpki(ec.handle) }), 'KWP_ZERO_PADDED');
    await wrapForRecipient(padding, '1', priv.handle, 'ec-p256', { kind: 'ec', name: 'ops', spki: recipient.publicSpki(ec.handle) }, { allowZeroPaddedKwp: true });
  });

  it('names missing mechanisms before touching the token', async () => {
    const a = new SoftToken('1', { mechanisms: [CKM_RSA_PKCS_OAEP, CKM_AES_KEY_WRAP_PAD, CKM_EC_KEY_PAIR_GEN] });
    const b = new SoftToken('2');
    const key = a.generate('aes-256', 'k', 'wrap-only-export');
    const ec = b.generate('ec-p256', 'r', 'derive');
    const refused = await rejectsCode(wrapForRecipient(a, '1', key.handle, 'aes-256', { kind: 'ec', name: 'ops', spki: b.publicSpki(ec.handle) }), 'WRAP_METHOD_UNSUPPORTED');
    assert.match(refused.message, /CKM_ECDH1_DERIVE \(0x1050\)/);
    assert.deepEqual(a.calls, []);
  });

  it('undoes an import the token did not protect as asked', async () => {
    const a = new SoftToken('1');
    const b = new SoftToken('2', { ignoresExtractableOnUnwrap: true });
    const key = a.generate('aes-256', 'k', 'wrap-only-export');
    const rsa = b.generate('rsa-3072', 'r', 'wrap');
    const record = await wrapForRecipient(a, '1', key.handle, 'aes-256', { kind: 'rsa', name: 'ops', spki: b.publicSpki(rsa.handle) });
    const refused = await rejectsCode(unwrapForImport(b, '2', record, { label: 'in', algorithm: 'aes-256', usage: 'wrap', recipientKey: rsa.handle }), 'IMPORTED_KEY_UNPROTECTED');
    assert.match(refused.message, /extractable/);
    assert.equal((await b.findObjects({ slotId: '2', label: 'in' })).length, 0);
  });

  it('AWS KMS: everything in the token where it does OAEP-SHA-256; the ephemeral key in software otherwise', async () => {
    const kms = generateKeyPairSync('rsa', { modulusLength: 4096 });
    const wrappingPublicKey = kms.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const open = (material: Uint8Array) => {
      const ephemeral = privateDecrypt({ key: kms.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material.subarray(0, 512));
      return aeskwp(new Uint8Array(ephemeral)).decrypt(material.subarray(512));
    };
    for (const oaepSha256 of [true, false]) {
      const a = new SoftToken('1', { oaepSha256 });
      const key = a.generate('aes-256', 'k', 'wrap-only-export');
      const material = await awsKmsImportMaterial(a, '1', key.handle, 'aes-256', { wrappingPublicKey, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
      assert.equal(material.oaepComputedIn, oaepSha256 ? 'token' : 'software');
      assert.equal(hex(open(material.encryptedKeyMaterial)), hex(a.valueOf(key.handle)));
      // One throwaway key for the OAEP probe; in the token branch a second one is E itself.
      assert.equal(a.calls.filter((c) => c === 'ephemeral AES key').length, oaepSha256 ? 2 : 1);
      assert.deepEqual([...a.objects.keys()], [key.handle]);
      const direct = awsKmsImportMaterial(a, '1', key.handle, 'aes-256', { wrappingPublicKey, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
      if (oaepSha256) {
        const bytes = (await direct).encryptedKeyMaterial;
        assert.equal(hex(privateDecrypt({ key: kms.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, bytes)), hex(a.valueOf(key.handle)));
      } else {
        await rejectsCode(direct, 'OAEP_SHA256_UNSUPPORTED');
      }
    }
  });
});

describe('records, recipients and the KMS hand-off', () => {
  it('names the malformed field of a record', async () => {
    const error = await rejectsCode(() => parseWrapRecord({ method: 'ecdh-aes-kwp', curve: 'p-521', ephemeralPublicKey: 'AA==', kdf: 'null', wrappedKey: 'AA==' }), 'WRAP_RECORD_INVALID');
    assert.match(error.message, /curve/);
    await rejectsCode(() => parseWrapRecord({ method: 'rsa-oaep', oaepHash: 'sha256', wrappedKey: 'not base64!' }), 'WRAP_RECORD_INVALID');
  });

  it('reads a public key as DER, PEM or bare base64, the same each way', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    const der = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
    const pem = key.export({ type: 'spki', format: 'pem' }) as string;
    for (const input of [der, pem, new TextEncoder().encode(pem), Buffer.from(der).toString('base64'), `${Buffer.from(der).toString('base64')}\n`]) {
      assert.equal(hex(spkiFromInput(input, 'k')), hex(der));
    }
    assert.throws(() => spkiFromInput('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', 'The key'), { code: 'RECIPIENT_KEY_INVALID' });
  });

  it('makes the manifest recipient entry for each kind', () => {
    const spki = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }));
    const ec = recipientRecordFor({ kind: 'ec', name: 'ops', spki }, { method: 'ecdh-aes-kwp', curve: 'p-256', ephemeralPublicKey: 'AA==', kdf: 'null', wrappedKey: 'AA==' });
    assert.deepEqual(ec, { name: 'ops', kind: 'ec', keyFingerprint: spkiFingerprint(spki) });
    const kek = recipientRecordFor({ kind: 'transport-kek', name: 'r', kekLabel: 'k' }, { method: 'transport-kek-kwp', kekLabel: 'k', kekCheckValue: '0011223344556677', wrappedKey: 'AA==' });
    assert.equal(kek.keyFingerprint, '0011223344556677');
    const kms = recipientRecordFor({ kind: 'aws-kms', name: 'kms', spki, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', importToken: Uint8Array.of(1, 2, 3) }, { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: 'AA==' });
    assert.deepEqual(kms.awsKms, { wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', importToken: 'AQID' });
  });

  it('hands KMS only the form its wrapping algorithm names, with a usable command', async () => {
    const recipient = { name: 'kms', kind: 'aws-kms' as const, keyFingerprint: 'aa'.repeat(32), awsKms: { wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' as const, importToken: 'AQID' } };
    const handoff = kmsHandoff({ method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: 'BAUG' }, recipient);
    assert.deepEqual([...handoff.files['EncryptedKeyMaterial.bin']!], [4, 5, 6]);
    assert.deepEqual([...handoff.files['ImportToken.bin']!], [1, 2, 3]);
    assert.match(handoff.command, /--key-id "\$KEY_ID"/);
    const arn = kmsHandoff({ method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: 'BAUG' }, { ...recipient, awsKms: { ...recipient.awsKms, keyId: "it's odd" } });
    assert.match(arn.command, /--key-id 'it'\\''s odd'/);
    await rejectsCode(() => kmsHandoff({ method: 'rsa-aes-kwp', oaepHash: 'sha1', wrappedKey: 'BAUG' }, recipient), 'WRAP_RECORD_INVALID');
    await rejectsCode(() => kmsHandoff({ method: 'rsa-oaep', oaepHash: 'sha256', wrappedKey: 'BAUG' }, recipient), 'WRAP_RECORD_INVALID');
    await rejectsCode(() => kmsHandoff({ method: 'rsa-oaep', oaepHash: 'sha256', wrappedKey: 'BAUG' }, { name: 'x', kind: 'rsa', keyFingerprint: 'aa'.repeat(32) }), 'WRAP_METHOD_UNSUPPORTED');
  });
});
