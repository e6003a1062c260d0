// The status of this workstation as the renderer knows it: the last snapshot from main,
// live USB events, and the outcome of each operation the person started. Created by a
// factory over the API so tests can pass any ConclaveApi. It never holds secrets: the
// status channels carry none.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ConclaveApi,
  ErrorValue,
  EventPayload,
  ModuleCandidate,
  ResponseOf,
  Result,
  StatusSnapshot,
  UsbEvent,
} from '../../preload/contract';
import { hex4 } from '../format';

export type Mechanism = ResponseOf<'getMechanisms'>[number];

export type MechanismsEntry =
  | { status: 'loading'; serial: string | null }
  | { status: 'loaded'; serial: string | null; mechanisms: Mechanism[] }
  | { status: 'error'; serial: string | null; error: ErrorValue };

/** The operations a person can start from the status screen. */
export type Operation = 'load' | 'refresh' | 'checkRoom' | 'useModule' | 'candidates';

export interface UsbLogEntry extends UsbEvent {
  /** Increasing number, unique within this store (a stable React key). */
  seq: number;
}

export interface Announcement {
  message: string;
  seq: number;
}

export interface StatusState {
  snapshot: StatusSnapshot | null;
  /** When the snapshot was last replaced (ISO string, renderer clock). */
  updatedAt: string | null;
  pending: Record<Operation, boolean>;
  /** The last failure of each operation, cleared when it next succeeds. */
  errors: Partial<Record<Operation, ErrorValue>>;
  candidates: ModuleCandidate[] | null;
  /** Mechanism lists by slot id, fetched on demand. */
  mechanisms: Record<string, MechanismsEntry>;
  /** USB attach/detach events received while this screen was open, oldest first. */
  usbLog: UsbLogEntry[];
  announcement: Announcement;

  /** Loads the status and subscribes to live events; returns the function that stops them. */
  start(): () => void;
  /** Reloads the snapshot (getStatus). */
  load(): Promise<void>;
  /** Asks main to list slots and tokens again (refreshTokens). */
  refresh(): Promise<void>;
  /** Runs the room checks again (checkRoom). */
  checkRoom(): Promise<void>;
  /** Switches to another PKCS#11 module; resolves true when it loaded. */
  useModule(path: string): Promise<boolean>;
  loadCandidates(): Promise<void>;
  /** Fetches the mechanism list of the token in `slotId` (cached until the token changes). */
  getMechanisms(slotId: string, options?: { force?: boolean }): Promise<void>;
  dismissError(operation: Operation): void;
}

export type StatusStore = StoreApi<StatusState>;

export interface StatusStoreOptions {
  /** Most USB log entries kept; older ones are dropped. */
  usbLogLimit?: number;
  now?: () => Date;
}

const idle: Record<Operation, boolean> = { load: false, refresh: false, checkRoom: false, useModule: false, candidates: false };

/** A rejected promise from the API is a bug below us; still show it as something to act on. */
function unexpected(operation: string, cause: unknown): ErrorValue {
  return {
    code: 'RENDERER_CALL_FAILED',
    message: `The request "${operation}" failed unexpectedly: ${cause instanceof Error ? cause.message : String(cause)}`,
    action: 'Try again. If it keeps failing, restart Conclave and report the time it happened; no ceremony data is lost.',
  };
}

async function settle<T>(operation: string, call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const result = await call();
    if (result && typeof result === 'object' && 'ok' in result) return result;
    return { ok: false, error: unexpected(operation, new Error('the answer was not a result value')) };
  } catch (cause) {
    return { ok: false, error: unexpected(operation, cause) };
  }
}

function tokenSerial(snapshot: StatusSnapshot | null, slotId: string): string | null {
  return snapshot?.tokens.find((t) => t.slotId === slotId)?.token?.serial ?? null;
}

/** Drops cached mechanism lists whose slot now holds another token, or none. */
function keepValidMechanisms(mechanisms: Record<string, MechanismsEntry>, previous: StatusSnapshot | null, next: StatusSnapshot): Record<string, MechanismsEntry> {
  if (previous?.module?.path !== next.module?.path) return {};
  const kept: Record<string, MechanismsEntry> = {};
  for (const [slotId, entry] of Object.entries(mechanisms)) {
    const slot = next.tokens.find((t) => t.slotId === slotId);
    if (slot?.token && slot.token.serial === entry.serial) kept[slotId] = entry;
  }
  return kept;
}

function describeDevice(event: UsbEvent): string {
  const name = event.device.product ?? `USB device ${hex4(event.device.vendorId)}:${hex4(event.device.productId)}`;
  return `${name} ${event.type === 'attach' ? 'attached' : 'detached'}`;
}

function roomSummary(ready: boolean, failing: number, warning: number): string {
  if (ready) return warning ? `Room checked: ready, with ${warning} warning${warning === 1 ? '' : 's'}.` : 'Room checked: ready.';
  return `Room checked: not ready, ${failing} check${failing === 1 ? '' : 's'} failing.`;
}

