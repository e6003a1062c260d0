// Key generation, attribute read-back, duplicate labels, finding objects, SPKI export and
// signatures, with OpenSC's pkcs11-tool and openssl as the outside oracles.
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { CKA_SENSITIVE } from '../../../native/hsm/pkcs11-constants';
import type { KeySpecType, SignMechanism } from '../../../native/hsm/protocol';
import { inProcessBackend } from '../../helpers/in-process-backend';
import { initTokenWithUtil, makeSoftHsm, openssl, pin, pkcs11Tool, rejectsWithCode, withToken, type TokenFixture } from '../../helpers/softhsm';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-keys-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The block pkcs11-tool -O prints for the object with this label and class. */
function toolObject(fx: TokenFixture, kind: 'Public Key' | 'Private Key' | 'Secret Key', label: string): string {
  const listing = pkcs11Tool(fx, ['--login', '--pin', fx.spec.userPin, '-O']);
  const blocks = listing.split(/\n(?=\S)/);
  const block = blocks.find((b) => b.startsWith(`${kind} Object`) && b.includes(`label:      ${label}\n`));
  assert.ok(block, `pkcs11-tool lists the ${kind.toLowerCase()} "${label}"`);
  return block;
}

const PROTECTED = 'Access:     sensitive, always sensitive, never extractable, local';

