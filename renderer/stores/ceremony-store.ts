// The open ceremony as the renderer knows it: the view main returns after every command
// and pushes on every change (steps, the current card, quorum, HSM activity, the open
// exception, what witnesses are asked to sign), the witnesses' review, which command is
// running, and the last refusal with what to do about it.
//
// Passphrases and a witness token's PIN pass through perform(), relogin() and sign() as
// arguments and go straight to main; nothing here keeps them, so the state can be
// serialized without revealing a secret. A backup folder's preview holds public facts only.
//
// The media listing and a written bundle's QR frames are reads that run beside the
// commands (a command may run while the frames load), each with its own error.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  BackupPreview,
  BundleFrames,
  CeremonyMedia,
  CeremonySource,
  ModuleCandidate,
  CeremonyView,
  ConclaveApi,
  CustodianInput,
  ErrorValue,
  Result,
  WitnessReview,
  WitnessSignerInput,
} from '../../preload/contract';
import { callApi } from './api-call';
import type { Announcement } from './status-store';

export type CeremonyOperation =
  | 'open'
  | 'resume'
  | 'refresh'
  | 'close'
  | 'start'
  | 'confirm'
  | 'acknowledge'
  | 'perform'
  | 'complete'
  | 'resolve'
  | 'override'
  | 'relogin'
  | 'finalize'
  | 'review'
  | 'sign'
  | 'inspect';

export interface CeremonyFailure {
  operation: CeremonyOperation;
  /** The step the refused command was about, when it was about one. */
  step: string | null;
  error: ErrorValue;
}

export interface PerformInputs {
  clockConfirmed?: true;
  custodians?: CustodianInput[];
  quorumRecordPath?: string;
  /** restore-key: the backup ceremony's folder. */
  backupFolder?: string;
  /** export-bundle: the folder to copy the bundle to; for a fixed disk, the folder typed again. */
  medium?: { directory: string; nonRemovableConfirmation?: string };
}

/** A read for one step: loading, its answer, or why there is none. */
export interface StepRead<T> {
  step: string;
  loading: boolean;
  value: T | null;
  error: ErrorValue | null;
}

export interface CeremonyState {
  view: CeremonyView | null;
  review: WitnessReview | null;
  /** The backup folder read for the current restore step (public facts only). */
  backupPreview: { step: string; preview: BackupPreview } | null;
  /** PKCS#11 libraries found on this machine, offered to a witness who signs with a token. */
  moduleCandidates: ModuleCandidate[];
  /** The removable media an export step may copy its bundle to. */
  media: StepRead<CeremonyMedia> | null;
  /** The bundle an export step wrote, as QR frame texts. */
  bundleFrames: StepRead<BundleFrames> | null;
  pending: CeremonyOperation | null;
  failure: CeremonyFailure | null;
  /** The step the runner shows: null follows the current step. */
  selected: string | null;
  announcement: Announcement;

  /** Subscribes to ceremonyChanged and loads the open ceremony, if any; returns the unsubscribe function. */
  start(): () => void;
  refresh(): Promise<boolean>;
  open(directory: string, source: CeremonySource): Promise<boolean>;
  resume(directory: string): Promise<boolean>;
  close(): Promise<boolean>;
  startStep(step: string): Promise<boolean>;
  confirm(step: string, phrase: string): Promise<boolean>;
  acknowledge(step: string, role: 'administrator' | 'custodian' | 'witness', name: string): Promise<boolean>;
  perform(step: string, inputs?: PerformInputs): Promise<boolean>;
  complete(step: string): Promise<boolean>;
  resolve(resolution: 'retry' | 'skip' | 'abort', justification?: string): Promise<boolean>;
  overrideAirGap(reason: string): Promise<boolean>;
  relogin(custodians: CustodianInput[], quorumRecordPath?: string): Promise<boolean>;
  finalize(): Promise<boolean>;
  loadReview(step: string): Promise<boolean>;
  sign(step: string, reviewedHash: string, witnesses: WitnessSignerInput[]): Promise<boolean>;
  /** Reads the backup ceremony's folder for a restore step: its record, envelopes and the checks against the script's pins. */
  inspectBackup(step: string, directory: string): Promise<boolean>;
  clearBackupPreview(): void;
  /** Lists the mounted removable media for an export step, with its allow-list. */
  listMedia(step: string): Promise<boolean>;
  /** Fetches the QR frames of the bundle an export step wrote. */
  loadBundleFrames(step: string): Promise<boolean>;
  loadModuleCandidates(): Promise<void>;
  select(step: string | null): void;
  dismissFailure(): void;
}

