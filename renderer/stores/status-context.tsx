// Hands the status store to the screens, and a typed hook to read slices of it.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StatusState, StatusStore } from './status-store';

const StatusStoreContext = createContext<StatusStore | null>(null);

export function StatusStoreProvider({ store, children }: { store: StatusStore; children: ReactNode }) {
  return <StatusStoreContext.Provider value={store}>{children}</StatusStoreContext.Provider>;
}

/** Reads a slice of the status store; the selector must return a stable value (a field, not a new object). */
export function useStatus<T>(selector: (state: StatusState) => T): T {
  const store = useContext(StatusStoreContext);
  if (!store) throw new Error('useStatus must be used inside <StatusStoreProvider>.');
  return useStore(store, selector);
}
