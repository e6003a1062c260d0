// The custodian setup as the renderer knows it: the setup view main returns after each
// step, which call is running, and the last failure with the custodian it concerns.
// Created by a factory over the API so tests can pass any ConclaveApi.
//
// Passphrases and PINs pass through the actions as arguments and go straight to main;
// nothing here keeps them (no field, no closure, no "last request" for a retry), so the
// store can be inspected, logged or serialized without revealing a secret.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConclaveApi, EnvelopeSource, ErrorValue, FingerprintView, QuorumSetupView, RequestOf, Result } from '../../preload/contract';
import { callApi } from './api-call';
import type { Announcement } from './status-store';

export type SetupOperation = 'calibrate' | 'begin' | 'seal' | 'save' | 'qr' | 'prove' | 'complete' | 'cancel';

export interface SetupFailure {
  operation: SetupOperation;
  /** The custodian the failed step was for; null for steps of the whole setup. */
  index: number | null;
  error: ErrorValue;
}

export interface EnvelopeQr {
  index: number;
  pngDataUrl: string;
  fingerprint: FingerprintView;
}

export interface Calibration {
  kdf: QuorumSetupView['kdf'];
  milliseconds: number;
}

/** What begin needs besides the PINs, which the caller passes separately. */
export type SetupBeginRequest = Omit<RequestOf<'quorumSetupBegin'>, 'currentPins'>;

export interface QuorumSetupState {
  view: QuorumSetupView | null;
  calibration: Calibration | null;
  pending: Record<SetupOperation, boolean>;
  failure: SetupFailure | null;
  /** The QR of one custodian's envelope, fetched when their card is shown. */
  qr: EnvelopeQr | null;
  /**
   * Wrong passphrases seen here per custodian index while proving receipt. Main counts
   * them too (failedProofs in the view), but a refusal answers with an error, not a view,
   * so the screen shows the larger of the two until the next view arrives.
   */
  wrongProofs: Record<number, number>;
  announcement: Announcement;

  /** Measures how long one passphrase hardening takes on this machine. */
  calibrate(): Promise<void>;
  /** Starts a setup; `currentPins` only for a token that is already initialized. */
  begin(request: SetupBeginRequest, currentPins?: { soPin: string; userPin: string }): Promise<boolean>;
  seal(index: number, passphrase: string, passphraseRepeat: string): Promise<boolean>;
  save(index: number, directory: string): Promise<boolean>;
  loadQr(index: number): Promise<void>;
  prove(index: number, source: EnvelopeSource, passphrase: string): Promise<boolean>;
  complete(): Promise<boolean>;
  cancel(): Promise<boolean>;
  /** Forgets a finished (complete, failed or cancelled) setup so a new one can begin. */
  reset(): void;
  dismissFailure(): void;
}

export type QuorumSetupStore = StoreApi<QuorumSetupState>;

const idle: Record<SetupOperation, boolean> = { calibrate: false, begin: false, seal: false, save: false, qr: false, prove: false, complete: false, cancel: false };

/** Failed attempts to open custodian `index`'s envelope: main's count, or more if seen since. */
export function failedProofsOf(state: Pick<QuorumSetupState, 'view' | 'wrongProofs'>, index: number): number {
  const counted = state.view?.custodians.find((c) => c.index === index)?.failedProofs ?? 0;
  return Math.max(counted, state.wrongProofs[index] ?? 0);
}

export function custodianName(view: QuorumSetupView | null, index: number): string {
  return view?.custodians.find((c) => c.index === index)?.name ?? `custodian ${index}`;
}

