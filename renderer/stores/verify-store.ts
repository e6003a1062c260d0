// Verifying a ceremony folder as the renderer knows it: the folder asked about, the
// verdict main returned (or why it could not verify), and whether a verification is
// running. Verifying only reads the folder, so asking again is always safe.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CeremonyVerification, ConclaveApi, ErrorValue } from '../../preload/contract';
import { callApi } from './api-call';
import type { Announcement } from './status-store';

export interface VerifyState {
  directory: string | null;
  result: CeremonyVerification | null;
  error: ErrorValue | null;
  pending: boolean;
  announcement: Announcement;
  verify(directory: string): Promise<boolean>;
}

export type VerifyStore = StoreApi<VerifyState>;

export function createVerifyStore(api: ConclaveApi): VerifyStore {
  let announceSeq = 0;
  return createStore<VerifyState>()((set, get) => ({
    directory: null,
    result: null,
    error: null,
    pending: false,
    announcement: { message: '', seq: 0 },
    async verify(directory) {
      if (get().pending) return false;
      set({ pending: true, directory, error: null, result: null });
      const answer = await callApi('verifyCeremony', () => api.verifyCeremony({ directory }));
      if (!answer.ok) {
        set({ pending: false, error: answer.error, announcement: { message: `The folder could not be verified: ${answer.error.message}`, seq: ++announceSeq } });
        return false;
      }
      const verdict = answer.value;
      set({
        pending: false,
        result: verdict,
        announcement: { message: verdict.ok ? 'Verified: every check holds.' : 'Not verified: a check failed.', seq: ++announceSeq },
      });
      return true;
    },
  }));
}
