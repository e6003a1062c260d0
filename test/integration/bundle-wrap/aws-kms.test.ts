// The AWS KMS import material, checked by an oracle that does what KMS does: a test "KMS"
// RSA key pair made with openssl, `openssl pkeyutl -decrypt` with OAEP-SHA-256/MGF1-SHA-256
// on the first modulus-length bytes, @noble/ciphers' RFC 5649 unwrap on the rest, and the
// result compared with the key's value learned through a known test KEK.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { awsKmsImportMaterial, kmsHandoff } from '../../../main/bundle/kms';
import { recipientRecordFor, wrapForRecipient, type RecipientKey } from '../../../main/bundle/wrap';
import type { GeneratedKey } from '../../../native/hsm/protocol';
import { openssl, rejectsWithCode } from '../../helpers/softhsm';
import { twoTokens, valueThroughTestKek, type TwoTokens } from './two-tokens';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('AWS KMS import material', () => {
  const cleanups: Array<() => unknown> = [];
  let t: TwoTokens;
  let kmsPrivatePem: string;
  /** What "aws kms get-parameters-for-import --query PublicKey --output text" prints: base64 of the DER SPKI. */
  let kmsPublicBase64: string;
  let n = 0;
  const label = (base: string) => `${base}-${++n}`;

  before(async () => {
    t = await twoTokens({ after: (fn) => cleanups.push(fn) });
    kmsPrivatePem = join(t.fixture.directory, 'kms-wrapping-private.pem');
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', kmsPrivatePem]);
    const der = execFileSync('openssl', ['pkey', '-in', kmsPrivatePem, '-pubout', '-outform', 'DER']);
    kmsPublicBase64 = der.toString('base64');
  });

  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  const exportable = (type: 'aes-256' | 'ec-p256' | 'ec-p384', name: string): Promise<GeneratedKey> =>
    t.client.generateKey({ slotId: t.a, type, label: label(name), role: 'wrap-only-export' });

  /** What AWS KMS does with RSA_AES_KEY_WRAP_SHA_256 material, with openssl as the RSA side. */
  function kmsUnwrap(material: Uint8Array): { ephemeral: Uint8Array; key: Uint8Array } {
    const oaepPart = join(t.fixture.directory, `oaep-${n}.bin`);
    const ephemeralFile = join(t.fixture.directory, `ephemeral-${n}.bin`);
    writeFileSync(oaepPart, material.subarray(0, 384));
    openssl([
      'pkeyutl', '-decrypt', '-inkey', kmsPrivatePem, '-in', oaepPart, '-out', ephemeralFile,
      '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
    ]);
    const ephemeral = new Uint8Array(readFileSync(ephemeralFile));
    return { ephemeral, key: aeskwp(ephemeral).decrypt(material.subarray(384)) };
  }

  it('RSA_AES_KEY_WRAP_SHA_256: OAEP-SHA-256 of an ephemeral AES-256 key, then RFC 5649 of the key, nothing in between', async () => {
    const key = await exportable('aes-256', 'kms-aes');
    const material = await awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    assert.equal(material.encryptedKeyMaterial.length, 384 + 40);
    if (t.client.module?.libraryVersion === '2.6') assert.equal(material.oaepComputedIn, 'software');
    const unwrapped = kmsUnwrap(material.encryptedKeyMaterial);
    assert.equal(unwrapped.ephemeral.length, 32);
    assert.equal(hex(unwrapped.key), hex(await valueThroughTestKek(t.client, t.a, key.secretKey!.handle)));
    assert.deepEqual(material.record, { method: 'rsa-aes-kwp', oaepHash: 'sha256', wrappedKey: Buffer.from(material.encryptedKeyMaterial).toString('base64') });
    // Two exports of the same key use two different ephemeral keys.
    const again = await awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    assert.notEqual(hex(kmsUnwrap(again.encryptedKeyMaterial).ephemeral), hex(unwrapped.ephemeral));
    // Only the ceremony's own objects remain on the token: no session key, no imported public key.
    const labels = (await t.client.findObjects({ slotId: t.a })).map((o) => o.label);
    assert.ok(labels.every((l) => !l.startsWith('conclave-')), labels.join(', '));
  });

  it('accepts the wrapping key as PEM and as DER too, and through wrapForRecipient with an aws-kms recipient', async () => {
    const key = await exportable('aes-256', 'kms-forms');
    const pem = createPublicKey({ key: Buffer.from(kmsPublicBase64, 'base64'), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }) as string;
    const fromPem = await awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: pem, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    const fromDer = await awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', {
      wrappingPublicKey: new Uint8Array(Buffer.from(kmsPublicBase64, 'base64')),
      wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256',
    });
    assert.equal(hex(kmsUnwrap(fromPem.encryptedKeyMaterial).key), hex(kmsUnwrap(fromDer.encryptedKeyMaterial).key));

    const importToken = new Uint8Array(Buffer.from('an opaque import token from GetParametersForImport'));
    const recipient: RecipientKey = {
      kind: 'aws-kms',
      name: 'payments KMS key',
      spki: new Uint8Array(Buffer.from(kmsPublicBase64, 'base64')),
      wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256',
      importToken,
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    };
    const record = await wrapForRecipient(t.client, t.a, key.secretKey!.handle, 'aes-256', recipient);
    const handoff = kmsHandoff(record, recipientRecordFor(recipient, record));
    assert.equal(hex(kmsUnwrap(handoff.files['EncryptedKeyMaterial.bin']!).key), hex(kmsUnwrap(fromDer.encryptedKeyMaterial).key));
    assert.equal(hex(handoff.files['ImportToken.bin']!), hex(importToken));
    assert.match(handoff.command, /aws kms import-key-material \\\n {2}--key-id 1234abcd-12ab-34cd-56ef-1234567890ab/);
    assert.match(handoff.command, /--encrypted-key-material fileb:\/\/EncryptedKeyMaterial\.bin/);
    assert.match(handoff.command, /--import-token fileb:\/\/ImportToken\.bin/);
  });

  it('RSAES_OAEP_SHA_256 needs RSA-OAEP with SHA-256 in the token, and otherwise points to RSA_AES_KEY_WRAP_SHA_256', async () => {
    const key = await exportable('aes-256', 'kms-oaep');
    const attempt = awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' });
    if (t.client.module?.libraryVersion === '2.6') {
      const refused = await rejectsWithCode(attempt, 'OAEP_SHA256_UNSUPPORTED');
      assert.match(refused.action, /RSA_AES_KEY_WRAP_SHA_256/);
      assert.match(refused.message, /never encrypted outside the token/);
    } else {
      const material = await attempt;
      const file = join(t.fixture.directory, 'direct.bin');
      writeFileSync(file, material.encryptedKeyMaterial);
      const out = join(t.fixture.directory, 'direct.out');
      openssl(['pkeyutl', '-decrypt', '-inkey', kmsPrivatePem, '-in', file, '-out', out, '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
      assert.equal(hex(readFileSync(out)), hex(await valueThroughTestKek(t.client, t.a, key.secretKey!.handle)));
    }
    const ec = await exportable('ec-p384', 'kms-oaep-ec');
    await rejectsWithCode(
      awsKmsImportMaterial(t.client, t.a, ec.privateKey!.handle, 'ec-p384', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSAES_OAEP_SHA_256' }),
      'WRAP_METHOD_UNSUPPORTED',
    );
  });

  it('private keys: refused where the token zero-pads RFC 5649, since KMS unwraps exactly', async () => {
    const ec = await exportable('ec-p256', 'kms-ec');
    const attempt = awsKmsImportMaterial(t.client, t.a, ec.privateKey!.handle, 'ec-p256', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' });
    if (t.client.module?.libraryVersion === '2.6') {
      await rejectsWithCode(attempt, 'KWP_ZERO_PADDED');
    } else {
      const { key } = kmsUnwrap((await attempt).encryptedKeyMaterial);
      const fromMaterial = createPublicKey(createPrivateKey({ key: Buffer.from(key), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
      assert.equal(hex(fromMaterial), hex((await t.client.exportPublicKey(ec.publicKey!.handle)).spki));
    }
  });

  it('refuses a wrapping key KMS would never give, and a key that cannot be exported', async () => {
    const key = await exportable('aes-256', 'kms-bad');
    const ecPrivate = join(t.fixture.directory, 'not-kms-ec.pem');
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ecPrivate]);
    const ecPublic = execFileSync('openssl', ['pkey', '-in', ecPrivate, '-pubout', '-outform', 'DER']).toString('base64');
    await rejectsWithCode(awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: ecPublic, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), 'RECIPIENT_KEY_INVALID');
    await rejectsWithCode(awsKmsImportMaterial(t.client, t.a, key.secretKey!.handle, 'aes-256', { wrappingPublicKey: 'not base64 at all!', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), 'RECIPIENT_KEY_INVALID');
    const locked = await t.client.generateKey({ slotId: t.a, type: 'aes-256', label: label('kms-locked'), role: 'encrypt' });
    await rejectsWithCode(awsKmsImportMaterial(t.client, t.a, locked.secretKey!.handle, 'aes-256', { wrappingPublicKey: kmsPublicBase64, wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }), 'WRAP_KEY_NOT_EXPORTABLE');
  });
});
