// The import screen as the renderer knows it: main's view of the import (pinned root and
// its confirmation, the verified manifest, the record), the latest camera-scan progress,
// which command is running, and the last error with the step it belongs to. The PIN is
// passed straight through to main in run() and never kept here.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConclaveApi, ErrorValue, ImportScan, ImportSource, ImportTarget, ImportView, Result } from '../../preload/contract';
import { callApi } from './api-call';
import type { Announcement } from './status-store';

export type ImportStep = 'root' | 'confirm' | 'load' | 'scan' | 'run' | 'reset';

export interface ImportState {
  view: ImportView | null;
  scan: ImportScan | null;
  pending: ImportStep | null;
  error: { step: ImportStep; value: ErrorValue } | null;
  announcement: Announcement;
  start(): Promise<void>;
  pinRoot(path: string): Promise<boolean>;
  confirmRoot(): Promise<boolean>;
  load(source: ImportSource, allowRehearsal: boolean): Promise<boolean>;
  /** One decoded QR text from the camera; the progress, or null when main refused it. */
  scanFrame(text: string): Promise<ImportScan | null>;
  resetScan(): Promise<boolean>;
  run(target: ImportTarget, options: { recordsDirectory?: string; acceptOaepSha1?: boolean }): Promise<boolean>;
  reset(): Promise<boolean>;
  clearError(): void;
}

export type ImportStore = StoreApi<ImportState>;

export function createImportStore(api: ConclaveApi): ImportStore {
  let announceSeq = 0;
  return createStore<ImportState>()((set, get) => {
    const announce = (message: string) => ({ announcement: { message, seq: ++announceSeq } });

    /** Runs one command that answers with the view; one at a time. */
    async function command(step: ImportStep, call: () => Promise<Result<ImportView>>, done: (view: ImportView) => string | null): Promise<boolean> {
      if (get().pending) return false;
      set({ pending: step, error: null });
      const answer = await callApi(`import ${step}`, call);
      if (!answer.ok) {
        set({ pending: null, error: { step, value: answer.error }, ...announce(`Not done: ${answer.error.message}`) });
        return false;
      }
      const message = done(answer.value);
      set({ pending: null, view: answer.value, scan: answer.value.scan, ...(message ? announce(message) : {}) });
      return true;
    }

    return {
      view: null,
      scan: null,
      pending: null,
      error: null,
      announcement: { message: '', seq: 0 },
      async start() {
        const answer = await callApi('importState', () => api.importState({}));
        if (answer.ok) set({ view: answer.value, scan: answer.value.scan });
      },
      pinRoot: (path) => command('root', () => api.importPinRoot({ path }), (v) => (v.root ? `Root key pinned. Compare its words: ${v.root.fingerprint.words.join(' ')}.` : null)),
      confirmRoot() {
        const root = get().view?.root;
        if (!root) return Promise.resolve(false);
        // The fingerprint shown is sent back, so main confirms exactly the key the operator saw.
        return command('confirm', () => api.importConfirmRoot({ fingerprint: root.fingerprint.hex.replace(/ /g, '') }), () => 'Root key confirmed.');
      },
      load: (source, allowRehearsal) =>
        command('load', () => api.importLoad({ source, allowRehearsal }), (v) => (v.bundle ? `Bundle verified: ${v.bundle.manifest.key.label} for ${v.bundle.manifest.recipient.name}${v.bundle.manifest.rehearsal ? ', a REHEARSAL bundle' : ''}.` : null)),
      async scanFrame(text) {
        const answer = await callApi('importScanFrame', () => api.importScanFrame({ text }));
        if (!answer.ok) {
          set({ error: { step: 'scan', value: answer.error } });
          return null;
        }
        const before = get().scan;
        set({ scan: answer.value, ...(answer.value.complete && !before?.complete ? announce('All QR frames read.') : {}) });
        return answer.value;
      },
      resetScan: () => command('reset', () => api.importScanReset({}), () => null),
      run: (target, options) =>
        command(
          'run',
          () => api.importRun({ target, ...(options.recordsDirectory ? { recordsDirectory: options.recordsDirectory } : {}), ...(options.acceptOaepSha1 ? { acceptOaepSha1: true } : {}) }),
          (v) => (v.record ? `Imported. The record is ${v.record.path}.` : null),
        ),
      reset: () => command('reset', () => api.importReset({}), () => 'The import screen was cleared.'),
      clearError: () => set({ error: null }),
    };
  });
}
