// The worker's objects for wrapping (native/hsm/wrap-templates.ts), its strict SPKI
// parser for keys from outside (spki-parse.ts), and the 'derive' role: each attribute
// that decides whether key material can leave a token, checked without a token.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { keyGenerationPlan, unwrapTemplate, type TemplateAttribute } from '../../../native/hsm/key-templates';
import { CKD_NULL, CKD_SHA256_KDF, CKM_ECDH1_DERIVE } from '../../../native/hsm/pkcs11-constants';
import { parseSpki, peerPublicKey } from '../../../native/hsm/spki-parse';
import {
  CHECK_VALUE_TEST_KEY,
  checkValueTestKeyTemplate,
  derivedKeyTemplate,
  ecdhMechanism,
  ephemeralEcPairTemplates,
  ephemeralWrapKeyTemplate,
  wrappingPublicKeyTemplate,
} from '../../../native/hsm/wrap-templates';

const valueOf = (template: TemplateAttribute[], name: string) => template.find((a) => a.name === name)?.value;
const USAGES = ['CKA_ENCRYPT', 'CKA_DECRYPT', 'CKA_SIGN', 'CKA_VERIFY', 'CKA_WRAP', 'CKA_UNWRAP', 'CKA_DERIVE'];
const trueUsages = (template: TemplateAttribute[]) => USAGES.filter((u) => valueOf(template, u) === true);

