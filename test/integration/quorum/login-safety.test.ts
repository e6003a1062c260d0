// What custodians' mistakes can and cannot do during a quorum login, against SoftHSM2
// run in this process (so every PKCS#11 call is counted): wrong passphrases are counted
// per custodian and never reach the token; corrupted, duplicated, foreign and forged
// envelopes are rejected by name before any combination; fewer shares than the policy
// needs never log in; shares expire and are cleared; removing the HSM clears them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelopeMetadata, sealEnvelope } from '../../../main/quorum/envelope';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { parsePolicy } from '../../../main/quorum/policy';
import { splitSecret } from '../../../main/quorum/sharing';
import { parseQuorumRecord } from '../../../main/quorum/record';
import type { StatusEvent } from '../../../main/status/types';
import { inProcessClient, type InProcessClient } from '../../helpers/in-process-client';
import { pkcs11Error } from '../../helpers/in-process-backend';
import { SecretTracker } from '../../helpers/secret-scan';
import { makeSoftHsm, rejectsWithCode, type SoftHsmFixture } from '../../helpers/softhsm';
import {
  assertNoSecretsOnDisk,
  custodiansFor,
  FIVE,
  flatPolicy,
  learnSecrets,
  ManualScheduler,
  matchesContract,
  matchesEvent,
  MIN_KDF,
  quorumServiceFor,
  runSetup,
  strongPassphrase,
  type Custodian,
} from './quorum-fixture';

const CKF_TOKEN_PRESENT = 0x1;
const CKR_TOKEN_NOT_PRESENT = 0xe0;

