// An HsmClient whose "worker" runs inside the test process: the same dispatcher the
// worker process uses, over the real SoftHSM2 module through in-process-backend.ts, so
// a test can count PKCS#11 calls (how many C_Login happened) or hook one call (a
// protected authentication path, which SoftHSM2 does not have). Messages are
// structured-cloned both ways, as they are between processes.
import { dispatch } from '../../native/hsm/dispatcher';
import type { HsmRequest } from '../../native/hsm/protocol';
import type { WorkerExitInfo, WorkerTransport } from '../../native/hsm/transport';
import { HsmClient } from '../../main/hsm/hsm-client';
import { inProcessBackend, type Hooks } from './in-process-backend';
import type { Cleanup, SoftHsmFixture } from './softhsm';

export interface InProcessClient {
  client: HsmClient;
  /** PKCS#11 calls by name (C_Login, C_SetPIN, ...) since the client was made. */
  calls: Map<string, number>;
  count(name: string): number;
}

export function inProcessClient(fixture: SoftHsmFixture, hooks: Hooks = {}, t?: Cleanup): InProcessClient {
  const { backend, calls } = inProcessBackend(fixture, hooks);
  let exitListeners: Array<(info: WorkerExitInfo) => void> = [];
  let stopped = false;
  const transport = (): WorkerTransport => {
    let onMessage: (message: unknown) => void = () => undefined;
    return {
      pid: process.pid,
      send(message: HsmRequest) {
        if (stopped) throw new Error('the in-process worker has stopped');
        const request = structuredClone(message);
        setImmediate(() => {
          const { response, exit } = dispatch(backend, request);
          onMessage(structuredClone(response));
          if (exit) {
            stopped = true;
            for (const listener of exitListeners) listener({ code: 0, signal: null });
          }
        });
      },
      onMessage(cb) {
        onMessage = cb;
      },
      onExit(cb) {
        exitListeners.push(cb);
      },
      kill() {
        stopped = true;
        backend.unloadModule();
        const listeners = exitListeners;
        exitListeners = [];
        for (const listener of listeners) listener({ code: null, signal: 'SIGKILL' });
      },
    };
  };
  const client = new HsmClient(transport);
  t?.after(() => client.close());
  return { client, calls, count: (name) => calls.get(name) ?? 0 };
}
