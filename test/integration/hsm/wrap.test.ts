// Wrapping and unwrapping: AES key wrap with padding (RFC 5649) and RSA-OAEP, against
// SoftHSM2, cross-checked with RFC 5649's own vectors, @noble/ciphers' aeskwp and Node's
// RSA-OAEP. One RSA-4096 key pair is generated for the whole file (SoftHSM2 is slow at it).
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import type { GeneratedKey } from '../../../native/hsm/protocol';
import { openssl, rejectsWithCode, withToken, type TokenFixture } from '../../helpers/softhsm';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('key wrapping', () => {
  const cleanups: Array<() => unknown> = [];
  let fx: TokenFixture;
  let rsa: GeneratedKey;
  let kek: GeneratedKey;
  let rsaPublic: ReturnType<typeof createPublicKey>;
  let labelCounter = 0;
  const label = (base: string) => `${base}-${++labelCounter}`;

  before(async () => {
    fx = await withToken({ after: (fn) => cleanups.push(fn) }, { login: true });
    rsa = await fx.client.generateKey({ slotId: fx.slotId, type: 'rsa-4096', label: 'transport-rsa-4096', role: 'wrap' });
    kek = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'kek', role: 'wrap' });
    rsaPublic = createPublicKey((await fx.client.exportPublicKey(rsa.publicKey!.handle)).pem);
  });

  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  /** Brings known key bytes into the token the way a bundle would: RSA-OAEP under the token's RSA key. */
  async function importKnown(value: Uint8Array, keyType: 'aes' | 'generic-secret', role: 'wrap' | 'wrap-only-export', name: string) {
    const wrapped = publicEncrypt({ key: rsaPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, value);
    return fx.client.unwrapKey({
      unwrappingKey: rsa.privateKey!.handle,
      wrapped: new Uint8Array(wrapped),
      mechanism: 'rsa-oaep-sha1',
      target: { class: 'secret', keyType },
      label: label(name),
      role,
    });
  }

  it('generated the RSA-4096 key-encryption pair with the asked attributes', async () => {
    const priv = rsa.privateKey!.attributes;
    const pub = rsa.publicKey!.attributes;
    assert.equal(pub.modulusBits, 4096);
    assert.deepEqual([priv.unwrap, priv.decrypt, priv.sign, priv.sensitive, priv.extractable], [true, false, false, true, false]);
    assert.deepEqual([pub.wrap, pub.encrypt, pub.verify], [true, false, false]);
    const dir = mkdtempSync(join(tmpdir(), 'conclave-wrap-'));
    try {
      writeFileSync(join(dir, 'rsa.pem'), (await fx.client.exportPublicKey(rsa.publicKey!.handle)).pem);
      assert.match(openssl(['pkey', '-pubin', '-in', join(dir, 'rsa.pem'), '-noout', '-text']), /Public-Key: \(4096 bit\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('AES key wrap with padding against the RFC 5649 test vectors: what SoftHSM2 really does', async () => {
    // RFC 5649 §6: a 192-bit KEK wrapping a 20-octet and a 7-octet key. The oracle
    // (@noble/ciphers) reproduces both published vectors exactly.
    const kekValue = hex('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8');
    const vectors = [
      { key: hex('c37b7e6492584340bed12207808941155068f738'), wrapped: '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a' },
      { key: hex('466f7250617369'), wrapped: 'afbeb0f07dfbf5419200f2ccb50bb24f' },
    ];
    for (const v of vectors) assert.equal(toHex(aeskwp(kekValue).encrypt(v.key)), v.wrapped);

    const rfcKek = await importKnown(kekValue, 'aes', 'wrap', 'rfc5649-kek');
    assert.equal(rfcKek.attributes.keyType, 'aes');
    for (const [i, v] of vectors.entries()) {
      const key = await importKnown(v.key, 'generic-secret', 'wrap-only-export', `rfc5649-${i}`);
      const wrapped = await fx.client.wrapKey({ wrappingKey: rfcKek.handle, key: key.handle, mechanism: 'aes-key-wrap-pad' });
      // SoftHSM2 2.6 zero-pads a key whose length is not a multiple of 8 before wrapping, so
      // its output is RFC 5649 of (key || zeros), and it unwraps to the padded length. For
      // lengths that are multiples of 8 (AES keys) it is exactly RFC 5649 (next test).
      const padded = new Uint8Array(Math.ceil(v.key.length / 8) * 8);
      padded.set(v.key);
      assert.notEqual(toHex(wrapped), v.wrapped);
      assert.equal(toHex(wrapped), toHex(aeskwp(kekValue).encrypt(padded)));
      assert.deepEqual(aeskwp(kekValue).decrypt(wrapped), padded);
    }
    // A 24-octet key (a multiple of 8) under the same RFC KEK matches RFC 5649 exactly.
    const key24 = new Uint8Array(randomBytes(24));
    const token24 = await importKnown(key24, 'aes', 'wrap-only-export', 'rfc5649-24');
    const wrapped24 = await fx.client.wrapKey({ wrappingKey: rfcKek.handle, key: token24.handle, mechanism: 'aes-key-wrap-pad' });
    assert.equal(toHex(wrapped24), toHex(aeskwp(kekValue).encrypt(key24)));
  });

  it('AES key wrap with padding agrees with @noble/ciphers aeskwp for a random AES-256 key', async () => {
    const kekValue = new Uint8Array(randomBytes(32));
    const keyValue = new Uint8Array(randomBytes(32));
    const tokenKek = await importKnown(kekValue, 'aes', 'wrap', 'noble-kek');
    const tokenKey = await importKnown(keyValue, 'aes', 'wrap-only-export', 'noble-key');
    const wrapped = await fx.client.wrapKey({ wrappingKey: tokenKek.handle, key: tokenKey.handle, mechanism: 'aes-key-wrap-pad' });
    assert.equal(toHex(wrapped), toHex(aeskwp(kekValue).encrypt(keyValue)));
    // And the other way: bytes wrapped outside unwrap inside.
    const outside = aeskwp(kekValue).encrypt(keyValue);
    const unwrapped = await fx.client.unwrapKey({
      unwrappingKey: tokenKek.handle,
      wrapped: outside,
      mechanism: 'aes-key-wrap-pad',
      target: { class: 'secret', keyType: 'aes' },
      label: label('from-outside'),
      role: 'wrap-only-export',
    });
    const again = await fx.client.wrapKey({ wrappingKey: tokenKek.handle, key: unwrapped.handle, mechanism: 'aes-key-wrap-pad' });
    assert.equal(toHex(again), toHex(outside));
  });

  it('wraps an exportable key and unwraps it as a sensitive, non-extractable key', async () => {
    const exportable = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: label('data-key'), role: 'wrap-only-export' });
    const wrapped = await fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: exportable.secretKey!.handle, mechanism: 'aes-key-wrap-pad' });
    assert.equal(wrapped.length, 40, '32 bytes of key plus the 8-byte integrity block');
    const imported = await fx.client.unwrapKey({
      unwrappingKey: kek.secretKey!.handle,
      wrapped,
      mechanism: 'aes-key-wrap-pad',
      target: { class: 'secret', keyType: 'aes' },
      label: label('data-key-imported'),
      role: 'encrypt',
    });
    const a = imported.attributes;
    assert.deepEqual(
      [a.class, a.keyType, a.token, a.private, a.sensitive, a.extractable, a.local, a.encrypt, a.decrypt, a.wrap],
      ['secret', 'aes', true, true, true, false, false, true, true, false],
    );
    // SoftHSM2 2.6 leaves CKA_VALUE_LEN at 0 on unwrapped secret keys; other tokens report 32.
    assert.ok(a.valueLength === 32 || a.valueLength === 0);
    await rejectsWithCode(fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: imported.handle, mechanism: 'aes-key-wrap-pad' }), 'KEY_UNEXTRACTABLE');
  });

  it('refuses to wrap a non-extractable key', async () => {
    const error = await rejectsWithCode(
      fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: rsa.privateKey!.handle, mechanism: 'aes-key-wrap-pad' }),
      'KEY_UNEXTRACTABLE',
    );
    assert.match(error.action, /wrap-only-export/);
  });

  it('refuses a wrapped key under the wrong KEK', async () => {
    const other = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: label('other-kek'), role: 'wrap' });
    const exportable = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: label('secret'), role: 'wrap-only-export' });
    const wrapped = await fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: exportable.secretKey!.handle, mechanism: 'aes-key-wrap-pad' });
    const error = await rejectsWithCode(
      fx.client.unwrapKey({
        unwrappingKey: other.secretKey!.handle,
        wrapped,
        mechanism: 'aes-key-wrap-pad',
        target: { class: 'secret', keyType: 'aes' },
        label: label('never'),
        role: 'encrypt',
      }),
      'WRAPPED_KEY_INVALID',
    );
    assert.match(error.message, /wrapped under a different key/);
  });

  it('moves an EC private key out and back in under AES key wrap, and the copy signs for the original public key', async () => {
    const original = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: label('movable'), role: 'wrap-only-export' });
    const wrapped = await fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: original.privateKey!.handle, mechanism: 'aes-key-wrap-pad' });
    const copy = await fx.client.unwrapKey({
      unwrappingKey: kek.secretKey!.handle,
      wrapped,
      mechanism: 'aes-key-wrap-pad',
      target: { class: 'private', keyType: 'ec' },
      label: label('movable-copy'),
      role: 'sign',
    });
    assert.deepEqual([copy.attributes.class, copy.attributes.sensitive, copy.attributes.extractable, copy.attributes.sign], ['private', true, false, true]);
    const data = new TextEncoder().encode('signed by the unwrapped copy');
    const signature = await fx.client.sign({ key: copy.handle, mechanism: 'ecdsa-sha256', data });
    const pem = (await fx.client.exportPublicKey(original.publicKey!.handle)).pem;
    assert.ok(nodeVerify('sha256', data, createPublicKey(pem), ecdsaRawToDer(signature)));
  });

  it('RSA-OAEP with SHA-1 wraps in the token and unwraps to the same key', async () => {
    const exportable = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: label('oaep-key'), role: 'wrap-only-export' });
    const wrapped = await fx.client.wrapKey({ wrappingKey: rsa.publicKey!.handle, key: exportable.secretKey!.handle, mechanism: 'rsa-oaep-sha1' });
    assert.equal(wrapped.length, 512);
    const back = await fx.client.unwrapKey({
      unwrappingKey: rsa.privateKey!.handle,
      wrapped,
      mechanism: 'rsa-oaep-sha1',
      target: { class: 'secret', keyType: 'aes' },
      label: label('oaep-back'),
      role: 'wrap-only-export',
    });
    // AES key wrap is deterministic: the same key under the same KEK gives the same bytes.
    const a = await fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: exportable.secretKey!.handle, mechanism: 'aes-key-wrap-pad' });
    const b = await fx.client.wrapKey({ wrappingKey: kek.secretKey!.handle, key: back.handle, mechanism: 'aes-key-wrap-pad' });
    assert.equal(toHex(a), toHex(b));
  });

  it('RSA-OAEP with SHA-256 and MGF1-SHA-256: what SoftHSM2 really does', async () => {
    const exportable = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: label('oaep256-key'), role: 'wrap-only-export' });
    const attempt = fx.client.wrapKey({ wrappingKey: rsa.publicKey!.handle, key: exportable.secretKey!.handle, mechanism: 'rsa-oaep-sha256' });
    if (fx.client.module?.libraryVersion === '2.6') {
      // SoftHSM2 2.6 checks "hashAlg must be CKM_SHA_1" and answers CKR_ARGUMENTS_BAD.
      const error = await rejectsWithCode(attempt, 'MECHANISM_PARAM_UNSUPPORTED');
      assert.match(error.message, /refused RSA-OAEP with SHA-256 and MGF1-SHA-256/);
      assert.match(error.detail ?? '', /CKR_ARGUMENTS_BAD/);
      assert.match(error.action, /aes-key-wrap-pad/);
      // Unwrapping bytes made by Node's RSA-OAEP-SHA-256 is refused the same way.
      const outside = publicEncrypt({ key: rsaPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
      await rejectsWithCode(
        fx.client.unwrapKey({
          unwrappingKey: rsa.privateKey!.handle,
          wrapped: new Uint8Array(outside),
          mechanism: 'rsa-oaep-sha256',
          target: { class: 'secret', keyType: 'aes' },
          label: label('oaep256-in'),
          role: 'encrypt',
        }),
        'MECHANISM_PARAM_UNSUPPORTED',
      );
    } else {
      // A SoftHSM2 that implements it must round-trip with Node's RSA-OAEP-SHA-256.
      const value = new Uint8Array(randomBytes(32));
      const outside = publicEncrypt({ key: rsaPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, value);
      const unwrapped = await fx.client.unwrapKey({
        unwrappingKey: rsa.privateKey!.handle,
        wrapped: new Uint8Array(outside),
        mechanism: 'rsa-oaep-sha256',
        target: { class: 'secret', keyType: 'aes' },
        label: label('oaep256-in'),
        role: 'wrap-only-export',
      });
      const kekValue = new Uint8Array(randomBytes(32));
      const tokenKek = await importKnown(kekValue, 'aes', 'wrap', 'oaep256-kek');
      const wrapped = await fx.client.wrapKey({ wrappingKey: tokenKek.handle, key: unwrapped.handle, mechanism: 'aes-key-wrap-pad' });
      assert.equal(toHex(wrapped), toHex(aeskwp(kekValue).encrypt(value)));
      assert.equal((await attempt).length, 512);
    }
  });

  it('refuses RSA-OAEP for a private key target, and an unwrap onto a label already taken', async () => {
    await rejectsWithCode(
      fx.client.unwrapKey({
        unwrappingKey: rsa.privateKey!.handle,
        wrapped: new Uint8Array(512),
        mechanism: 'rsa-oaep-sha1',
        target: { class: 'private', keyType: 'ec' },
        label: label('bad-target'),
        role: 'sign',
      }),
      'BAD_REQUEST',
    );
    await rejectsWithCode(
      fx.client.unwrapKey({
        unwrappingKey: kek.secretKey!.handle,
        wrapped: new Uint8Array(40),
        mechanism: 'aes-key-wrap-pad',
        target: { class: 'secret', keyType: 'aes' },
        label: 'kek',
        role: 'encrypt',
      }),
      'LABEL_EXISTS',
    );
  });
});
