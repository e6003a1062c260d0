// The login session's handling of secrets, observed directly: real envelopes and a
// scripted HSM that records what it was given. Shares are overwritten when they expire
// and after the login, the PIN copy sent to the token is overwritten after the call, and
// a combination whose digest does not match the record never reaches the token. The same
// flows run against SoftHSM2 in test/integration/quorum/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secretDigest } from '../../../main/quorum/commitments';
import { envelopeMetadata, sealEnvelope } from '../../../main/quorum/envelope';
import { QuorumLoginSession, type LoginContext, type Scheduler } from '../../../main/quorum/login';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { describePolicy, parsePolicy, policyId } from '../../../main/quorum/policy';
import type { QuorumHsm } from '../../../main/quorum/quorum-hsm';
import { splitSecret } from '../../../main/quorum/sharing';
import type { QuorumRecord, SecretId } from '../../../main/quorum/types';
import type { SlotFacts } from '../../../native/hsm/protocol';
import { rejectsWithCode } from '../../helpers/softhsm';
import { readyTokenFlags } from '../../helpers/token-flags';
import { MIN_KDF } from './fixtures';

const SERIAL = 'feedc0ffee000001';
const PASSPHRASES = ['Quiet harbor 55 lanterns', 'Brisk meadow 17 pebbles', 'Hollow canyon 83 echoes'];

function slot(serial = SERIAL): SlotFacts {
  return {
    slotId: '7',
    slotDescription: 'scripted',
    slotManufacturer: 'test',
    tokenPresent: true,
    removableDevice: true,
    hardwareSlot: true,
    tokenError: null,
    token: {
      label: 'Scripted',
      manufacturer: 'test',
      model: 'test',
      serial,
      firmwareVersion: '1.0',
      hardwareVersion: '1.0',
      flags: readyTokenFlags(),
      rawFlags: 0,
      freePublicMemory: null,
      freePrivateMemory: null,
      totalPublicMemory: null,
      totalPrivateMemory: null,
      sessionCount: null,
      maxSessionCount: null,
      minPinLength: 4,
      maxPinLength: 255,
    },
  };
}

/** An HSM that answers from a script and remembers every PIN array it was handed (and a copy of its bytes then). */
function scriptedHsm(serial = SERIAL) {
  const logins: Array<{ given: Uint8Array; atCall: string }> = [];
  const hsm = {
    listSlots: async () => [slot(serial)],
    login: async (_slotId: string, _type: string, pin: Uint8Array) => {
      logins.push({ given: pin, atCall: new TextDecoder().decode(pin) });
      return { slotId: '7', open: true, readWrite: true, loggedIn: 'user' as const };
    },
    logout: async () => ({ slotId: '7', open: true, readWrite: true, loggedIn: null }),
  } as unknown as QuorumHsm;
  return { hsm, logins };
}

class Timers implements Scheduler {
  private readonly due: Array<{ fn: () => void; id: number }> = [];
  private next = 1;
  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.due.push({ fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    const i = this.due.findIndex((d) => d.id === handle);
    if (i >= 0) this.due.splice(i, 1);
  }
  fireAll(): void {
    for (const d of this.due.splice(0)) d.fn();
  }
}

async function quorum() {
  const policy = parsePolicy({ threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }] });
  const ceremonyId = 'login-unit';
  const secrets: Record<SecretId, Uint8Array> = { 'user-pin': new TextEncoder().encode('USERPIN234567890ABCDEFGH'), 'so-pin': new TextEncoder().encode('SOPIN2345678901ABCDEFGHJ') };
  const user = await splitSecret(secrets['user-pin'], policy);
  const so = await splitSecret(secrets['so-pin'], policy);
  const envelopes: string[] = [];
  const custodians: QuorumRecord['custodians'] = [];
  for (const index of [1, 2, 3]) {
    const shares = { 'user-pin': user.get(index)!, 'so-pin': so.get(index)! };
    const metadata = envelopeMetadata({ ceremonyId, policy, index, shares, reshareNonce: null, createdAt: '2030-01-01T00:00:00.000Z', rehearsal: false });
    const sealed = await sealEnvelope({ metadata, shares, passphrase: encodePassphrase(PASSPHRASES[index - 1]!), kdf: MIN_KDF });
    envelopes.push(sealed.text);
    custodians.push({ name: policy.custodians[index - 1]!.name, index, group: null, envelopeFingerprint: sealed.fingerprint.hex, commitments: { ...metadata.commitments } });
  }
  const record: QuorumRecord = {
    format: 'conclave-quorum-record',
    version: 1,
    ceremonyId,
    policy,
    policyId: policyId(policy),
    policySummary: describePolicy(policy),
    secretDigests: {
      'user-pin': secretDigest({ ceremonyId, secretId: 'user-pin', secret: secrets['user-pin'] }),
      'so-pin': secretDigest({ ceremonyId, secretId: 'so-pin', secret: secrets['so-pin'] }),
    },
    custodians,
    token: { serial: SERIAL, label: 'Scripted' },
    kdf: { memoryKiB: MIN_KDF.memoryKiB, iterations: MIN_KDF.iterations, parallelism: MIN_KDF.parallelism },
    reshareNonce: null,
    supersedes: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    rehearsal: false,
  };
  return { record, envelopes, secrets };
}

