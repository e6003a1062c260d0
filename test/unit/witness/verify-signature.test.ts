// verifyWitnessSignature against the outside oracle: OpenSSL verifies what the witness
// signers and node:crypto produce, and verifyWitnessSignature accepts what OpenSSL signs
// (Ed25519 with `pkeyutl -rawin`, ECDSA P-256 with `dgst -sha256`). Mismatched keys,
// algorithms and signature encodings are refused with a reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openWitnessKey } from '../../../main/witness/open-witness-key';
import { checkWitnessSignature, verifyWitnessSignature } from '../../../main/witness/verify-signature';
import { parseWitnessKey, witnessPublicInfo } from '../../../main/witness/witness-key-file';
import { passphraseBytes, signaturePayload, witnessKey } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'conclave-witness-verify-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function file(name: string, content: Uint8Array | string): string {
  const path = join(dir, `${++counter}-${name}`);
  writeFileSync(path, content);
  return path;
}

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const spkiOf = (pem: string) => new Uint8Array(createPublicKey(pem).export({ type: 'spki', format: 'der' }));
const flip = (bytes: Uint8Array, at: number) => {
  const copy = Uint8Array.from(bytes);
  copy[at]! ^= 1;
  return copy;
};
const payload = signaturePayload('ceremony-2025', 12, '9f'.repeat(32));

describe('Ed25519', () => {
  test('a key-file signature verifies here and with openssl pkeyutl -verify -rawin; a changed one fails in both', async () => {
    const created = await witnessKey();
    const info = witnessPublicInfo(parseWitnessKey(created.fileText));
    const signer = await openWitnessKey(parseWitnessKey(created.fileText), passphraseBytes());
    const signature = await signer.sign(payload);
    signer.close();
    const pub = file('pub.pem', info.publicKeyPem);
    const data = file('payload', payload);
    assert.ok(verifyWitnessSignature({ algorithm: 'ed25519', publicKeySpki: created.publicKeySpki, payload, signature }));
    const good = openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', data, '-sigfile', file('sig', signature)]);
    assert.ok(good.ok, good.out);
    assert.match(good.out, /Signature Verified Successfully/);

    const bad = flip(signature, 10);
    assert.ok(!verifyWitnessSignature({ algorithm: 'ed25519', publicKeySpki: created.publicKeySpki, payload, signature: bad }));
    assert.ok(!openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', data, '-sigfile', file('bad', bad)]).ok);
    assert.ok(!verifyWitnessSignature({ algorithm: 'ed25519', publicKeySpki: created.publicKeySpki, payload: flip(payload, 0), signature }));
  });

  test('accepts a signature made by openssl pkeyutl -sign -rawin', () => {
    const keyPath = file('ed.pem', '');
    assert.ok(openssl(['genpkey', '-algorithm', 'ed25519', '-out', keyPath]).ok);
    const pubPath = file('ed.pub.pem', '');
    assert.ok(openssl(['pkey', '-in', keyPath, '-pubout', '-out', pubPath]).ok);
    const sigPath = file('ed.sig', '');
    const made = openssl(['pkeyutl', '-sign', '-inkey', keyPath, '-rawin', '-in', file('payload', payload), '-out', sigPath]);
    assert.ok(made.ok, made.out);
    const signature = new Uint8Array(readFileSync(sigPath));
    const publicKeySpki = spkiOf(readFileSync(pubPath, 'utf8'));
    assert.deepEqual(checkWitnessSignature({ algorithm: 'ed25519', publicKeySpki, payload, signature }), { ok: true });
  });
});

describe('ECDSA P-256 with SHA-256', () => {
  test('accepts a DER signature made by openssl dgst -sha256 -sign', () => {
    const keyPath = file('p256.pem', '');
    assert.ok(openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]).ok);
    const pubPath = file('p256.pub.pem', '');
    assert.ok(openssl(['pkey', '-in', keyPath, '-pubout', '-out', pubPath]).ok);
    const sigPath = file('p256.sig', '');
    assert.ok(openssl(['dgst', '-sha256', '-sign', keyPath, '-out', sigPath, file('payload', payload)]).ok);
    const signature = new Uint8Array(readFileSync(sigPath));
    const publicKeySpki = spkiOf(readFileSync(pubPath, 'utf8'));
    assert.deepEqual(checkWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload, signature }), { ok: true });
    assert.ok(!verifyWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload: flip(payload, 3), signature }));
  });

  test('what verifies here verifies with openssl dgst -sha256 -verify, and a changed payload fails in both', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = new Uint8Array(nodeSign('sha256', payload, { key: privateKey, dsaEncoding: 'der' }));
    const publicKeySpki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    assert.ok(verifyWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload, signature }));
    const pub = file('node-p256.pub.pem', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const sig = file('node-p256.sig', signature);
    const good = openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, file('payload', payload)]);
    assert.ok(good.ok, good.out);
    assert.match(good.out, /Verified OK/);
    assert.ok(!openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, file('changed', flip(payload, 0))]).ok);
  });

  test('only the one DER form is accepted (no raw r||s, no padded integers, no trailing bytes)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicKeySpki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const raw = new Uint8Array(nodeSign('sha256', payload, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    const rawCheck = checkWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload, signature: raw });
    assert.equal(rawCheck.ok, false);
    const der = new Uint8Array(nodeSign('sha256', payload, { key: privateKey, dsaEncoding: 'der' }));
    const trailing = Uint8Array.from([...der, 0]);
    assert.match((checkWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload, signature: trailing }) as { reason: string }).reason, /not a DER/);
    // r with a superfluous leading zero byte: same numbers, another encoding.
    const rLength = der[3]!;
    const padded = Uint8Array.from([0x30, der[1]! + 1, 0x02, rLength + 1, 0x00, ...der.subarray(4)]);
    assert.equal(checkWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki, payload, signature: padded }).ok, false);
  });
});

