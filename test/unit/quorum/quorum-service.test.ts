// The quorum service's own rules, without a token: calibration answers in the contract's
// shape and never goes below the Argon2id minimum, unknown ids and a missing module are
// named, envelopes can be inspected without a passphrase, and a closed service says so.
// Setup, login and re-share against SoftHSM2 are in test/integration/quorum/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeMetadata, sealEnvelope } from '../../../main/quorum/envelope';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { parsePolicy } from '../../../main/quorum/policy';
import { createQuorumService } from '../../../main/quorum/quorum-service';
import { splitSecret } from '../../../main/quorum/sharing';
import { contract } from '../../../preload/contract';
import { rejectsWithCode } from '../../helpers/softhsm';
import { MIN_KDF } from './fixtures';

const noHsm = async () => null;

describe('quorum service without a token', () => {
  it('calibrates (through the injected calibration) and answers in the contract shape; refuses a cost below the minimum', async () => {
    const service = createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', calibrate: async () => ({ params: { ...MIN_KDF, iterations: 5 }, milliseconds: 987.5 }) });
    const answer = await service.quorumCalibrate({});
    assert.deepEqual(contract.quorumCalibrate.response.parse(answer), { kdf: { memoryKiB: 65536, iterations: 5, parallelism: 4 }, milliseconds: 987.5 });
    const weak = createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', calibrate: async () => ({ params: { ...MIN_KDF, memoryKiB: 32 * 1024 }, milliseconds: 10 }) });
    await assert.rejects(weak.quorumCalibrate({}));
    assert.throws(() => createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', kdf: { ...MIN_KDF, iterations: 2 } }));
  });

  it('names a missing module and unknown setup, session and re-share ids', async () => {
    const service = createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', kdf: MIN_KDF });
    await rejectsWithCode(service.quorumSetupBegin({ slotId: '0', policy: { threshold: 2, custodians: [{ name: 'A' }, { name: 'B' }] }, outputDirectory: '/tmp' }), 'NO_MODULE');
    await rejectsWithCode(service.quorumSetupSeal({ setupId: 'nope', index: 1, passphrase: 'x', passphraseRepeat: 'x' }), 'SETUP_NOT_FOUND');
    await rejectsWithCode(service.quorumLoginPresent({ sessionId: 'nope', source: { kind: 'text', text: '{}' }, passphrase: 'x' }), 'LOGIN_SESSION_NOT_FOUND');
    await rejectsWithCode(service.quorumReshareCommit({ reshareId: 'nope', nonce: 'a'.repeat(64) }), 'RESHARE_NOT_FOUND');
  });

  it('inspects an envelope without its passphrase', async () => {
    const policy = parsePolicy({ threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }] });
    const shares = { 'user-pin': (await splitSecret(new Uint8Array(24).fill(5), policy)).get(2)!, 'so-pin': (await splitSecret(new Uint8Array(24).fill(6), policy)).get(2)! };
    const sealed = await sealEnvelope({
      metadata: envelopeMetadata({ ceremonyId: 'inspect-me', policy, index: 2, shares, reshareNonce: null, createdAt: '2030-01-01T00:00:00.000Z', rehearsal: true }),
      shares,
      passphrase: encodePassphrase('Quiet harbor 55 lanterns'),
      kdf: MIN_KDF,
    });
    const service = createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', kdf: MIN_KDF });
    const info = contract.inspectEnvelope.response.parse(await service.inspectEnvelope({ source: { kind: 'text', text: sealed.text } }));
    assert.equal(info.custodian, 'Ben');
    assert.equal(info.index, 2);
    assert.equal(info.policySummary, '2 of 3');
    assert.equal(info.rehearsal, true);
    assert.deepEqual(info.fingerprint, sealed.fingerprint);
    await rejectsWithCode(service.inspectEnvelope({ source: { kind: 'text', text: sealed.text.slice(1) } }), 'ENVELOPE_MALFORMED');
  });

  it('refuses every call once closed', async () => {
    const service = createQuorumService({ hsm: noHsm, dataDir: '/nonexistent', kdf: MIN_KDF });
    await service.close();
    await rejectsWithCode(service.quorumSetupCancel({ setupId: 'x' }), 'SERVICE_CLOSED');
  });
});
