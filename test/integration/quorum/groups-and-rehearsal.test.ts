// Group policies and the rehearsal token, against SoftHSM2. A "2 of security and 1 of
// operations" quorum is set up on an already initialized token (the administrator types
// its current PINs; the new PINs mix the token's RNG with the OS CSPRNG) and logs in only
// when both groups reach their thresholds. On the rehearsal token the app composes the
// services as main/shell does (status service → quorum service → IPC router), the setup
// reads the current PINs from the rehearsal PIN file and writes the new ones back, so the
// rehearsal token keeps working, and every answer passes the contract's schemas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlersFor } from '../../../main/ipc/handlers';
import { createRouter } from '../../../main/ipc/router';
import { ensureRehearsalToken, readRehearsalPins, REHEARSAL_DIRECTORY, REHEARSAL_LABEL, REHEARSAL_PINS_FILE } from '../../../main/hsm/rehearsal-token';
import { parsePolicy } from '../../../main/quorum/policy';
import { quorumServiceForStatus } from '../../../main/quorum/quorum-service';
import { parseQuorumRecord } from '../../../main/quorum/record';
import { createStatusService } from '../../../main/status/status-service';
import type { PolicyInput, QuorumLoginView, QuorumSetupView, Result } from '../../../preload/contract';
import { SecretTracker } from '../../helpers/secret-scan';
import { clientFor, initTokenWithUtil, makeSoftHsm, pin, rejectsWithCode, requireWorkerBuild, withToken } from '../../helpers/softhsm';
import {
  assertNoSecretsOnDisk,
  custodiansFor,
  learnSecrets,
  matchesContract,
  MIN_KDF,
  quorumServiceFor,
  runSetup,
  tempDir,
  type Custodian,
} from './quorum-fixture';

const GROUPS: PolicyInput = {
  threshold: 3,
  custodians: [
    { name: 'Alice', group: 'security' },
    { name: 'Bob', group: 'security' },
    { name: 'Carol', group: 'security' },
    { name: 'Dave', group: 'operations' },
    { name: 'Erin', group: 'operations' },
  ],
  groups: [
    { name: 'security', threshold: 2 },
    { name: 'operations', threshold: 1 },
  ],
  groupThreshold: 2,
};

/** A PIN refusal (SoftHSM2 reports "count low" from the first wrong try on). */
async function wrongPin(promise: Promise<unknown>): Promise<{ code: string; message: string; action: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string; action: string };
    assert.match(e.code, /^PIN_INCORRECT/);
    return e;
  }
  assert.fail('expected the token to refuse the PIN');
}

