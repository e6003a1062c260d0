// The ceremony and witness channels reach the ceremony service unchanged, and answer
// CEREMONY_UNAVAILABLE when a host runs without one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CeremonyService } from '../../../main/ceremony/session';
import { handlersFor } from '../../../main/ipc/handlers';
import { CHANNELS } from '../../../preload/contract';
import { FakeStatusService } from '../ipc/fake-status-service';

const CEREMONY_CHANNELS = CHANNELS.filter((c) => c.startsWith('ceremony') || c.startsWith('witness'));

describe('ceremony IPC handlers', () => {
  it('forward every ceremony and witness channel to the method of the same name', async () => {
    const calls: Array<{ method: string; request: unknown }> = [];
    const ceremony = new Proxy({} as CeremonyService, {
      get: (_target, method: string) => (request: unknown) => {
        calls.push({ method, request });
        return Promise.resolve({ answeredBy: method });
      },
    });
    const handlers = handlersFor({ status: new FakeStatusService(), ceremony }) as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    assert.deepEqual(Object.keys(handlers).sort(), [...CHANNELS].sort());
    for (const channel of CEREMONY_CHANNELS) assert.deepEqual(await handlers[channel]!({ marker: channel }), { answeredBy: channel });
    assert.deepEqual(calls, CEREMONY_CHANNELS.map((c) => ({ method: c, request: { marker: c } })));
    assert.equal(CEREMONY_CHANNELS.length, 18);
  });

  it('answer CEREMONY_UNAVAILABLE without a ceremony service', async () => {
    const handlers = handlersFor(new FakeStatusService());
    await assert.rejects(
      (async () => handlers.ceremonyState({}))(),
      (error: { code?: string; action?: string }) => error.code === 'CEREMONY_UNAVAILABLE' && typeof error.action === 'string',
    );
  });
});
