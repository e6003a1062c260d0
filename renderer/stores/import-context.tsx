// Hands the import store to its screen. It lives as long as the app, so leaving the
// screen and coming back finds the pinned root key and the verified bundle still there.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ImportState, ImportStore } from './import-store';

const ImportStoreContext = createContext<ImportStore | null>(null);

export function ImportStoreProvider({ store, children }: { store: ImportStore; children: ReactNode }) {
  return <ImportStoreContext.Provider value={store}>{children}</ImportStoreContext.Provider>;
}

/** Reads a slice of the import store; the selector must return a stable value. */
export function useImport<T>(selector: (state: ImportState) => T): T {
  const store = useContext(ImportStoreContext);
  if (!store) throw new Error('The import screen must be used inside <ImportStoreProvider>.');
  return useStore(store, selector);
}
