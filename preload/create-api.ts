// The bridge factory: builds the renderer-facing API from anything that can invoke a
// channel and subscribe to one. The Electron preload passes ipcRenderer; the browser
// tests pass a binding into the test process. Both therefore expose exactly the same
// method names, derived from the contract table and nothing else.
import { CHANNEL_NAMES, EVENT_NAMES, ipcChannel } from './channels';
import type { ConclaveApi, EventName, Result } from './contract';

export interface IpcLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to a main → renderer event; returns the unsubscribe function. */
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

const transportFailure = (channel: string, cause: unknown): Result<never> => ({
  ok: false,
  error: {
    code: 'IPC_FAILED',
    message: `The request "${channel}" did not reach the Conclave main process (${cause instanceof Error ? cause.message : String(cause)}).`,
    action: 'Restart Conclave. If it happens again, note the time and report it; no ceremony data is lost.',
  },
});

export function createApi(ipc: IpcLike): ConclaveApi {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNEL_NAMES) {
    api[channel] = async (request: unknown) => {
      try {
        return (await ipc.invoke(ipcChannel(channel), request ?? {})) as Result<unknown>;
      } catch (cause) {
        return transportFailure(channel, cause);
      }
    };
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown Conclave event "${String(event)}".`);
    return ipc.on(ipcChannel(event), listener);
  };
  return Object.freeze(api) as ConclaveApi;
}