export function createQuorumSetupStore(api: ConclaveApi): QuorumSetupStore {
  let announceSeq = 0;

  return createStore<QuorumSetupState>()((set, get) => {
    const announce = (message: string) => set({ announcement: { message, seq: ++announceSeq } });
    const setPending = (operation: SetupOperation, value: boolean) => set((s) => ({ pending: { ...s.pending, [operation]: value } }));

    /**
     * Runs one step that answers with the setup view. Steps are one at a time: a second
     * click while a step runs is ignored rather than queued.
     */
    const step = async (
      operation: SetupOperation,
      index: number | null,
      call: () => Promise<Result<QuorumSetupView>>,
      describe: (view: QuorumSetupView) => string,
    ): Promise<boolean> => {
      if (get().pending[operation]) return false;
      setPending(operation, true);
      const result = await callApi(operation, call);
      setPending(operation, false);
      if (!result.ok) {
        set((s) => ({
          failure: { operation, index, error: result.error },
          wrongProofs:
            operation === 'prove' && index !== null && result.error.code === 'ENVELOPE_WRONG_PASSPHRASE'
              ? { ...s.wrongProofs, [index]: (s.wrongProofs[index] ?? 0) + 1 }
              : s.wrongProofs,
        }));
        announce(`${result.error.message} ${result.error.action}`);
        return false;
      }
      set({ view: result.value, failure: null });
      announce(describe(result.value));
      return true;
    };

    const setupId = (): string | null => get().view?.setupId ?? null;

    const noSetup = (operation: SetupOperation, index: number | null) => {
      set({
        failure: {
          operation,
          index,
          error: { code: 'SETUP_NOT_STARTED', message: 'No quorum setup is in progress.', action: 'Start a setup first: choose the custodians and the token, then press Begin setup.' },
        },
      });
      return false;
    };

    return {
      view: null,
      calibration: null,
      pending: { ...idle },
      failure: null,
      qr: null,
      wrongProofs: {},
      announcement: { message: '', seq: 0 },

      async calibrate() {
        if (get().pending.calibrate) return;
        setPending('calibrate', true);
        const result = await callApi('quorumCalibrate', () => api.quorumCalibrate({}));
        setPending('calibrate', false);
        if (!result.ok) {
          set({ failure: { operation: 'calibrate', index: null, error: result.error } });
          return;
        }
        set({ calibration: result.value });
        announce(`Measured: one passphrase hardening takes about ${(result.value.milliseconds / 1000).toFixed(1)} seconds on this machine.`);
      },

      begin(request, currentPins) {
        set({ qr: null, wrongProofs: {} });
        return step(
          'begin',
          null,
          () => api.quorumSetupBegin(currentPins ? { ...request, currentPins: { soPin: currentPins.soPin, userPin: currentPins.userPin } } : request),
          (view) => `Setup started: ${view.policySummary}, ${view.total} custodians. First custodian: ${view.custodians[0]?.name ?? ''}.`,
        );
      },

      seal(index, passphrase, passphraseRepeat) {
        const id = setupId();
        if (!id) return Promise.resolve(noSetup('seal', index));
        return step('seal', index, () => api.quorumSetupSeal({ setupId: id, index, passphrase, passphraseRepeat }), (view) => `Envelope of ${custodianName(view, index)} sealed.`);
      },

      save(index, directory) {
        const id = setupId();
        if (!id) return Promise.resolve(noSetup('save', index));
        return step('save', index, () => api.quorumSetupSave({ setupId: id, index, directory }), (view) => {
          const custodian = view.custodians.find((c) => c.index === index);
          return `Envelope of ${custodianName(view, index)} saved${custodian?.savedTo ? ` to ${custodian.savedTo}` : ''}.`;
        });
      },

      async loadQr(index) {
        const id = setupId();
        if (!id) {
          noSetup('qr', index);
          return;
        }
        if (get().qr?.index === index) return;
        setPending('qr', true);
        const result = await callApi('quorumEnvelopeQr', () => api.quorumEnvelopeQr({ setupId: id, index }));
        setPending('qr', false);
        if (!result.ok) {
          set({ failure: { operation: 'qr', index, error: result.error } });
          return;
        }
        // A slow answer for a custodian who is no longer shown is still theirs: keyed by index.
        set({ qr: { index, pngDataUrl: result.value.pngDataUrl, fingerprint: result.value.fingerprint } });
      },

      prove(index, source, passphrase) {
        const id = setupId();
        if (!id) return Promise.resolve(noSetup('prove', index));
        return step('prove', index, () => api.quorumSetupProve({ setupId: id, index, source, passphrase }), (view) => {
          const remaining = view.custodians.filter((c) => !c.proven).length;
          return `${custodianName(view, index)} opened their envelope: receipt proven.${remaining ? ` ${remaining} still to prove.` : ' Every custodian has proven receipt.'}`;
        });
      },

      complete() {
        const id = setupId();
        if (!id) return Promise.resolve(noSetup('complete', null));
        return step('complete', null, () => api.quorumSetupComplete({ setupId: id }), (view) =>
          view.phase === 'complete' ? `Quorum setup complete. Record written to ${view.recordPath ?? 'the output folder'}.` : `Setup is ${view.phase}.`,
        );
      },

      cancel() {
        const id = setupId();
        if (!id) return Promise.resolve(noSetup('cancel', null));
        return step('cancel', null, () => api.quorumSetupCancel({ setupId: id }), () => 'Setup cancelled. The envelopes made so far are useless and can be destroyed.');
      },

      reset() {
        set({ view: null, failure: null, qr: null, wrongProofs: {} });
      },

      dismissFailure() {
        set({ failure: null });
      },
    };
  });
}
