// The step cards of a key backup and a restore, derived from real transcripts of the
// built-in templates: a restore card shows what the restore checks as the script pins it
// (the wrapped file's SHA-256, the public key as hex and words) and, once the key is on
// the token, the key as read back — its CKA_ID, attributes, and whether its fingerprint
// is the pinned one; a backup card shows what a restore script pins. Every view must pass
// the contract's schema, as the router checks it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { keyBackupScript, keyRestoreScript, type StepOf } from '../../../main/ceremony/script';
import { restoreResultOf } from '../../../main/ceremony/session';
import { fingerprintOf } from '../../../main/quorum/fingerprint';
import type { JsonObject } from '../../../main/transcript';
import type { CeremonyView } from '../../../preload/contract';
import { ADMIN, buildTranscript, SYSTEM, WITNESS, WITNESS_FINGERPRINT, doneUntil, viewOf, type Built } from './transcript-builder';

const spkiOf = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
const SPKI = spkiOf();
const PINNED = createHash('sha256').update(SPKI).digest('hex');
const WRAPPED_SHA256 = 'ab'.repeat(32);
const KEY_ID = '5a1b2c3d4e5f6071';

const team = {
  rehearsal: true,
  participants: {
    administrator: { name: ADMIN.name },
    custodians: [{ name: 'Ada' }, { name: 'Brook' }, { name: 'Cyrus' }],
    witnesses: [{ name: WITNESS.name, key: { kind: 'file' as const, fingerprint: WITNESS_FINGERPRINT } }],
  },
  quorum: { threshold: 2 },
  token: { label: 'CONCLAVE REHEARSAL' },
};

const view = (built: Built, performed: ReadonlyMap<string, JsonObject> = new Map()): CeremonyView => viewOf(built, { loggedIn: true, performed });

describe('restore step card', () => {
  let built: Built;
  const fp = fingerprintOf(new Uint8Array(SPKI));
  before(async () => {
    built = await buildTranscript(
      keyRestoreScript({ ...team, ceremonyId: 'restore-view', label: 'issuing-key-b', type: 'ec-p256', role: 'sign', wrappedKeySha256: WRAPPED_SHA256, fingerprint: PINNED }),
    );
    await doneUntil(built, 'restore-key');
  });
  after(() => built.cleanup());

  it('says what the restore checks, as the script pins it, before the step starts', () => {
    const card = view(built).current!;
    assert.equal(card.id, 'restore-key');
    assert.deepEqual(card.inputs, {
      kind: 'restore',
      wrappedKeyFile: 'wrapped-key.bin',
      sharesFolder: 'backup-shares',
      wrappedKeySha256: WRAPPED_SHA256,
      fingerprint: { hex: fp.hex, words: [...fp.words] },
      keyType: 'ec-p256',
      label: 'issuing-key-b',
      role: 'sign',
    });
    assert.equal(card.restore, null, 'nothing restored yet');
    assert.equal(card.backup, null);
    assert.equal(card.confirmationPhrase, 'restore-key', 'a restore is irreversible');
  });

  it('shows the key as read back once it is on the token, with its fingerprint matching the pin', async () => {
    await built.start('restore-key');
    await built.append('key-generated', SYSTEM, {
      purpose: 'restore-key',
      label: 'issuing-key-b',
      id: KEY_ID,
      algorithm: 'ec-p256',
      hsmRole: 'sign',
      adopted: false,
      publicKeySpki: SPKI.toString('base64'),
      fingerprint: { hex: fp.hex, words: [...fp.words] },
      attributes: { class: 'private', token: true, private: true, sensitive: true, extractable: false, sign: true, decrypt: false, label: 'issuing-key-b', valueLength: null },
    });
    const result: JsonObject = {
      label: 'issuing-key-b',
      restoredFrom: { ceremonyId: 'backup-2026', originalLabel: 'issuing-key', wrappedKey: { file: 'wrapped-key.bin', sha256: WRAPPED_SHA256, bytes: 80 }, backupRecord: { sha256: 'cd'.repeat(32) }, policy: '2 of 3' },
      custodians: ['Ada', 'Cyrus'],
      checkValue: null,
      identityCheck: 'the restored key signed for the original public key',
    };
    const card = view(built, new Map([['restore-key', result]])).current!;
    assert.ok(card.restore);
    assert.equal(card.restore.id, KEY_ID);
    assert.equal(card.restore.role, 'sign');
    assert.equal(card.restore.fingerprintMatchesPin, true);
    assert.deepEqual(card.restore.fingerprint?.words, [...fp.words]);
    assert.deepEqual(card.restore.attributes, [
      { name: 'class', value: 'private' },
      { name: 'token', value: 'true' },
      { name: 'private', value: 'true' },
      { name: 'sensitive', value: 'true' },
      { name: 'extractable', value: 'false' },
      { name: 'sign', value: 'true' },
      { name: 'decrypt', value: 'false' },
    ]);
    assert.deepEqual([card.restore.backupCeremonyId, card.restore.wrappedKeySha256, card.restore.custodians, card.restore.identityCheck], ['backup-2026', WRAPPED_SHA256, ['Ada', 'Cyrus'], 'the restored key signed for the original public key']);

    // After a restart the session no longer holds the result: the transcript still proves the key.
    const restarted = view(built).current!.restore!;
    assert.equal(restarted.id, KEY_ID);
    assert.equal(restarted.fingerprintMatchesPin, true);
    assert.equal(restarted.identityCheck, null);
  });

  it('says so when the key on the token is not the pinned one', () => {
    const step = built.script.steps.find((s) => s.id === 'restore-key') as StepOf<'restore-key'>;
    const other = { ...step, params: { ...step.params, fingerprint: createHash('sha256').update(spkiOf()).digest('hex') } };
    assert.equal(restoreResultOf(other, built.entries(), undefined)?.fingerprintMatchesPin, false);
    assert.equal(restoreResultOf({ ...step, params: { ...step.params, label: 'another-label' } }, built.entries(), undefined), null, 'only the key under the step\'s label');
  });
});

