// DER and SubjectPublicKeyInfo encoders, checked against fixed vectors and against Node's
// own SPKI encoder for freshly generated keys.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decodeObjectIdentifier,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  encodeLength,
  objectIdentifier,
  readSingle,
  readTlv,
  unsignedInteger,
} from '../../../native/hsm/der';
import { CURVES, bitLength, curveFromEcParams, ecParamsFor, ecPointFromAttribute, ecSpki, rsaSpki, toPem } from '../../../native/hsm/spki';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const b64url = (s: string) => Uint8Array.from(Buffer.from(s, 'base64url'));

describe('DER primitives', () => {
  it('encodes lengths in short and long form', () => {
    assert.equal(toHex(encodeLength(0)), '00');
    assert.equal(toHex(encodeLength(127)), '7f');
    assert.equal(toHex(encodeLength(128)), '8180');
    assert.equal(toHex(encodeLength(255)), '81ff');
    assert.equal(toHex(encodeLength(256)), '820100');
    assert.equal(toHex(encodeLength(65536)), '83010000');
  });

  it('encodes unsigned INTEGERs minimally with a sign byte where needed', () => {
    assert.equal(toHex(unsignedInteger(hex('00'))), '020100');
    assert.equal(toHex(unsignedInteger(hex('7f'))), '02017f');
    assert.equal(toHex(unsignedInteger(hex('80'))), '02020080');
    assert.equal(toHex(unsignedInteger(hex('000001'))), '020101');
    assert.equal(toHex(unsignedInteger(hex('010001'))), '0203010001');
  });

  it('encodes and decodes OIDs (known encodings)', () => {
    const vectors: Array<[string, string]> = [
      ['1.2.840.10045.3.1.7', '06082a8648ce3d030107'],
      ['1.3.132.0.34', '06052b81040022'],
      ['1.3.101.112', '06032b6570'],
      ['1.2.840.113549.1.1.1', '06092a864886f70d010101'],
      ['1.2.840.10045.2.1', '06072a8648ce3d0201'],
      ['2.999.3', '0603883703'],
    ];
    for (const [dotted, der] of vectors) {
      assert.equal(toHex(objectIdentifier(dotted)), der, dotted);
      assert.equal(decodeObjectIdentifier(readSingle(hex(der)).content), dotted);
    }
    assert.throws(() => objectIdentifier('1'), /at least two arcs/);
    assert.throws(() => objectIdentifier('3.1'), /invalid OID/);
  });

  it('refuses malformed DER', () => {
    assert.throws(() => readTlv(hex('04')), /truncated/);
    assert.throws(() => readTlv(hex('0480')), /indefinite/);
    assert.throws(() => readTlv(hex('04810100')), /non-minimal/);
    assert.throws(() => readTlv(hex('040501')), /truncated/);
    assert.throws(() => readSingle(hex('04010000')), /trailing/);
    assert.throws(() => readSingle(hex('0500'), 0x04), /expected DER tag 0x4/);
  });
});

describe('ECDSA signature forms', () => {
  it('converts r||s to DER and back (with sign bytes and leading zeros)', () => {
    const raw = hex('80' + '11'.repeat(31) + '00' + '7f' + '22'.repeat(30));
    const der = ecdsaRawToDer(raw);
    // r needs a sign byte (0x80...), s loses its leading zero (00 7f... → 7f..., 31 bytes).
    assert.equal(toHex(der), '3044022100' + '80' + '11'.repeat(31) + '021f' + '7f' + '22'.repeat(30));
    assert.deepEqual(ecdsaDerToRaw(der, 32), raw);
    assert.throws(() => ecdsaRawToDer(new Uint8Array(63)), /even length/);
  });

  it('agrees with Node: a P-256 signature in IEEE P1363 form verifies as DER after conversion', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('checkpoint');
    const raw = nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.ok(nodeVerify('sha256', data, publicKey, ecdsaRawToDer(raw)));
    const der = nodeSign('sha256', data, privateKey);
    const fromDer = ecdsaDerToRaw(der, 32);
    assert.ok(nodeVerify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, fromDer));
    assert.equal(toHex(ecdsaRawToDer(fromDer)), toHex(der), 'DER → raw → DER is the identity');
  });
});

describe('SubjectPublicKeyInfo', () => {
  it('matches the RFC 8410 Ed25519 example', () => {
    const point = hex('19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1');
    const spki = ecSpki(CURVES.ed25519, point);
    assert.equal(Buffer.from(spki).toString('base64'), 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=');
    assert.equal(toPem(spki), '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n');
  });

  for (const namedCurve of ['P-256', 'P-384'] as const) {
    it(`builds the same ${namedCurve} SPKI as Node`, () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = new Uint8Array([4, ...b64url(jwk.x!), ...b64url(jwk.y!)]);
      const curve = curveFromEcParams(ecParamsFor(namedCurve === 'P-256' ? 'ec-p256' : 'ec-p384'));
      // CKA_EC_POINT comes DER-wrapped from PKCS#11; some modules give the bare point.
      const wrapped = new Uint8Array([0x04, point.length, ...point]);
      assert.deepEqual(ecPointFromAttribute(wrapped, curve), point);
      assert.deepEqual(ecPointFromAttribute(point, curve), point);
      const spki = ecSpki(curve, point);
      assert.equal(toHex(spki), toHex(publicKey.export({ format: 'der', type: 'spki' })));
      assert.equal(createPublicKey(toPem(spki)).asymmetricKeyDetails?.namedCurve, namedCurve === 'P-256' ? 'prime256v1' : 'secp384r1');
    });
  }

  it('builds the same Ed25519 SPKI as Node, from a DER-wrapped CKA_EC_POINT and from the edwards25519 name', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = b64url(publicKey.export({ format: 'jwk' }).x!);
    const curve = curveFromEcParams(hex('130c656477617264733235353139'));
    assert.equal(curve.algorithm, 'ed25519');
    const spki = ecSpki(curve, ecPointFromAttribute(new Uint8Array([0x04, 0x20, ...raw]), curve));
    assert.equal(toHex(spki), toHex(publicKey.export({ format: 'der', type: 'spki' })));
  });

  for (const modulusLength of [3072, 4096]) {
    it(`builds the same RSA-${modulusLength} SPKI as Node`, () => {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent: 65537 });
      const jwk = publicKey.export({ format: 'jwk' });
      const n = b64url(jwk.n!);
      const spki = rsaSpki(n, b64url(jwk.e!));
      assert.equal(toHex(spki), toHex(publicKey.export({ format: 'der', type: 'spki' })));
      assert.equal(bitLength(n), modulusLength);
      assert.equal(bitLength(new Uint8Array([0, 0, 1, 0])), 9);
    });
  }

  it('refuses unsupported or malformed curve data', () => {
    assert.throws(() => curveFromEcParams(objectIdentifier('1.3.132.0.35')), /unsupported curve OID 1\.3\.132\.0\.35/);
    assert.throws(() => curveFromEcParams(hex('3000')), /explicit curve parameters/);
    assert.throws(() => curveFromEcParams(hex('06')), /not valid DER/);
    assert.throws(() => ecPointFromAttribute(new Uint8Array(10), CURVES['ec-p256']), /neither a bare point/);
    assert.throws(() => ecPointFromAttribute(new Uint8Array([0x02, ...new Uint8Array(64)]), CURVES['ec-p256']), /uncompressed/);
  });
});
