// Key backup and restore through runCeremony with the built-in templates, on two fresh
// SoftHSM2 tokens: a wrap-only-export key on token A is backed up under a backup key
// split among the custodians, then restored onto token B. Along the way: an interrupted
// backup attempt's files are set aside, not reused; a tampered wrapped file is refused
// before anything is created on the token; a wrong passphrase names the custodian; too
// few shares are refused. The restored key is non-extractable (pkcs11-tool cannot read
// it), signs for the original public key, and an independent unwrap of the wrapped file
// with the combined backup key (@noble/ciphers, RFC 5649) yields the original key. No
// secret is in any file the ceremonies wrote.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { aeskwp } from '@noble/ciphers/aes.js';
import { CeremonyEngine, readBackupRecord } from '../../../main/ceremony/engine';
import { finalizeCeremonyFolder, verifyCeremonyFolder } from '../../../main/ceremony/folder';
import { keyBackupScript, keyRestoreScript, renderScriptYaml } from '../../../main/ceremony/script';
import { sha256Hex } from '../../../main/files/atomic-write';
import { secretDigest } from '../../../main/quorum/commitments';
import { openBackupEnvelope, parseBackupEnvelope } from '../../../main/quorum/envelope';
import { combineShares } from '../../../main/quorum/sharing';
import { readTranscript, type ChainEntry, type EntryOf } from '../../../main/transcript';
import { DomainError } from '../../../native/errors';
import { ecdsaRawToDer } from '../../../native/hsm/der';
import { withToken } from '../../helpers/softhsm';
import type { QuorumPolicy } from '../../../main/quorum/types';
import { answersFor, BACKUP_PASSPHRASE, enc, KEK_LABEL, KEY_LABEL, MemoryPins, run, team, tokenSetupScript, world, type World } from './backup-restore-fixture';

const entriesOf = async (dir: string): Promise<ChainEntry[]> => (await readTranscript(join(dir, 'transcript.jsonl'))).entries;
const exceptions = (entries: ChainEntry[], step: string) =>
  entries.flatMap((e) => (e.entry.type === 'exception-opened' && e.entry.data.step === step ? [(e.entry as EntryOf<'exception-opened'>).data] : []));
const resultOf = (entries: ChainEntry[], step: string) => {
  const done = entries.find((e) => e.entry.type === 'step-completed' && e.entry.data.step === step);
  return (done!.entry as EntryOf<'step-completed'>).data.result as Record<string, unknown>;
};

/** What an auditor can do with two custodians' envelopes and passphrases: combine the backup key and unwrap the file without any token (RFC 5649). */
async function auditorUnwrap(w: World, sharesDir: string, ceremonyId: string, policy: QuorumPolicy, wrapped: Uint8Array): Promise<{ backupKey: Uint8Array; key: Uint8Array }> {
  const shares = new Map<number, Uint8Array>();
  for (const [index, name] of [[1, 'Ada'], [3, 'Cyrus']] as const) {
    const file = readdirSync(sharesDir).find((n) => n.startsWith(`conclave-backup-share-${ceremonyId}-0${index}-`))!;
    const opened = await openBackupEnvelope(parseBackupEnvelope(readFileSync(join(sharesDir, file), 'utf8')), enc(BACKUP_PASSPHRASE(name)));
    shares.set(index, opened['backup-key']);
    w.secrets.add(`backup-key share of ${name} (${ceremonyId})`, opened['backup-key']);
  }
  const backupKey = await combineShares(policy, shares);
  w.secrets.add(`backup key of ${ceremonyId}`, backupKey);
  const key = aeskwp(backupKey).decrypt(wrapped);
  w.secrets.add(`key material backed up by ${ceremonyId}`, key);
  return { backupKey, key };
}

async function verified(dir: string): Promise<void> {
  await finalizeCeremonyFolder(dir);
  const verdict = await verifyCeremonyFolder(dir);
  assert.ok(verdict.ok, JSON.stringify(verdict.firstFailure));
}

