// The passphrase minimum: each rule refuses with a reason saying what to change, and
// never repeats the passphrase.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPassphrase, encodePassphrase, estimateEntropyBits } from '../../../main/quorum/passphrase-policy';

const refused = (passphrase: string, pattern: RegExp, name = 'Alice Smith') => {
  const result = checkPassphrase(passphrase, { custodianName: name });
  assert.equal(result.ok, false, `"${passphrase}" is refused`);
  if (!result.ok) {
    assert.match(result.reason, pattern, passphrase);
    assert.ok(!result.reason.includes(passphrase), 'the reason does not repeat the passphrase');
  }
};
const accepted = (passphrase: string, name = 'Alice Smith') => assert.deepEqual(checkPassphrase(passphrase, { custodianName: name }), { ok: true }, passphrase);

test('accepts passphrases of unrelated words or mixed characters', () => {
  accepted('violet Anchor 58 drizzle');
  accepted('Tr0ub4dor&3xQ');
  accepted('gravel orbit sandwich canyon');
  accepted('ünïcödé Wörter 7 überall');
});

test('length', () => {
  refused('Ab1!xyz', /at least 12 characters \(this one has 7\)/);
  refused('x'.repeat(1025), /at most 1024/);
});

test('one kind of character needs 20 or more', () => {
  refused('correcthorses', /another kind of character.*20 characters/);
  accepted('glacierpumpkinvelvetorbit');
});

test('not containing the custodian’s name', () => {
  refused('smith Rocket 9 galaxy', /name/);
  refused('My name is ALICE 2024!', /name/);
  refused('bob-and-the-42-Rockets', /name/, 'Bob');
});

test('not built on a common password', () => {
  refused('Password123!', /common passwords/);
  refused('P@ssw0rd2024', /common passwords/);
  refused('correct horse battery staple', /common passwords/);
  refused('qwertyuiop12', /common passwords/);
});

test('predictable patterns fall short of 50 bits', () => {
  refused('aaaaaaaaaaaaaaaaaaaaaaaa', /too predictable/);
  refused('abcdefghijklmnopqrstuvwxyz', /too predictable/);
  refused('Xy7!Xy7!Xy7!Xy7!', /too predictable/);
  refused('12345678Aa!!', /too predictable|common/);
  assert.ok(estimateEntropyBits('violet Anchor 58 drizzle') >= 100);
});

test('passphrases are NFC-normalized UTF-8', () => {
  assert.deepEqual(encodePassphrase('Zoe\u0308'), encodePassphrase('Zo\u00eb'));
  assert.deepEqual([...encodePassphrase('é')], [0xc3, 0xa9]);
});