describe('group policies and the rehearsal token on SoftHSM2', { timeout: 600_000 }, () => {
  it('sets up "2 of security and 1 of operations" on an initialized token and logs in only when both groups are present', async (t) => {
    const fx = await withToken(t, { spec: { label: 'Group Root', soPin: 'so-typed-1234', userPin: 'user-typed-1234' } });
    const { service } = quorumServiceFor(t, fx.client);
    const out = tempDir(t, 'groups-out');
    const media = tempDir(t, 'groups-media');
    const tracker = new SecretTracker();
    tracker.add('typed SO PIN', fx.spec.soPin);
    tracker.add('typed user PIN', fx.spec.userPin);

    // Initialized token: current PINs are required and checked before anyone's time is spent.
    await rejectsWithCode(service.quorumSetupBegin({ slotId: fx.slotId, policy: GROUPS, outputDirectory: out }), 'CURRENT_PINS_REQUIRED');
    const typo = await wrongPin(service.quorumSetupBegin({ slotId: fx.slotId, policy: GROUPS, outputDirectory: out, currentPins: { soPin: fx.spec.soPin, userPin: 'user-typed-9999' } }));
    assert.match(typo.message, /current user PIN/);
    assert.match(typo.action, /Nothing was changed/);
    await rejectsWithCode(service.quorumSetupBegin({ slotId: fx.slotId, policy: { ...GROUPS, groupThreshold: 3 }, outputDirectory: out, currentPins: { soPin: fx.spec.soPin, userPin: fx.spec.userPin } }), 'POLICY_INVALID');

    const custodians = custodiansFor(GROUPS, media);
    const begun = matchesContract('quorumSetupBegin', await service.quorumSetupBegin({ slotId: fx.slotId, policy: GROUPS, outputDirectory: out, currentPins: { soPin: fx.spec.soPin, userPin: fx.spec.userPin } }));
    assert.equal(begun.entropy, 'token-and-os', 'an initialized token mixes its RNG into the new PINs');
    assert.equal(begun.policySummary, '2 of security and 1 of operations');
    assert.deepEqual(begun.custodians.map((c) => c.group), ['security', 'security', 'security', 'operations', 'operations']);
    await service.quorumSetupCancel({ setupId: begun.setupId });

    const setup = await runSetup(service, { slotId: fx.slotId, policy: GROUPS, outputDirectory: out, currentPins: { soPin: fx.spec.soPin, userPin: fx.spec.userPin } }, custodians, tracker);
    const record = parseQuorumRecord(readFileSync(setup.recordPath, 'utf8'));
    assert.equal(record.token.label, 'Group Root');
    await wrongPin(fx.client.login(fx.slotId, 'user', pin(fx.spec.userPin)));
    await fx.client.logout(fx.slotId);

    const [alice, bob, carol, dave] = custodians as [Custodian, Custodian, Custodian, Custodian];
    const file = (c: Custodian) => ({ kind: 'file' as const, path: c.envelopePath! });
    let view = await service.quorumLoginBegin({ recordPath: setup.recordPath, slotId: fx.slotId });
    const sessionId = view.sessionId;
    for (const c of [alice, bob, carol]) view = await service.quorumLoginPresent({ sessionId, source: file(c), passphrase: c.passphrase });
    assert.equal(view.loggedIn, false, 'all of security is not enough without operations');
    assert.equal(view.progress, 'security 3 of 2: Alice, Bob, Carol; operations 0 of 1; groups ready 1 of 2');
    view = await service.quorumLoginPresent({ sessionId, source: file(dave), passphrase: dave.passphrase });
    assert.equal(view.loggedIn, true);
    assert.equal((await fx.client.sessionState(fx.slotId)).loggedIn, 'user');
    await fx.client.logout(fx.slotId);

    await learnSecrets(parsePolicy(GROUPS), custodians, tracker);
    assertNoSecretsOnDisk(tracker, [out, media, fx.directory]);
  });

  it('on the rehearsal token, through the status service and the IPC router: reads and rewrites the rehearsal PIN file', async (t) => {
    requireWorkerBuild();
    const dataDir = tempDir(t, 'rehearsal-data');
    const out = tempDir(t, 'rehearsal-out');
    const media = tempDir(t, 'rehearsal-media');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CONCLAVE_PKCS11_MODULE;
    const status = createStatusService({ dataDir, modulePath: null, env, usb: null });
    const quorum = quorumServiceForStatus(status, { dataDir, kdf: MIN_KDF, pollIntervalMs: 0 });
    t.after(async () => {
      await quorum.close();
      await status.close();
    });
    const origin = 'app://conclave';
    const router = createRouter(handlersFor({ status, quorum }), { allowedOrigins: [origin], validateResponses: true });
    const call = async <T>(channel: string, payload: unknown): Promise<T> => {
      const result = (await router.handle({ origin, isMainFrame: true }, `conclave:${channel}`, payload)) as Result<T>;
      if (!result.ok) assert.fail(`${channel} failed: ${result.error.code}: ${result.error.message}`);
      return result.value;
    };

    const snapshot = await status.getStatus();
    assert.equal(snapshot.rehearsal.active, true);
    const rehearsalToken = snapshot.tokens.find((x) => x.token?.label === REHEARSAL_LABEL)!;
    const pinsPath = join(dataDir, REHEARSAL_DIRECTORY, REHEARSAL_PINS_FILE);
    const before = readRehearsalPins(dataDir);
    const tracker = new SecretTracker();
    tracker.add('old rehearsal SO PIN', before.soPin);
    tracker.add('old rehearsal user PIN', before.userPin);

    const policy: PolicyInput = { threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }] };
    const custodians = custodiansFor(policy, media);
    let view = await call<QuorumSetupView>('quorumSetupBegin', { slotId: rehearsalToken.slotId, policy, outputDirectory: out });
    for (const c of custodians) {
      tracker.add(`passphrase of ${c.name}`, c.passphrase);
      await call('quorumSetupSeal', { setupId: view.setupId, index: c.index, passphrase: c.passphrase, passphraseRepeat: c.passphrase });
      view = await call<QuorumSetupView>('quorumSetupSave', { setupId: view.setupId, index: c.index, directory: c.directory });
      c.envelopePath = view.custodians[c.index - 1]!.savedTo;
      await call('quorumSetupProve', { setupId: view.setupId, index: c.index, source: { kind: 'file', path: c.envelopePath }, passphrase: c.passphrase });
    }
    view = await call<QuorumSetupView>('quorumSetupComplete', { setupId: view.setupId });
    assert.equal(view.phase, 'complete');
    const record = parseQuorumRecord(readFileSync(view.recordPath!, 'utf8'));
    assert.equal(record.rehearsal, true, 'a quorum on the rehearsal token is marked as rehearsal');
    const info = await call<{ rehearsal: boolean }>('inspectEnvelope', { source: { kind: 'file', path: custodians[0]!.envelopePath } });
    assert.equal(info.rehearsal, true);

    // The PIN file now holds the quorum's PINs, so the rehearsal token is reused, not remade.
    const secrets = await learnSecrets(parsePolicy(policy), custodians, tracker);
    const after = readRehearsalPins(dataDir);
    assert.deepEqual(after.soPin, secrets['so-pin']);
    assert.deepEqual(after.userPin, secrets['user-pin']);
    assert.notDeepEqual(after.userPin, before.userPin);

    let session = await call<QuorumLoginView>('quorumLoginBegin', { recordPath: view.recordPath, slotId: rehearsalToken.slotId });
    for (const c of custodians.slice(1)) session = await call<QuorumLoginView>('quorumLoginPresent', { sessionId: session.sessionId, source: { kind: 'file', path: c.envelopePath }, passphrase: c.passphrase });
    assert.equal(session.loggedIn, true);

    await quorum.close();
    await status.close();
    const again = await ensureRehearsalToken(dataDir);
    assert.equal(again.created, false, 'the saved PINs still open the rehearsal token');

    // The PIN file is the one place PINs are written, by design (rehearsal only); nothing else holds a secret.
    assertNoSecretsOnDisk(tracker, [dataDir, out, media], [pinsPath]);
  });

  it('refuses a setup whose output folder already holds a quorum record', async (t) => {
    const fx = makeSoftHsm(t);
    initTokenWithUtil(fx, { label: 'Busy Root', soPin: 'so-busy-1234', userPin: 'user-busy-1234' });
    const client = clientFor(fx, t);
    await client.loadModule(fx.modulePath);
    const slot = (await client.listSlots()).find((s) => s.token?.label === 'Busy Root')!;
    const { service } = quorumServiceFor(t, client);
    const out = tempDir(t, 'busy-out');
    writeFileSync(join(out, 'quorum-record.json'), '{}');
    const refused = await rejectsWithCode(
      service.quorumSetupBegin({ slotId: slot.slotId, policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: out, currentPins: { soPin: 'so-busy-1234', userPin: 'user-busy-1234' } }),
      'FILE_EXISTS',
    );
    assert.match(refused.message, /quorum-record\.json/);
  });
});
