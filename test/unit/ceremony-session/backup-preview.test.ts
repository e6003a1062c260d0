// Reading a backup folder for a restore step before anyone types a passphrase, from real
// files: a backup record written by the engine's serializer, a wrapped key file, and
// backup-key envelopes sealed by the real envelope code (the minimum Argon2id cost). The
// preview names each check against the script's pins, tells found, foreign and missing
// envelopes apart, and the presenters are checked against the backup's policy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAST_KDF_ENV, kdfCost, type BackupRecord } from '../../../main/ceremony/engine';
import { serializeBackupRecord } from '../../../main/ceremony/engine/backup-record';
import { backupEnvelopeFile } from '../../../main/ceremony/engine/backup-envelopes';
import { keyRestoreScript, type StepOf } from '../../../main/ceremony/script';
import { assertPresentersMeetPolicy, previewBackup } from '../../../main/ceremony/session';
import { backupEnvelopeMetadata, sealBackupEnvelope } from '../../../main/quorum/envelope';
import { describePolicy, parsePolicy, policyId } from '../../../main/quorum/policy';

const CUSTODIANS = ['Ada', 'Brook', 'Cyrus'];
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function restoreStep(pins: { wrappedKeySha256?: string; fingerprint?: string }): StepOf<'restore-key'> {
  const script = keyRestoreScript({
    ceremonyId: 'restore-preview',
    rehearsal: true,
    participants: { administrator: { name: 'Admin' }, custodians: CUSTODIANS.map((name) => ({ name })), witnesses: [{ name: 'Wes', key: { kind: 'file', fingerprint: 'a'.repeat(64) } }] },
    quorum: { threshold: 2 },
    token: { label: 'CONCLAVE REHEARSAL' },
    label: 'issuing-key-b',
    type: 'ec-p256',
    role: 'sign',
    ...pins,
  });
  return script.steps.find((s) => s.id === 'restore-key') as StepOf<'restore-key'>;
}

const refusedWith = (fn: () => unknown, code: string) =>
  assert.throws(fn, (e: { code?: string; action?: string }) => {
    assert.equal(e.code, code);
    assert.ok(e.action);
    return true;
  });

