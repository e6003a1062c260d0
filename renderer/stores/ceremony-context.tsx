// Hands the ceremony store to the runner and witness screens. It lives as long as the app,
// so moving between the runner and the witness screen keeps the ceremony, the review and
// any refusal in view.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { CeremonyState, CeremonyStore } from './ceremony-store';

const CeremonyStoreContext = createContext<CeremonyStore | null>(null);

export function CeremonyStoreProvider({ store, children }: { store: CeremonyStore; children: ReactNode }) {
  return <CeremonyStoreContext.Provider value={store}>{children}</CeremonyStoreContext.Provider>;
}

/** Reads a slice of the ceremony store; the selector must return a stable value. */
export function useCeremony<T>(selector: (state: CeremonyState) => T): T {
  const store = useContext(CeremonyStoreContext);
  if (!store) throw new Error('The ceremony screens must be used inside <CeremonyStoreProvider>.');
  return useStore(store, selector);
}
