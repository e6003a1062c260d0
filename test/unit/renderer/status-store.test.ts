// Unit tests of the renderer's status store over a scripted API. The same store runs
// against the real router, status service and SoftHSM2 in test/browser/status-screen.test.ts;
// these cover orderings and failures that are hard to provoke there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConclaveApi, ErrorValue, EventName, EventPayload, Result, StatusSnapshot } from '../../../preload/contract';
import { createStatusStore } from '../../../renderer/stores/status-store';
import { readyTokenFlags } from '../../helpers/token-flags';

const flags = readyTokenFlags();

function snapshot(label: string, serial = 'serial-1', modulePath = '/usr/lib/softhsm/libsofthsm2.so'): StatusSnapshot {
  return {
    rehearsal: { active: false, reason: 'Using a module.', tokenDirectory: null },
    module: { path: modulePath, libraryDescription: 'Implementation of PKCS11', manufacturer: 'SoftHSM', cryptokiVersion: '2.40', libraryVersion: '2.6' },
    moduleError: null,
    tokens: [
      {
        slotId: '7',
        slotDescription: 'slot',
        slotManufacturer: 'SoftHSM project',
        tokenPresent: true,
        removableDevice: false,
        hardwareSlot: false,
        token: {
          label,
          manufacturer: 'SoftHSM project',
          model: 'SoftHSM v2',
          serial,
          firmwareVersion: '2.6',
          hardwareVersion: '2.6',
          flags,
          freePublicMemory: null,
          freePrivateMemory: null,
          totalPublicMemory: null,
          totalPrivateMemory: null,
          sessionCount: null,
        },
        state: 'ready',
        stateDetail: 'Ready.',
      },
    ],
    usb: { available: true, reason: null, devices: [] },
    room: { generatedAt: '2026-01-01T00:00:00.000Z', rehearsal: false, ready: true, checks: [] },
  };
}

const fail = (code: string): { ok: false; error: ErrorValue } => ({ ok: false, error: { code, message: `${code} happened`, action: `fix ${code}` } });

