// A quorum login as the renderer knows it: the session view main returns (who is present,
// until when, wrong passphrases so far, whether the token is logged in), which call is
// running, and the last refusal with the envelope it concerned. Main pushes the view again
// when the session changes by itself (a share expired, the HSM was removed).
//
// Passphrases pass through present() as an argument and go straight to main; nothing here
// keeps them, so the state can be serialized without revealing a secret.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConclaveApi, EnvelopeSource, ErrorValue, QuorumLoginView, Result } from '../../preload/contract';
import { callApi } from './api-call';
import type { Announcement } from './status-store';

export type LoginOperation = 'begin' | 'present' | 'atDevice' | 'cancel';

export interface LoginFailure {
  operation: LoginOperation;
  /** Which envelope was presented, in words ("the file /media/alice/share.json"); null for other steps. */
  envelope: string | null;
  error: ErrorValue;
}

export interface QuorumLoginState {
  view: QuorumLoginView | null;
  pending: Record<LoginOperation, boolean>;
  failure: LoginFailure | null;
  announcement: Announcement;

  /** Subscribes to quorumChanged; returns the function that stops listening. */
  start(): () => void;
  begin(recordPath: string, slotId: string): Promise<boolean>;
  present(source: EnvelopeSource, passphrase: string): Promise<boolean>;
  /** Protected authentication path: the custodians authenticate at the device. */
  atDevice(): Promise<boolean>;
  /** Ends the session; main discards every share presented so far. */
  cancel(): Promise<boolean>;
  /** Forgets an ended session so a new one can begin. */
  reset(): void;
  dismissFailure(): void;
}

export type QuorumLoginStore = StoreApi<QuorumLoginState>;

const idle: Record<LoginOperation, boolean> = { begin: false, present: false, atDevice: false, cancel: false };

/** An envelope source in words, for messages. Pasted text is never repeated back. */
export function describeSource(source: EnvelopeSource): string {
  switch (source.kind) {
    case 'file':
      return `the file ${source.path}`;
    case 'qr-image':
      return `the QR image ${source.path}`;
    case 'text':
      return 'the pasted envelope text';
  }
}

export function createQuorumLoginStore(api: ConclaveApi): QuorumLoginStore {
  let announceSeq = 0;

  return createStore<QuorumLoginState>()((set, get) => {
    const announce = (message: string) => set({ announcement: { message, seq: ++announceSeq } });
    const setPending = (operation: LoginOperation, value: boolean) => set((s) => ({ pending: { ...s.pending, [operation]: value } }));

    /** Shows a new view; announces what changed by itself and says whether it did. */
    const apply = (next: QuorumLoginView): boolean => {
      const previous = get().view;
      set({ view: next });
      if (next.ended && !previous?.ended) announce(`The login session ended: ${next.ended}`);
      else if (next.loggedIn && !previous?.loggedIn) announce(`Logged in to ${next.tokenLabel}. ${next.progress}.`);
      else if (previous && next.present.length < previous.present.length) announce(`A presented share was dropped. Now: ${next.progress}.`);
      else return false;
      return true;
    };

    const step = async (operation: LoginOperation, envelope: string | null, call: () => Promise<Result<QuorumLoginView>>, describe?: (view: QuorumLoginView) => string): Promise<boolean> => {
      if (get().pending[operation]) return false;
      setPending(operation, true);
      const result = await callApi(operation, call);
      setPending(operation, false);
      if (!result.ok) {
        set({ failure: { operation, envelope, error: result.error } });
        announce(`${result.error.message} ${result.error.action}`);
        return false;
      }
      set({ failure: null });
      if (!apply(result.value) && describe) announce(describe(result.value));
      return true;
    };

    const noSession = (operation: LoginOperation) => {
      set({
        failure: {
          operation,
          envelope: null,
          error: { code: 'LOGIN_NOT_STARTED', message: 'No quorum login is in progress.', action: 'Choose the quorum record and the token, then press Begin login.' },
        },
      });
      return Promise.resolve(false);
    };

    return {
      view: null,
      pending: { ...idle },
      failure: null,
      announcement: { message: '', seq: 0 },

      start() {
        return api.on('quorumChanged', (payload) => {
          // Only this window's session: another session's news is not ours to show.
          if (get().view?.sessionId !== payload.sessionId) return;
          apply(payload);
        });
      },

      begin(recordPath, slotId) {
        return step('begin', null, () => api.quorumLoginBegin({ recordPath, slotId }), (view) => `Login started for ${view.tokenLabel}: ${view.policySummary} needed.`);
      },

      present(source, passphrase) {
        const sessionId = get().view?.sessionId;
        if (!sessionId) return noSession('present');
        return step('present', describeSource(source), () => api.quorumLoginPresent({ sessionId, source, passphrase }), (view) => `Share accepted. ${view.progress}.`);
      },

      atDevice() {
        const sessionId = get().view?.sessionId;
        if (!sessionId) return noSession('atDevice');
        return step('atDevice', null, () => api.quorumLoginAtDevice({ sessionId }));
      },

      cancel() {
        const sessionId = get().view?.sessionId;
        if (!sessionId) return noSession('cancel');
        return step('cancel', null, () => api.quorumLoginCancel({ sessionId }));
      },

      reset() {
        set({ view: null, failure: null });
      },

      dismissFailure() {
        set({ failure: null });
      },
    };
  });
}
