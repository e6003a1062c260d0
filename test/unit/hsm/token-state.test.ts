// Token health in one word: most severe condition wins, with a sentence saying what to do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveTokenState, toTokenFacts } from '../../../main/hsm/token-state';
import type { SlotFacts, TokenFlagFacts } from '../../../native/hsm/protocol';
import { TokenFactsSchema } from '../../../preload/contract';
import { readyTokenFlags } from '../../helpers/token-flags';

const readyFlags: TokenFlagFacts = readyTokenFlags();

const state = (flags: Partial<TokenFlagFacts>) => deriveTokenState({ tokenPresent: true, token: { flags: { ...readyFlags, ...flags } } });

describe('token state derivation', () => {
  it('derives each state from its flag', () => {
    assert.equal(deriveTokenState({ tokenPresent: false, token: null }).state, 'absent');
    assert.equal(state({}).state, 'ready');
    assert.equal(state({ tokenInitialized: false }).state, 'uninitialized');
    assert.equal(state({ userPinLocked: true }).state, 'user-pin-locked');
    assert.equal(state({ soPinLocked: true }).state, 'so-pin-locked');
    assert.equal(state({ userPinFinalTry: true }).state, 'user-pin-final-try');
    assert.equal(state({ userPinCountLow: true }).state, 'user-pin-count-low');
    assert.equal(state({ userPinInitialized: false }).state, 'user-pin-not-set');
    assert.equal(state({ writeProtected: true }).state, 'write-protected');
  });

  it('lets the most severe condition win', () => {
    const all = { tokenInitialized: false, userPinLocked: true, soPinLocked: true, userPinFinalTry: true, userPinCountLow: true, userPinInitialized: false, writeProtected: true };
    assert.equal(state(all).state, 'uninitialized');
    assert.equal(state({ ...all, tokenInitialized: true }).state, 'user-pin-locked');
    assert.equal(state({ ...all, tokenInitialized: true, userPinLocked: false }).state, 'so-pin-locked');
    assert.equal(state({ userPinFinalTry: true, userPinCountLow: true, writeProtected: true }).state, 'user-pin-final-try');
    assert.equal(state({ userPinCountLow: true, userPinInitialized: false }).state, 'user-pin-count-low');
    assert.equal(state({ userPinInitialized: false, writeProtected: true }).state, 'user-pin-not-set');
    assert.equal(deriveTokenState({ tokenPresent: false, token: { flags: { ...readyFlags, userPinLocked: true } } }).state, 'absent');
  });

  it('explains each state in plain language and adds lesser warnings', () => {
    assert.match(state({ userPinLocked: true }).stateDetail, /Only the security officer \(SO\) can unlock it/);
    assert.match(state({ soPinLocked: true }).stateDetail, /erases its keys/);
    assert.match(state({ userPinFinalTry: true }).stateDetail, /One more wrong user PIN locks/);
    const ready = state({ soPinFinalTry: true, userPinToBeChanged: true, protectedAuthenticationPath: true });
    assert.equal(ready.state, 'ready');
    assert.match(ready.stateDetail, /One more wrong security officer \(SO\) PIN locks the SO PIN/);
    assert.match(ready.stateDetail, /user PIN to be changed/);
    assert.match(ready.stateDetail, /PIN pad/);
    assert.match(state({ hasRng: false }).stateDetail, /no random number generator/);
  });

  it('calls a present token that does not answer absent, saying why', () => {
    const derived = deriveTokenState({ tokenPresent: true, token: null, tokenError: { message: 'The token did not answer (CKR_GENERAL_ERROR).' } });
    assert.equal(derived.state, 'absent');
    assert.match(derived.stateDetail, /reports a token, but the token does not answer.*CKR_GENERAL_ERROR/);
  });
});

describe('contract TokenFacts', () => {
  it('carries exactly the contract fields, valid under the strict schema', () => {
    const slot: SlotFacts = {
      slotId: '18446744073709551615',
      slotDescription: 'Slot',
      slotManufacturer: 'Maker',
      tokenPresent: true,
      removableDevice: true,
      hardwareSlot: true,
      token: {
        label: 'HSM',
        manufacturer: 'Maker',
        model: 'M1',
        serial: '0001',
        firmwareVersion: '1.2',
        hardwareVersion: '3.4',
        flags: { ...readyFlags, userPinCountLow: true },
        rawFlags: 0x1040d,
        freePublicMemory: 1000,
        freePrivateMemory: null,
        totalPublicMemory: 2000,
        totalPrivateMemory: null,
        sessionCount: 1,
        maxSessionCount: 0,
        minPinLength: 6,
        maxPinLength: 32,
      },
      tokenError: null,
    };
    const facts = toTokenFacts(slot);
    assert.deepEqual(TokenFactsSchema.parse(facts), facts);
    assert.equal(facts.state, 'user-pin-count-low');
    assert.equal(facts.token?.freePublicMemory, 1000);
    assert.equal(facts.token?.freePrivateMemory, null);
    assert.deepEqual(TokenFactsSchema.parse(toTokenFacts({ ...slot, tokenPresent: false, token: null })).state, 'absent');
  });
});
