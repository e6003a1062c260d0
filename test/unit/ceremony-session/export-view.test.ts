// The export-bundle step card, derived from real transcripts: before the step, the
// recipient as the script names it (an RSA recipient's public key as SHA-256 hex and
// words, exactly the SPKI's digest; a transport-KEK recipient by its KEK label), the key
// with the algorithm the ceremony generated, usage, version, validity and allow-list;
// after it, the bundle as the engine's result describes it. Every view passes the
// contract's schema, as the router checks it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { rehearsalRootScript, REHEARSAL_TRANSPORT_KEK_LABEL, rootKeyGenerationScript, type StepOf } from '../../../main/ceremony/script';
import { exportInputsOf, exportResultOf } from '../../../main/ceremony/session';
import { hashForPeople } from '../../../main/ceremony/folder/hash-words';
import { fingerprintOf } from '../../../main/quorum/fingerprint';
import type { JsonObject } from '../../../main/transcript';
import type { CeremonyView } from '../../../preload/contract';
import { ADMIN, buildTranscript, SYSTEM, WITNESS, WITNESS_FINGERPRINT, doneUntil, viewOf, type Built } from './transcript-builder';

const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const RSA_PEM = RSA.export({ type: 'spki', format: 'pem' }).toString();
const RSA_SPKI = RSA.export({ type: 'spki', format: 'der' });
const BUNDLE_SHA256 = '3f'.repeat(32);

const view = (built: Built, performed: ReadonlyMap<string, JsonObject> = new Map()): CeremonyView => viewOf(built, { loggedIn: true, performed });

/** What exportBundle returns for a transport-KEK export (main/ceremony/engine/export-bundle-action.ts). */
function engineResult(media: JsonObject[]): JsonObject {
  return {
    bundleSha256: BUNDLE_SHA256,
    bytes: 1830,
    ceremonyId: 'rehearsal-root',
    transcriptHead: { seq: 40, hash: 'ab'.repeat(32) },
    exportedAt: '2026-03-01T11:00:00.000Z',
    expiresAt: '2026-03-31T11:00:00.000Z',
    rehearsal: true,
    issuer: 'cd'.repeat(32),
    recipient: { name: 'Rehearsal Recipient', kind: 'transport-kek', keyFingerprint: '1a2b3c' },
    key: { id: '0a0b0c0d', label: 'rehearsal-data-key', algorithm: 'aes-256', usage: 'encrypt', version: 1 },
    wrapMethod: 'transport-kek-kwp',
    file: 'bundles/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json',
    files: ['bundles/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json', 'qr/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL/'],
    adopted: false,
    media,
  };
}

