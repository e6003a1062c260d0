import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createNodeUsbSource, type RawUsbDevice, type SourceAvailability, type UsbDeviceSource } from '../../../native/usb/usb-device-source';
import { UsbWatcher } from '../../../native/usb/usb-watcher';
import type { UsbChange } from '../../../native/usb/types';

const root = join(__dirname, '..', '..', '..');

/** A device source the test moves devices in and out of. */
class FakeSource implements UsbDeviceSource {
  devices: RawUsbDevice[] = [];
  availability: SourceAvailability = { available: true };
  failWith: Error | null = null;
  lists = 0;
  probe(): SourceAvailability {
    return this.availability;
  }
  async list(): Promise<RawUsbDevice[]> {
    this.lists += 1;
    if (this.failWith) throw this.failWith;
    return [...this.devices];
  }
}

function raw(vendorId: number, productId: number, port: string, extra: Partial<RawUsbDevice> = {}): RawUsbDevice {
  return {
    vendorId,
    productId,
    manufacturerName: null,
    productName: null,
    serialNumber: null,
    location: `bus 1-${port}, port ${port}`,
    key: `${vendorId}:${productId}:${port}`,
    ...extra,
  };
}

const hub = raw(0x1d6b, 0x0002, '0', { productName: 'root hub' });
const yubihsm = raw(0x1050, 0x0030, '2', { serialNumber: '0012345678' });
const yubikey = raw(0x1050, 0x0407, '3');

function watch(source: FakeSource): { watcher: UsbWatcher; changes: UsbChange[] } {
  // A long interval: the tests drive scans with refresh(), the timer never fires.
  const watcher = new UsbWatcher({ source, intervalMs: 3_600_000, now: () => new Date('2027-01-15T12:00:00Z') });
  const changes: UsbChange[] = [];
  watcher.subscribe((c) => changes.push(c));
  return { watcher, changes };
}

describe('USB watcher with a fake device source', () => {
  test('the first scan is a baseline: devices are classified, no attach events', async () => {
    const source = new FakeSource();
    source.devices = [hub, yubikey, yubihsm];
    const { watcher, changes } = watch(source);
    const status = await watcher.start();
    watcher.stop();
    assert.equal(status.available, true);
    assert.equal(status.reason, null);
    assert.deepEqual(
      status.devices.map((d) => [d.product, d.kind, d.serial]),
      [
        ['YubiHSM 2', 'hsm', '0012345678'],
        ['YubiKey 4/5 OTP+U2F+CCID', 'token', null],
        [null, 'other', null],
      ],
    );
    assert.deepEqual(changes, []);
  });

  test('plugging in and pulling out devices reports attach and detach with the status after each', async () => {
    const source = new FakeSource();
    source.devices = [hub];
    const { watcher, changes } = watch(source);
    await watcher.start();

    source.devices = [hub, yubihsm];
    await watcher.refresh();
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.event?.type, 'attach');
    assert.equal(changes[0]!.event?.device.product, 'YubiHSM 2');
    assert.equal(changes[0]!.event?.at, '2027-01-15T12:00:00.000Z');
    assert.equal(changes[0]!.status.devices.length, 2);

    // Swap the HSM for a YubiKey in one poll: one detach, then one attach.
    source.devices = [hub, yubikey];
    await watcher.refresh();
    assert.deepEqual(changes.slice(1).map((c) => [c.event?.type, c.event?.device.product, c.status.devices.length]), [
      ['detach', 'YubiHSM 2', 1],
      ['attach', 'YubiKey 4/5 OTP+U2F+CCID', 2],
    ]);

    // No change, no event.
    await watcher.refresh();
    assert.equal(changes.length, 3);
    watcher.stop();
  });

  test('a re-plugged device (new bus address, same port) is a detach and an attach', async () => {
    const source = new FakeSource();
    source.devices = [yubihsm];
    const { watcher, changes } = watch(source);
    await watcher.start();
    source.devices = [{ ...yubihsm, key: `${yubihsm.key}:readdressed` }];
    await watcher.refresh();
    watcher.stop();
    assert.deepEqual(changes.map((c) => c.event?.type), ['detach', 'attach']);
  });

  test('USB becoming unavailable reports a status change with the reason and no device events', async () => {
    const source = new FakeSource();
    source.devices = [yubihsm];
    const { watcher, changes } = watch(source);
    await watcher.start();
    source.failWith = new Error('permission denied');
    await watcher.refresh();
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.event, null);
    assert.equal(changes[0]!.status.available, false);
    assert.equal(changes[0]!.status.reason, 'USB unavailable: listing devices failed (permission denied)');
    assert.deepEqual(changes[0]!.status.devices, []);

    // Recovery is a new baseline, not a flood of attach events.
    source.failWith = null;
    await watcher.refresh();
    watcher.stop();
    assert.equal(changes.length, 2);
    assert.equal(changes[1]!.event, null);
    assert.equal(changes[1]!.status.available, true);
    assert.equal(changes[1]!.status.devices[0]?.product, 'YubiHSM 2');
  });

  test('an unavailable source is reported with its reason and never listed', async () => {
    const source = new FakeSource();
    source.availability = { available: false, reason: 'USB unavailable: test' };
    const { watcher } = watch(source);
    const status = await watcher.start();
    watcher.stop();
    assert.deepEqual(status, { available: false, reason: 'USB unavailable: test', devices: [] });
    assert.equal(source.lists, 0);
  });

  test('a listener that throws does not stop the others', async () => {
    const source = new FakeSource();
    const { watcher, changes } = watch(source);
    watcher.subscribe(() => {
      throw new Error('listener bug');
    });
    const late: UsbChange[] = [];
    watcher.subscribe((c) => late.push(c));
    await watcher.start();
    source.devices = [yubikey];
    await watcher.refresh();
    watcher.stop();
    assert.equal(changes.length, 1);
    assert.equal(late.length, 1);
  });

  test('results of a scan still running when stop() is called are dropped', async () => {
    let release: (devices: RawUsbDevice[]) => void = () => undefined;
    const source = new FakeSource();
    const { watcher, changes } = watch(source);
    await watcher.start();
    source.list = () => new Promise((resolve) => (release = resolve));
    const pending = watcher.refresh();
    watcher.stop();
    release([yubihsm]);
    await pending;
    assert.deepEqual(changes, []);
    assert.deepEqual(watcher.status.devices, []);
  });
});

