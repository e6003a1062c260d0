// A quorum change that stops half-way is recoverable or explained, never silent. The
// journal (quorum-record.pending.json) is written before the token is touched: when the
// token steps all completed but the record could not be written, the next login finishes
// the record from the journal; when a token step was interrupted, the login refuses with
// what was done and what may have changed, instead of trying a PIN.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuorumRecord } from '../../../main/quorum/record';
import { inProcessClient } from '../../helpers/in-process-client';
import { pkcs11Error } from '../../helpers/in-process-backend';
import { makeSoftHsm, rejectsWithCode } from '../../helpers/softhsm';
import { custodiansFor, matchesContract, quorumServiceFor, tempDir, type Custodian } from './quorum-fixture';
import type { QuorumService } from '../../../main/quorum/quorum-service';

const POLICY = { threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }] };

/** Seals, saves and proves every custodian; returns the setup id, ready to complete. */
async function readyToComplete(service: QuorumService, slotId: string, out: string, custodians: Custodian[]): Promise<string> {
  const begun = await service.quorumSetupBegin({ slotId, policy: POLICY, outputDirectory: out, tokenLabel: 'Recovery' });
  for (const c of custodians) {
    await service.quorumSetupSeal({ setupId: begun.setupId, index: c.index, passphrase: c.passphrase, passphraseRepeat: c.passphrase });
    const saved = await service.quorumSetupSave({ setupId: begun.setupId, index: c.index, directory: c.directory });
    c.envelopePath = saved.custodians[c.index - 1]!.savedTo;
    await service.quorumSetupProve({ setupId: begun.setupId, index: c.index, source: { kind: 'file', path: c.envelopePath! }, passphrase: c.passphrase });
  }
  return begun.setupId;
}

describe('interrupted quorum changes', { timeout: 300_000 }, () => {
  it('finishes the record from the journal when the token was changed but the record could not be written', async (t) => {
    const fx = makeSoftHsm(t);
    const hsm = inProcessClient(fx, {}, t);
    await hsm.client.loadModule(fx.modulePath);
    const [free] = await hsm.client.listSlots();
    const { service } = quorumServiceFor(t, hsm.client);
    const out = tempDir(t, 'recovery-out');
    const custodians = custodiansFor(POLICY, tempDir(t, 'recovery-media'));
    const setupId = await readyToComplete(service, free!.slotId, out, custodians);

    // Something takes the record's name after the custodians finished: writing it fails.
    const recordPath = join(out, 'quorum-record.json');
    mkdirSync(recordPath);
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'FILE_EXISTS');
    const failed = matchesContract('quorumSetupCancel', await service.quorumSetupCancel({ setupId }));
    assert.equal(failed.phase, 'failed', 'a setup that changed the token cannot be cancelled into pretending it did not');
    assert.match(failed.failure?.message ?? '', /Done: initializing the token with the new SO PIN; setting the new user PIN\./);
    const journal = JSON.parse(readFileSync(join(out, 'quorum-record.pending.json'), 'utf8')) as { steps: Array<{ name: string; status: string }>; record: { token: { serial: string } } };
    assert.deepEqual(journal.steps.map((s) => `${s.name}:${s.status}`), ['init-token:done', 'init-user-pin:done', 'write-record:started']);
    assert.ok(journal.record.token.serial, 'the journal learned the serial the token got');
    assert.doesNotMatch(JSON.stringify(journal), new RegExp(custodians[0]!.passphrase));

    // The obstacle goes; the next login finishes the record from the journal and works.
    rmdirSync(recordPath);
    const slotId = (await hsm.client.listSlots()).find((s) => s.token?.serial === journal.record.token.serial)!.slotId;
    let view = await service.quorumLoginBegin({ recordPath, slotId });
    assert.equal(existsSync(join(out, 'quorum-record.pending.json')), false);
    assert.equal(parseQuorumRecord(readFileSync(recordPath, 'utf8')).token.serial, journal.record.token.serial);
    for (const c of custodians.slice(0, 2)) view = await service.quorumLoginPresent({ sessionId: view.sessionId, source: { kind: 'file', path: c.envelopePath! }, passphrase: c.passphrase });
    assert.equal(view.loggedIn, true);
  });

  it('explains an interrupted token step and tries no PIN; a first step the token refused changes nothing and may be retried', async (t) => {
    const fx = makeSoftHsm(t);
    let failInitPin = false;
    let failInitToken = false;
    const hsm = inProcessClient(
      fx,
      {
        C_InitToken: (real, ...args) => {
          if (failInitToken) throw pkcs11Error('CKR_DEVICE_ERROR', 0x30, 'C_InitToken');
          return real(...args);
        },
        C_InitPIN: (real, ...args) => {
          if (failInitPin) throw pkcs11Error('CKR_DEVICE_ERROR', 0x30, 'C_InitPIN');
          return real(...args);
        },
      },
      t,
    );
    await hsm.client.loadModule(fx.modulePath);
    const [free] = await hsm.client.listSlots();
    const { service } = quorumServiceFor(t, hsm.client);
    const out = tempDir(t, 'interrupted-out');
    const custodians = custodiansFor(POLICY, tempDir(t, 'interrupted-media'));
    const setupId = await readyToComplete(service, free!.slotId, out, custodians);

    // The very first token step is refused: nothing changed, the journal is removed, completing again is allowed.
    failInitToken = true;
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'DEVICE_ERROR');
    assert.equal(existsSync(join(out, 'quorum-record.pending.json')), false);
    assert.equal((await hsm.client.listSlots())[0]!.token!.flags.tokenInitialized, false);
    failInitToken = false;

    // The second step fails after the first changed the token: the setup fails, the journal explains.
    failInitPin = true;
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'DEVICE_ERROR');
    await rejectsWithCode(service.quorumSetupComplete({ setupId }), 'SETUP_FAILED');
    const logins = hsm.count('C_Login');
    const refused = await rejectsWithCode(service.quorumLoginBegin({ recordPath: join(out, 'quorum-record.json'), slotId: free!.slotId }), 'QUORUM_CHANGE_INTERRUPTED');
    assert.match(refused.message, /Done: initializing the token with the new SO PIN\. Interrupted while setting the new user PIN/);
    assert.match(refused.action, /re-initialize it and run the setup again/);
    assert.equal(hsm.count('C_Login'), logins, 'no PIN was tried');
    const begin = await rejectsWithCode(
      service.quorumSetupBegin({ slotId: free!.slotId, policy: POLICY, outputDirectory: out, tokenLabel: 'Again' }),
      'QUORUM_CHANGE_PENDING',
    );
    assert.match(begin.message, /unfinished quorum change/);
  });
});
