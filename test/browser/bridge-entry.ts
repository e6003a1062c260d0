// Built as an IIFE (dist/test-bridge/bridge.js) and injected into the page before the
// renderer runs. It plays the preload's part: window.conclave is made by the same
// createApi factory the Electron preload uses, over a Playwright binding into the test
// process (which hosts the real IPC router). Events come back through
// window.__conclaveEmit, which the test process calls with the wire channel name.
import { createApi, type IpcLike } from '../../preload/create-api';

interface BridgeWindow {
  __conclaveInvoke?: (channel: string, payload: unknown) => Promise<unknown>;
  __conclaveEmit?: (channel: string, payload: unknown) => number;
  conclave?: unknown;
}

const target = window as unknown as BridgeWindow;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

const ipc: IpcLike = {
  invoke(channel, payload) {
    const invoke = target.__conclaveInvoke;
    if (typeof invoke !== 'function') return Promise.reject(new Error('the test binding __conclaveInvoke is not installed'));
    return invoke(channel, payload);
  },
  on(channel, listener) {
    let set = listeners.get(channel);
    if (!set) {
      set = new Set();
      listeners.set(channel, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

/** Delivers an event to the page's listeners; returns how many listeners received it. */
function emit(channel: string, payload: unknown): number {
  const set = listeners.get(channel);
  if (!set) return 0;
  // Structured clone, as Electron's IPC does: the page never shares objects with the sender.
  const copy = structuredClone(payload);
  for (const listener of [...set]) listener(copy);
  return set.size;
}

Object.defineProperty(target, 'conclave', { value: createApi(ipc), enumerable: true, configurable: false, writable: false });
Object.defineProperty(target, '__conclaveEmit', { value: emit, enumerable: false, configurable: false, writable: false });