describe('backup step card', () => {
  let built: Built;
  before(async () => {
    built = await buildTranscript(keyBackupScript({ ...team, ceremonyId: 'backup-view', keyLabel: 'issuing-key' }));
    await doneUntil(built, 'backup-key');
    await built.start('backup-key');
  });
  after(() => built.cleanup());

  it('asks every custodian for a backup-envelope passphrase, then shows what a restore script pins', () => {
    const before = view(built).current!;
    assert.deepEqual(before.inputs, { kind: 'custodian-passphrases', purpose: 'backup', custodians: ['Ada', 'Brook', 'Cyrus'], needed: 3, policy: '2 of 3', recordPathNeeded: false });
    assert.equal(before.backup, null);
    const fp = fingerprintOf(new Uint8Array(SPKI));
    const result: JsonObject = {
      label: 'issuing-key',
      id: KEY_ID,
      algorithm: 'ec-p256',
      fingerprint: { hex: fp.hex, words: [...fp.words] },
      checkValue: null,
      wrappedKey: { file: 'wrapped-key.bin', sha256: WRAPPED_SHA256, bytes: 80, mechanism: 'aes-key-wrap-pad' },
      backupRecord: { file: 'backup-shares/backup-record.json', sha256: 'cd'.repeat(32) },
      policy: '2 of 3',
      custodians: [
        { name: 'Ada', envelopeFingerprint: '0123 4567' },
        { name: 'Brook', envelopeFingerprint: '89ab cdef' },
      ],
      check: 'a session copy unwrapped from the wrapped key signed for the recorded public key',
    };
    const card = view(built, new Map([['backup-key', result]])).current!;
    assert.deepEqual(card.backup, {
      label: 'issuing-key',
      id: KEY_ID,
      algorithm: 'ec-p256',
      fingerprint: { hex: fp.hex, words: [...fp.words] },
      checkValue: null,
      wrappedKey: { file: 'wrapped-key.bin', sha256: WRAPPED_SHA256, bytes: 80 },
      backupRecord: { file: 'backup-shares/backup-record.json', sha256: 'cd'.repeat(32) },
      policy: '2 of 3',
      envelopes: [
        { name: 'Ada', fingerprint: '0123 4567' },
        { name: 'Brook', fingerprint: '89ab cdef' },
      ],
      check: 'a session copy unwrapped from the wrapped key signed for the recorded public key',
    });
    assert.equal(card.restore, null);
  });
});