describe('the real usb addon source', () => {
  const temp = mkdtempSync(join(tmpdir(), 'conclave-usb-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  test('without /sys/bus/usb it is unavailable and the addon is never loaded', async () => {
    let loads = 0;
    const source = createNodeUsbSource({
      sysBusUsb: join(temp, 'absent'),
      loadAddon: () => {
        loads += 1;
        return require('usb');
      },
    });
    const availability = source.probe();
    assert.equal(availability.available, false);
    assert.match((availability as { reason: string }).reason, /^USB unavailable: .*absent/);
    await assert.rejects(source.list(), /USB unavailable/);
    assert.equal(loads, 0);
  });

  test('an addon that fails to load makes USB unavailable with the loader error, once', () => {
    mkdirSync(join(temp, 'bus', 'devices'), { recursive: true });
    let loads = 0;
    const source = createNodeUsbSource({
      sysBusUsb: join(temp, 'bus'),
      loadAddon: () => {
        loads += 1;
        throw new Error('Cannot find module usb.linux-x64-gnu.node');
      },
    });
    assert.deepEqual(source.probe(), {
      available: false,
      reason: 'USB unavailable: the usb addon could not be loaded (Cannot find module usb.linux-x64-gnu.node)',
    });
    source.probe();
    assert.equal(loads, 1);
  });

  test('the real addon, asked to list where the kernel has no USB bus, is reported unavailable by the watcher', async () => {
    // Pretend sysfs has USB so the real addon is loaded and its getDevices() really runs.
    const source = createNodeUsbSource({ sysBusUsb: join(temp, 'bus') });
    const watcher = new UsbWatcher({ source, intervalMs: 3_600_000 });
    const status = await watcher.start();
    watcher.stop();
    if (existsSync('/sys/bus/usb/devices')) {
      assert.equal(status.available, true, 'a machine with USB lists its devices');
    } else {
      assert.equal(status.available, false);
      assert.match(status.reason ?? '', /^USB unavailable: listing devices failed/);
    }
  });

  test('the default watcher on this machine reports its state without crashing', async () => {
    const watcher = new UsbWatcher();
    const status = await watcher.start();
    watcher.stop();
    if (existsSync('/sys/bus/usb/devices')) assert.equal(status.available, true);
    else assert.match(status.reason ?? '', /^USB unavailable: \/sys\/bus\/usb is absent/);
  });

  test('a process that starts and stops the real watcher exits by itself, with status 0', () => {
    const script = `const { UsbWatcher } = require(${JSON.stringify(join(root, 'native/usb/usb-watcher.ts'))});
      const w = new UsbWatcher({ intervalMs: 50 });
      w.start().then(async (s) => {
        await new Promise((r) => setTimeout(r, 200));
        w.stop();
        process.stdout.write(JSON.stringify(s));
      });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.error, undefined, 'the process ended on its own before the timeout');
    assert.equal(result.signal, null);
    assert.equal(result.status, 0, result.stderr);
    const status = JSON.parse(result.stdout) as { available: boolean; reason: string | null };
    assert.equal(typeof status.available, 'boolean');
    if (!status.available) assert.match(status.reason ?? '', /^USB unavailable: /);
  });

  test('a process that forgets to stop the watcher still exits (the poll timer does not hold it)', () => {
    const script = `const { UsbWatcher } = require(${JSON.stringify(join(root, 'native/usb/usb-watcher.ts'))});
      new UsbWatcher({ intervalMs: 50 }).start().then(() => process.stdout.write('started'));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.error, undefined);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'started');
  });
});