describe('key generation', () => {
  it('generates an AES-256 key-encryption key that is sensitive, non-extractable and only wraps', async (t) => {
    const fx = await withToken(t, { login: true });
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'kek-1', role: 'wrap', id: 'a1b2c3d4' });
    assert.equal(key.id, 'a1b2c3d4');
    assert.equal(key.privateKey, null);
    const a = key.secretKey?.attributes;
    assert.ok(a);
    assert.deepEqual(
      { class: a.class, keyType: a.keyType, label: a.label, id: a.id, token: a.token, private: a.private, sensitive: a.sensitive, extractable: a.extractable, alwaysSensitive: a.alwaysSensitive, neverExtractable: a.neverExtractable, local: a.local, valueLength: a.valueLength },
      { class: 'secret', keyType: 'aes', label: 'kek-1', id: 'a1b2c3d4', token: true, private: true, sensitive: true, extractable: false, alwaysSensitive: true, neverExtractable: true, local: true, valueLength: 32 },
    );
    assert.deepEqual([a.wrap, a.unwrap, a.encrypt, a.decrypt, a.sign, a.verify, a.derive], [true, true, false, false, false, false, false]);

    const block = toolObject(fx, 'Secret Key', 'kek-1');
    assert.match(block, /AES length 32/);
    assert.match(block, /Usage:\s+wrap, unwrap\n/);
    assert.ok(block.includes(PROTECTED));
    assert.match(block, /ID:\s+a1b2c3d4/);
  });

  const pairs: Array<{ type: KeySpecType; toolKind: RegExp; openssl: RegExp; mechanism: SignMechanism }> = [
    { type: 'ec-p256', toolKind: /Public Key Object; EC\s+EC_POINT 256 bits/, openssl: /Public-Key: \(256 bit\)[\s\S]*ASN1 OID: prime256v1/, mechanism: 'ecdsa-sha256' },
    { type: 'ec-p384', toolKind: /Public Key Object; EC\s+EC_POINT 384 bits/, openssl: /Public-Key: \(384 bit\)[\s\S]*ASN1 OID: secp384r1/, mechanism: 'ecdsa-sha384' },
    { type: 'ed25519', toolKind: /Public Key Object; EC_EDWARDS\s+EC_POINT 255 bits/, openssl: /ED25519 Public-Key:/, mechanism: 'eddsa' },
    { type: 'rsa-3072', toolKind: /Public Key Object; RSA 3072 bits/, openssl: /Public-Key: \(3072 bit\)[\s\S]*Exponent: 65537/, mechanism: 'rsa-pss-sha256' },
  ];

  for (const spec of pairs) {
    it(`generates a ${spec.type} signing key pair, reads it back, exports SPKI and signs verifiably`, async (t) => {
      const fx = await withToken(t, { login: true });
      const dir = scratch(t);
      const label = `sig-${spec.type}`;
      const key = await fx.client.generateKey({ slotId: fx.slotId, type: spec.type, label, role: 'sign' });
      const priv = key.privateKey?.attributes;
      const pub = key.publicKey?.attributes;
      assert.ok(priv && pub);
      assert.equal(priv.class, 'private');
      assert.equal(pub.class, 'public');
      assert.equal(priv.id, pub.id);
      assert.match(priv.id, /^[0-9a-f]{32}$/, 'a fresh 16-byte id');
      assert.deepEqual([priv.token, priv.private, priv.sensitive, priv.extractable, priv.alwaysSensitive, priv.neverExtractable, priv.local], [true, true, true, false, true, true, true]);
      assert.deepEqual([priv.sign, priv.decrypt, priv.unwrap, priv.derive], [true, false, false, false]);
      assert.deepEqual([pub.token, pub.private, pub.verify, pub.encrypt, pub.wrap], [true, false, true, false, false]);
      if (spec.type.startsWith('rsa')) assert.equal(pub.modulusBits, 3072);
      else assert.equal(pub.curve, spec.type === 'ed25519' ? 'ed25519' : spec.type);

      // pkcs11-tool reads the same attributes from the token.
      assert.match(toolObject(fx, 'Public Key', label), spec.toolKind);
      const privBlock = toolObject(fx, 'Private Key', label);
      assert.match(privBlock, /Usage:\s+sign\n/);
      assert.ok(privBlock.includes(PROTECTED));

      // The SPKI built from the token's attributes is what openssl reads as the same key.
      const exported = await fx.client.exportPublicKey(key.publicKey!.handle);
      const pemPath = join(dir, 'pub.pem');
      writeFileSync(pemPath, exported.pem);
      assert.match(openssl(['pkey', '-pubin', '-in', pemPath, '-noout', '-text']), spec.openssl);
      const fromPrivate = await fx.client.exportPublicKey(key.privateKey!.handle);
      assert.deepEqual(fromPrivate.spki, exported.spki, 'a private key handle exports its public half');
      if (spec.type === 'rsa-3072' || spec.type === 'ec-p256') {
        // pkcs11-tool 0.23 exports these as SPKI DER (it fails on P-384 and Ed25519): byte-identical.
        const derPath = join(dir, 'tool.der');
        pkcs11Tool(fx, ['--read-object', '--type', 'pubkey', '--id', pub.id, '-o', derPath]);
        assert.deepEqual(new Uint8Array(readFileSync(derPath)), exported.spki);
      }
      if (!spec.type.startsWith('rsa')) {
        // The CKA_EC_POINT pkcs11-tool prints (a DER OCTET STRING) holds the point the SPKI carries.
        const printed = /EC_POINT:\s+04([0-9a-f]{2})([0-9a-f]+)/.exec(toolObject(fx, 'Public Key', label));
        assert.ok(printed);
        const point = printed[2]!;
        assert.equal(point.length / 2, parseInt(printed[1]!, 16));
        assert.equal(Buffer.from(exported.spki.subarray(-point.length / 2)).toString('hex'), point);
      }

      // Sign in the token; verify in the token, with Node's crypto, and with openssl.
      const data = new TextEncoder().encode(`ceremony transcript checkpoint for ${spec.type}`);
      const signature = await fx.client.sign({ key: key.privateKey!.handle, mechanism: spec.mechanism, data });
      assert.equal(await fx.client.verify({ key: key.publicKey!.handle, mechanism: spec.mechanism, data, signature }), true);
      const tampered = Uint8Array.from(data);
      tampered[0] = (tampered[0] ?? 0) ^ 1;
      assert.equal(await fx.client.verify({ key: key.publicKey!.handle, mechanism: spec.mechanism, data: tampered, signature }), false);

      const dataPath = join(dir, 'data.bin');
      const sigPath = join(dir, 'sig.bin');
      writeFileSync(dataPath, data);
      const publicKey = createPublicKey(exported.pem);
      if (spec.mechanism.startsWith('ecdsa')) {
        const der = ecdsaRawToDer(signature);
        writeFileSync(sigPath, der);
        const digest = spec.mechanism === 'ecdsa-sha256' ? '-sha256' : '-sha384';
        assert.match(openssl(['dgst', digest, '-verify', pemPath, '-signature', sigPath, dataPath]), /Verified OK/);
        assert.ok(nodeVerify(spec.mechanism === 'ecdsa-sha256' ? 'sha256' : 'sha384', data, publicKey, der));
      } else if (spec.mechanism === 'eddsa') {
        writeFileSync(sigPath, signature);
        assert.match(openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pemPath, '-rawin', '-in', dataPath, '-sigfile', sigPath]), /Signature Verified Successfully/);
        assert.ok(nodeVerify(null, data, publicKey, signature));
      } else {
        writeFileSync(sigPath, signature);
        assert.match(
          openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', pemPath, '-signature', sigPath, dataPath]),
          /Verified OK/,
        );
      }
    });
  }

  it('signs with RSA PKCS#1 v1.5 SHA-256, verifiable by openssl', async (t) => {
    const fx = await withToken(t, { login: true });
    const dir = scratch(t);
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'rsa-3072', label: 'rsa-pkcs1', role: 'sign' });
    const data = new TextEncoder().encode('bundle manifest');
    const signature = await fx.client.sign({ key: key.privateKey!.handle, mechanism: 'rsa-pkcs1-sha256', data });
    const exported = await fx.client.exportPublicKey(key.publicKey!.handle);
    writeFileSync(join(dir, 'pub.pem'), exported.pem);
    writeFileSync(join(dir, 'data'), data);
    writeFileSync(join(dir, 'sig'), signature);
    assert.match(openssl(['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'data')]), /Verified OK/);
    assert.equal(await fx.client.verify({ key: key.privateKey!.handle, mechanism: 'rsa-pkcs1-sha256', data, signature }), true);
  });

  it('refuses a label that already exists on the token, creating nothing', async (t) => {
    const fx = await withToken(t, { login: true });
    await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'root-2025', role: 'sign' });
    const before = await fx.client.findObjects({ slotId: fx.slotId });
    const error = await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'root-2025', role: 'wrap' }), 'LABEL_EXISTS');
    assert.match(error.message, /already holds 2 objects labelled "root-2025"/);
    assert.match(error.action, /new label/);
    assert.equal((await fx.client.findObjects({ slotId: fx.slotId })).length, before.length);
  });

  it('refuses an id that already exists on the token', async (t) => {
    const fx = await withToken(t, { login: true });
    await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'first', role: 'encrypt', id: '0102' });
    await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'second', role: 'encrypt', id: '0102' }), 'ID_EXISTS');
    await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'third', role: 'encrypt', id: 'xyz' }), 'ID_INVALID');
  });

  it('refuses roles a key type cannot have, and a bad label', async (t) => {
    const fx = await withToken(t, { login: true });
    const error = await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'ec-kek', role: 'wrap' }), 'KEY_ROLE_UNSUPPORTED');
    assert.match(error.action, /sign, wrap-only-export/);
    await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'ed25519', label: 'ed-enc', role: 'encrypt' }), 'KEY_ROLE_UNSUPPORTED');
    await rejectsWithCode(fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: ' padded ', role: 'wrap' }), 'LABEL_INVALID');
    assert.deepEqual(await fx.client.findObjects({ slotId: fx.slotId }), []);
  });

  it('makes a wrap-only-export key extractable but still sensitive, with no other use', async (t) => {
    const fx = await withToken(t, { login: true });
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'exportable', role: 'wrap-only-export' });
    const a = key.privateKey!.attributes;
    assert.deepEqual([a.sensitive, a.extractable, a.alwaysSensitive, a.neverExtractable], [true, true, true, false]);
    assert.deepEqual([a.sign, a.decrypt, a.unwrap, a.derive], [false, false, false, false]);
    assert.match(toolObject(fx, 'Private Key', 'exportable'), /Access:\s+sensitive, always sensitive, extractable, local/);
    await rejectsWithCode(fx.client.sign({ key: key.privateKey!.handle, mechanism: 'ecdsa-sha256', data: new Uint8Array(8) }), 'KEY_FUNCTION_NOT_PERMITTED');
  });

  it('deletes the new key and fails when the token reports attributes other than those asked', async (t) => {
    // SoftHSM2 honours templates, so the disagreement is injected into the read-back only;
    // the key is really created on, and must really be deleted from, the SoftHSM2 token.
    const fx = makeSoftHsm(t);
    initTokenWithUtil(fx);
    const { backend } = inProcessBackend(fx, {
      C_GetAttributeValue: (real, ...args) => {
        const result = real(...args) as Array<{ type: number; value: Buffer }>;
        return result.map((r) => (r.type === CKA_SENSITIVE ? { ...r, value: Buffer.from([0]) } : r));
      },
    });
    t.after(() => backend.unloadModule());
    backend.loadModule(fx.modulePath);
    const slot = backend.listSlots().find((s) => s.token?.label === 'Conclave Test');
    assert.ok(slot);
    backend.login(slot.slotId, 'user', pin('user-secret-1'));
    assert.throws(
      () => backend.generateKey(slot.slotId, 'ec-p256', 'must-not-stay', 'sign'),
      (error: { code: string; message: string }) => {
        assert.equal(error.code, 'KEY_ATTRIBUTES_MISMATCH');
        assert.match(error.message, /CKA_SENSITIVE is false, expected true/);
        assert.match(error.message, /deleted again/);
        return true;
      },
    );
    assert.deepEqual(backend.findObjects(slot.slotId, { label: 'must-not-stay' }), []);
  });
  it('refuses a key type whose mechanism is not in the token\'s mechanism list, before calling it', async (t) => {
    const fx = makeSoftHsm(t);
    initTokenWithUtil(fx);
    const { backend, calls } = inProcessBackend(fx, {
      C_GetMechanismList: (real, ...args) => (real(...args) as number[]).filter((m) => m !== 0x1055 && m !== 0x1057),
    });
    t.after(() => backend.unloadModule());
    backend.loadModule(fx.modulePath);
    const slot = backend.listSlots().find((s) => s.token?.label === 'Conclave Test');
    assert.ok(slot);
    backend.login(slot.slotId, 'user', pin('user-secret-1'));
    assert.throws(
      () => backend.generateKey(slot.slotId, 'ed25519', 'no-edwards', 'sign'),
      (error: { code: string; message: string; detail: string }) => {
        assert.equal(error.code, 'MECHANISM_NOT_SUPPORTED');
        assert.match(error.message, /does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN/);
        assert.match(error.detail, /not in C_GetMechanismList/);
        return true;
      },
    );
    assert.equal(calls.get('C_GenerateKeyPair') ?? 0, 0);
  });
});

