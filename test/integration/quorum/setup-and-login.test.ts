// Quorum setup and login end to end against SoftHSM2: a 3-of-5 setup initializes a fresh
// token, writes the envelopes (0600) and the record, and refuses to finish before every
// custodian proved receipt; then a new worker logs in through a quorum of three and the
// token really is logged in. Files written are searched for every secret afterwards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeQrPng } from '../../../main/quorum/envelope-source';
import { parseQuorumRecord } from '../../../main/quorum/record';
import { parsePolicy } from '../../../main/quorum/policy';
import { fromBase64Strict } from '../../../main/quorum/bytes';
import { SecretTracker } from '../../helpers/secret-scan';
import { clientFor, makeSoftHsm, rejectsWithCode } from '../../helpers/softhsm';
import {
  assertNoSecretsOnDisk,
  custodiansFor,
  FIVE,
  flatPolicy,
  learnSecrets,
  matchesContract,
  quorumServiceFor,
  strongPassphrase,
  tempDir,
} from './quorum-fixture';

describe('quorum setup and login on SoftHSM2', { timeout: 600_000 }, () => {
  it('sets up 3 of 5 on a fresh token, only after every receipt is proven, and a new worker logs in through 3 custodians', async (t) => {
    const fx = makeSoftHsm(t);
    const admin = clientFor(fx, t);
    await admin.loadModule(fx.modulePath);
    const [slot] = await admin.listSlots();
    assert.ok(slot?.token && !slot.token.flags.tokenInitialized, 'the fixture offers one uninitialized token');
    const { service } = quorumServiceFor(t, admin);
    const out = tempDir(t, 'quorum-out');
    const media = tempDir(t, 'quorum-media');
    const policy = flatPolicy(3, FIVE);
    const custodians = custodiansFor(policy, media);
    const tracker = new SecretTracker();
    for (const c of custodians) tracker.add(`passphrase of ${c.name}`, c.passphrase);

    let view = matchesContract('quorumSetupBegin', await service.quorumSetupBegin({ slotId: slot.slotId, policy, outputDirectory: out, tokenLabel: 'Quorum Root', ceremonyId: 'root-2030' }));
    assert.equal(view.phase, 'sealing');
    assert.equal(view.policySummary, '3 of 5');
    assert.equal(view.total, 5);
    assert.equal(view.threshold, 3);
    assert.equal(view.entropy, 'os-only', 'an uninitialized token has no session, so no RNG to mix in');
    assert.deepEqual(view.kdf, { memoryKiB: 65536, iterations: 3, parallelism: 4 });
    const setupId = view.setupId;
    const [alice, bob, carol, dave, erin] = custodians as [typeof custodians[0], typeof custodians[0], typeof custodians[0], typeof custodians[0], typeof custodians[0]];

    // Out of order and weak input is refused by name.
    await rejectsWithCode(service.quorumSetupSave({ setupId, index: 1, directory: alice.directory }), 'NOT_SEALED');
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'SETUP_INCOMPLETE');
    const mismatch = await rejectsWithCode(service.quorumSetupSeal({ setupId, index: 1, passphrase: alice.passphrase, passphraseRepeat: `${alice.passphrase}x` }), 'PASSPHRASE_MISMATCH');
    assert.match(mismatch.message, /Alice/);
    const weak = await rejectsWithCode(service.quorumSetupSeal({ setupId, index: 1, passphrase: 'password1', passphraseRepeat: 'password1' }), 'PASSPHRASE_WEAK');
    assert.doesNotMatch(weak.message, /password1/, 'the refusal never repeats the passphrase');
    await rejectsWithCode(service.quorumSetupSeal({ setupId, index: 6, passphrase: alice.passphrase, passphraseRepeat: alice.passphrase }), 'CUSTODIAN_UNKNOWN');

    for (const c of custodians) {
      view = matchesContract('quorumSetupSeal', await service.quorumSetupSeal({ setupId, index: c.index, passphrase: c.passphrase, passphraseRepeat: c.passphrase }));
    }
    await rejectsWithCode(service.quorumSetupSeal({ setupId, index: 1, passphrase: alice.passphrase, passphraseRepeat: alice.passphrase }), 'ALREADY_SEALED');
    await rejectsWithCode(service.quorumSetupProve({ setupId, index: 1, source: { kind: 'text', text: '{}' }, passphrase: alice.passphrase }), 'NOT_SAVED');
    for (const c of custodians) {
      view = matchesContract('quorumSetupSave', await service.quorumSetupSave({ setupId, index: c.index, directory: c.directory }));
      const entry = view.custodians[c.index - 1]!;
      c.envelopePath = entry.savedTo;
      assert.ok(entry.savedTo?.startsWith(c.directory));
      assert.equal(statSync(entry.savedTo!).mode & 0o777, 0o600, 'an envelope file is readable by its owner only');
      assert.equal(entry.savedSha256, entry.fingerprint!.hex.replace(/ /g, ''), 'the SHA-256 read back is the fingerprint');
      assert.ok(entry.fingerprint!.words.length >= 6);
    }
    await rejectsWithCode(service.quorumSetupSave({ setupId, index: 1, directory: alice.directory }), 'ALREADY_SAVED');
    assert.equal(view.phase, 'receipts');

    // Proof of receipt: from the file, from a QR image, from pasted text; wrong ones are counted or named.
    const wrong = await rejectsWithCode(
      service.quorumSetupProve({ setupId, index: 1, source: { kind: 'file', path: alice.envelopePath! }, passphrase: bob.passphrase }),
      'ENVELOPE_WRONG_PASSPHRASE',
    );
    assert.doesNotMatch(wrong.message, new RegExp(bob.passphrase));
    const swapped = await rejectsWithCode(service.quorumSetupProve({ setupId, index: 1, source: { kind: 'file', path: bob.envelopePath! }, passphrase: alice.passphrase }), 'PROOF_WRONG_ENVELOPE');
    assert.match(swapped.message, /Bob/);
    for (const c of [alice, bob, carol]) {
      view = matchesContract('quorumSetupProve', await service.quorumSetupProve({ setupId, index: c.index, source: { kind: 'file', path: c.envelopePath! }, passphrase: c.passphrase }));
    }
    assert.equal(view.custodians[0]!.failedProofs, 1);
    const qr = matchesContract('quorumEnvelopeQr', await service.quorumEnvelopeQr({ setupId, index: 4 }));
    assert.match(qr.pngDataUrl, /^data:image\/png;base64,/);
    const png = fromBase64Strict(qr.pngDataUrl.slice('data:image/png;base64,'.length))!;
    assert.equal(new TextDecoder().decode(decodeQrPng(png)!), readFileSync(dave.envelopePath!, 'utf8'), 'the QR code holds the envelope file exactly');
    const qrPath = join(dave.directory, 'dave-envelope.png');
    writeFileSync(qrPath, png);
    view = matchesContract('quorumSetupProve', await service.quorumSetupProve({ setupId, index: 4, source: { kind: 'qr-image', path: qrPath }, passphrase: dave.passphrase }));
    await rejectsWithCode(service.quorumSetupProve({ setupId, index: 4, source: { kind: 'qr-image', path: qrPath }, passphrase: dave.passphrase }), 'ALREADY_PROVEN');

    // Four of five proven: completion is refused, and the token is untouched.
    const incomplete = await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'SETUP_INCOMPLETE');
    assert.match(incomplete.message, /Erin \(receipt not proven\)/);
    assert.equal((await admin.listSlots())[0]!.token!.flags.tokenInitialized, false, 'nothing touched the token before every receipt');
    assert.equal(existsSync(join(out, 'quorum-record.json')), false);

    view = matchesContract('quorumSetupProve', await service.quorumSetupProve({ setupId, index: 5, source: { kind: 'text', text: `\n${readFileSync(erin.envelopePath!, 'utf8')}\n` }, passphrase: erin.passphrase }));
    assert.equal(view.phase, 'ready-to-complete');
    view = matchesContract('quorumSetupComplete', await service.quorumSetupComplete({ setupId }));
    assert.equal(view.phase, 'complete');
    assert.equal(view.recordPath, join(out, 'quorum-record.json'));
    assert.equal(existsSync(join(out, 'quorum-record.pending.json')), false, 'the journal is gone once the record is written');
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'SETUP_COMPLETE');

    const record = parseQuorumRecord(readFileSync(view.recordPath!, 'utf8'));
    const token = (await admin.listSlots()).find((s) => s.token?.serial === record.token.serial)?.token;
    assert.ok(token, 'the record names the token by its new serial');
    assert.equal(token.label, 'Quorum Root');
    assert.ok(token.flags.tokenInitialized && token.flags.userPinInitialized);
    assert.equal(record.ceremonyId, 'root-2030');
    assert.equal(record.policySummary, '3 of 5');
    assert.deepEqual(
      record.custodians.map((c) => c.envelopeFingerprint),
      view.custodians.map((c) => c.fingerprint!.hex),
    );
    assert.equal(record.rehearsal, false);

    // A new worker (as after a restart) logs in through a quorum of three.
    const fresh = clientFor(fx, t);
    await fresh.loadModule(fx.modulePath);
    const slotNow = (await fresh.listSlots()).find((s) => s.token?.serial === record.token.serial)!;
    const { service: login } = quorumServiceFor(t, fresh);
    let session = matchesContract('quorumLoginBegin', await login.quorumLoginBegin({ recordPath: view.recordPath!, slotId: slotNow.slotId }));
    assert.equal(session.progress, '0 of 3');
    assert.equal(session.shareLifetimeSeconds, 600);
    session = matchesContract('quorumLoginPresent', await login.quorumLoginPresent({ sessionId: session.sessionId, source: { kind: 'file', path: alice.envelopePath! }, passphrase: alice.passphrase }));
    assert.equal(session.progress, '1 of 3: Alice');
    session = matchesContract('quorumLoginPresent', await login.quorumLoginPresent({ sessionId: session.sessionId, source: { kind: 'file', path: carol.envelopePath! }, passphrase: carol.passphrase }));
    assert.equal(session.progress, '2 of 3: Alice, Carol');
    assert.deepEqual(session.present.map((p) => p.name), ['Alice', 'Carol']);
    assert.equal(session.loggedIn, false);
    assert.equal((await fresh.sessionState(slotNow.slotId)).loggedIn, null, 'two shares do not log in');
    await assert.rejects(fresh.findObjects({ slotId: slotNow.slotId, class: 'secret' }).then(() => fresh.generateKey({ slotId: slotNow.slotId, type: 'aes-256', label: 'too-early', role: 'wrap' })));
    session = matchesContract('quorumLoginPresent', await login.quorumLoginPresent({ sessionId: session.sessionId, source: { kind: 'qr-image', path: qrPath }, passphrase: dave.passphrase }));
    assert.equal(session.loggedIn, true);
    assert.equal(session.satisfied, true);
    assert.match(session.progress, /^3 of 3: Alice, Carol, Dave/);
    assert.deepEqual(session.present, [], 'no share is held after the login');
    assert.equal((await fresh.sessionState(slotNow.slotId)).loggedIn, 'user');
    const key = await fresh.generateKey({ slotId: slotNow.slotId, type: 'aes-256', label: 'proof-of-login', role: 'wrap' });
    assert.equal(key.secretKey?.attributes.sensitive, true);
    const found = await fresh.findObjects({ slotId: slotNow.slotId, label: 'proof-of-login', class: 'secret' });
    assert.equal(found.length, 1, 'a private object is visible: the user is logged in');
    await rejectsWithCode(login.quorumLoginPresent({ sessionId: session.sessionId, source: { kind: 'file', path: bob.envelopePath! }, passphrase: bob.passphrase }), 'ALREADY_LOGGED_IN');

    // Nothing secret reached any file: envelopes, record, QR images, token store.
    await learnSecrets(parsePolicy(policy), custodians, tracker);
    const scanned = assertNoSecretsOnDisk(tracker, [out, media, fx.directory]);
    assert.ok(scanned >= 7, `expected the record, 5 envelopes and a QR image at least, scanned ${scanned}`);
    assert.deepEqual(readdirSync(out).sort(), ['quorum-record.json']);
  });
});
