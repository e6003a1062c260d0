import assert from 'node:assert/strict';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { after, describe, test } from 'node:test';
import { probeNetwork } from '../../../native/probes/network';
import { airGapCheck, bluetoothCheck, relaxForRehearsal, wirelessCheck } from '../../../main/room/room-checks';
import { fakeTree, LOOPBACK, netInterface, rfkill, type FakeTree } from './fake-tree';

const trees: FakeTree[] = [];
function tree(...parts: Array<Parameters<typeof fakeTree>[0]>): FakeTree {
  const t = fakeTree(Object.assign({}, ...parts));
  trees.push(t);
  return t;
}
after(() => trees.forEach((t) => t.remove()));

const ipv4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/24`,
});

describe('network probe against a fake sysfs', () => {
  test('an active ethernet interface fails the air gap, naming it and its address', () => {
    const t = tree(LOOPBACK, netInterface('eth0', { operstate: 'up', carrier: '1' }));
    const report = probeNetwork({
      sysRoot: t.path('sys'),
      networkInterfaces: () => ({ lo: [ipv4('127.0.0.1', true)], eth0: [ipv4('192.168.7.20')] }),
    });
    assert.equal(report.sysfsVisible, true);
    assert.deepEqual(report.active.map((i) => i.name), ['eth0']);
    assert.equal(report.interfaces.find((i) => i.name === 'lo')?.loopback, true);

    const check = airGapCheck(report);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /eth0/);
    assert.match(check.reason, /192\.168\.7\.20\/24/);
    assert.match(check.action, /ip link set eth0 down/);
  });

  test('only loopback (and interfaces that are down) passes the air gap', () => {
    const t = tree(
      LOOPBACK,
      netInterface('eth0', { operstate: 'down', carrier: '0' }),
      netInterface('ifb0', { operstate: 'down', virtual: true, flags: '0x82' }),
    );
    const report = probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({ lo: [ipv4('127.0.0.1', true)] }) });
    assert.deepEqual(report.active, []);
    const check = airGapCheck(report);
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /No network interface besides loopback is active/);
    assert.match(check.reason, /eth0/);
    assert.equal(check.action, '');
  });

  test('a tunnel with operstate "unknown" counts as active when it has carrier', () => {
    const t = tree(LOOPBACK, netInterface('tun0', { operstate: 'unknown', carrier: '1', type: 65534, flags: '0x1091', virtual: true }));
    const report = probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) });
    assert.deepEqual(report.active.map((i) => `${i.name}: ${i.activeBecause}`), ['tun0: carrier present']);
  });

  test('without sysfs, an interface with a routable address is active and the check still fails', () => {
    const report = probeNetwork({
      sysRoot: '/nonexistent/sys',
      networkInterfaces: () => ({ lo: [ipv4('127.0.0.1', true)], eth0: [ipv4('10.1.2.3')] }),
    });
    assert.equal(report.sysfsVisible, false);
    assert.deepEqual(report.active.map((i) => i.name), ['eth0']);
    assert.equal(airGapCheck(report).status, 'fail');
  });

  test('without sysfs and without addresses the air gap only warns, saying it could not see links', () => {
    const report = probeNetwork({ sysRoot: '/nonexistent/sys', networkInterfaces: () => ({ lo: [ipv4('127.0.0.1', true)] }) });
    const check = airGapCheck(report);
    assert.equal(check.status, 'warn');
    assert.match(check.reason, /\/sys\/class\/net could not be read/);
  });

  test('rehearsal turns an air-gap failure into a warning that says so, and keeps the action', () => {
    const t = tree(LOOPBACK, netInterface('eth0', { operstate: 'up', carrier: '1' }));
    const check = airGapCheck(probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) }));
    const relaxed = relaxForRehearsal(check, true);
    assert.equal(relaxed.status, 'warn');
    assert.match(relaxed.reason, /allowed in rehearsal/);
    assert.equal(relaxed.action, check.action);
    assert.equal(relaxForRehearsal(check, false).status, 'fail');
  });
});

describe('wireless and bluetooth', () => {
  const phy = (soft: '0' | '1', hard: '0' | '1') => ({
    ...rfkill('rfkill0', { type: 'wlan', name: 'phy0', soft, hard }, 'devices/pci0000:00/0000:00:14.3/ieee80211/phy0/rfkill0'),
    'sys/class/ieee80211/phy0': { link: '../../devices/pci0000:00/0000:00:14.3/ieee80211/phy0' },
  });

  test('a wireless interface that is up fails', () => {
    const t = tree(LOOPBACK, netInterface('wlan0', { operstate: 'up', carrier: '1', wireless: true }), phy('0', '0'));
    const report = probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) });
    assert.deepEqual(report.wireless.interfaces.map((i) => i.name), ['wlan0']);
    const check = wirelessCheck(report);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /wlan0/);
    assert.match(check.action, /rfkill block wlan/);
    assert.equal(relaxForRehearsal(check, true).status, 'warn');
  });

  test('wireless hardware that is down but not blocked warns', () => {
    const t = tree(LOOPBACK, netInterface('wlan0', { operstate: 'down', carrier: '0', wireless: true }), phy('0', '0'));
    const report = probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) });
    assert.equal(report.wireless.phys[0]?.rfkill?.id, 'rfkill0');
    const check = wirelessCheck(report);
    assert.equal(check.status, 'warn');
    assert.match(check.reason, /phy0/);
  });

  test('blocked wireless hardware passes and says it is blocked', () => {
    const t = tree(LOOPBACK, netInterface('wlan0', { operstate: 'down', wireless: true }), phy('1', '1'));
    const check = wirelessCheck(probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) }));
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /hard and soft blocked/);
  });

  test('no wireless at all passes', () => {
    const t = tree(LOOPBACK);
    const check = wirelessCheck(probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) }));
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /No wireless/);
  });

  const hci = (soft: '0' | '1', hard: '0' | '1') => ({
    'sys/devices/pci0000:00/0000:00:14.0/usb1/1-10/1-10:1.0/bluetooth/hci0/address': 'aa:bb:cc:dd:ee:ff\n',
    'sys/class/bluetooth/hci0': { link: '../../devices/pci0000:00/0000:00:14.0/usb1/1-10/1-10:1.0/bluetooth/hci0' },
    ...rfkill('rfkill1', { type: 'bluetooth', name: 'hci0', soft, hard }, 'devices/pci0000:00/0000:00:14.0/usb1/1-10/1-10:1.0/bluetooth/hci0/rfkill1'),
  });

  test('an unblocked bluetooth adapter fails, naming it', () => {
    const t = tree(LOOPBACK, hci('0', '0'));
    const report = probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) });
    assert.equal(report.bluetooth.adapters[0]?.address, 'aa:bb:cc:dd:ee:ff');
    const check = bluetoothCheck(report);
    assert.equal(check.status, 'fail');
    assert.match(check.reason, /hci0 \(aa:bb:cc:dd:ee:ff\)/);
    assert.equal(relaxForRehearsal(check, true).status, 'warn');
  });

  test('a soft-blocked adapter warns; a hard-blocked one passes', () => {
    const soft = tree(LOOPBACK, hci('1', '0'));
    assert.equal(bluetoothCheck(probeNetwork({ sysRoot: soft.path('sys'), networkInterfaces: () => ({}) })).status, 'warn');
    const hard = tree(LOOPBACK, hci('0', '1'));
    const check = bluetoothCheck(probeNetwork({ sysRoot: hard.path('sys'), networkInterfaces: () => ({}) }));
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /hard blocked/);
  });

  test('no /sys/class/bluetooth passes, saying no bluetooth support is visible', () => {
    const t = tree(LOOPBACK);
    const check = bluetoothCheck(probeNetwork({ sysRoot: t.path('sys'), networkInterfaces: () => ({}) }));
    assert.equal(check.status, 'pass');
    assert.match(check.reason, /does not exist/);
  });
});

describe('network probe on this machine', () => {
  test('runs against the real /sys and os.networkInterfaces() and is self-consistent', () => {
    const report = probeNetwork();
    const names = new Set(report.interfaces.map((i) => i.name));
    for (const [name, infos] of Object.entries(networkInterfaces())) {
      assert.ok(names.has(name), `interface ${name} from os.networkInterfaces() is reported`);
      const facts = report.interfaces.find((i) => i.name === name)!;
      // An interface with a routable address whose link is up must be reported active.
      if (!facts.loopback && infos?.some((i) => !i.internal) && facts.operstate === 'up') assert.equal(facts.active, true);
    }
    for (const i of report.interfaces) {
      if (i.loopback) assert.equal(i.active, false, `${i.name} is loopback and never active`);
      assert.equal(i.active, i.activeBecause !== null);
    }
    const check = airGapCheck(report);
    assert.equal(check.status === 'fail', report.active.length > 0);
    assert.ok(check.reason.length > 0);
  });
});
