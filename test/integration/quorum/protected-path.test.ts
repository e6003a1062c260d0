// A token with a protected authentication path (PIN pad or PED): the custodians
// authenticate at the device and Conclave calls C_Login without a PIN. SoftHSM2 has no
// PIN pad, so the in-process module proxy plays one: it reports the token flag and, for
// a C_Login without a PIN, "types" the PIN on the pad. Everything else is the real module.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../../main/quorum/policy';
import { inProcessClient } from '../../helpers/in-process-client';
import { SecretTracker } from '../../helpers/secret-scan';
import { initTokenWithUtil, makeSoftHsm, rejectsWithCode } from '../../helpers/softhsm';
import { custodiansFor, learnSecrets, matchesContract, quorumServiceFor, runSetup, tempDir } from './quorum-fixture';

const CKF_PROTECTED_AUTHENTICATION_PATH = 0x100;

describe('quorum login at a protected authentication path (PIN pad / PED)', { timeout: 300_000 }, () => {
  it('logs in with no PIN sent when the token has a PIN pad, and refuses where it has none', async (t) => {
    const fx = makeSoftHsm(t);
    initTokenWithUtil(fx, { label: 'Pad Root', soPin: 'so-pad-12345', userPin: 'user-pad-12345' });
    let padPresent = false;
    let padPin: string | null = null;
    const padLogins: number[] = [];
    const hsm = inProcessClient(
      fx,
      {
        C_GetTokenInfo: (real, ...args) => {
          const info = real(...args) as { flags: number };
          return padPresent ? { ...info, flags: info.flags | CKF_PROTECTED_AUTHENTICATION_PATH } : info;
        },
        C_Login: (real, ...args) => {
          if (args.length === 2) {
            // The custodians type the PIN on the device; nothing came from Conclave.
            padLogins.push(args[1] as number);
            if (!padPresent || padPin === null) throw new Error('C_Login without a PIN on a token without a PIN pad');
            return real(args[0], args[1], padPin);
          }
          return real(...args);
        },
      },
      t,
    );
    await hsm.client.loadModule(fx.modulePath);
    const slot = (await hsm.client.listSlots()).find((s) => s.token?.label === 'Pad Root')!;
    const { service } = quorumServiceFor(t, hsm.client);
    const policy = { threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }] };
    const custodians = custodiansFor(policy, tempDir(t, 'pad-media'));
    const setup = await runSetup(service, { slotId: slot.slotId, policy, outputDirectory: tempDir(t, 'pad-out'), currentPins: { soPin: 'so-pad-12345', userPin: 'user-pad-12345' } }, custodians);

    // Without a PIN pad, the device login is refused and nothing reaches the token.
    let view = matchesContract('quorumLoginBegin', await service.quorumLoginBegin({ recordPath: setup.recordPath, slotId: slot.slotId }));
    assert.equal(view.protectedAuthenticationPath, false);
    await rejectsWithCode(service.quorumLoginAtDevice({ sessionId: view.sessionId }), 'PROTECTED_PATH_UNAVAILABLE');
    assert.deepEqual(padLogins, []);

    // With the pad: the view says so, and the login sends no PIN.
    const secrets = await learnSecrets(parsePolicy(policy), custodians, new SecretTracker());
    padPin = new TextDecoder().decode(secrets['user-pin']);
    padPresent = true;
    view = matchesContract('quorumLoginBegin', await service.quorumLoginBegin({ recordPath: setup.recordPath, slotId: slot.slotId }));
    assert.equal(view.protectedAuthenticationPath, true);
    view = matchesContract('quorumLoginAtDevice', await service.quorumLoginAtDevice({ sessionId: view.sessionId }));
    assert.equal(view.loggedIn, true);
    assert.equal(view.satisfied, true);
    assert.match(view.progress, /at the device/);
    assert.deepEqual(padLogins, [1], 'one C_Login as CKU_USER (1) with no PIN argument');
    assert.equal((await hsm.client.sessionState(slot.slotId)).loggedIn, 'user');
    await rejectsWithCode(service.quorumLoginAtDevice({ sessionId: view.sessionId }), 'ALREADY_LOGGED_IN');
  });
});