describe('keys and algorithms must match', () => {
  const ed = generateKeyPairSync('ed25519');
  const edSpki = new Uint8Array(ed.publicKey.export({ type: 'spki', format: 'der' }));
  const edSig = new Uint8Array(nodeSign(null, payload, ed.privateKey));
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const p384Spki = new Uint8Array(p384.publicKey.export({ type: 'spki', format: 'der' }));
  const p384Sig = new Uint8Array(nodeSign('sha256', payload, { key: p384.privateKey, dsaEncoding: 'der' }));
  const reason = (input: Parameters<typeof checkWitnessSignature>[0]) => {
    const check = checkWitnessSignature(input);
    assert.equal(check.ok, false);
    return (check as { reason: string }).reason;
  };

  test('an Ed25519 key under the ECDSA algorithm, and an EC key under Ed25519', () => {
    assert.match(reason({ algorithm: 'ecdsa-p256-sha256', publicKeySpki: edSpki, payload, signature: edSig }), /needs an EC P-256 public key, found ed25519/);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = new Uint8Array(p256.publicKey.export({ type: 'spki', format: 'der' }));
    assert.match(reason({ algorithm: 'ed25519', publicKeySpki: spki, payload, signature: edSig }), /needs an Ed25519 public key, found ec/);
  });

  test('a P-384 key is not a P-256 witness key', () => {
    assert.match(reason({ algorithm: 'ecdsa-p256-sha256', publicKeySpki: p384Spki, payload, signature: p384Sig }), /curve secp384r1/);
  });

  test('garbage public keys, short signatures and unknown algorithms', () => {
    assert.match(reason({ algorithm: 'ed25519', publicKeySpki: new Uint8Array(44), payload, signature: edSig }), /not a valid SubjectPublicKeyInfo/);
    assert.match(reason({ algorithm: 'ed25519', publicKeySpki: edSpki, payload, signature: edSig.subarray(0, 63) }), /64 bytes/);
    assert.match(reason({ algorithm: 'rsa-pss' as never, publicKeySpki: edSpki, payload, signature: edSig }), /not one a witness signs with/);
    assert.equal(verifyWitnessSignature({ algorithm: 'ed25519', publicKeySpki: edSpki, payload, signature: edSig }), true);
  });
});