describe('backup folder preview for a restore step', () => {
  let dir: string;
  let backup: string;
  let record: BackupRecord;
  let wrappedSha256: string;
  let fingerprint: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conclave-backup-preview-'));
    backup = join(dir, 'backup');
    const shares = join(backup, 'backup-shares');
    mkdirSync(shares, { recursive: true });
    const kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
    const policy = parsePolicy({ threshold: 2, custodians: CUSTODIANS.map((name) => ({ name })) });
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    fingerprint = sha256(spki);
    const wrapped = randomBytes(80);
    wrappedSha256 = sha256(wrapped);
    writeFileSync(join(backup, 'wrapped-key.bin'), wrapped);
    const custodians: BackupRecord['custodians'] = [];
    for (const [i, name] of CUSTODIANS.entries()) {
      const index = i + 1;
      const share = new Uint8Array(randomBytes(33));
      const metadata = backupEnvelopeMetadata({ ceremonyId: 'backup-2026', policy, index, shares: { 'backup-key': share }, reshareNonce: null, createdAt: '2026-03-01T10:00:00.000Z', rehearsal: true });
      const sealed = await sealBackupEnvelope({ metadata, shares: { 'backup-key': Uint8Array.from(share) }, passphrase: new TextEncoder().encode(`lantern ${name} orbit meadow 4412?`), kdf });
      custodians.push({ name, index, group: null, envelopeFingerprint: sealed.fingerprint.hex, commitment: metadata.commitments['backup-key'] });
      // Ada's envelope is there; Brook's is replaced by another one for the same seat; Cyrus's is missing.
      if (name === 'Ada') writeFileSync(join(shares, backupEnvelopeFile('backup-2026', index, name)), sealed.text);
      if (name === 'Brook') {
        const other = await sealBackupEnvelope({ metadata, shares: { 'backup-key': Uint8Array.from(share) }, passphrase: new TextEncoder().encode('someone else entirely 5150!'), kdf });
        writeFileSync(join(shares, backupEnvelopeFile('backup-2026', index, name)), other.text);
      }
    }
    record = {
      format: 'conclave-key-backup-record',
      version: 1,
      ceremonyId: 'backup-2026',
      createdAt: '2026-03-01T10:00:00.000Z',
      rehearsal: true,
      token: { label: 'CONCLAVE REHEARSAL', serial: '1234' },
      key: { label: 'issuing-key', id: '5a1b2c3d', algorithm: 'ec-p256', publicKeySpki: spki.toString('base64'), fingerprint, checkValue: null },
      wrapped: { file: 'wrapped-key.bin', sha256: wrappedSha256, bytes: 80, mechanism: 'aes-key-wrap-pad' },
      backupKey: { label: 'backup-backup-2026', digest: 'ee'.repeat(32) },
      policy,
      policyId: policyId(policy),
      policySummary: describePolicy(policy),
      custodians,
      kdf: { memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism },
    };
    writeFileSync(join(shares, 'backup-record.json'), serializeBackupRecord(record));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the backup, each custodian and every check holding for the pinned backup', async () => {
    const preview = await previewBackup(backup, restoreStep({ wrappedKeySha256: wrappedSha256, fingerprint }), true);
    assert.equal(preview.ceremonyId, 'backup-2026');
    assert.equal(preview.policy, '2 of 3');
    assert.equal(preview.threshold, 2);
    assert.equal(preview.grouped, false);
    assert.deepEqual(preview.wrapped, { file: 'wrapped-key.bin', sha256: wrappedSha256, bytes: 80 });
    assert.equal(preview.key.fingerprint?.hex.replace(/ /g, ''), fingerprint);
    assert.equal(preview.key.fingerprint?.words.length, 6);
    assert.deepEqual(preview.custodians.map((c) => [c.name, c.envelope]), [['Ada', 'found'], ['Brook', 'not-issued'], ['Cyrus', 'missing']]);
    assert.deepEqual(preview.checks.map((c) => [c.id, c.holds]), [['wrapped-pinned', true], ['record-lists-wrapped', true], ['key-type', true], ['fingerprint', true], ['rehearsal', true]]);
  });

  it('names each check that fails: another wrapped file, another public key, another kind of ceremony', async () => {
    const preview = await previewBackup(backup, restoreStep({ wrappedKeySha256: 'cd'.repeat(32), fingerprint: 'ef'.repeat(32) }), false);
    const failing = Object.fromEntries(preview.checks.filter((c) => !c.holds).map((c) => [c.id, c.problem]));
    assert.deepEqual(Object.keys(failing).sort(), ['fingerprint', 'rehearsal', 'wrapped-pinned']);
    assert.match(failing['wrapped-pinned']!, new RegExp(`it has ${wrappedSha256}, the script pins ${'cd'.repeat(32)}`));
    assert.match(failing.fingerprint!, new RegExp(`the record has ${fingerprint}`));
    assert.match(failing.rehearsal!, /made in a rehearsal/);
    const unpinned = await previewBackup(backup, restoreStep({}), true);
    assert.match(unpinned.checks.find((c) => c.id === 'wrapped-pinned')!.problem!, /pins no SHA-256/);
  });

  it('refuses a relative path, a missing folder and a folder without a backup record', async () => {
    const step = restoreStep({ wrappedKeySha256: wrappedSha256, fingerprint });
    await assert.rejects(previewBackup('backup', step, true), { code: 'PATH_NOT_ABSOLUTE' });
    await assert.rejects(previewBackup(join(dir, 'nowhere'), step, true), { code: 'BACKUP_FOLDER_NOT_FOUND' });
    await assert.rejects(previewBackup(dir, step, true), { code: 'BACKUP_RECORD_UNREADABLE' });
  });

  it("checks the presenters against the backup's policy, not this ceremony's", () => {
    assertPresentersMeetPolicy(record, ['Cyrus', 'Ada']);
    refusedWith(() => assertPresentersMeetPolicy(record, ['Ada']), 'BACKUP_QUORUM_TOO_SMALL');
    refusedWith(() => assertPresentersMeetPolicy(record, ['Ada', 'Dora']), 'NOT_A_BACKUP_CUSTODIAN');
  });
});