describe('quorum login safety on SoftHSM2 (in-process, PKCS#11 calls counted)', { timeout: 600_000 }, () => {
  let fx: SoftHsmFixture;
  let hsm: InProcessClient;
  let removed = false;
  let slotId: string;
  let recordPath: string;
  let custodians: Custodian[];
  let out: string;
  let media: string;
  const tracker = new SecretTracker();
  const suite: Array<() => unknown> = [];
  const cleanup = { after: (fn: () => unknown) => suite.push(fn) };
  const policy = flatPolicy(3, FIVE);

  before(async () => {
    fx = makeSoftHsm(cleanup);
    // The token can be "pulled out": the slot then reports no token, as a USB HSM would.
    hsm = inProcessClient(fx, {
      C_GetSlotInfo: (real, ...args) => {
        const info = real(...args) as { flags: number };
        return removed ? { ...info, flags: info.flags & ~CKF_TOKEN_PRESENT } : info;
      },
      C_GetTokenInfo: (real, ...args) => {
        if (removed) throw pkcs11Error('CKR_TOKEN_NOT_PRESENT', CKR_TOKEN_NOT_PRESENT, 'C_GetTokenInfo');
        return real(...args);
      },
    }, cleanup);
    await hsm.client.loadModule(fx.modulePath);
    const [free] = await hsm.client.listSlots();
    out = mkdtempSync(join(tmpdir(), 'conclave-quorum-safety-'));
    media = join(out, 'media');
    mkdirSync(media);
    suite.push(() => rmSync(out, { recursive: true, force: true }));
    const { service } = quorumServiceFor(cleanup, hsm.client);
    custodians = custodiansFor(policy, media);
    const result = await runSetup(service, { slotId: free!.slotId, policy, outputDirectory: out, tokenLabel: 'Safety' }, custodians, tracker);
    recordPath = result.recordPath;
    const record = parseQuorumRecord(readFileSync(recordPath, 'utf8'));
    slotId = (await hsm.client.listSlots()).find((s) => s.token?.serial === record.token.serial)!.slotId;
    await learnSecrets(parsePolicy(policy), custodians, tracker);
  });

  after(async () => {
    for (const fn of suite.splice(0).reverse()) await fn();
  });

  const file = (c: Custodian) => ({ kind: 'file' as const, path: c.envelopePath! });

  it('counts wrong passphrases per custodian, rejects bad envelopes by name, and never calls C_Login below the threshold', async (t) => {
    const { service, events } = quorumServiceFor(t, hsm.client);
    const [alice, bob, carol] = custodians as [Custodian, Custodian, Custodian];
    const loginsBefore = hsm.count('C_Login');
    let view = matchesContract('quorumLoginBegin', await service.quorumLoginBegin({ recordPath, slotId }));
    const sessionId = view.sessionId;

    // A wrong passphrase: named, counted for that custodian, no token call.
    const wrong = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: bob.passphrase }), 'ENVELOPE_WRONG_PASSPHRASE');
    assert.match(wrong.message, /Alice/);
    assert.match(wrong.message, /so far: 1/);
    await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: 'Nope-Not-It-4491!' }), 'ENVELOPE_WRONG_PASSPHRASE');
    const counted = matchesEvent(events.at(-1)?.payload);
    assert.deepEqual(counted.failedAttempts, [{ name: 'Alice', count: 2 }], 'the screens learn the count through quorumChanged');

    // Corrupted: cut short (malformed), or one ciphertext character changed (not the issued envelope).
    const text = readFileSync(alice.envelopePath!, 'utf8');
    const truncated = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: { kind: 'text', text: text.slice(0, -40) }, passphrase: alice.passphrase }), 'ENVELOPE_MALFORMED');
    assert.match(truncated.message, /JSON|\$/);
    const at = text.indexOf('"ciphertext":"') + '"ciphertext":"'.length + 10;
    const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const altered = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: { kind: 'text', text: flipped }, passphrase: alice.passphrase }), 'ENVELOPE_NOT_ISSUED');
    assert.match(altered.message, /Alice/);

    // Foreign: an envelope of another ceremony.
    const otherPolicy = parsePolicy(flatPolicy(2, ['Alice', 'Zoe']));
    const foreignShares = { 'user-pin': (await splitSecret(new Uint8Array(24).fill(7), otherPolicy)).get(1)!, 'so-pin': (await splitSecret(new Uint8Array(24).fill(9), otherPolicy)).get(1)! };
    const foreignPass = strongPassphrase();
    const foreign = await sealEnvelope({
      metadata: envelopeMetadata({ ceremonyId: 'someone-elses-ceremony', policy: otherPolicy, index: 1, shares: foreignShares, reshareNonce: null, createdAt: new Date().toISOString(), rehearsal: false }),
      shares: foreignShares,
      passphrase: encodePassphrase(foreignPass),
      kdf: MIN_KDF,
    });
    const foreignError = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: { kind: 'text', text: foreign.text }, passphrase: foreignPass }), 'ENVELOPE_FOREIGN');
    assert.match(foreignError.message, /someone-elses-ceremony/);

    // Forged: right ceremony, policy and custodian, valid for its passphrase, but not issued at setup.
    const record = parseQuorumRecord(readFileSync(recordPath, 'utf8'));
    const p = parsePolicy(policy);
    const forgedShares = { 'user-pin': (await splitSecret(new Uint8Array(24).fill(1), p)).get(2)!, 'so-pin': (await splitSecret(new Uint8Array(24).fill(2), p)).get(2)! };
    const forged = await sealEnvelope({
      metadata: envelopeMetadata({ ceremonyId: record.ceremonyId, policy: p, index: 2, shares: forgedShares, reshareNonce: null, createdAt: new Date().toISOString(), rehearsal: false }),
      shares: forgedShares,
      passphrase: encodePassphrase(bob.passphrase),
      kdf: MIN_KDF,
    });
    const notIssued = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: { kind: 'text', text: forged.text }, passphrase: bob.passphrase }), 'ENVELOPE_NOT_ISSUED');
    assert.match(notIssued.message, /Bob/);

    // Duplicated: Alice twice.
    view = matchesContract('quorumLoginPresent', await service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: alice.passphrase }));
    const duplicate = await rejectsWithCode(service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: alice.passphrase }), 'SHARE_DUPLICATE');
    assert.match(duplicate.message, /Alice/);

    // Two of three: not logged in, and C_Login was never called for any of the above.
    view = matchesContract('quorumLoginPresent', await service.quorumLoginPresent({ sessionId, source: file(bob), passphrase: bob.passphrase }));
    assert.equal(view.progress, '2 of 3: Alice, Bob');
    assert.equal(view.satisfied, false);
    assert.equal(view.loggedIn, false);
    assert.equal(hsm.count('C_Login'), loginsBefore, 'no C_Login happened before the quorum was complete');
    const flags = (await hsm.client.listSlots()).find((s) => s.slotId === slotId)!.token!.flags;
    assert.equal(flags.userPinCountLow, false, 'the token saw no wrong PIN');

    // The third custodian completes the quorum: exactly one C_Login, and it succeeds.
    view = matchesContract('quorumLoginPresent', await service.quorumLoginPresent({ sessionId, source: file(carol), passphrase: carol.passphrase }));
    assert.equal(view.loggedIn, true);
    assert.equal(hsm.count('C_Login'), loginsBefore + 1, 'exactly one login attempt, after the verified combination');
    assert.deepEqual(view.failedAttempts, [{ name: 'Alice', count: 2 }]);
    await hsm.client.logout(slotId);
  });

  it('expires a held share after its lifetime, overwrites it, and tells the screens', async (t) => {
    const scheduler = new ManualScheduler();
    const { service, events } = quorumServiceFor(t, hsm.client, { scheduler, now: scheduler.now, shareLifetimeMs: 10 * 60 * 1000 });
    const [alice, bob, carol] = custodians as [Custodian, Custodian, Custodian];
    const loginsBefore = hsm.count('C_Login');
    let view = await service.quorumLoginBegin({ recordPath, slotId });
    const sessionId = view.sessionId;
    view = await service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: alice.passphrase });
    assert.equal(view.present[0]!.expiresAt, new Date(scheduler.nowMs + 600_000).toISOString());
    scheduler.advance(5 * 60 * 1000);
    view = await service.quorumLoginPresent({ sessionId, source: file(bob), passphrase: bob.passphrase });
    assert.equal(view.progress, '2 of 3: Alice, Bob');
    scheduler.advance(5 * 60 * 1000);
    const expired = matchesEvent(events.at(-1)?.payload);
    assert.deepEqual(expired.present.map((p) => p.name), ['Bob'], "Alice's share is gone after ten minutes, Bob's is not");
    assert.match(expired.progress, /^1 of 3: Bob\. Alice's share expired after 10 minutes and was overwritten/);
    assert.equal(expired.ended, null, 'the session goes on');
    // Carol makes two again; Alice must present again (her share is not a duplicate: it is gone).
    view = await service.quorumLoginPresent({ sessionId, source: file(carol), passphrase: carol.passphrase });
    assert.equal(view.loggedIn, false);
    assert.equal(hsm.count('C_Login'), loginsBefore);
    view = await service.quorumLoginPresent({ sessionId, source: file(alice), passphrase: alice.passphrase });
    assert.equal(view.loggedIn, true);
    assert.equal(scheduler.pending, 0, 'no timer is left once logged in');
    await hsm.client.logout(slotId);
  });

  it('clears every presented share when the HSM is unplugged, when its token leaves a status listing, or when a poll finds it gone', async (t) => {
    const statusListeners = new Set<(event: StatusEvent) => void>();
    const statusEvents = (listener: (event: StatusEvent) => void) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    };
    const scheduler = new ManualScheduler();
    const { service, events } = quorumServiceFor(t, hsm.client, { statusEvents, scheduler, now: scheduler.now, pollIntervalMs: 2000 });
    const [alice, bob, carol] = custodians as [Custodian, Custodian, Custodian];

    // USB detach of the HSM, as the status service reports it.
    let view = await service.quorumLoginBegin({ recordPath, slotId });
    view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: file(alice), passphrase: alice.passphrase });
    view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: file(bob), passphrase: bob.passphrase });
    const usb = { available: true, reason: null, devices: [] };
    const yubihsm = { vendorId: 0x1050, productId: 0x0030, product: 'YubiHSM 2', kind: 'hsm' as const, serial: null, location: 'bus 1' };
    for (const listener of statusListeners) listener({ name: 'usbChanged', payload: { status: usb, event: { type: 'detach', device: { ...yubihsm, kind: 'other', product: 'USB stick' }, at: new Date().toISOString() } } });
    assert.equal(events.length, 0, "a custodian's USB stick leaving changes nothing");
    for (const listener of statusListeners) listener({ name: 'usbChanged', payload: { status: usb, event: { type: 'detach', device: yubihsm, at: new Date().toISOString() } } });
    let changed = matchesEvent(events.at(-1)?.payload);
    assert.deepEqual(changed.present, []);
    assert.match(changed.ended ?? '', /YubiHSM 2.*unplugged.*overwritten/);
    await rejectsWithCode(service.quorumLoginPresent({ sessionId: view.sessionId, source: file(carol), passphrase: carol.passphrase }), 'SESSION_ENDED');

    // The status service's token listing no longer shows the token.
    view = await service.quorumLoginBegin({ recordPath, slotId });
    view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: file(alice), passphrase: alice.passphrase });
    const snapshot = { tokens: [], module: { path: fx.modulePath } } as unknown as Extract<StatusEvent, { name: 'statusChanged' }>['payload'];
    for (const listener of statusListeners) listener({ name: 'statusChanged', payload: snapshot });
    changed = matchesEvent(events.at(-1)?.payload);
    assert.equal(changed.sessionId, view.sessionId);
    assert.deepEqual(changed.present, []);
    assert.match(changed.ended ?? '', /no longer in slot/);

    // The token is pulled out; the session's own poll notices.
    view = await service.quorumLoginBegin({ recordPath, slotId });
    view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: file(alice), passphrase: alice.passphrase });
    view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: file(bob), passphrase: bob.passphrase });
    removed = true;
    try {
      const before = events.length;
      scheduler.advance(2000);
      for (let i = 0; i < 200 && events.length === before; i++) await new Promise((r) => setTimeout(r, 10));
      changed = matchesEvent(events.at(-1)?.payload);
      assert.equal(changed.sessionId, view.sessionId);
      assert.deepEqual(changed.present, []);
      assert.match(changed.ended ?? '', /removed from slot/);
    } finally {
      removed = false;
    }
  });

  it('left no passphrase, PIN or share in any file', () => {
    assertNoSecretsOnDisk(tracker, [out, fx.directory]);
  });
});
