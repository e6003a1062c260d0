// Bundles signed by a root key inside a real PKCS#11 token (SoftHSM2): P-256 with
// CKM_ECDSA_SHA256 and P-384 with CKM_ECDSA_SHA384. The bundle verifies with Conclave's
// verifier and with openssl over the exact payload bytes; a dense sample of tampered
// copies of the token-signed bundle is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { parseBundle } from '../../../main/bundle/format/parse';
import { bundleSignaturePayload } from '../../../main/bundle/format/payload';
import { issuerOf } from '../../../main/bundle/format/root-key';
import { signBundle } from '../../../main/bundle/format/sign';
import { verifyBundle } from '../../../main/bundle/format/verify';
import { DomainError } from '../../../native/errors';
import { openssl, withToken, type Cleanup } from '../../helpers/softhsm';
import { DURING, manifestFor, type TestKey } from '../../unit/bundle-format/fixtures';

function tempDir(t: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-bundle-hsm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** manifestFor needs only the issuer's SPKI. */
const issuerKey = (spki: Uint8Array) => ({ spki }) as TestKey;

describe('bundles signed in SoftHSM2', () => {
  for (const [type, algorithm, digest] of [
    ['ec-p256', 'ecdsa-p256-sha256', '-sha256'],
    ['ec-p384', 'ecdsa-p384-sha384', '-sha384'],
  ] as const) {
    test(`a ${type} root key signs a bundle that Conclave and openssl verify`, async (t) => {
      const fx = await withToken(t, { login: true });
      const dir = tempDir(t);
      const root = await fx.client.generateKey({ slotId: fx.slotId, type, label: 'root-signing-key', role: 'sign' });
      const exported = await fx.client.exportPublicKey(root.privateKey!.handle);
      const manifest = manifestFor(issuerKey(exported.spki));
      assert.deepEqual(manifest.issuer, issuerOf(exported.spki));

      const bytes = await signBundle(fx.client, root.privateKey!.handle, manifest);
      const result = verifyBundle(bytes, { rootPublicKeySpki: exported.spki, now: DURING, allowRehearsal: false });
      assert.equal(result.signatureAlgorithm, algorithm);
      assert.deepEqual(result.manifest, manifest);

      // openssl, over the payload as docs/bundle.md spells it, with r || s turned into DER.
      const parsed = parseBundle(bytes);
      const payloadPath = join(dir, 'payload.bin');
      // The canonical manifest is the bundle's own bytes between "manifest": and ,"signature":.
      const text = Buffer.from(bytes).toString('latin1');
      const manifestText = text.slice(text.indexOf('"manifest":') + '"manifest":'.length, text.indexOf(',"signature":'));
      writeFileSync(payloadPath, `conclave-key-bundle/v1\n${manifestText}`);
      writeFileSync(join(dir, 'root.pem'), exported.pem);
      writeFileSync(join(dir, 'sig.der'), ecdsaRawToDer(parsed.signature.value));
      assert.match(openssl(['dgst', digest, '-verify', join(dir, 'root.pem'), '-signature', join(dir, 'sig.der'), payloadPath]), /Verified OK/);

      // The token itself agrees (C_Verify with the public key).
      const raw = parsed.signature.value;
      assert.equal(await fx.client.verify({ key: root.publicKey!.handle, mechanism: type === 'ec-p256' ? 'ecdsa-sha256' : 'ecdsa-sha384', data: bundleSignaturePayload(manifest), signature: raw }), true);

      // A dense sample of single-byte changes, every removal in the signature and the manifest's
      // first hundred bytes: all refused.
      for (let i = 0; i < bytes.length; i += 3) {
        const changed = Uint8Array.from(bytes);
        changed[i] = changed[i]! ^ 0x04;
        assert.throws(() => verifyBundle(changed, { rootPublicKeySpki: exported.spki, now: DURING, allowRehearsal: false }), DomainError, `byte ${i}`);
      }
      const signatureStart = text.indexOf('"signature"');
      for (const i of [...Array(100).keys()].map((k) => k + text.indexOf('"manifest"')).concat([...Array(120).keys()].map((k) => k + signatureStart))) {
        const shorter = Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
        assert.throws(() => verifyBundle(shorter, { rootPublicKeySpki: exported.spki, now: DURING, allowRehearsal: false }), DomainError, `without byte ${i}`);
      }
    });
  }

  test('a manifest naming another issuer is not signed by the token', async (t) => {
    const fx = await withToken(t, { login: true });
    const root = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'root-signing-key', role: 'sign' });
    const second = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'other-key', role: 'sign' });
    const otherSpki = (await fx.client.exportPublicKey(second.privateKey!.handle)).spki;
    await assert.rejects(signBundle(fx.client, root.privateKey!.handle, manifestFor(issuerKey(otherSpki))), (e: DomainError) => e.code === 'BUNDLE_ISSUER_MISMATCH');
  });
});
