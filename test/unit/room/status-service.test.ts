// The status service around a fake HSM port. The same service runs against SoftHSM2 in
// test/integration/cli/status-service.softhsm.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { StatusSnapshotSchema, type ModuleInfo, type TokenFacts } from '../../../preload/contract';
import { DomainError } from '../../../native/errors';
import { UsbWatcher } from '../../../native/usb/usb-watcher';
import type { RawUsbDevice, UsbDeviceSource } from '../../../native/usb/usb-device-source';
import type { HsmClientEvent } from '../../../main/hsm/hsm-client';
import type { HsmPort, Mechanism } from '../../../main/hsm/hsm-port';
import { createStatusServiceWith, type RehearsalToken, type StatusServiceDeps, type StatusServiceOptions } from '../../../main/status/status-service';
import type { StatusEvent } from '../../../main/status/types';
import { fakeTree, LOOPBACK } from './fake-tree';
import { softhsm, token } from './fixtures';

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';

class FakePort implements HsmPort {
  module: ModuleInfo | null = null;
  closed = false;
  loads: string[] = [];
  tokens: TokenFacts[] = [token('Conclave Rehearsal', '1', 'ready')];
  eventListeners: Array<(event: HsmClientEvent) => void> = [];
  constructor(readonly env: NodeJS.ProcessEnv, private readonly failing: Set<string>) {}
  async loadModule(path: string): Promise<ModuleInfo> {
    this.loads.push(path);
    if (this.failing.has(path)) {
      throw new DomainError({ code: 'MODULE_LOAD_FAILED', message: `cannot load ${path}`, action: 'Install the vendor client.' });
    }
    this.module = { ...softhsm, path };
    return this.module;
  }
  async listTokens(): Promise<TokenFacts[]> {
    if (this.closed) throw new DomainError({ code: 'WORKER_STOPPED', message: 'stopped', action: 'restart' });
    return this.tokens;
  }
  async mechanisms(slotId: string): Promise<Mechanism[]> {
    return [{ name: 'CKM_AES_KEY_WRAP_PAD', value: 0x210a }, { name: `slot-${slotId}`, value: 1 }];
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  onEvent(listener: (event: HsmClientEvent) => void): () => void {
    this.eventListeners.push(listener);
    return () => {
      this.eventListeners = this.eventListeners.filter((l) => l !== listener);
    };
  }
  announce(event: HsmClientEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }
}

const room = fakeTree({ ...LOOPBACK, 'proc/self/mounts': '/dev/vda / ext4 rw 0 0\n', 'sys/block/vda/removable': '0\n' });
const temp = mkdtempSync(join(tmpdir(), 'conclave-status-'));
const vendorModule = join(temp, 'libvendor-pkcs11.so');
writeFileSync(vendorModule, 'not really a library');
const brokenModule = join(temp, 'libbroken.so');
writeFileSync(brokenModule, '');
after(() => {
  room.remove();
  rmSync(temp, { recursive: true, force: true });
});

let dataDir: string;
let ports: FakePort[];
let rehearsalCalls: string[];
let counter = 0;
beforeEach(() => {
  dataDir = join(temp, `data-${(counter += 1)}`);
  ports = [];
  rehearsalCalls = [];
});

function deps(): StatusServiceDeps {
  return {
    hsm: (env) => {
      const port = new FakePort(env, new Set([brokenModule]));
      ports.push(port);
      return port;
    },
    ensureRehearsalToken: async (dir): Promise<RehearsalToken> => {
      rehearsalCalls.push(dir);
      return { confPath: join(dir, 'rehearsal', 'softhsm2.conf'), tokenDirectory: join(dir, 'rehearsal', 'tokens'), label: 'Conclave Rehearsal', created: rehearsalCalls.length === 1 };
    },
    softhsmModulePath: SOFTHSM,
    listModuleCandidates: () => [{ vendor: 'SoftHSM2', path: SOFTHSM, exists: true }],
  };
}

function service(options: Partial<StatusServiceOptions> = {}) {
  return createStatusServiceWith(
    {
      dataDir,
      env: {},
      usb: null,
      room: { sysRoot: room.path('sys'), procRoot: room.path('proc'), devRoot: room.path('dev'), networkInterfaces: () => ({}), timeZone: 'UTC' },
      now: () => new Date('2027-01-15T12:00:00Z'),
      ...options,
    },
    deps(),
  );
}

describe('status service', () => {
  test('with no module configured it rehearses on a SoftHSM2 token made in the data folder', async () => {
    const s = service();
    const snap = await s.getStatus();
    await s.close();
    assert.deepEqual(StatusSnapshotSchema.parse(snap), snap);
    assert.deepEqual(rehearsalCalls, [dataDir]);
    assert.equal(ports.length, 1);
    assert.equal(ports[0]!.env.SOFTHSM2_CONF, join(dataDir, 'rehearsal', 'softhsm2.conf'));
    assert.deepEqual(ports[0]!.loads, [SOFTHSM]);
    assert.equal(snap.rehearsal.active, true);
    assert.equal(snap.rehearsal.tokenDirectory, join(dataDir, 'rehearsal', 'tokens'));
    assert.match(snap.rehearsal.reason, /^No PKCS#11 module is configured, so Conclave made a throwaway SoftHSM2 rehearsal token in .*; nothing done here counts for production\.$/);
    assert.equal(snap.module?.path, SOFTHSM);
    assert.equal(snap.moduleError, null);
    assert.equal(snap.tokens[0]?.token?.label, 'Conclave Rehearsal');
    assert.equal(snap.room.rehearsal, true);
    assert.equal(snap.room.checks.find((c) => c.id === 'pkcs11-module')?.status, 'pass');
    assert.equal(snap.room.checks.find((c) => c.id === 'tokens')?.status, 'pass');
    assert.equal(snap.usb.available, false);
    assert.equal(ports[0]!.closed, true, 'close() stops the worker');
  });

  test('CONCLAVE_PKCS11_MODULE selects the module and leaves rehearsal off', async () => {
    const s = service({ env: { CONCLAVE_PKCS11_MODULE: vendorModule } });
    const snap = await s.getStatus();
    await s.close();
    assert.deepEqual(rehearsalCalls, []);
    assert.deepEqual(ports[0]!.loads, [vendorModule]);
    assert.equal(ports[0]!.env.SOFTHSM2_CONF, undefined);
    assert.equal(snap.rehearsal.active, false);
    assert.match(snap.rehearsal.reason, /from CONCLAVE_PKCS11_MODULE/);
    assert.equal(snap.room.rehearsal, false);
  });

  test('a module path that does not exist is a moduleError, not a throw, and no worker is started', async () => {
    const s = service({ modulePath: join(temp, 'missing.so') });
    const snap = await s.getStatus();
    await s.close();
    assert.equal(ports.length, 0);
    assert.equal(snap.module, null);
    assert.equal(snap.moduleError?.code, 'MODULE_NOT_FOUND');
    assert.match(snap.moduleError?.message ?? '', /missing\.so \(from the module option\)/);
    const check = snap.room.checks.find((c) => c.id === 'pkcs11-module')!;
    assert.equal(check.status, 'fail');
    assert.equal(snap.room.ready, false);
  });

  test('a module that fails to load is a moduleError with the port error', async () => {
    const s = service({ modulePath: brokenModule });
    const snap = await s.getStatus();
    await s.close();
    assert.deepEqual(snap.moduleError, { code: 'MODULE_LOAD_FAILED', message: `cannot load ${brokenModule}`, action: 'Install the vendor client.' });
    assert.deepEqual(snap.tokens, []);
    assert.equal(snap.room.checks.find((c) => c.id === 'tokens')?.status, 'fail');
  });

  test('whenUnconfigured "none" reports no module instead of rehearsing', async () => {
    const s = service({ whenUnconfigured: 'none' });
    const snap = await s.getStatus();
    await s.close();
    assert.deepEqual(rehearsalCalls, []);
    assert.equal(snap.rehearsal.active, false);
    assert.equal(snap.room.checks.find((c) => c.id === 'pkcs11-module')?.status, 'fail');
  });

  test('useModule switches modules, remembers the choice atomically and emits statusChanged', async () => {
    const s = service();
    const events: StatusEvent[] = [];
    s.subscribe((e) => events.push(e));
    const before = await s.getStatus();
    assert.equal(before.rehearsal.active, true);

    const after = await s.useModule(vendorModule);
    assert.equal(after.rehearsal.active, false);
    assert.equal(after.module?.path, vendorModule);
    assert.equal(ports.length, 2);
    assert.equal(ports[0]!.closed, true, 'the rehearsal worker is stopped');
    assert.equal(ports[1]!.env.SOFTHSM2_CONF, undefined, 'the real module does not see the rehearsal config');
    assert.deepEqual(events.map((e) => e.name), ['statusChanged']);
    assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')), { modulePath: vendorModule });
    assert.deepEqual(readdirSync(dataDir).filter((n) => n.endsWith('.tmp')), [], 'no temp file is left behind');
    await s.close();

    // A later start remembers it.
    const again = service();
    const snap = await again.getStatus();
    await again.close();
    assert.equal(snap.module?.path, vendorModule);
    assert.match(snap.rehearsal.reason, /settings\.json/);
  });

  test('useModule with a module that fails leaves everything as it was and throws a DomainError', async () => {
    const s = service();
    await s.getStatus();
    await assert.rejects(s.useModule(brokenModule), (e: unknown) => DomainError.is(e) && e.code === 'MODULE_LOAD_FAILED' && e.message.includes(brokenModule));
    await assert.rejects(s.useModule(join(temp, 'nope.so')), (e: unknown) => DomainError.is(e) && e.code === 'MODULE_NOT_FOUND');
    await assert.rejects(s.useModule('relative/lib.so'), (e: unknown) => DomainError.is(e) && e.code === 'MODULE_PATH_NOT_ABSOLUTE');
    const snap = await s.getStatus();
    await s.close();
    assert.equal(snap.rehearsal.active, true);
    assert.equal(snap.module?.path, SOFTHSM);
    assert.equal(ports[1]!.closed, true, 'the failed attempt\'s worker is stopped');
    assert.equal(existsSync(join(dataDir, 'settings.json')), false);
  });

  test('a corrupt settings file is reported, not silently replaced by rehearsal', async () => {
    const s0 = service();
    await s0.close();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), '{"modulePath": 42}');
    const s = service();
    const snap = await s.getStatus();
    await s.close();
    assert.deepEqual(rehearsalCalls, []);
    assert.equal(snap.moduleError?.code, 'SETTINGS_INVALID');
    assert.match(snap.moduleError?.message ?? '', /modulePath/);
    assert.equal(snap.rehearsal.active, false);
  });

  test('refreshTokens re-reads the tokens and emits statusChanged; a worker restart does too', async () => {
    const s = service();
    const events: StatusEvent[] = [];
    s.subscribe((e) => events.push(e));
    await s.getStatus();
    ports[0]!.tokens = [token('Conclave Rehearsal', '1', 'user-pin-count-low', 'A wrong PIN was entered.')];
    const snap = await s.refreshTokens();
    assert.equal(snap.tokens[0]?.state, 'user-pin-count-low');
    assert.equal(snap.room.checks.find((c) => c.id === 'tokens')?.status, 'warn');

    ports[0]!.tokens = [token('Conclave Rehearsal', '1', 'ready')];
    ports[0]!.announce({ type: 'worker-crashed', code: null, signal: 'SIGKILL', during: null, at: '2027-01-15T12:00:00Z' });
    await s.getStatus(); // queued after the recovery
    assert.deepEqual(events.map((e) => e.name), ['statusChanged', 'statusChanged']);
    const last = events[1]!;
    assert.equal(last.name === 'statusChanged' && last.payload.tokens[0]?.state, 'ready');

    // A module that cannot be reloaded after the restart becomes the moduleError.
    ports[0]!.module = null;
    ports[0]!.listTokens = async () => {
      throw new DomainError({ code: 'MODULE_LOAD_FAILED', message: 'reload failed', action: 'Reconnect.' });
    };
    ports[0]!.announce({ type: 'worker-restarted', moduleReloaded: false, module: null, error: null, at: '2027-01-15T12:00:00Z' });
    const snap2 = await s.getStatus();
    await s.close();
    assert.equal(events.length, 3);
    assert.equal(snap2.module, null);
    assert.equal(snap2.moduleError?.message, 'reload failed');
  });

  test('getMechanisms asks the loaded module; without one it throws NO_MODULE', async () => {
    const s = service();
    assert.deepEqual((await s.getMechanisms('7')).map((m) => m.name), ['CKM_AES_KEY_WRAP_PAD', 'slot-7']);
    await s.close();
    const none = service({ whenUnconfigured: 'none' });
    await assert.rejects(none.getMechanisms('1'), (e: unknown) => DomainError.is(e) && e.code === 'NO_MODULE');
    await none.close();
  });

  test('USB attach and detach reach subscribers as usbChanged', async () => {
    const devices: RawUsbDevice[] = [];
    const source: UsbDeviceSource = { probe: () => ({ available: true }), list: async () => [...devices] };
    const watcher = new UsbWatcher({ source, intervalMs: 3_600_000 });
    const s = service({ usb: watcher });
    const events: StatusEvent[] = [];
    s.subscribe((e) => events.push(e));
    const first = await s.getStatus();
    assert.equal(first.usb.available, true);
    devices.push({ vendorId: 0x1050, productId: 0x0030, manufacturerName: 'Yubico', productName: 'YubiHSM', serialNumber: '7', location: 'bus 1-1', key: 'k' });
    await watcher.refresh();
    const snap = await s.getStatus();
    await s.close();
    watcher.stop();
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.equal(e.name, 'usbChanged');
    assert.equal(e.name === 'usbChanged' && e.payload.event?.type, 'attach');
    assert.equal(e.name === 'usbChanged' && e.payload.event?.device.product, 'YubiHSM 2');
    assert.match(snap.room.checks.find((c) => c.id === 'usb')!.reason, /YubiHSM 2/);
  });

  test('checkRoom lists tokens afresh; after close every call is refused', async () => {
    const s = service();
    await s.getStatus();
    ports[0]!.tokens = [token('Conclave Rehearsal', '1', 'user-pin-locked', 'Locked.')];
    const report = await s.checkRoom();
    assert.equal(report.checks.find((c) => c.id === 'tokens')?.status, 'fail');
    assert.deepEqual(await s.listModuleCandidates(), [{ vendor: 'SoftHSM2', path: SOFTHSM, exists: true }]);
    await s.close();
    await assert.rejects(s.getStatus(), (e: unknown) => DomainError.is(e) && e.code === 'SERVICE_CLOSED');
    await assert.rejects(async () => s.listModuleCandidates(), (e: unknown) => DomainError.is(e) && e.code === 'SERVICE_CLOSED');
  });
});
