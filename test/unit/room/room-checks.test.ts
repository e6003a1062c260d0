import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RoomReportSchema } from '../../../preload/contract';
import { buildRoomReport, moduleCheck, tokensCheck, usbCheck } from '../../../main/room/room-checks';
import { emptySlot, quietNetwork, quietRoom, softhsm, token, utcClock } from './fixtures';

const ALL_IDS = ['air-gap', 'wireless', 'bluetooth', 'clock-utc', 'clock-sane', 'pkcs11-module', 'tokens', 'usb', 'removable-media'];

describe('room report', () => {
  test('a quiet room passes every check, each with a reason and no action', () => {
    const report = buildRoomReport(quietRoom(), { rehearsal: false, generatedAt: new Date('2027-01-15T12:00:00Z') });
    assert.deepEqual(RoomReportSchema.parse(report), report);
    assert.deepEqual(report.checks.map((c) => c.id), ALL_IDS);
    for (const c of report.checks) {
      assert.equal(c.status, 'pass', `${c.id}: ${c.reason}`);
      assert.ok(c.reason.length > 0);
      assert.equal(c.action, '');
    }
    assert.equal(report.ready, true);
    assert.equal(report.generatedAt, '2027-01-15T12:00:00.000Z');
  });

  test('one failure makes the room not ready; every non-pass check has an action', () => {
    const report = buildRoomReport(
      quietRoom({
        network: {
          ...quietNetwork,
          interfaces: [...quietNetwork.interfaces],
          active: [{ name: 'eth0', operstate: 'up', carrier: true, loopback: false, wireless: false, addresses: [], active: true, activeBecause: 'link is up' }],
        },
      }),
      { rehearsal: false },
    );
    assert.equal(report.ready, false);
    for (const c of report.checks) if (c.status !== 'pass') assert.ok(c.action.length > 0, `${c.id} has an action`);
  });

  test('rehearsal relaxes air gap, wireless, bluetooth and time zone failures only', () => {
    const facts = quietRoom({
      network: {
        ...quietNetwork,
        active: [{ name: 'eth0', operstate: 'up', carrier: true, loopback: false, wireless: false, addresses: [], active: true, activeBecause: 'link is up' }],
        bluetooth: { visible: true, adapters: [{ name: 'hci0', address: null, rfkill: null }] },
      },
      clock: { ...utcClock, timeZone: 'Europe/Berlin', isUtc: false, utcOffset: '+01:00', utcOffsetMinutes: 60, sane: false },
      hsm: { modulePath: null, module: null, moduleError: null, tokens: [] },
    });
    const strict = buildRoomReport(facts, { rehearsal: false });
    const relaxed = buildRoomReport(facts, { rehearsal: true });
    const status = (r: typeof strict) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
    assert.deepEqual(status(strict), {
      'air-gap': 'fail', wireless: 'pass', bluetooth: 'fail', 'clock-utc': 'fail', 'clock-sane': 'fail',
      'pkcs11-module': 'fail', tokens: 'fail', usb: 'pass', 'removable-media': 'pass',
    });
    assert.deepEqual(status(relaxed), {
      'air-gap': 'warn', wireless: 'pass', bluetooth: 'warn', 'clock-utc': 'warn', 'clock-sane': 'fail',
      'pkcs11-module': 'fail', tokens: 'fail', usb: 'pass', 'removable-media': 'pass',
    });
    for (const id of ['air-gap', 'bluetooth', 'clock-utc']) {
      assert.match(relaxed.checks.find((c) => c.id === id)!.reason, /allowed in rehearsal/);
    }
    assert.equal(relaxed.rehearsal, true);
    assert.equal(relaxed.ready, false);
  });

  test('overlong reasons are cut to what the contract accepts', () => {
    const many = Array.from({ length: 400 }, (_, i) => token(`token number ${i} with a long label`, String(i), 'user-pin-count-low', 'x'.repeat(50)));
    const report = buildRoomReport(quietRoom({ hsm: { modulePath: softhsm.path, module: softhsm, moduleError: null, tokens: many } }), { rehearsal: false });
    assert.doesNotThrow(() => RoomReportSchema.parse(report));
  });
});

