// The ceremony key in a real PKCS#11 token (SoftHSM2) signs a checkpoint and the seal;
// the signatures (PKCS#11 r||s, stored as DER) verify through verifySignatures and
// through openssl, an independent implementation, over the exact payload bytes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { fingerprintOf } from '../../../main/quorum/fingerprint';
import type { EntryData } from '../../../main/transcript/data-schemas';
import { readTranscript } from '../../../main/transcript/reader';
import { signaturePayload } from '../../../main/transcript/signature-payload';
import { verifySignatures } from '../../../main/transcript/verify-signatures';
import { openTranscript, type AppendedEntry } from '../../../main/transcript/writer';
import { openssl, withToken } from '../../helpers/softhsm';
import { ALICE, CAROL, CEREMONY_ID, SYSTEM, ed25519Witness, openedData, sha256Hex, signatureData, steppingClock, tempDir } from '../../unit/transcript/fixtures';

describe('ceremony key in SoftHSM2', () => {
  test('checkpoint and seal signed in the token verify with verifySignatures and openssl', async (t) => {
    const fx = await withToken(t, { login: true });
    const dir = tempDir(t);
    const generated = await fx.client.generateKey({ slotId: fx.slotId, type: 'ec-p256', label: 'ceremony-signing', role: 'sign' });
    const exported = await fx.client.exportPublicKey(generated.publicKey!.handle);
    const spki = exported.spki;
    const keyFingerprint = sha256Hex(spki);
    const carol = ed25519Witness('Carol');
    const witnesses = [{ name: 'Carol', fingerprint: carol.fingerprint }];

    const path = join(dir, 'transcript.jsonl');
    const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true, now: steppingClock() });
    t.after(() => writer.close());
    await writer.append('ceremony-opened', ALICE, openedData(witnesses));
    const attributes = Object.fromEntries(
      Object.entries(generated.privateKey!.attributes).filter(([, v]) => v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string'),
    ) as EntryData<'key-generated'>['attributes'];
    const fp = fingerprintOf(spki);
    await writer.append('key-generated', SYSTEM, {
      purpose: 'ceremony-signing',
      label: generated.label,
      id: generated.id,
      algorithm: 'ec-p256',
      hsmRole: 'sign',
      adopted: false,
      publicKeySpki: Buffer.from(spki).toString('base64'),
      fingerprint: { hex: fp.hex, words: fp.words },
      attributes,
    });

    /** Signs a checkpoint or seal in the token, as the engine will. */
    const signInToken = async (target: AppendedEntry): Promise<Uint8Array> => {
      const raw = await fx.client.sign({ key: generated.privateKey!.handle, mechanism: 'ecdsa-sha256', data: signaturePayload(CEREMONY_ID, target.entry.seq, target.hash) });
      assert.equal(raw.length, 64, 'PKCS#11 gives r||s');
      return ecdsaRawToDer(raw);
    };
    const ceremonySigner = { kind: 'ceremony-key' as const, name: 'ceremony-signing', algorithm: 'ecdsa-p256-sha256' as const, spki, fingerprint: keyFingerprint };
    const cover = () => ({ upTo: writer.head!.seq, hash: writer.head!.hash });

    const checkpoint = await writer.append('checkpoint', SYSTEM, cover());
    await writer.append('signature', SYSTEM, signatureData(ceremonySigner, checkpoint, await signInToken(checkpoint)));
    const seal = await writer.append('seal', SYSTEM, cover());
    const sealSignature = await writer.append('signature', SYSTEM, signatureData(ceremonySigner, seal, await signInToken(seal)));
    const witnessSignature = await writer.append('signature', CAROL, signatureData(carol, seal));
    await writer.append('sealed', SYSTEM, { seal: seal.entry.seq, sealHash: seal.hash, signatures: [sealSignature.entry.seq, witnessSignature.entry.seq] });
    await writer.close();

    const read = await readTranscript(path);
    const result = verifySignatures(read.entries, { ceremonyKeySpki: spki, witnesses });
    assert.ok(result.ok, result.ok ? '' : result.failure.message);
    assert.deepEqual(result.signatures.map((s) => [s.seq, s.kind]), [[3, 'ceremony-key'], [5, 'ceremony-key'], [6, 'witness']]);

    // openssl checks the seal signature over the payload bytes written out by hand from the spec.
    const payloadPath = join(dir, 'seal-payload.bin');
    writeFileSync(payloadPath, `conclave-transcript-signature-v1\n${CEREMONY_ID}\n${seal.entry.seq}\n${seal.hash}`);
    const pemPath = join(dir, 'ceremony-key.pem');
    writeFileSync(pemPath, exported.pem);
    const sigPath = join(dir, 'seal.sig.der');
    writeFileSync(sigPath, Buffer.from((sealSignature.entry.data as EntryData<'signature'>).signature, 'base64'));
    assert.match(openssl(['dgst', '-sha256', '-verify', pemPath, '-signature', sigPath, payloadPath]), /Verified OK/);

    // ... and refuses it over the checkpoint's payload.
    const otherPath = join(dir, 'checkpoint-payload.bin');
    writeFileSync(otherPath, signaturePayload(CEREMONY_ID, checkpoint.entry.seq, checkpoint.hash));
    assert.throws(
      () => openssl(['dgst', '-sha256', '-verify', pemPath, '-signature', sigPath, otherPath]),
      (error: { stdout?: string; stderr?: string }) => /Verification [Ff]ailure/.test(`${error.stdout}${error.stderr}`),
    );

    // The witness's Ed25519 signature over the same payload, through openssl too.
    const carolPem = join(dir, 'carol.pem');
    writeFileSync(carolPem, carol.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const carolPub = join(dir, 'carol.pub.pem');
    writeFileSync(carolPub, openssl(['pkey', '-in', carolPem, '-pubout']));
    const carolSig = join(dir, 'carol.sig');
    writeFileSync(carolSig, Buffer.from((witnessSignature.entry.data as EntryData<'signature'>).signature, 'base64'));
    assert.match(openssl(['pkeyutl', '-verify', '-pubin', '-inkey', carolPub, '-rawin', '-in', payloadPath, '-sigfile', carolSig]), /Signature Verified Successfully/);
  });
});