export type CeremonyStore = StoreApi<CeremonyState>;

/** What changed between two views that a person should hear about, or null. */
export function newsOf(previous: CeremonyView | null, next: CeremonyView): string | null {
  if (!previous || previous.directory !== next.directory) return `Ceremony ${next.title} is open${next.rehearsal ? ' (rehearsal)' : ''}.`;
  if (next.status === 'sealed' && previous.status !== 'sealed') return `The ceremony is sealed. Final hash: ${next.sealed?.finalHash.words.join(' ') ?? ''}.`;
  if (next.status === 'aborted' && previous.status !== 'aborted') return 'The ceremony was aborted.';
  if (next.exception && next.exception.seq !== previous.exception?.seq) return `Exception: ${next.exception.reason}`;
  if (next.current?.id !== previous.current?.id && next.current) return `Step ${next.current.index}: ${next.current.title}.`;
  if (next.current?.performed && !previous.current?.performed) return `Performed: ${next.current.title}. ${next.current.result ?? ''}`;
  return null;
}

export function createCeremonyStore(api: ConclaveApi): CeremonyStore {
  let announceSeq = 0;

  return createStore<CeremonyState>()((set, get) => {
    const announce = (message: string) => set({ announcement: { message, seq: ++announceSeq } });

    const apply = (next: CeremonyView | null) => {
      const previous = get().view;
      const review = get().review;
      // A review of another step, or of a transcript that has moved on, no longer says what would be signed.
      const keepReview = review && next?.witness && next.witness.step === review.request.step && next.witness.reviewHash === review.request.reviewHash;
      const preview = get().backupPreview;
      const keepPreview = preview && next?.current?.id === preview.step && !next.current.performed;
      const media = get().media;
      const frames = get().bundleFrames;
      set({
        view: next,
        review: keepReview ? review : null,
        backupPreview: keepPreview ? preview : null,
        media: media && next?.current?.id === media.step && !next.current.performed ? media : null,
        // The frames are of the bundle the performed step wrote; a step not (or no longer) performed has none to show.
        bundleFrames: frames && next?.current?.id === frames.step && next.current.performed ? frames : null,
        selected: next && get().selected && next.current?.id !== get().selected ? get().selected : null,
      });
      if (next) {
        const news = newsOf(previous, next);
        if (news) announce(news);
      }
    };

    /** Runs one command; a refusal is shown and the view fetched again, since main may have recorded something (an exception). */
    const command = async <T>(operation: CeremonyOperation, step: string | null, call: () => Promise<Result<T>>, onValue: (value: T) => void): Promise<boolean> => {
      if (get().pending) return false;
      set({ pending: operation });
      const result = await callApi(operation, call);
      set({ pending: null });
      if (!result.ok) {
        // A failed step opened an exception: the exception dialog says so, no second banner.
        set({ failure: result.error.code === 'STEP_FAILED' ? null : { operation, step, error: result.error } });
        announce(`${result.error.message} ${result.error.action}`);
        const state = await callApi('ceremonyState', () => api.ceremonyState({}));
        if (state.ok) apply(state.value);
        return false;
      }
      set({ failure: null });
      onValue(result.value);
      return true;
    };

    const viewCommand = (operation: CeremonyOperation, step: string | null, call: () => Promise<Result<CeremonyView>>) => command(operation, step, call, (view) => apply(view));

    /** What a read beside the commands settled on; a refusal is announced, and stays with the read. */
    const settled = <T,>(step: string, result: Result<T>): StepRead<T> => {
      if (!result.ok) announce(`${result.error.message} ${result.error.action}`);
      return { step, loading: false, value: result.ok ? result.value : null, error: result.ok ? null : result.error };
    };

    return {
      view: null,
      review: null,
      backupPreview: null,
      moduleCandidates: [],
      media: null,
      bundleFrames: null,
      pending: null,
      failure: null,
      selected: null,
      announcement: { message: '', seq: 0 },

      start() {
        const unsubscribe = api.on('ceremonyChanged', (payload) => apply(payload));
        // A ceremony may already be open (the window was reloaded); not being able to ask is not news.
        void callApi('ceremonyState', () => api.ceremonyState({})).then((state) => {
          if (state.ok && state.value) apply(state.value);
        });
        return unsubscribe;
      },

      refresh() {
        return command('refresh', null, () => api.ceremonyState({}), (view) => apply(view));
      },

      open(directory, source) {
        return viewCommand('open', null, () => api.ceremonyOpen({ directory, source }));
      },

      resume(directory) {
        return viewCommand('resume', null, () => api.ceremonyResume({ directory }));
      },

      close() {
        return command('close', null, () => api.ceremonyClose({}), () => set({ view: null, review: null, backupPreview: null, media: null, bundleFrames: null, selected: null }));
      },

      startStep(step) {
        return viewCommand('start', step, () => api.ceremonyStartStep({ step }));
      },

      confirm(step, phrase) {
        return viewCommand('confirm', step, () => api.ceremonyConfirm({ step, phrase }));
      },

      acknowledge(step, role, name) {
        return viewCommand('acknowledge', step, () => api.ceremonyAcknowledge({ step, role, name }));
      },

      perform(step, inputs = {}) {
        return viewCommand('perform', step, () => api.ceremonyPerform({ step, ...inputs }));
      },

      complete(step) {
        return viewCommand('complete', step, () => api.ceremonyComplete({ step }));
      },

      resolve(resolution, justification) {
        const step = get().view?.exception?.step ?? null;
        return viewCommand('resolve', step, () => api.ceremonyResolveException(justification ? { resolution, justification } : { resolution }));
      },

      overrideAirGap(reason) {
        return viewCommand('override', null, () => api.ceremonyOverrideAirGap({ reason }));
      },

      relogin(custodians, quorumRecordPath) {
        return viewCommand('relogin', null, () => api.ceremonyRelogin(quorumRecordPath ? { custodians, quorumRecordPath } : { custodians }));
      },

      finalize() {
        return viewCommand('finalize', null, () => api.ceremonyFinalize({}));
      },

      loadReview(step) {
        return command('review', step, () => api.witnessReview({ step }), (review) => set({ review }));
      },

      sign(step, reviewedHash, witnesses) {
        return viewCommand('sign', step, () => api.witnessSign({ step, reviewedHash, witnesses }));
      },

      inspectBackup(step, directory) {
        set({ backupPreview: null });
        return command('inspect', step, () => api.ceremonyInspectBackup({ step, directory }), (preview) => set({ backupPreview: { step, preview } }));
      },

      clearBackupPreview() {
        set({ backupPreview: null });
      },

      async listMedia(step) {
        const loading: StepRead<CeremonyMedia> = { step, loading: true, value: null, error: null };
        set({ media: loading });
        const result = await callApi('listMedia', () => api.ceremonyListMedia({ step }));
        // A newer read (or a view that moved on) replaced this one: its answer is no longer asked for.
        if (get().media !== loading) return false;
        set({ media: settled(step, result) });
        return result.ok;
      },

      async loadBundleFrames(step) {
        const loading: StepRead<BundleFrames> = { step, loading: true, value: null, error: null };
        set({ bundleFrames: loading });
        const result = await callApi('bundleFrames', () => api.ceremonyBundleFrames({ step }));
        if (get().bundleFrames !== loading) return false;
        set({ bundleFrames: settled(step, result) });
        return result.ok;
      },

      async loadModuleCandidates() {
        // Only a convenience: without the list the witness types the path.
        const result = await callApi('listModuleCandidates', () => api.listModuleCandidates({}));
        if (result.ok) set({ moduleCandidates: result.value.filter((c) => c.exists) });
      },

      select(step) {
        set({ selected: step === get().view?.current?.id ? null : step });
      },

      dismissFailure() {
        set({ failure: null });
      },
    };
  });
}
