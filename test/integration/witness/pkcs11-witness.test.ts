// A witness signing with an EC P-256 key on their own token: a SoftHSM2 token of its own
// (separate from the ceremony's HSM), driven through the real worker process. pkcs11-tool
// makes keys independently of Conclave, reads the public key back, and openssl verifies
// the DER signatures over the transcript-signature payload.
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pkcs11WitnessSigner } from '../../../main/witness/pkcs11-witness';
import { verifyWitnessSignature } from '../../../main/witness/verify-signature';
import { openssl, pin, pkcs11Tool, rejectsWithCode, withToken, type TokenFixture } from '../../helpers/softhsm';
import { signaturePayload } from '../../unit/witness/fixtures';

const WITNESS_TOKEN = { label: 'Wanda Card', soPin: 'card-so-9931', userPin: 'card-pin-4417' };

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-witness-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An EC P-256 key pair made by pkcs11-tool, not by Conclave. */
function toolKeyPair(fx: TokenFixture, label: string, id: string, keyType = 'EC:prime256v1'): void {
  pkcs11Tool(fx, ['--login', '--pin', fx.spec.userPin, '--keypairgen', '--key-type', keyType, '--label', label, '--id', id]);
}

/** The public key as pkcs11-tool reads it from the token (DER SubjectPublicKeyInfo). */
function toolPublicKey(fx: TokenFixture, label: string, dir: string): Uint8Array {
  const out = join(dir, `${label}.pub.der`);
  pkcs11Tool(fx, ['--read-object', '--type', 'pubkey', '--label', label, '--output-file', out]);
  return new Uint8Array(readFileSync(out));
}

/** Replaces the public key object labelled `from` by the same key under another label and id. */
function relabelPublicKey(fx: TokenFixture, dir: string, from: string, to: string, id: string): void {
  const der = join(dir, `${from}.relabel.der`);
  pkcs11Tool(fx, ['--read-object', '--type', 'pubkey', '--label', from, '--output-file', der]);
  pkcs11Tool(fx, ['--login', '--pin', fx.spec.userPin, '--delete-object', '--type', 'pubkey', '--label', from]);
  pkcs11Tool(fx, ['--login', '--pin', fx.spec.userPin, '--write-object', der, '--type', 'pubkey', '--label', to, '--id', id]);
}

function opensslVerifies(dir: string, spki: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
  const pub = join(dir, 'witness.pub.pem');
  writeFileSync(pub, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }));
  const data = join(dir, 'payload');
  writeFileSync(data, payload);
  const sig = join(dir, 'signature.der');
  writeFileSync(sig, signature);
  try {
    return /Verified OK/.test(openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, data]));
  } catch {
    return false;
  }
}

