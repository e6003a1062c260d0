import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handlersFor } from '../../../main/ipc/handlers';
import type { QuorumService } from '../../../main/quorum/quorum-service';
import { CHANNELS } from '../../../preload/contract';
import { FakeStatusService } from './fake-status-service';

const QUORUM_CHANNELS = CHANNELS.filter((c) => c.startsWith('quorum') || c === 'inspectEnvelope');

/** A quorum service that records which method got which request and answers with a marker. */
function recordingQuorum(): { quorum: QuorumService; calls: Array<{ method: string; request: unknown }> } {
  const calls: Array<{ method: string; request: unknown }> = [];
  const quorum = new Proxy({} as QuorumService, {
    get: (_target, method: string) => (request: unknown) => {
      calls.push({ method, request });
      return Promise.resolve({ answeredBy: method });
    },
  });
  return { quorum, calls };
}

describe('IPC handlers', () => {
  it('cover exactly the contract channels', () => {
    assert.deepEqual(Object.keys(handlersFor(new FakeStatusService())).sort(), [...CHANNELS].sort());
    assert.deepEqual(Object.keys(handlersFor({ status: new FakeStatusService(), quorum: recordingQuorum().quorum })).sort(), [...CHANNELS].sort());
  });

  it('forward each request to the matching status service method', async () => {
    const service = new FakeStatusService();
    const handlers = handlersFor(service);
    await handlers.getStatus({});
    await handlers.checkRoom({});
    await handlers.listModuleCandidates({});
    await handlers.useModule({ path: '/opt/vendor/lib.so' });
    await handlers.refreshTokens({});
    await handlers.getMechanisms({ slotId: '7' });
    assert.deepEqual(service.calls, [
      { method: 'getStatus', args: [] },
      { method: 'checkRoom', args: [] },
      { method: 'listModuleCandidates', args: [] },
      { method: 'useModule', args: ['/opt/vendor/lib.so'] },
      { method: 'refreshTokens', args: [] },
      { method: 'getMechanisms', args: ['7'] },
    ]);
  });

  it('forward every quorum channel to the quorum service method of the same name, request unchanged', async () => {
    const { quorum, calls } = recordingQuorum();
    const handlers = handlersFor({ status: new FakeStatusService(), quorum }) as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    for (const channel of QUORUM_CHANNELS) {
      const request = { marker: channel };
      assert.deepEqual(await handlers[channel]!(request), { answeredBy: channel });
    }
    assert.deepEqual(calls, QUORUM_CHANNELS.map((c) => ({ method: c, request: { marker: c } })));
    assert.equal(QUORUM_CHANNELS.length, 16);
  });

  it('answer quorum channels with QUORUM_UNAVAILABLE when only a status service is hosted', async () => {
    const handlers = handlersFor(new FakeStatusService());
    await assert.rejects(
      (async () => handlers.quorumCalibrate({}))(),
      (error: { code?: string; action?: string }) => error.code === 'QUORUM_UNAVAILABLE' && typeof error.action === 'string',
    );
  });
});
