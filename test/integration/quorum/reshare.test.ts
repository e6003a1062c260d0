// Re-share against SoftHSM2: a 3-of-5 quorum hands the token to a new 2-of-3 quorum,
// bound to a nonce. Before commit the old quorum still logs in; a commit with another
// nonce is refused; after commit the new quorum logs in, and the old one fails with a
// clear error at every layer (the superseded record is refused by name, its envelopes
// are foreign to the new record, and a stray copy of the old record is recognized as
// stale when the token refuses its digest-checked PIN).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvelope } from '../../../main/quorum/envelope';
import { parsePolicy } from '../../../main/quorum/policy';
import { parseQuorumRecord, recordHash } from '../../../main/quorum/record';
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
  runSetup,
  tempDir,
  type Custodian,
} from './quorum-fixture';

describe('quorum re-share on SoftHSM2', { timeout: 600_000 }, () => {
  it('re-shares 3 of 5 to 2 of 3 bound to a nonce; the old quorum works until commit and fails clearly after it', async (t) => {
    const fx = makeSoftHsm(t);
    const client = clientFor(fx, t);
    await client.loadModule(fx.modulePath);
    const [free] = await client.listSlots();
    const { service } = quorumServiceFor(t, client);
    const out = tempDir(t, 'reshare-out');
    const media = tempDir(t, 'reshare-media');
    const tracker = new SecretTracker();
    const oldPolicy = flatPolicy(3, FIVE);
    const oldCustodians = custodiansFor(oldPolicy, join(media, 'old'));
    const setup = await runSetup(service, { slotId: free!.slotId, policy: oldPolicy, outputDirectory: out, tokenLabel: 'Reshare Root' }, oldCustodians, tracker);
    const oldText = readFileSync(setup.recordPath, 'utf8');
    const oldRecord = parseQuorumRecord(oldText);
    const slotId = (await client.listSlots()).find((s) => s.token?.serial === oldRecord.token.serial)!.slotId;
    const strayCopy = join(tempDir(t, 'reshare-stray'), 'quorum-record.json');
    copyFileSync(setup.recordPath, strayCopy);
    await learnSecrets(parsePolicy(oldPolicy), oldCustodians, tracker);
    const [alice, bob, carol] = oldCustodians as [Custodian, Custodian, Custodian];
    const file = (c: Custodian) => ({ kind: 'file' as const, path: c.envelopePath! });

    // Begin: a fresh nonce; nothing new may be sealed before the current quorum is present.
    const newPolicy = flatPolicy(2, ['Frank', 'Grace', 'Heidi']);
    const newCustodians = custodiansFor(newPolicy, join(media, 'new'));
    let view = matchesContract('quorumReshareBegin', await service.quorumReshareBegin({ recordPath: setup.recordPath, slotId, policy: newPolicy, outputDirectory: out }));
    const { reshareId, nonce } = view;
    assert.match(nonce, /^[0-9a-f]{64}$/);
    assert.equal(view.newSetup.reshareNonce, nonce);
    assert.equal(view.oldQuorum.purpose, 'reshare');
    assert.equal(view.newSetup.policySummary, '2 of 3');
    assert.equal(view.newSetup.ceremonyId, oldRecord.ceremonyId);
    const newSetupId = view.newSetup.setupId;
    const [frank] = newCustodians as [Custodian];
    await rejectsWithCode(service.quorumSetupSeal({ setupId: newSetupId, index: 1, passphrase: frank.passphrase, passphraseRepeat: frank.passphrase }), 'RESHARE_QUORUM_REQUIRED');
    await rejectsWithCode(service.quorumReshareCommit({ reshareId, nonce }), 'RESHARE_QUORUM_REQUIRED');

    for (const c of [alice, bob, carol]) {
      view = matchesContract('quorumResharePresent', await service.quorumResharePresent({ reshareId, source: file(c), passphrase: c.passphrase }));
    }
    assert.equal(view.oldQuorum.satisfied, true);
    assert.match(view.oldQuorum.progress, /^3 of 3: Alice, Bob, Carol — quorum verified/);
    assert.equal(view.oldQuorum.loggedIn, false, 're-share checks the PINs but leaves nobody logged in');

    for (const c of newCustodians) {
      tracker.add(`passphrase of ${c.name}`, c.passphrase);
      await service.quorumSetupSeal({ setupId: newSetupId, index: c.index, passphrase: c.passphrase, passphraseRepeat: c.passphrase });
      const saved = matchesContract('quorumSetupSave', await service.quorumSetupSave({ setupId: newSetupId, index: c.index, directory: c.directory }));
      c.envelopePath = saved.custodians[c.index - 1]!.savedTo;
      assert.equal(parseEnvelope(readFileSync(c.envelopePath!, 'utf8')).metadata.reshareNonce, nonce, 'every new envelope carries the nonce');
    }
    // Two of three receipts: commit is refused, whatever the nonce.
    for (const c of newCustodians.slice(0, 2)) {
      await service.quorumSetupProve({ setupId: newSetupId, index: c.index, source: file(c), passphrase: c.passphrase });
    }
    await rejectsWithCode(service.quorumReshareCommit({ reshareId, nonce }), 'SETUP_INCOMPLETE');

    // Until commit the old record and envelopes keep working.
    const before = matchesContract('quorumLoginBegin', await service.quorumLoginBegin({ recordPath: setup.recordPath, slotId }));
    for (const c of [bob, carol, alice]) await service.quorumLoginPresent({ sessionId: before.sessionId, source: file(c), passphrase: c.passphrase });
    assert.equal((await client.sessionState(slotId)).loggedIn, 'user', 'the old quorum logs in during the re-share');
    await client.logout(slotId);

    const heidi = newCustodians[2]!;
    await service.quorumSetupProve({ setupId: newSetupId, index: 3, source: file(heidi), passphrase: heidi.passphrase });
    await rejectsWithCode(service.quorumSetupComplete({ setupId: newSetupId }), 'RESHARE_COMMIT_REQUIRED');
    const otherNonce = nonce.replace(/^./, nonce[0] === 'a' ? 'b' : 'a');
    const refused = await rejectsWithCode(service.quorumReshareCommit({ reshareId, nonce: otherNonce }), 'RESHARE_NONCE_MISMATCH');
    assert.match(refused.action, /Nothing was changed/);
    assert.equal(readFileSync(setup.recordPath, 'utf8'), oldText, 'a refused commit leaves the old record in place');

    view = matchesContract('quorumReshareCommit', await service.quorumReshareCommit({ reshareId, nonce }));
    assert.equal(view.committed, true);
    assert.equal(view.newSetup.phase, 'complete');
    await rejectsWithCode(service.quorumReshareCommit({ reshareId, nonce }), 'RESHARE_COMMITTED');

    const newRecord = parseQuorumRecord(readFileSync(setup.recordPath, 'utf8'));
    assert.equal(newRecord.supersedes, recordHash(oldText));
    assert.equal(newRecord.reshareNonce, nonce);
    assert.equal(newRecord.policySummary, '2 of 3');
    assert.equal(newRecord.token.serial, oldRecord.token.serial);
    const superseded = readdirSync(out).filter((name) => /^quorum-record\.superseded-.+\.json$/.test(name));
    assert.equal(superseded.length, 1);
    assert.equal(readFileSync(join(out, superseded[0]!), 'utf8'), oldText, 'the old record is kept, renamed');
    assert.equal(existsSync(join(out, 'quorum-record.pending.json')), false);

    // The new quorum logs in from a new worker.
    const fresh = clientFor(fx, t);
    await fresh.loadModule(fx.modulePath);
    const freshSlot = (await fresh.listSlots()).find((s) => s.token?.serial === oldRecord.token.serial)!.slotId;
    const { service: later } = quorumServiceFor(t, fresh);
    let session = await later.quorumLoginBegin({ recordPath: setup.recordPath, slotId: freshSlot });
    for (const c of [newCustodians[2]!, newCustodians[0]!]) session = await later.quorumLoginPresent({ sessionId: session.sessionId, source: file(c), passphrase: c.passphrase });
    assert.equal(session.loggedIn, true);
    assert.equal(session.progress, '2 of 2: Frank, Heidi — logged in');
    await fresh.logout(freshSlot);

    // The old quorum fails, clearly, without a PIN attempt where it can be avoided.
    const supersededError = await rejectsWithCode(later.quorumLoginBegin({ recordPath: join(out, superseded[0]!), slotId: freshSlot }), 'QUORUM_RECORD_SUPERSEDED');
    assert.match(supersededError.message, /replaced by a re-share/);
    session = await later.quorumLoginBegin({ recordPath: setup.recordPath, slotId: freshSlot });
    const foreign = await rejectsWithCode(later.quorumLoginPresent({ sessionId: session.sessionId, source: file(alice), passphrase: alice.passphrase }), 'ENVELOPE_FOREIGN');
    assert.match(foreign.message, /another quorum of ceremony/);
    assert.match(foreign.message, /replaced by a re-share/);
    // A stray copy of the old record: the shares combine to its digest, the token refuses, the error says why.
    session = await later.quorumLoginBegin({ recordPath: strayCopy, slotId: freshSlot });
    await later.quorumLoginPresent({ sessionId: session.sessionId, source: file(alice), passphrase: alice.passphrase });
    await later.quorumLoginPresent({ sessionId: session.sessionId, source: file(bob), passphrase: bob.passphrase });
    const stale = await rejectsWithCode(later.quorumLoginPresent({ sessionId: session.sessionId, source: file(carol), passphrase: carol.passphrase }), 'QUORUM_RECORD_STALE');
    assert.match(stale.message, /changed after this record was made/);
    assert.match(stale.action, /Do not try this record again/);
    assert.equal((await fresh.sessionState(freshSlot)).loggedIn, null);

    await learnSecrets(parsePolicy(newPolicy), newCustodians, tracker);
    assertNoSecretsOnDisk(tracker, [out, media, fx.directory]);
  });
});
