// The API the preload exposes (contextBridge) or the browser-test bridge installs.
import type { ConclaveApi } from '../preload/contract';

declare global {
  interface Window {
    /** Absent when the page runs without Conclave's preload. */
    readonly conclave?: ConclaveApi;
  }
}

export {};
