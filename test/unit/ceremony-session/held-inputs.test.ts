// The secrets a perform needs, held for that one call: the engine gets fresh copies (it
// overwrites what it is given), the session hears which input was taken, and wipe()
// overwrites every held byte — custodians' passphrases, a restore's backup passphrases,
// witness key passphrases and a witness token's PIN.
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

  it('gives the chosen medium to that export step only, until wiped', () => {
    const held = new HeldInputs();
    assert.equal(held.exportMedium('export-data-key'), null, 'nothing chosen: no copy');
    held.holdExportMedium('export-data-key', { directory: '/srv/fixed', nonRemovableConfirmation: '/srv/fixed' });
    assert.deepEqual(held.exportMedium('export-data-key'), { directory: '/srv/fixed', nonRemovableConfirmation: '/srv/fixed' });
    assert.equal(held.exportMedium('export-other-key'), null);
    held.wipe();
    assert.equal(held.exportMedium('export-data-key'), null);
  });

  it('names no login order at setup, and never gives a PIN', () => {
    const held = new HeldInputs();
    held.holdCustodians([{ name: 'Alice', passphrase: bytes('alice passphrase 1'), envelope: null }], false);
    assert.equal(held.loginCustodians(), null);
    assert.equal(held.rehearsalTokenPins(), null);
  });

  it('holds a restore: the backup folder, who presents in order, their backup passphrases and envelopes', () => {
    const uses: InputUse[] = [];
    const held = new HeldInputs((use) => uses.push(use));
    const cyrus = bytes('lantern saffron orbit 4412?');
    held.holdBackup('/media/backup-2026', [
      { name: 'Cyrus', passphrase: cyrus, envelope: null },
      { name: 'Ada', passphrase: bytes('lantern violet orbit 4412?'), envelope: '/media/ada/envelope.json' },
    ]);
    assert.equal(held.backupFolder(), '/media/backup-2026');
    assert.deepEqual(held.backupCustodians(), ['Cyrus', 'Ada']);
    assert.deepEqual(held.backupPassphrase('Cyrus'), cyrus);
    assert.equal(held.backupEnvelope('Ada'), '/media/ada/envelope.json');
    assert.equal(held.backupEnvelope('Cyrus'), null);
    // A restore's passphrases are not a quorum login's, and no login order is implied.
    assert.equal(held.custodianPassphrase('Cyrus'), null);
    assert.equal(held.loginCustodians(), null);
    assert.deepEqual(uses, [{ kind: 'custodian', name: 'Cyrus' }]);
  });

  it('gives no backup passphrase at a key backup, so the engine seals under the passphrases typed for the step', () => {
    const held = new HeldInputs();
    held.holdCustodians([{ name: 'Ada', passphrase: bytes('lantern violet orbit 4412?'), envelope: null }], false);
    assert.equal(held.backupPassphrase('Ada'), null);
    assert.equal(held.backupCustodians(), null);
    assert.equal(held.backupFolder(), null);
  });

  it("gives a token witness's module, labels and a copy of the PIN, and no key file", () => {
    const uses: InputUse[] = [];
    const held = new HeldInputs((use) => uses.push(use));
    const pin = bytes('wendy-card-pin-2468');
    held.holdWitnesses([{ name: 'Wendy', token: { module: '/usr/lib/opensc-pkcs11.so', tokenLabel: 'Wendy Card', keyLabel: 'witness', pin } }]);
    const given = held.witnessToken('Wendy')!;
    assert.deepEqual({ ...given, pin: [...given.pin] }, { module: '/usr/lib/opensc-pkcs11.so', tokenLabel: 'Wendy Card', keyLabel: 'witness', pin: [...pin] });
    given.pin.fill(0);
    assert.deepEqual(held.witnessToken('Wendy')!.pin, bytes('wendy-card-pin-2468'), 'the engine overwriting its copy leaves the held PIN');
    assert.equal(held.witnessKey('Wendy'), null);
    assert.equal(held.witnessToken('Wes'), null);
    assert.deepEqual(uses, [
      { kind: 'witness', name: 'Wendy' },
      { kind: 'witness', name: 'Wendy' },
    ]);
  });

  it('overwrites every held secret on wipe and then holds nothing', () => {
    const held = new HeldInputs();
    const custodian = bytes('alice passphrase 1');
    const witness = bytes('witness passphrase 9');
    held.holdCustodians([{ name: 'Alice', passphrase: custodian, envelope: null }], true);
    held.holdWitnesses([{ name: 'Wendy', keyFile: '/keys/wendy.json', passphrase: witness }]);
    held.holdQuorumRecord('/records/quorum-record.json');
    const backup = bytes('lantern violet orbit 4412?');
    const pin = bytes('wes-card-pin-1357');
    held.holdBackup('/media/backup', [{ name: 'Ada', passphrase: backup, envelope: null }]);
    held.holdWitnesses([{ name: 'Wes', token: { module: '/m.so', tokenLabel: 'Wes Card', keyLabel: 'k', pin } }]);
    const given = held.witnessKey('Wendy')!;
    assert.equal(given.keyFile, '/keys/wendy.json');
    assert.equal(held.holding, true);
    held.wipe();
    assert.ok(custodian.every((b) => b === 0));
    assert.ok(witness.every((b) => b === 0));
    assert.ok(backup.every((b) => b === 0));
    assert.ok(pin.every((b) => b === 0));
    assert.equal(held.backupFolder(), null);
    assert.equal(held.backupCustodians(), null);
    assert.equal(held.witnessToken('Wes'), null);
    assert.equal(held.holding, false);
    assert.equal(held.custodianPassphrase('Alice'), null);
    assert.equal(held.witnessKey('Wendy'), null);
    assert.equal(held.loginCustodians(), null);
    assert.equal(held.quorumRecordPath(), null);
  });
});