function context(hsm: QuorumHsm, scheduler: Scheduler): LoginContext {
  return { hsm, now: () => new Date('2030-01-01T00:00:00.000Z'), scheduler, shareLifetimeMs: 600_000, pollIntervalMs: 0, onChange: () => undefined };
}

type Internals = { held: Map<number, { shares: Partial<Record<SecretId, Uint8Array>> }> };
const heldShares = (session: QuorumLoginSession) => [...(session as unknown as Internals).held.values()].flatMap((h) => Object.values(h.shares)) as Uint8Array[];
const zeroed = (bytes: Uint8Array) => bytes.length > 0 && bytes.every((b) => b === 0);

describe('quorum login session (scripted HSM)', () => {
  it('overwrites a share when it expires, and keeps only the user PIN share for a login', async () => {
    const { record, envelopes } = await quorum();
    const { hsm, logins } = scriptedHsm();
    const timers = new Timers();
    const session = await QuorumLoginSession.begin(context(hsm, timers), { record, recordPath: '/records/q.json', slotId: '7', purpose: 'login' });
    const passphrase = encodePassphrase(PASSPHRASES[0]!);
    await session.present({ kind: 'text', text: envelopes[0]! }, passphrase);
    assert.ok(zeroed(passphrase), 'the passphrase bytes are overwritten once used');
    const held = heldShares(session);
    assert.equal(held.length, 1, 'a login holds the user PIN share only; the SO PIN share is overwritten at once');
    assert.ok(!zeroed(held[0]!));
    timers.fireAll();
    assert.ok(zeroed(held[0]!), 'the expired share is overwritten');
    assert.deepEqual(session.view().present, []);
    assert.equal(logins.length, 0);
  });

  it('combines at the threshold, sends one PIN copy that is overwritten after the call, and overwrites the shares', async () => {
    const { record, envelopes, secrets } = await quorum();
    const { hsm, logins } = scriptedHsm();
    const session = await QuorumLoginSession.begin(context(hsm, new Timers()), { record, recordPath: '/records/q.json', slotId: '7', purpose: 'login' });
    await session.present({ kind: 'text', text: envelopes[2]! }, encodePassphrase(PASSPHRASES[2]!));
    const held = heldShares(session);
    await session.present({ kind: 'text', text: envelopes[0]! }, encodePassphrase(PASSPHRASES[0]!));
    assert.equal(session.isLoggedIn, true);
    assert.equal(logins.length, 1);
    assert.equal(logins[0]!.atCall, new TextDecoder().decode(secrets['user-pin']), 'the combined PIN is the recorded one');
    assert.ok(zeroed(logins[0]!.given), 'the copy handed to the HSM client is overwritten after the call');
    assert.ok(held.every(zeroed), 'every share is overwritten after the login');
    assert.equal(session.view().progress, '2 of 2: Ann, Cat — logged in');
  });

  it('never tries a PIN whose digest differs from the record, and ends the session', async () => {
    const { record, envelopes } = await quorum();
    const { hsm, logins } = scriptedHsm();
    const tampered = { ...record, secretDigests: { ...record.secretDigests, 'user-pin': 'f'.repeat(64) } };
    const session = await QuorumLoginSession.begin(context(hsm, new Timers()), { record: tampered, recordPath: '/records/q.json', slotId: '7', purpose: 'login' });
    await session.present({ kind: 'text', text: envelopes[0]! }, encodePassphrase(PASSPHRASES[0]!));
    const held = heldShares(session);
    await rejectsWithCode(session.present({ kind: 'text', text: envelopes[1]! }, encodePassphrase(PASSPHRASES[1]!)), 'SECRET_DIGEST_MISMATCH');
    assert.equal(logins.length, 0);
    assert.ok(held.every(zeroed));
    assert.match(session.ended ?? '', /digest differs/);
  });

  it('refuses a token whose serial is not the record\'s before anything is presented', async () => {
    const { record } = await quorum();
    const { hsm } = scriptedHsm('0000000000000bad');
    const error = await rejectsWithCode(QuorumLoginSession.begin(context(hsm, new Timers()), { record, recordPath: '/records/q.json', slotId: '7', purpose: 'login' }), 'TOKEN_MISMATCH');
    assert.match(error.message, /0000000000000bad/);
    assert.match(error.message, new RegExp(SERIAL));
  });

  it('in re-share purpose verifies both PINs on the token and hands them over once', async () => {
    const { record, envelopes, secrets } = await quorum();
    const { hsm, logins } = scriptedHsm();
    const session = await QuorumLoginSession.begin(context(hsm, new Timers()), { record, recordPath: '/records/q.json', slotId: '7', purpose: 'reshare' });
    await session.present({ kind: 'text', text: envelopes[1]! }, encodePassphrase(PASSPHRASES[1]!));
    assert.equal(heldShares(session).length, 2, 're-share holds both shares');
    await session.present({ kind: 'text', text: envelopes[2]! }, encodePassphrase(PASSPHRASES[2]!));
    assert.deepEqual(logins.map((l) => l.atCall), [new TextDecoder().decode(secrets['user-pin']), new TextDecoder().decode(secrets['so-pin'])]);
    assert.equal(session.isLoggedIn, false);
    const taken = session.takeSecrets();
    assert.deepEqual(taken['so-pin'], secrets['so-pin']);
    await rejectsWithCode(Promise.resolve().then(() => session.takeSecrets()), 'NOT_ENOUGH_SHARES');
  });
});
