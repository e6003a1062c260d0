// The sandboxed preload: exposes window.conclave, built by the same createApi factory the
// browser tests use, so the page sees exactly the contract's methods and `on`, and never
// ipcRenderer itself. scripts/build.mjs bundles this into one CommonJS file that requires
// only 'electron', as a sandboxed preload must.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi } from './create-api';

contextBridge.exposeInMainWorld(
  'conclave',
  createApi({
    invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
    on: (channel, listener) => {
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  }),
);
