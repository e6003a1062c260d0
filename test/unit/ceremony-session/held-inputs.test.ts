// The secrets a perform needs, held for that one call: the engine gets fresh copies (it
// overwrites what it is given), the session hears which input was taken, and wipe()
// overwrites every held byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HeldInputs, type InputUse } from '../../../main/ceremony/session';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('HeldInputs', () => {
  it('hands out copies, in the login order given, and reports each use', () => {
    const uses: InputUse[] = [];
    const held = new HeldInputs((use) => uses.push(use));
    const alice = bytes('alice passphrase 1');
    held.holdCustodians(
      [
        { name: 'Bob', passphrase: bytes('bob passphrase 22'), envelope: '/media/bob/share.json' },
        { name: 'Alice', passphrase: alice, envelope: null },
      ],
      true,
    );
    const copy = held.custodianPassphrase('Alice')!;
    assert.deepEqual(copy, alice);
    copy.fill(0);
    assert.deepEqual(held.custodianPassphrase('Alice'), bytes('alice passphrase 1'), "the engine overwriting its copy leaves the held one");
    assert.equal(held.custodianPassphrase('Carol'), null);
    assert.deepEqual(held.loginCustodians(), ['Bob', 'Alice']);
    assert.equal(held.custodianEnvelope('Bob'), '/media/bob/share.json');
    assert.equal(held.custodianEnvelope('Alice'), null);
    assert.deepEqual(uses, [
      { kind: 'custodian', name: 'Alice' },
      { kind: 'custodian', name: 'Alice' },
    ]);
  });

  it('names no login order at setup, and never gives a PIN', () => {
    const held = new HeldInputs();
    held.holdCustodians([{ name: 'Alice', passphrase: bytes('alice passphrase 1'), envelope: null }], false);
    assert.equal(held.loginCustodians(), null);
    assert.equal(held.rehearsalTokenPins(), null);
  });

  it('overwrites every held secret on wipe and then holds nothing', () => {
    const held = new HeldInputs();
    const custodian = bytes('alice passphrase 1');
    const witness = bytes('witness passphrase 9');
    held.holdCustodians([{ name: 'Alice', passphrase: custodian, envelope: null }], true);
    held.holdWitnesses([{ name: 'Wendy', keyFile: '/keys/wendy.json', passphrase: witness }]);
    held.holdQuorumRecord('/records/quorum-record.json');
    const given = held.witnessKey('Wendy')!;
    assert.equal(given.keyFile, '/keys/wendy.json');
    assert.equal(held.holding, true);
    held.wipe();
    assert.ok(custodian.every((b) => b === 0));
    assert.ok(witness.every((b) => b === 0));
    assert.equal(held.holding, false);
    assert.equal(held.custodianPassphrase('Alice'), null);
    assert.equal(held.witnessKey('Wendy'), null);
    assert.equal(held.loginCustodians(), null);
    assert.equal(held.quorumRecordPath(), null);
  });
});