/** A hand-driven API: each call waits until the test resolves it, so orderings are explicit. */
function scriptedApi() {
  const pending: Array<{ channel: string; request: unknown; resolve: (r: Result<unknown>) => void }> = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const call = (channel: string) => (request: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      pending.push({ channel, request, resolve });
    });
  const api = {
    getStatus: call('getStatus'),
    checkRoom: call('checkRoom'),
    listModuleCandidates: call('listModuleCandidates'),
    useModule: call('useModule'),
    refreshTokens: call('refreshTokens'),
    getMechanisms: call('getMechanisms'),
    on(event: EventName, listener: (p: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as ConclaveApi;
  return {
    api,
    pending,
    /** Resolves the oldest pending call on `channel`. */
    answer(channel: string, result: Result<unknown>) {
      const index = pending.findIndex((p) => p.channel === channel);
      assert.notEqual(index, -1, `no pending ${channel} call`);
      const [call] = pending.splice(index, 1);
      call!.resolve(result);
    },
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('status store', () => {
  it('loads the snapshot and the module candidates on start, and unsubscribes on stop', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const stop = store.getState().start();
    assert.equal(s.listenerCount(), 2);
    assert.deepEqual(s.pending.map((p) => p.channel).sort(), ['getStatus', 'listModuleCandidates']);
    assert.equal(store.getState().pending.load, true);
    s.answer('getStatus', { ok: true, value: snapshot('Root') });
    s.answer('listModuleCandidates', { ok: true, value: [{ vendor: 'SoftHSM2', path: '/x.so', exists: true }] });
    await tick();
    assert.equal(store.getState().snapshot?.tokens[0]?.token?.label, 'Root');
    assert.equal(store.getState().pending.load, false);
    assert.equal(store.getState().candidates?.length, 1);
    stop();
    assert.equal(s.listenerCount(), 0);
  });

  it('keeps a failed load as an ErrorValue with its action, and clears it when a retry succeeds', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const loading = store.getState().load();
    s.answer('getStatus', fail('WORKER_CRASHED'));
    await loading;
    assert.deepEqual(store.getState().errors.load, { code: 'WORKER_CRASHED', message: 'WORKER_CRASHED happened', action: 'fix WORKER_CRASHED' });
    assert.equal(store.getState().snapshot, null);
    const retry = store.getState().load();
    s.answer('getStatus', { ok: true, value: snapshot('Root') });
    await retry;
    assert.equal(store.getState().errors.load, undefined);
    assert.ok(store.getState().snapshot);
  });

  it('turns a rejected API call into an ErrorValue instead of throwing', async () => {
    const s = scriptedApi();
    const api = { ...s.api, refreshTokens: () => Promise.reject(new Error('bridge gone')) } as ConclaveApi;
    const store = createStatusStore(api);
    await store.getState().refresh();
    const error = store.getState().errors.refresh;
    assert.equal(error?.code, 'RENDERER_CALL_FAILED');
    assert.match(error?.message ?? '', /bridge gone/);
    assert.ok(error?.action);
  });

  it('does not let a slow older answer overwrite a newer snapshot', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const refreshing = store.getState().refresh();
    const switching = store.getState().useModule('/other.so');
    s.answer('useModule', { ok: true, value: snapshot('Newer', 'n', '/other.so') });
    await switching;
    s.answer('refreshTokens', { ok: true, value: snapshot('Older') });
    await refreshing;
    assert.equal(store.getState().snapshot?.tokens[0]?.token?.label, 'Newer');
  });

  it('applies statusChanged events and logs USB attach and detach as they arrive', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api, { usbLogLimit: 2 });
    store.getState().start();
    s.answer('getStatus', { ok: true, value: snapshot('Root') });
    await tick();
    s.emit('statusChanged', snapshot('Changed'));
    assert.equal(store.getState().snapshot?.tokens[0]?.token?.label, 'Changed');
    const device = { vendorId: 0x1050, productId: 0x0030, product: 'YubiHSM 2', kind: 'hsm' as const, serial: '1', location: 'bus 1 port 2' };
    const status = { available: true, reason: null, devices: [device] };
    s.emit('usbChanged', { status, event: { type: 'attach', device, at: '2026-01-01T00:00:01.000Z' } });
    assert.deepEqual(store.getState().snapshot?.usb.devices, [device]);
    assert.equal(store.getState().usbLog.length, 1);
    assert.match(store.getState().announcement.message, /YubiHSM 2 attached/);
    s.emit('usbChanged', { status: { ...status, devices: [] }, event: { type: 'detach', device, at: '2026-01-01T00:00:02.000Z' } });
    s.emit('usbChanged', { status, event: { type: 'attach', device, at: '2026-01-01T00:00:03.000Z' } });
    // The log keeps the newest entries only.
    assert.deepEqual(store.getState().usbLog.map((e) => e.at), ['2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z']);
    // A status-only change (no event) updates the devices but logs nothing.
    s.emit('usbChanged', { status: { ...status, devices: [] }, event: null });
    assert.equal(store.getState().usbLog.length, 2);
    assert.deepEqual(store.getState().snapshot?.usb.devices, []);
  });

  it('refuses an empty module path without calling main', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    assert.equal(await store.getState().useModule('   '), false);
    assert.equal(s.pending.length, 0);
    assert.equal(store.getState().errors.useModule?.code, 'MODULE_PATH_EMPTY');
    assert.ok(store.getState().errors.useModule?.action);
  });

  it('keeps a useModule failure with its action and leaves the current snapshot alone', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const loading = store.getState().load();
    s.answer('getStatus', { ok: true, value: snapshot('Root') });
    await loading;
    const switching = store.getState().useModule(' /nope.so ');
    assert.deepEqual(s.pending[0]?.request, { path: '/nope.so' });
    s.answer('useModule', fail('MODULE_NOT_FOUND'));
    assert.equal(await switching, false);
    assert.equal(store.getState().errors.useModule?.action, 'fix MODULE_NOT_FOUND');
    assert.equal(store.getState().snapshot?.tokens[0]?.token?.label, 'Root');
    store.getState().dismissError('useModule');
    assert.equal(store.getState().errors.useModule, undefined);
  });

  it('patches the room report after checkRoom', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const loading = store.getState().load();
    s.answer('getStatus', { ok: true, value: snapshot('Root') });
    await loading;
    const checking = store.getState().checkRoom();
    assert.equal(store.getState().pending.checkRoom, true);
    const room = { generatedAt: '2026-01-02T00:00:00.000Z', rehearsal: false, ready: false, checks: [{ id: 'air-gap', title: 'Air gap', status: 'fail' as const, reason: 'eth0 is up', action: 'Unplug it' }] };
    s.answer('checkRoom', { ok: true, value: room });
    await checking;
    assert.deepEqual(store.getState().snapshot?.room, room);
    assert.equal(store.getState().pending.checkRoom, false);
    assert.match(store.getState().announcement.message, /not ready, 1 check failing/);
  });

  it('caches mechanisms per token and drops the cache when the slot holds another token', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    store.getState().start();
    s.answer('getStatus', { ok: true, value: snapshot('Root', 'serial-1') });
    s.answer('listModuleCandidates', { ok: true, value: [] });
    await tick();
    const fetching = store.getState().getMechanisms('7');
    assert.equal(store.getState().mechanisms['7']?.status, 'loading');
    s.answer('getMechanisms', { ok: true, value: [{ name: 'CKM_ECDSA', value: 0x1041 }] });
    await fetching;
    assert.equal(store.getState().mechanisms['7']?.status, 'loaded');
    await store.getState().getMechanisms('7');
    assert.equal(s.pending.length, 0, 'a cached list is not fetched again');
    s.emit('statusChanged', snapshot('Root', 'serial-1'));
    assert.equal(store.getState().mechanisms['7']?.status, 'loaded', 'same token, cache kept');
    s.emit('statusChanged', snapshot('Other', 'serial-2'));
    assert.equal(store.getState().mechanisms['7'], undefined, 'another token, cache dropped');
  });

  it('records a failed mechanism list as an error that a forced retry replaces', async () => {
    const s = scriptedApi();
    const store = createStatusStore(s.api);
    const first = store.getState().getMechanisms('7');
    s.answer('getMechanisms', fail('TOKEN_NOT_PRESENT'));
    await first;
    const entry = store.getState().mechanisms['7'];
    assert.equal(entry?.status, 'error');
    const retry = store.getState().getMechanisms('7', { force: true });
    s.answer('getMechanisms', { ok: true, value: [] });
    await retry;
    assert.equal(store.getState().mechanisms['7']?.status, 'loaded');
  });
});