export function createStatusStore(api: ConclaveApi, options: StatusStoreOptions = {}): StatusStore {
  const usbLogLimit = options.usbLogLimit ?? 100;
  const now = options.now ?? (() => new Date());
  // Responses may arrive out of order (a slow refresh after a module switch); a
  // snapshot is applied only if nothing newer was applied since its request started.
  let issued = 0;
  let applied = 0;
  let logSeq = 0;
  let announceSeq = 0;

  return createStore<StatusState>()((set, get) => {
    const announce = (message: string) => set({ announcement: { message, seq: ++announceSeq } });

    const setPending = (operation: Operation, value: boolean) => set((s) => ({ pending: { ...s.pending, [operation]: value } }));

    const setError = (operation: Operation, error: ErrorValue | null) =>
      set((s) => {
        const errors = { ...s.errors };
        if (error) errors[operation] = error;
        else delete errors[operation];
        return { errors };
      });

    const applySnapshot = (snapshot: StatusSnapshot, seq: number): boolean => {
      if (seq < applied) return false;
      applied = seq;
      set((s) => ({
        snapshot,
        updatedAt: now().toISOString(),
        mechanisms: keepValidMechanisms(s.mechanisms, s.snapshot, snapshot),
      }));
      return true;
    };

    /** Runs a snapshot-producing call and applies its answer; returns the error, if any. */
    const snapshotCall = async (operation: Operation, call: () => Promise<Result<StatusSnapshot>>): Promise<ErrorValue | null> => {
      const seq = ++issued;
      setPending(operation, true);
      const result = await settle(operation, call);
      setPending(operation, false);
      if (!result.ok) {
        setError(operation, result.error);
        return result.error;
      }
      setError(operation, null);
      applySnapshot(result.value, seq);
      return null;
    };

    const onUsbChanged = (payload: EventPayload<'usbChanged'>) => {
      set((s) => {
        const next: Partial<StatusState> = {};
        if (s.snapshot) next.snapshot = { ...s.snapshot, usb: payload.status };
        if (payload.event) next.usbLog = [...s.usbLog, { ...payload.event, seq: ++logSeq }].slice(-usbLogLimit);
        return next;
      });
      if (payload.event) announce(`USB: ${describeDevice(payload.event)}.`);
    };

    const onStatusChanged = (snapshot: StatusSnapshot) => {
      applySnapshot(snapshot, ++issued);
    };

    return {
      snapshot: null,
      updatedAt: null,
      pending: { ...idle },
      errors: {},
      candidates: null,
      mechanisms: {},
      usbLog: [],
      announcement: { message: '', seq: 0 },

      start() {
        const unsubscribers = [api.on('usbChanged', onUsbChanged), api.on('statusChanged', onStatusChanged)];
        void get().load();
        void get().loadCandidates();
        return () => {
          for (const unsubscribe of unsubscribers) unsubscribe();
        };
      },

      async load() {
        const error = await snapshotCall('load', () => api.getStatus({}));
        announce(error ? `Could not load the status: ${error.message}` : 'Status loaded.');
      },

      async refresh() {
        if (get().pending.refresh) return;
        const error = await snapshotCall('refresh', () => api.refreshTokens({}));
        if (error) {
          announce(`Refresh failed: ${error.message}`);
          return;
        }
        const count = get().snapshot?.tokens.length ?? 0;
        announce(`Tokens refreshed: ${count} slot${count === 1 ? '' : 's'}.`);
      },

      async checkRoom() {
        if (get().pending.checkRoom) return;
        setPending('checkRoom', true);
        const result = await settle('checkRoom', () => api.checkRoom({}));
        setPending('checkRoom', false);
        if (!result.ok) {
          setError('checkRoom', result.error);
          announce(`Room check failed: ${result.error.message}`);
          return;
        }
        setError('checkRoom', null);
        const room = result.value;
        set((s) => (s.snapshot ? { snapshot: { ...s.snapshot, room }, updatedAt: now().toISOString() } : {}));
        const failing = room.checks.filter((c) => c.status === 'fail').length;
        const warning = room.checks.filter((c) => c.status === 'warn').length;
        announce(roomSummary(room.ready, failing, warning));
      },

      async useModule(path: string) {
        const trimmed = path.trim();
        if (!trimmed) {
          setError('useModule', {
            code: 'MODULE_PATH_EMPTY',
            message: 'No module path was entered.',
            action: 'Type the full path of the PKCS#11 library (a .so file, for example /usr/lib/softhsm/libsofthsm2.so) or pick one from the list.',
          });
          return false;
        }
        if (get().pending.useModule) return false;
        const error = await snapshotCall('useModule', () => api.useModule({ path: trimmed }));
        if (error) {
          announce(`Could not use the module ${trimmed}: ${error.message}`);
          return false;
        }
        announce(`Now using the module ${get().snapshot?.module?.path ?? trimmed}.`);
        return true;
      },

      async loadCandidates() {
        setPending('candidates', true);
        const result = await settle('listModuleCandidates', () => api.listModuleCandidates({}));
        setPending('candidates', false);
        if (!result.ok) {
          setError('candidates', result.error);
          return;
        }
        setError('candidates', null);
        set({ candidates: result.value });
      },

      async getMechanisms(slotId: string, { force = false } = {}) {
        const current = get().mechanisms[slotId];
        if (current && (current.status === 'loading' || (current.status === 'loaded' && !force))) return;
        const serial = tokenSerial(get().snapshot, slotId);
        set((s) => ({ mechanisms: { ...s.mechanisms, [slotId]: { status: 'loading', serial } } }));
        const result = await settle('getMechanisms', () => api.getMechanisms({ slotId }));
        const entry: MechanismsEntry = result.ok
          ? { status: 'loaded', serial, mechanisms: result.value }
          : { status: 'error', serial, error: result.error };
        set((s) => ({ mechanisms: { ...s.mechanisms, [slotId]: entry } }));
      },

      dismissError(operation: Operation) {
        setError(operation, null);
      },
    };
  });
}
