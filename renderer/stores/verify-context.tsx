// Hands the verify store to its screen. It lives as long as the app, so leaving the screen
// and coming back finds the last verdict still shown.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { VerifyState, VerifyStore } from './verify-store';

const VerifyStoreContext = createContext<VerifyStore | null>(null);

export function VerifyStoreProvider({ store, children }: { store: VerifyStore; children: ReactNode }) {
  return <VerifyStoreContext.Provider value={store}>{children}</VerifyStoreContext.Provider>;
}

/** Reads a slice of the verify store; the selector must return a stable value. */
export function useVerify<T>(selector: (state: VerifyState) => T): T {
  const store = useContext(VerifyStoreContext);
  if (!store) throw new Error('The verify screen must be used inside <VerifyStoreProvider>.');
  return useStore(store, selector);
}