describe('module and token checks', () => {
  test('a loaded module passes, naming path, library and versions', () => {
    const c = moduleCheck({ modulePath: softhsm.path, module: softhsm, moduleError: null, tokens: [] }, false);
    assert.equal(c.status, 'pass');
    assert.match(c.reason, /\/usr\/lib\/softhsm\/libsofthsm2\.so: Implementation of PKCS11 by SoftHSM, library 2\.6, Cryptoki 2\.40/);
  });

  test('a module that failed to load fails with its error and action', () => {
    const c = moduleCheck(
      { modulePath: '/opt/vendor/libbad.so', module: null, moduleError: { code: 'MODULE_LOAD_FAILED', message: 'dlopen failed', action: 'Install the vendor client.' }, tokens: [] },
      false,
    );
    assert.equal(c.status, 'fail');
    assert.equal(c.reason, '/opt/vendor/libbad.so: dlopen failed');
    assert.equal(c.action, 'Install the vendor client.');
  });

  test('no module configured fails, saying how to configure one', () => {
    const c = moduleCheck({ modulePath: null, module: null, moduleError: null, tokens: [] }, false);
    assert.equal(c.status, 'fail');
    assert.match(c.action, /--module PATH/);
    assert.match(c.action, /CONCLAVE_PKCS11_MODULE/);
  });

  const hsm = (tokens: ReturnType<typeof token>[]) => ({ modulePath: softhsm.path, module: softhsm, moduleError: null, tokens });

  test('one ready token passes', () => {
    const c = tokensCheck(hsm([token('Root CA', '7', 'ready'), emptySlot('8')]));
    assert.equal(c.status, 'pass');
    assert.equal(c.reason, '1 initialized token: "Root CA" (slot 7, serial serial-7): ready.');
  });

  test('a locked token fails, naming it and saying what to do', () => {
    const c = tokensCheck(hsm([token('Root CA', '1', 'ready'), token('Backup', '2', 'user-pin-locked', 'The user PIN is locked; the security officer must unlock it.')]));
    assert.equal(c.status, 'fail');
    assert.match(c.reason, /"Backup" \(slot 2, serial serial-2\) cannot be used safely/);
    assert.match(c.action, /security officer must unlock it/);
  });

  test('a token on its final PIN try fails; a low count only warns', () => {
    assert.equal(tokensCheck(hsm([token('A', '1', 'user-pin-final-try')])).status, 'fail');
    const low = tokensCheck(hsm([token('A', '1', 'user-pin-count-low', 'A wrong PIN was entered recently.')]));
    assert.equal(low.status, 'warn');
    assert.match(low.reason, /"A" \(slot 1, serial serial-1\) needs attention/);
    assert.match(low.action, /A wrong PIN was entered recently/);
    assert.match(low.reason, /user-pin-count-low \(A wrong PIN was entered recently\.\)/);
  });

  test('a ready token still warns about SO PIN attempts and PINs the token wants changed', () => {
    const finalTry = tokensCheck(hsm([token('Root CA', '1', 'ready', 'Ready.', { soPinFinalTry: true, soPinCountLow: true })]));
    assert.equal(finalTry.status, 'warn');
    assert.match(finalTry.action, /SO PIN is on its final try/);
    const change = tokensCheck(hsm([token('Root CA', '1', 'ready', 'Ready.', { userPinToBeChanged: true })]));
    assert.equal(change.status, 'warn');
    assert.match(change.action, /asks for the user PIN to be changed/);
    assert.equal(tokensCheck(hsm([token('Root CA', '1', 'ready')])).status, 'pass');
  });

  test('only uninitialized tokens fail; no token at all fails', () => {
    const uninit = tokensCheck(hsm([token('', '1', 'uninitialized', 'Not initialized.', { tokenInitialized: false })]));
    assert.equal(uninit.status, 'fail');
    assert.match(uninit.reason, /No initialized token: "\(no label\)" \(slot 1, serial serial-1\) is not initialized/);
    const none = tokensCheck(hsm([emptySlot('1'), emptySlot('2')]));
    assert.equal(none.status, 'fail');
    assert.match(none.reason, /any of the module's 2 slots/);
  });

  test('an uninitialized token beside a ready one (SoftHSM2 always offers one) is named but passes', () => {
    const c = tokensCheck(hsm([token('Root CA', '1', 'ready'), token('', '2', 'uninitialized')]));
    assert.equal(c.status, 'pass');
    assert.match(c.reason, /Also 1 uninitialized token, not used: slot 2\./);
  });

  test('without a module the tokens check fails and points at the module check', () => {
    const c = tokensCheck({ modulePath: null, module: null, moduleError: null, tokens: [] });
    assert.equal(c.status, 'fail');
    assert.match(c.action, /module check first/);
  });

  test('a token listing error fails with the error', () => {
    const c = tokensCheck({ ...hsm([]), tokensError: { code: 'DEVICE_REMOVED', message: 'The token was removed.', action: 'Reconnect it.' } });
    assert.equal(c.status, 'fail');
    assert.match(c.reason, /The token was removed/);
    assert.equal(c.action, 'Reconnect it.');
  });
});

describe('usb check', () => {
  test('USB unavailable warns with the watcher reason', () => {
    const c = usbCheck({ available: false, reason: 'USB unavailable: /sys/bus/usb is absent', devices: [] });
    assert.equal(c.status, 'warn');
    assert.equal(c.reason, 'USB unavailable: /sys/bus/usb is absent');
  });

  test('known devices are listed with id and serial', () => {
    const c = usbCheck(quietRoom().usb);
    assert.equal(c.status, 'pass');
    assert.match(c.reason, /YubiHSM 2 \[hsm\] \(1050:0030, serial 0012345678\) at bus 1-2, port 2; plus 1 other device/);
  });

  test('no known device warns', () => {
    const c = usbCheck({ available: true, reason: null, devices: [] });
    assert.equal(c.status, 'warn');
    assert.match(c.reason, /No known HSM or token among 0 USB devices/);
  });
});