describe('finding objects', () => {
  it('finds by label, by id and by class', async (t) => {
    const fx = await withToken(t, { login: true });
    await fx.client.generateKey({ slotId: fx.slotId, type: 'ed25519', label: 'witness-a', role: 'sign', id: 'aa01' });
    await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'kek-b', role: 'wrap', id: 'bb02' });

    const byLabel = await fx.client.findObjects({ slotId: fx.slotId, label: 'witness-a' });
    assert.deepEqual(byLabel.map((o) => [o.class, o.keyType, o.id]).sort(), [['private', 'ec-edwards', 'aa01'], ['public', 'ec-edwards', 'aa01']]);
    const byId = await fx.client.findObjects({ slotId: fx.slotId, id: 'bb02' });
    assert.deepEqual(byId.map((o) => [o.class, o.keyType, o.label]), [['secret', 'aes', 'kek-b']]);
    const publics = await fx.client.findObjects({ slotId: fx.slotId, class: 'public' });
    assert.deepEqual(publics.map((o) => o.label), ['witness-a']);
    const both = await fx.client.findObjects({ slotId: fx.slotId, label: 'witness-a', class: 'private' });
    assert.equal(both.length, 1);
    const info = await fx.client.keyAttributes(both[0]!.handle);
    assert.equal(info.attributes.curve, 'ed25519');
    assert.deepEqual(await fx.client.findObjects({ slotId: fx.slotId, label: 'nothing-here' }), []);

    // Private objects are invisible without a login.
    await fx.client.logout(fx.slotId);
    const loggedOut = await fx.client.findObjects({ slotId: fx.slotId });
    assert.deepEqual(loggedOut.map((o) => o.class), ['public']);
  });

  it('deletes an object', async (t) => {
    const fx = await withToken(t, { login: true });
    const key = await fx.client.generateKey({ slotId: fx.slotId, type: 'aes-256', label: 'temporary', role: 'encrypt' });
    await fx.client.destroyObject(key.secretKey!.handle);
    assert.deepEqual(await fx.client.findObjects({ slotId: fx.slotId, label: 'temporary' }), []);
    await rejectsWithCode(fx.client.keyAttributes('h1.0000000000000000.1.1'), 'HANDLE_STALE');
    await rejectsWithCode(fx.client.keyAttributes('not-a-handle'), 'HANDLE_INVALID');
  });

  it('refuses to sign with the wrong kind of key or mechanism', async (t) => {
    const fx = await withToken(t, { login: true });
    const ec = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'ec', role: 'sign' });
    await rejectsWithCode(fx.client.sign({ key: ec.privateKey!.handle, mechanism: 'eddsa', data: new Uint8Array(4) }), 'KEY_TYPE_MISMATCH');
    await rejectsWithCode(fx.client.sign({ key: ec.publicKey!.handle, mechanism: 'ecdsa-sha256', data: new Uint8Array(4) }), 'KEY_CLASS_MISMATCH');
  });
});