test('backup on token A, restore onto token B: pinned, checked share by share, non-extractable, usable, no secret on disk', async (t) => {
  const w = await world(t);
  const A = await withToken(t, { spec: { label: 'Token A', soPin: 'so-pin-a-1234', userPin: 'user-pin-a-1234' } });
  const B = await withToken(t, { spec: { label: 'Token B', soPin: 'so-pin-b-5678', userPin: 'user-pin-b-5678' } });
  const pinsA = new MemoryPins(A.spec.label, A.spec.soPin, A.spec.userPin, w.secrets);
  const pinsB = new MemoryPins(B.spec.label, B.spec.soPin, B.spec.userPin, w.secrets);

  // Token A gets its quorum and the key to back up.
  const setupDir = join(w.base, 'token-a-setup');
  const setup = await run(w, { dir: setupDir, token: A, script: tokenSetupScript(w, A), answers: answersFor(w, A), pins: pinsA });
  assert.equal(setup.status, 'sealed', w.log.join('\n'));
  const original = setup.keys.find((k) => k.label === KEY_LABEL)!;
  assert.equal(original.hsmRole, 'wrap-only-export');
  const originalSpki = Buffer.from(original.publicKeySpki!, 'base64');

  // The backup. Brook's first passphrase is too weak: that attempt fails after Ada's envelope
  // was written, and the retry sets it aside and makes the whole backup anew.
  const backupDir = join(w.base, 'backup');
  let brookAsked = 0;
  const backup = await run(w, {
    dir: backupDir,
    token: A,
    script: keyBackupScript({ ...team(w, 'backup-2026', A), keyLabel: KEY_LABEL }),
    answers: answersFor(w, A, { quorumRecord: join(setupDir, 'shares', 'quorum-record.json'), onException: { 'backup-key': { resolution: 'retry', attempts: 1 } } }),
    inputs: (base) => ({ ...base, backupPassphrase: (name) => (name === 'Brook' && ++brookAsked === 1 ? enc('short') : base.backupPassphrase!(name)) }),
  });
  assert.equal(backup.status, 'sealed', w.log.join('\n'));
  const backupEntries = await entriesOf(backupDir);
  const weak = exceptions(backupEntries, 'backup-key');
  assert.deepEqual(weak.map((e) => e.code), ['PASSPHRASE_WEAK']);
  assert.match(weak[0]!.reason, /Brook/);
  const backed = resultOf(backupEntries, 'backup-key');
  assert.equal(backed.adopted, false);
  assert.deepEqual(backed.setAsideFromInterruptedAttempt, ['conclave-backup-share-backup-2026-01-ada.json']);
  assert.match(String(backed.check), /signed for the recorded public key/);
  assert.equal((backed.fingerprint as { hex: string }).hex, original.fingerprint!.hex);
  const sharesDir = join(backupDir, 'backup-shares');
  const listed = readdirSync(sharesDir).sort();
  assert.equal(listed.filter((n) => n.startsWith('conclave-backup-share-backup-2026-')).length, 3);
  assert.ok(listed.includes('backup-record.json'));
  assert.ok(listed.some((n) => n.startsWith('interrupted-')));
  const wrapped = new Uint8Array(readFileSync(join(backupDir, 'wrapped-key.bin')));
  const wrappedSha256 = sha256Hex(wrapped);
  assert.deepEqual(backed.wrappedKey, { file: 'wrapped-key.bin', sha256: wrappedSha256, bytes: wrapped.length, mechanism: 'aes-key-wrap-pad' });
  const { record } = await readBackupRecord(join(sharesDir, 'backup-record.json'));
  assert.equal(record.key.fingerprint, sha256Hex(originalSpki));
  assert.equal(record.wrapped.sha256, wrappedSha256);
  // The backup key lived only as a session object, and it is gone; the key backed up is still there.
  const onA = await A.client.findObjects({ slotId: A.slotId });
  const transient = (o: { label: string }) => o.label === record.backupKey.label || o.label.startsWith('conclave-check-');
  assert.equal(record.backupKey.label, 'backup-backup-2026');
  assert.deepEqual(onA.filter(transient), []);
  assert.ok(onA.some((o) => o.label === KEY_LABEL && o.class === 'private'));
  await verified(backupDir);

  // An auditor's check of the format: two custodians' envelopes combine to the recorded
  // backup key, and RFC 5649 unwrapping (not the token) gives back the original private key.
  const audited = await auditorUnwrap(w, sharesDir, 'backup-2026', record.policy, wrapped);
  assert.equal(secretDigest({ ceremonyId: 'backup-2026', secretId: 'backup-key', secret: audited.backupKey }), record.backupKey.digest);
  const privateKey = createPrivateKey({ key: Buffer.from(audited.key), format: 'der', type: 'pkcs8' });
  assert.deepEqual(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }), originalSpki);
  w.secrets.add('private scalar', Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'));

  // The restore onto token B. The first attempt reads a tampered copy of the backup; the
  // second has a wrong passphrase for Brook; the third too few custodians; the fourth holds.
  const tampered = join(w.base, 'tampered-backup');
  cpSync(backupDir, tampered, { recursive: true });
  const bad = new Uint8Array(wrapped);
  bad[10]! ^= 0x01;
  writeFileSync(join(tampered, 'wrapped-key.bin'), bad);
  const restoreDir = join(w.base, 'restore');
  const restoredLabel = `${KEY_LABEL}-b`;
  const calls: Array<{ attempt: number; op: string }> = [];
  let attempt = 0;
  for (const op of ['importSessionWrapKey', 'unwrapKey'] as const) {
    const original = B.client[op].bind(B.client) as (...args: unknown[]) => Promise<never>;
    (B.client as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
      calls.push({ attempt, op });
      return original(...args);
    };
  }
  const wrongPassphrase = 'not the passphrase of brook 42!';
  w.secrets.add('wrong passphrase', wrongPassphrase);
  const restore = await run(w, {
    dir: restoreDir,
    token: B,
    script: keyRestoreScript({
      ...team(w, 'restore-2026', B),
      label: restoredLabel,
      type: 'ec-p256',
      role: 'sign',
      wrappedKeySha256: wrappedSha256,
      fingerprint: record.key.fingerprint!,
    }),
    answers: answersFor(w, B, { backup: { folder: backupDir }, onException: { 'restore-key': { resolution: 'retry', attempts: 3 } } }),
    pins: pinsB,
    inputs: (base) => ({
      ...base,
      backupFolder: () => (++attempt === 1 ? tampered : backupDir),
      backupCustodians: () => (attempt === 2 ? ['Ada', 'Brook'] : attempt === 3 ? ['Cyrus'] : null),
      backupPassphrase: (name) => (attempt === 2 && name === 'Brook' ? enc(wrongPassphrase) : base.backupPassphrase!(name)),
    }),
  });
  assert.equal(restore.status, 'sealed', w.log.join('\n'));
  const restoreEntries = await entriesOf(restoreDir);
  const failed = exceptions(restoreEntries, 'restore-key');
  assert.deepEqual(
    failed.map((e) => e.code),
    ['WRAPPED_KEY_MISMATCH', 'ENVELOPE_WRONG_PASSPHRASE', 'NOT_ENOUGH_SHARES'],
  );
  assert.match(failed[0]!.reason, /Nothing was created on the token/);
  assert.match(failed[1]!.reason, /envelope of Brook/);
  assert.match(failed[2]!.reason, /2 custodians are needed \(2 of 3\); 1 presented: Cyrus/);
  // Nothing was imported or unwrapped before the attempt that held.
  assert.deepEqual(calls.filter((c) => c.attempt < 4), []);
  assert.deepEqual([...new Set(calls.filter((c) => c.attempt === 4).map((c) => c.op))].sort(), ['importSessionWrapKey', 'unwrapKey']);

  const restored = restore.keys.find((k) => k.label === restoredLabel)!;
  assert.equal(restored.id, original.id);
  assert.equal(restored.publicKeySpki, original.publicKeySpki);
  assert.equal(restored.adopted, false);
  assert.deepEqual([restored.attributes.sensitive, restored.attributes.extractable, restored.attributes.token, restored.attributes.sign], [true, false, true, true]);
  const restoredResult = resultOf(restoreEntries, 'restore-key');
  assert.deepEqual(restoredResult.custodians, ['Ada', 'Brook']);
  assert.equal(restoredResult.identityCheck, 'the restored key signed for the original public key');

  // On token B, read back and used: it signs for the original public key.
  const found = (await B.client.findObjects({ slotId: B.slotId, label: restoredLabel })).filter((o) => o.class === 'private');
  assert.equal(found.length, 1);
  const info = await B.client.keyAttributes(found[0]!.handle);
  assert.deepEqual([info.attributes.sensitive, info.attributes.extractable, info.attributes.token], [true, false, true]);
  const message = enc('signed on token B by the restored key');
  const raw = await B.client.sign({ key: found[0]!.handle, mechanism: 'ecdsa-sha256', data: message });
  assert.ok(verify('sha256', message, { key: createPublicKey({ key: originalSpki, format: 'der', type: 'spki' }), dsaEncoding: 'der' }, ecdsaRawToDer(raw)));
  assert.deepEqual((await B.client.findObjects({ slotId: B.slotId })).filter(transient), []);

  // An outside tool reads the attributes back too: sensitive, not extractable, signs only.
  const listing = execFileSync('pkcs11-tool', ['--module', B.modulePath, '--token-label', B.spec.label, '--login', '--pin', pinsB.userPin, '--list-objects', '--type', 'privkey'], {
    env: B.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const block = listing.split(/\n(?=\S)/).find((b) => new RegExp(`label:\\s+${restoredLabel}\\n`).test(b));
  assert.ok(block, listing);
  const access = /Access:\s+(.*)/.exec(block)![1]!;
  assert.match(access, /\bsensitive\b/);
  assert.doesNotMatch(access.replace('never extractable', ''), /extractable/);
  assert.match(block, /Usage:\s+sign\n/);
  await verified(restoreDir);

  // The AES key: backed up the same way, restored onto token B (whose quorum the restore
  // above set up) as a key-encryption key; identified by its check value on both sides.
  const kekBackupDir = join(w.base, 'backup-kek');
  const kekBackup = await run(w, {
    dir: kekBackupDir,
    token: A,
    script: keyBackupScript({ ...team(w, 'backup-kek-2026', A), keyLabel: KEK_LABEL }),
    answers: answersFor(w, A, { quorumRecord: join(setupDir, 'shares', 'quorum-record.json') }),
  });
  assert.equal(kekBackup.status, 'sealed', w.log.join('\n'));
  const kekRecord = (await readBackupRecord(join(kekBackupDir, 'backup-shares', 'backup-record.json'))).record;
  assert.deepEqual([kekRecord.key.algorithm, kekRecord.key.publicKeySpki, kekRecord.key.fingerprint], ['aes-256', null, null]);
  const kekWrapped = new Uint8Array(readFileSync(join(kekBackupDir, 'wrapped-key.bin')));
  const kekValue = (await auditorUnwrap(w, join(kekBackupDir, 'backup-shares'), 'backup-kek-2026', kekRecord.policy, kekWrapped)).key;
  assert.equal(kekValue.length, 32);
  const testKey = Uint8Array.from({ length: 32 }, (_, i) => i);
  assert.equal(sha256Hex(aeskwp(kekValue).encrypt(testKey)).slice(0, 16), kekRecord.key.checkValue);
  await verified(kekBackupDir);
  const kekRestoreDir = join(w.base, 'restore-kek');
  const kekRestore = await run(w, {
    dir: kekRestoreDir,
    token: B,
    script: keyRestoreScript({ ...team(w, 'restore-kek-2026', B), label: `${KEK_LABEL}-b`, type: 'aes-256', role: 'wrap', wrappedKeySha256: sha256Hex(kekWrapped), quorumSetup: false }),
    answers: answersFor(w, B, { quorumRecord: join(restoreDir, 'shares', 'quorum-record.json'), backup: { folder: kekBackupDir } }),
  });
  assert.equal(kekRestore.status, 'sealed', w.log.join('\n'));
  const kekResult = resultOf(await entriesOf(kekRestoreDir), 'restore-key');
  assert.equal(kekResult.identityCheck, 'the restored key has the original check value');
  assert.equal(kekResult.checkValue, kekRecord.key.checkValue);
  const kek = (await B.client.findObjects({ slotId: B.slotId, label: `${KEK_LABEL}-b` }))[0]!;
  const kekInfo = await B.client.keyAttributes(kek.handle);
  assert.deepEqual(
    [kekInfo.attributes.class, kekInfo.attributes.keyType, kekInfo.attributes.sensitive, kekInfo.attributes.extractable, kekInfo.attributes.wrap, kekInfo.attributes.unwrap, kekInfo.attributes.encrypt],
    ['secret', 'aes', true, false, true, true, false],
  );
  // SoftHSM2 reports CKA_VALUE_LEN 0 for an unwrapped key; the key wraps, and wraps exactly as the original would.
  assert.equal((await B.client.keyCheckValue(kek.handle)).value, kekRecord.key.checkValue);
  await verified(kekRestoreDir);

  const { findings, filesScanned } = w.secrets.scan([w.base], { allow: [w.witnessKeyFile] });
  assert.ok(filesScanned > 30, `only ${filesScanned} files scanned`);
  assert.deepEqual(findings, []);
});

test('a restore that does not pin the wrapped file, or a key pair without its fingerprint, is refused before anything is written', async (t) => {
  const w = await world(t);
  const B = await withToken(t);
  const dir = join(w.base, 'unpinned');
  for (const options of [
    { type: 'ec-p256' as const, fingerprint: 'ab'.repeat(32) },
    { type: 'ec-p256' as const, wrappedKeySha256: 'cd'.repeat(32) },
  ]) {
    const script = keyRestoreScript({ ...team(w, 'unpinned', B), label: 'k', role: 'sign', ...options });
    await assert.rejects(
      CeremonyEngine.create(
        { dir, hsm: B.client, modulePath: B.modulePath, inputs: {} as never, kdf: w.kdf, rehearsalPins: null, toolVersion: 'test' },
        script,
        { name: 'unpinned.yaml', format: 'yaml', text: renderScriptYaml(script) },
      ),
      (error: unknown) => DomainError.is(error) && error.code === 'RESTORE_NOT_PINNED' && /nothing was written/.test(error.action),
    );
    assert.equal(existsSync(join(dir, 'transcript.jsonl')), false);
  }
});
