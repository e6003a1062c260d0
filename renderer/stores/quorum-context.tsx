// Hands the quorum setup and login stores to their screens. Both live as long as the app,
// so leaving a screen and coming back finds the setup or login where it was.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { QuorumLoginState, QuorumLoginStore } from './quorum-login-store';
import type { QuorumSetupState, QuorumSetupStore } from './quorum-setup-store';

interface QuorumStores {
  setup: QuorumSetupStore;
  login: QuorumLoginStore;
}

const QuorumStoresContext = createContext<QuorumStores | null>(null);

export function QuorumStoresProvider({ setup, login, children }: QuorumStores & { children: ReactNode }) {
  const value = useMemo(() => ({ setup, login }), [setup, login]);
  return <QuorumStoresContext.Provider value={value}>{children}</QuorumStoresContext.Provider>;
}

function useStores(): QuorumStores {
  const stores = useContext(QuorumStoresContext);
  if (!stores) throw new Error('Quorum screens must be used inside <QuorumStoresProvider>.');
  return stores;
}

/** Reads a slice of the setup store; the selector must return a stable value. */
export function useQuorumSetup<T>(selector: (state: QuorumSetupState) => T): T {
  return useStore(useStores().setup, selector);
}

/** Reads a slice of the login store; the selector must return a stable value. */
export function useQuorumLogin<T>(selector: (state: QuorumLoginState) => T): T {
  return useStore(useStores().login, selector);
}
