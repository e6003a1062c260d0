// The CLI's argument parsing and table output, without processes (the built CLI runs as
// a real subprocess in test/integration/cli/).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommand, UsageError } from '../../../main/cli/args';
import { describeFlags, renderRoomReport, renderTokens, renderVerdict } from '../../../main/cli/render';
import { renderTable, wrap } from '../../../main/cli/table';
import { buildRoomReport } from '../../../main/room/room-checks';
import { emptySlot, flags, quietRoom, softhsm, token } from './fixtures';

describe('argument parsing', () => {
  test('commands and their flags', () => {
    assert.deepEqual(parseCommand(['doctor']), { name: 'doctor', json: false, module: null, rehearsal: false, dataDir: null });
    assert.deepEqual(parseCommand(['doctor', '--json', '--module', '/x.so', '--data-dir', 'd']), { name: 'doctor', json: true, module: '/x.so', rehearsal: false, dataDir: 'd' });
    assert.deepEqual(parseCommand(['doctor', '--module=/y.so']), { name: 'doctor', json: false, module: '/y.so', rehearsal: false, dataDir: null });
    assert.deepEqual(parseCommand(['tokens', '--json']), { name: 'tokens', json: true, module: null });
    assert.deepEqual(parseCommand([]), { name: 'help', topic: null });
    assert.deepEqual(parseCommand(['--help']), { name: 'help', topic: null });
    assert.deepEqual(parseCommand(['help', 'tokens']), { name: 'help', topic: 'tokens' });
    assert.deepEqual(parseCommand(['doctor', '--help']), { name: 'help', topic: 'doctor' });
    assert.deepEqual(parseCommand(['--version']), { name: 'version' });
  });

  const refuses = (argv: string[], pattern: RegExp) =>
    assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof UsageError && pattern.test(e.message), argv.join(' '));

  test('anything unexpected is a usage error naming it', () => {
    refuses(['frobnicate'], /Unknown command "frobnicate"/);
    refuses(['doctor', '--jsn'], /Unknown option --jsn for "conclave doctor"/);
    refuses(['tokens', '--rehearsal'], /Unknown option --rehearsal for "conclave tokens"/);
    refuses(['tokens', 'extra'], /Unexpected argument "extra"/);
    refuses(['doctor', '--module'], /--module/);
    refuses(['doctor', '--module', ''], /--module needs a value/);
    refuses(['doctor', '--module', '/x.so', '--rehearsal'], /exclude each other/);
    refuses(['--verbose'], /Unknown option --verbose/);
    refuses(['help', 'nonsense'], /Unknown command "nonsense"/);
    refuses(['--version', 'x'], /Unexpected argument "x"/);
  });
});

describe('tables', () => {
  test('wrap breaks at spaces, keeps explicit line breaks and splits overlong words', () => {
    assert.deepEqual(wrap('one two three four', 9), ['one two', 'three', 'four']);
    assert.deepEqual(wrap('a\nb c', 10), ['a', 'b c']);
    assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  });

  test('columns are aligned and the last column wraps within the width', () => {
    const text = renderTable(['A', 'LONGER'], [['x', 'one two three four five six'], ['yyyy', 'z']], { width: 20, minLastColumn: 10 });
    const lines = text.split('\n');
    assert.equal(lines[0], 'A     LONGER');
    assert.ok(lines.every((l) => l.length <= 20), text);
    assert.ok(lines[1]!.startsWith('x     one two'));
    assert.ok(lines.some((l) => l.startsWith('yyyy  z')));
  });
});

describe('doctor output', () => {
  test('every check appears with PASS/WARN/FAIL, its reason and what to do', () => {
    const report = buildRoomReport(
      quietRoom({ media: { mountsVisible: true, blockVisible: true, media: [] }, hsm: { modulePath: null, module: null, moduleError: null, tokens: [] } }),
      { rehearsal: false },
    );
    const text = renderRoomReport(report, null, 100);
    for (const c of report.checks) assert.ok(text.includes(c.title), c.title);
    assert.match(text, /^STATUS {2}CHECK/m);
    assert.match(text, /^PASS {4}Air gap/m);
    assert.match(text, /^FAIL {4}PKCS#11 module/m);
    assert.match(text, /^WARN {4}Removable media/m);
    assert.match(text, /What to do: Insert and mount/);
    assert.match(text, /The room is NOT ready: 2 checks failed \(1 warning\)\./);
    assert.match(text, /^ {2}- Tokens: Tokens cannot be listed/m);
    assert.ok(text.split('\n').every((l) => l.length <= 100));
  });

  test('a ready room says so', () => {
    assert.deepEqual(renderVerdict(buildRoomReport(quietRoom(), { rehearsal: false })), ['The room is ready.']);
  });

  test('rehearsal is marked in the heading', () => {
    const report = buildRoomReport(quietRoom(), { rehearsal: true });
    const text = renderRoomReport(report, { active: true, reason: 'Rehearsal was requested, so ...', tokenDirectory: '/d' }, 100);
    assert.match(text, /\(REHEARSAL\)/);
    assert.match(text, /^REHEARSAL: Rehearsal was requested/m);
  });
});

describe('tokens output', () => {
  test('lists slots, tokens, flags and health', () => {
    const text = renderTokens(softhsm, [token('Root CA', '42', 'user-pin-count-low', 'A wrong PIN was entered.', { userPinCountLow: true }), emptySlot('43')], 120);
    assert.match(text, /^Module: \/usr\/lib\/softhsm\/libsofthsm2\.so \(Implementation of PKCS11 by SoftHSM\), library 2\.6, Cryptoki 2\.40$/m);
    assert.match(text, /^SLOT +TOKEN +SERIAL +STATE +HEALTH$/m);
    assert.match(text, /^42 +Root CA +serial-42 +user-pin-count-low +A wrong PIN was entered\.$/m);
    assert.match(text.replace(/\s+/g, ' '), /Flags: initialized, login required, user PIN set, USER PIN COUNT LOW, has RNG/);
    assert.match(text, /^43 +\(no token\) +absent/m);
    assert.match(text, /2 slots, 1 with a token\./);
  });

  test('an uninitialized token says so first', () => {
    assert.match(describeFlags(flags({ tokenInitialized: false })), /^NOT initialized/);
  });
});