describe('wrap templates', () => {
  it('makes every intermediate key a session object with one use', () => {
    const e = ephemeralWrapKeyTemplate();
    assert.deepEqual([valueOf(e.create, 'CKA_TOKEN'), valueOf(e.create, 'CKA_SENSITIVE'), valueOf(e.create, 'CKA_EXTRACTABLE')], [false, true, true]);
    assert.deepEqual(trueUsages(e.create), ['CKA_WRAP']);
    assert.equal(valueOf(e.create, 'CKA_VALUE_LEN'), 32);

    const pair = ephemeralEcPairTemplates('ec-p384');
    assert.deepEqual(trueUsages(pair.privateKey.create), ['CKA_DERIVE']);
    assert.deepEqual([valueOf(pair.privateKey.create, 'CKA_EXTRACTABLE'), valueOf(pair.privateKey.create, 'CKA_TOKEN')], [false, false]);
    assert.deepEqual(valueOf(pair.publicKey.create, 'CKA_EC_PARAMS'), Uint8Array.of(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22));

    for (const use of ['wrap', 'unwrap'] as const) {
      const d = derivedKeyTemplate({ store: 'session', use });
      assert.deepEqual(trueUsages(d.create), [use === 'wrap' ? 'CKA_WRAP' : 'CKA_UNWRAP']);
      assert.deepEqual([valueOf(d.create, 'CKA_TOKEN'), valueOf(d.create, 'CKA_EXTRACTABLE'), valueOf(d.create, 'CKA_SENSITIVE')], [false, false, true]);
    }
    const pub = wrappingPublicKeyTemplate(Uint8Array.of(0xc1, 0x01), Uint8Array.of(1, 0, 1));
    assert.deepEqual([valueOf(pub.create, 'CKA_TOKEN'), valueOf(pub.create, 'CKA_WRAP'), valueOf(pub.create, 'CKA_ENCRYPT'), valueOf(pub.create, 'CKA_VERIFY')], [false, true, false, false]);
  });

  it('makes a transport KEK a protected token object that wraps and unwraps only, reading back all but its length', () => {
    const label = new TextEncoder().encode('transport-kek');
    const t = derivedKeyTemplate({ store: 'token', label, id: Uint8Array.of(1, 2) });
    assert.deepEqual(
      ['CKA_TOKEN', 'CKA_PRIVATE', 'CKA_SENSITIVE', 'CKA_EXTRACTABLE'].map((n) => valueOf(t.create, n)),
      [true, true, true, false],
    );
    assert.deepEqual(trueUsages(t.create), ['CKA_WRAP', 'CKA_UNWRAP']);
    assert.deepEqual(valueOf(t.create, 'CKA_LABEL'), label);
    assert.equal(valueOf(t.expect, 'CKA_VALUE_LEN'), undefined);
    assert.equal(t.expect.length, t.create.length - 1);
  });

  it('never reads a key value back, and the check value test key is the public 00…1f', () => {
    const t = checkValueTestKeyTemplate();
    assert.deepEqual(valueOf(t.create, 'CKA_VALUE'), CHECK_VALUE_TEST_KEY);
    assert.equal(valueOf(t.expect, 'CKA_VALUE'), undefined);
    assert.deepEqual(trueUsages(t.create), []);
    assert.equal(Buffer.from(CHECK_VALUE_TEST_KEY).toString('hex'), '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  });

  it('passes the KDF and the raw peer point to CKM_ECDH1_DERIVE', () => {
    const point = new Uint8Array(65).fill(4);
    for (const [kdf, value] of [['null', CKD_NULL], ['sha256', CKD_SHA256_KDF]] as const) {
      const m = ecdhMechanism(kdf, point);
      assert.equal(m.mechanism, CKM_ECDH1_DERIVE);
      const p = m.parameter as unknown as { kdf: number; publicData: Buffer; sharedData?: Buffer };
      assert.equal(p.kdf, value);
      assert.deepEqual(new Uint8Array(p.publicData), point);
      assert.equal(p.sharedData, undefined);
    }
  });

  it('gives EC keys a derive role, for ECDH recipients, and nothing else with it', () => {
    const plan = keyGenerationPlan('ec-p256', 'derive', new TextEncoder().encode('r'), Uint8Array.of(1));
    assert.deepEqual(trueUsages(plan.privateKey!), ['CKA_DERIVE']);
    assert.equal(valueOf(plan.privateKey!, 'CKA_EXTRACTABLE'), false);
    assert.throws(() => keyGenerationPlan('aes-256', 'derive', new TextEncoder().encode('r'), Uint8Array.of(1)), { code: 'KEY_ROLE_UNSUPPORTED' });
    assert.throws(() => keyGenerationPlan('ed25519', 'derive', new TextEncoder().encode('r'), Uint8Array.of(1)), { code: 'KEY_ROLE_UNSUPPORTED' });
    assert.throws(() => unwrapTemplate({ class: 'secret', keyType: 'aes' }, 'derive', new TextEncoder().encode('r'), Uint8Array.of(1)), { code: 'KEY_ROLE_UNSUPPORTED' });
  });
});

describe('SPKI parser for keys from outside', () => {
  it('reads RSA and EC keys as Node writes them', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const parsedRsa = parseSpki(new Uint8Array(rsa.export({ type: 'spki', format: 'der' })));
    assert.equal(parsedRsa.algorithm, 'rsa');
    if (parsedRsa.algorithm === 'rsa') {
      assert.equal(parsedRsa.modulusBits, 2048);
      assert.equal(Buffer.from(parsedRsa.modulus).toString('base64url'), rsa.export({ format: 'jwk' }).n);
      assert.equal(Buffer.from(parsedRsa.publicExponent).toString('hex'), '010001');
    }
    for (const [curve, name] of [['prime256v1', 'ec-p256'], ['secp384r1', 'ec-p384']] as const) {
      const ec = generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
      const parsed = parseSpki(new Uint8Array(ec.export({ type: 'spki', format: 'der' })));
      assert.equal(parsed.algorithm, name);
      if ('point' in parsed) {
        const jwk = ec.export({ format: 'jwk' });
        assert.equal(Buffer.from(parsed.point.subarray(1, 1 + parsed.curve.fieldBytes)).toString('base64url'), jwk.x);
      }
    }
  });

  it('refuses other curves, compressed points, trailing bytes and other algorithms, naming what is wrong', () => {
    const p521 = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey.export({ type: 'spki', format: 'der' }));
    assert.throws(() => parseSpki(p521), /curve 1\.3\.132\.0\.35 is not supported/);
    const ed = new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }));
    assert.throws(() => parseSpki(ed), /algorithm 1\.3\.101\.112 is not supported/);
    const p256 = new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }));
    const compressed = Uint8Array.from(p256);
    compressed[compressed.length - 65] = 0x02;
    assert.throws(() => parseSpki(compressed), /not an uncompressed point/);
    assert.throws(() => parseSpki(Uint8Array.from([...p256, 0])), /trailing bytes/);
    const error = (() => {
      try {
        peerPublicKey(p256.subarray(0, 40), 'the bundle\'s ephemeral key');
      } catch (e) {
        return e as { code: string; message: string };
      }
      return null;
    })();
    assert.equal(error?.code, 'PUBLIC_KEY_INVALID');
    assert.match(error?.message ?? '', /^The bundle's ephemeral key is not a usable SubjectPublicKeyInfo/);
  });
});