describe('export step card of the rehearsal (transport KEK)', () => {
  let built: Built;
  before(async () => {
    built = await buildTranscript(rehearsalRootScript({ witnessFingerprint: WITNESS_FINGERPRINT, bundleTransportKek: REHEARSAL_TRANSPORT_KEK_LABEL }));
    await doneUntil(built, 'generate-data-key');
    await built.start('generate-data-key');
    await built.append('key-generated', SYSTEM, {
      purpose: 'generate-key',
      label: 'rehearsal-data-key',
      id: '0a0b0c0d',
      algorithm: 'aes-256',
      hsmRole: 'wrap-only-export',
      adopted: false,
      publicKeySpki: null,
      fingerprint: null,
      attributes: { class: 'secret', token: true, private: true, sensitive: true, extractable: true, sign: false, decrypt: false, label: 'rehearsal-data-key', valueLength: 32 },
    });
    await built.complete('generate-data-key');
  });
  after(() => built.cleanup());

  it('names the recipient by the KEK label and the key with the algorithm it was generated with, before the step starts', () => {
    const card = view(built).current!;
    assert.equal(card.id, 'export-data-key');
    assert.equal(card.irreversible, true);
    assert.deepEqual(card.inputs, {
      kind: 'export-bundle',
      recipient: { name: 'Rehearsal Recipient', kind: 'transport-kek', fingerprint: null, kekLabel: REHEARSAL_TRANSPORT_KEK_LABEL, awsKms: null, problem: null },
      key: { label: 'rehearsal-data-key', algorithm: 'aes-256', usage: 'encrypt', version: 1, existing: false },
      signingKey: 'root-signing-key',
      validityDays: 30,
      qr: true,
      mediaAllowList: null,
    });
    assert.equal(card.exportResult, null);
  });

  it('shows the performed bundle: file, SHA-256 as hex and words, expiry, rehearsal, the medium written', async () => {
    await built.start('export-data-key');
    const written = { path: '/media/officer/KEYS/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json', medium: 'USB drive "KEYS" (8.0 GB, vfat, serial 1234)', sha256: BUNDLE_SHA256 };
    const card = view(built, new Map([['export-data-key', engineResult([written])]])).current!;
    const people = hashForPeople(BUNDLE_SHA256);
    assert.deepEqual(card.exportResult, {
      file: 'bundles/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL.bundle.json',
      sha256: { hex: people.grouped, words: people.words },
      bytes: 1830,
      exportedAt: '2026-03-01T11:00:00.000Z',
      expiresAt: '2026-03-31T11:00:00.000Z',
      rehearsal: true,
      recipient: { name: 'Rehearsal Recipient', kind: 'transport-kek', keyFingerprint: '1a2b3c' },
      key: { label: 'rehearsal-data-key', id: '0a0b0c0d', algorithm: 'aes-256', usage: 'encrypt', version: 1 },
      wrapMethod: 'transport-kek-kwp',
      qrFolder: 'qr/rehearsal-data-key-v1-for-Rehearsal-Recipient-REHEARSAL/',
      adopted: false,
      media: [written],
    });
    assert.equal(card.performed, true);
    assert.match(card.result ?? '', new RegExp(`bundleSha256: ${BUNDLE_SHA256}`), 'the one-line result stays for the announcement');
    assert.equal(view(built, new Map([['export-data-key', engineResult([])]])).current!.exportResult?.media.length, 0);
  });

  it('has no result for anything but an export result', () => {
    assert.equal(exportResultOf(undefined), null);
    assert.equal(exportResultOf({ checked: 'yes' }), null);
    assert.equal(exportResultOf({ ...engineResult([]), bundleSha256: 'not a hash' }), null);
  });
});

describe('export step card of an RSA recipient', () => {
  const team = {
    ceremonyId: 'rsa-export',
    rehearsal: true,
    participants: {
      administrator: { name: ADMIN.name },
      custodians: [{ name: 'Ada' }, { name: 'Brook' }],
      witnesses: [{ name: WITNESS.name, key: { kind: 'file' as const, fingerprint: WITNESS_FINGERPRINT } }],
    },
    quorum: { threshold: 2 },
    token: { label: 'CONCLAVE REHEARSAL' },
  };
  const script = rootKeyGenerationScript({
    ...team,
    quorumSetup: true,
    exports: [{ id: 'payments', label: 'payments-dek', type: 'aes-256', usage: 'encrypt', validityDays: 7, recipient: { kind: 'rsa', name: 'Payments Ops', publicKey: RSA_PEM } }],
  });
  const step = script.steps.find((s) => s.action === 'export-bundle') as StepOf<'export-bundle'>;

  it('shows the public key as the SHA-256 of its SPKI, in hex and words', () => {
    const inputs = exportInputsOf(step, []);
    const expected = fingerprintOf(new Uint8Array(RSA_SPKI));
    assert.equal(createHash('sha256').update(RSA_SPKI).digest('hex'), expected.hex.replace(/\s+/g, '').toLowerCase());
    assert.deepEqual(inputs.recipient, { name: 'Payments Ops', kind: 'rsa', fingerprint: { hex: expected.hex, words: [...expected.words] }, kekLabel: null, awsKms: null, problem: null });
    assert.equal(inputs.validityDays, 7);
    assert.equal(inputs.key.algorithm, null, 'not generated yet, and a generated key\'s step states no type');
    assert.equal(inputs.key.existing, false);
  });

  it('says why a public key cannot be read, instead of a fingerprint', () => {
    const broken = { ...step, params: { ...step.params, recipient: { kind: 'rsa' as const, name: 'Payments Ops', publicKey: '-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----' } } };
    const inputs = exportInputsOf(broken, []);
    assert.equal(inputs.recipient.fingerprint, null);
    assert.match(inputs.recipient.problem ?? '', /Payments Ops/);
  });

  it('lists the allow-list the step carries', () => {
    const listed = { ...step, params: { ...step.params, mediaAllowList: ['4C530001230101116093'] } };
    assert.deepEqual(exportInputsOf(listed, []).mediaAllowList, ['4C530001230101116093']);
  });
});
