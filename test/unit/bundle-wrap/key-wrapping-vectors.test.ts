// The key-wrapping test vectors (test/vectors/key-wrapping, docs/key-wrapping.md), each
// recomputed by two implementations where two exist: @noble/ciphers and OpenSSL (through
// node:crypto) for RFC 3394 and RFC 5649, Node's ECDH and RSA-OAEP for the rest. The
// generator of these files was OpenSSL; these checks use @noble/ciphers as well.
import assert from 'node:assert/strict';
import { createCipheriv, createECDH, createHash, createPrivateKey, createPublicKey, privateDecrypt, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aeskw, aeskwp } from '@noble/ciphers/aes.js';
import { CHECK_VALUE_BYTES, CHECK_VALUE_TEST_KEY } from '../../../native/hsm/wrap-templates';
import { parseSpki } from '../../../native/hsm/spki-parse';
import { mixEntropy } from '../../../main/bundle/kms/ephemeral-key';
import { WrapRecordSchema } from '../../../main/bundle/wrap';

const dir = join(__dirname, '..', '..', 'vectors', 'key-wrapping');
const rfc = JSON.parse(readFileSync(join(dir, 'rfc3394-rfc5649.json'), 'utf8'));
const v = JSON.parse(readFileSync(join(dir, 'conclave.json'), 'utf8'));
const h = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function openssl(kind: 'wrap' | 'wrap-pad', kek: Uint8Array, key: Uint8Array): string {
  const cipher = createCipheriv(`id-aes${kek.length * 8}-${kind}`, kek, h(kind === 'wrap' ? 'a6a6a6a6a6a6a6a6' : 'a65959a6'));
  return Buffer.concat([cipher.update(key), cipher.final()]).toString('hex');
}

describe('key wrapping vectors', () => {
  it('RFC 3394 section 4, with @noble/ciphers and OpenSSL', () => {
    assert.equal(rfc.rfc3394.cases.length, 6);
    for (const c of rfc.rfc3394.cases) {
      assert.equal(hex(aeskw(h(c.kek)).encrypt(h(c.key))), c.wrapped, c.section);
      assert.equal(openssl('wrap', h(c.kek), h(c.key)), c.wrapped, c.section);
      assert.equal(hex(aeskw(h(c.kek)).decrypt(h(c.wrapped))), c.key, c.section);
    }
  });

  it('RFC 5649 section 6, with @noble/ciphers and OpenSSL', () => {
    for (const c of rfc.rfc5649.cases) {
      assert.equal(hex(aeskwp(h(c.kek)).encrypt(h(c.key))), c.wrapped, c.section);
      assert.equal(openssl('wrap-pad', h(c.kek), h(c.key)), c.wrapped, c.section);
      assert.equal(hex(aeskwp(h(c.kek)).decrypt(h(c.wrapped))), c.key, c.section);
    }
  });

  it('key check value: SHA-256 of the test key 00…1f wrapped with RFC 5649, first 8 bytes', () => {
    assert.equal(hex(CHECK_VALUE_TEST_KEY), v.keyCheckValue.testKey);
    for (const c of v.keyCheckValue.cases) {
      const wrapped = aeskwp(h(c.kek)).encrypt(CHECK_VALUE_TEST_KEY);
      assert.equal(hex(wrapped), c.wrappedTestKey);
      assert.equal(createHash('sha256').update(wrapped).digest().subarray(0, CHECK_VALUE_BYTES).toString('hex'), c.checkValue);
    }
  });

  it('transport-kek-kwp: the record parses, and its bytes are RFC 5649 under the KEK', () => {
    const t = v.transportKekKwp;
    const record = WrapRecordSchema.parse(t.record);
    assert.equal(record.method, 'transport-kek-kwp');
    assert.equal(hex(aeskwp(h(t.kek)).decrypt(b64(t.record.wrappedKey))), t.key);
    assert.equal(t.record.kekCheckValue, v.keyCheckValue.cases[1].checkValue);
  });

  it('ecdh-aes-kwp: shared secret, both KDFs and the wrap, from the fixed private keys', () => {
    const e = v.ecdhAesKwp;
    const recipientPoint = parseSpki(b64(e.recipientPublicKey));
    const recipient = createECDH('prime256v1');
    recipient.setPrivateKey(h(e.recipientPrivateKey));
    assert.ok(recipientPoint.algorithm === 'ec-p256' && hex(recipientPoint.point) === hex(recipient.getPublicKey()));
    for (const c of e.cases) {
      const record = WrapRecordSchema.parse(c.record);
      assert.ok(record.method === 'ecdh-aes-kwp');
      const ephemeral = parseSpki(b64(record.ephemeralPublicKey));
      assert.equal(ephemeral.algorithm, 'ec-p256');
      if (ephemeral.algorithm !== 'ec-p256') return;
      const z = recipient.computeSecret(ephemeral.point);
      assert.equal(hex(z), e.sharedSecret);
      const kek = record.kdf === 'null' ? z : createHash('sha256').update(Buffer.concat([z, Buffer.from('00000001', 'hex')])).digest();
      assert.equal(hex(kek), c.kek);
      assert.equal(hex(aeskwp(new Uint8Array(kek)).decrypt(b64(record.wrappedKey))), e.key);
      // The sender's side gives the same secret.
      const sender = createECDH('prime256v1');
      sender.setPrivateKey(h(e.ephemeralPrivateKey));
      assert.equal(hex(sender.computeSecret(recipient.getPublicKey())), e.sharedSecret);
    }
  });

  it('rsa-oaep and rsa-aes-kwp: the samples open with the test private key, the RFC 5649 part is deterministic', () => {
    const key = createPrivateKey(v.rsaOaep.testPrivateKeyPem);
    const oaep = (data: Uint8Array) => new Uint8Array(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data));
    assert.equal(hex(oaep(b64(WrapRecordSchema.parse(v.rsaOaep.record).wrappedKey))), v.rsaOaep.key);
    assert.equal(createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64'), v.rsaOaep.recipientPublicKey);

    const r = v.rsaAesKwp;
    const bytes = b64(WrapRecordSchema.parse(r.record).wrappedKey);
    const modulus = 256;
    assert.equal(hex(oaep(bytes.subarray(0, modulus))), r.ephemeralKey);
    assert.equal(hex(bytes.subarray(modulus)), r.kwpPart);
    assert.equal(hex(aeskwp(h(r.ephemeralKey)).encrypt(h(r.key))), r.kwpPart);
    assert.equal(openssl('wrap-pad', h(r.ephemeralKey), h(r.key)), r.kwpPart);
  });

  it('the AWS KMS ephemeral key made outside the token: HKDF-SHA256 over both randomness sources', () => {
    const k = v.kmsEphemeralKey;
    assert.equal(hex(mixEntropy(h(k.tokenBytes), h(k.osBytes))), k.key);
    assert.notEqual(hex(mixEntropy(h(k.osBytes), h(k.tokenBytes))), k.key);
  });

  it('docs/key-wrapping.md quotes the vectors as they are', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'key-wrapping.md'), 'utf8');
    for (const c of v.keyCheckValue.cases) assert.ok(doc.includes(c.checkValue), c.checkValue);
    assert.ok(doc.includes(v.ecdhAesKwp.sharedSecret));
    for (const c of v.ecdhAesKwp.cases) assert.ok(doc.includes(c.record.wrappedKey));
    assert.ok(doc.includes(v.transportKekKwp.record.wrappedKey));
    assert.ok(doc.includes(v.rsaAesKwp.kwpPart));
    assert.ok(doc.includes(v.kmsEphemeralKey.key));
  });
});
