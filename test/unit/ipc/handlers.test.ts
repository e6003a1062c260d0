import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handlersFor } from '../../../main/ipc/handlers';
import { CHANNELS } from '../../../preload/contract';
import { FakeStatusService } from './fake-status-service';

describe('IPC handlers', () => {
  it('cover exactly the contract channels', () => {
    assert.deepEqual(Object.keys(handlersFor(new FakeStatusService())).sort(), [...CHANNELS].sort());
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
});