describe('PKCS#11 witness', () => {
  it('signs with a key pkcs11-tool made; openssl verifies the DER signature over the payload', async (t) => {
    const dir = scratch(t);
    // The ceremony's HSM and the witness's card are separate tokens with their own workers.
    const ceremony = await withToken(t, { login: true });
    const card = await withToken(t, { login: true, spec: WITNESS_TOKEN });
    assert.notEqual(card.directory, ceremony.directory);
    toolKeyPair(card, 'wanda-witness', '0a0b');
    const signer = await pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'wanda-witness', name: 'Wanda' });
    assert.equal(signer.kind, 'pkcs11');
    assert.equal(signer.algorithm, 'ecdsa-p256-sha256');
    assert.equal(signer.name, 'Wanda');
    assert.deepEqual(signer.publicKeySpki, toolPublicKey(card, 'wanda-witness', dir));
    assert.equal(signer.fingerprint, createHash('sha256').update(signer.publicKeySpki).digest('hex'));

    const payload = signaturePayload('root-2025', 42, 'c3'.repeat(32));
    const signature = await signer.sign(payload);
    assert.equal(signature[0], 0x30, 'a DER SEQUENCE, not raw r||s');
    assert.ok(opensslVerifies(dir, signer.publicKeySpki, payload, signature), 'openssl dgst -sha256 -verify accepts it');
    assert.ok(verifyWitnessSignature({ algorithm: 'ecdsa-p256-sha256', publicKeySpki: signer.publicKeySpki, payload, signature }));
    const changed = Uint8Array.from(payload);
    changed[changed.length - 1]! ^= 1;
    assert.ok(!opensslVerifies(dir, signer.publicKeySpki, changed, signature), 'openssl refuses it for another payload');

    signer.close();
    await rejectsWithCode(signer.sign(payload), 'WITNESS_SIGNER_CLOSED');
  });

  it('signs with a key Conclave generated, found through its private key when no public object carries the label', async (t) => {
    const dir = scratch(t);
    const card = await withToken(t, { login: true, spec: WITNESS_TOKEN });
    const generated = await card.client.generateKey({ slotId: card.slotId, type: 'ec-p256', label: 'card-key', role: 'sign' });
    // Relabel the public half (same CKA_ID), so only the private key carries the label.
    relabelPublicKey(card, dir, 'card-key', 'card-key-public', generated.id);
    const publics = await card.client.findObjects({ slotId: card.slotId, label: 'card-key', class: 'public' });
    assert.equal(publics.length, 0);
    const signer = await pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'card-key' });
    assert.equal(signer.name, 'card-key', 'the label names the witness when no name is given');
    assert.deepEqual(signer.publicKeySpki, toolPublicKey(card, 'card-key-public', dir));
    const payload = signaturePayload('ceremony-x', 0, '00'.repeat(32));
    assert.ok(opensslVerifies(dir, signer.publicKeySpki, payload, await signer.sign(payload)));
  });

  it('a missing label, or a key that is invisible before login, is named', async (t) => {
    const card = await withToken(t, { login: true, spec: WITNESS_TOKEN });
    toolKeyPair(card, 'wanda-witness', '01');
    const missing = await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'no-such-key' }), 'WITNESS_TOKEN_KEY_NOT_FOUND');
    assert.match(missing.message, /no-such-key/);
    await card.client.logout(card.slotId);
    const hidden = await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'wanda-witness' }), 'WITNESS_TOKEN_KEY_NOT_FOUND');
    assert.match(hidden.action, /logged in/);
    await card.client.login(card.slotId, 'user', pin(card.spec.userPin));
    const signer = await pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'wanda-witness' });
    signer.close();
  });

  it('refuses keys that are not EC P-256, and a label used twice', async (t) => {
    const card = await withToken(t, { login: true, spec: WITNESS_TOKEN });
    await card.client.generateKey({ slotId: card.slotId, type: 'ed25519', label: 'edwards', role: 'sign' });
    await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'edwards' }), 'WITNESS_TOKEN_KEY_UNSUITABLE');
    await card.client.generateKey({ slotId: card.slotId, type: 'ec-p384', label: 'p384', role: 'sign' });
    const p384 = await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'p384' }), 'WITNESS_TOKEN_KEY_UNSUITABLE');
    assert.match(p384.message, /ec-p384/);
    toolKeyPair(card, 'twice', '01');
    toolKeyPair(card, 'twice', '02');
    await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'twice' }), 'WITNESS_TOKEN_KEY_AMBIGUOUS');
  });

  it('refuses a public and a private key under one label that are not one pair', async (t) => {
    const dir = scratch(t);
    const card = await withToken(t, { login: true, spec: WITNESS_TOKEN });
    toolKeyPair(card, 'pair-a', '0a');
    toolKeyPair(card, 'pair-b', '0b');
    // Pair A's public key goes; pair B's public key takes pair A's label: one label, two ids.
    pkcs11Tool(card, ['--login', '--pin', card.spec.userPin, '--delete-object', '--type', 'pubkey', '--label', 'pair-a']);
    relabelPublicKey(card, dir, 'pair-b', 'pair-a', '0b');
    const error = await rejectsWithCode(pkcs11WitnessSigner({ client: card.client, slotId: card.slotId, keyLabel: 'pair-a' }), 'WITNESS_TOKEN_KEY_UNSUITABLE');
    assert.match(error.message, /different ids/);
  });
});
