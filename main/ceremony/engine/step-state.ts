// What the transcript says about each step: derived from the entries alone, so the state
// after a crash is exactly the state the transcript proves, nothing remembered elsewhere.
import type { ChainEntry } from '../../transcript';
import type { CeremonyScript } from '../script';

export type StepStatus = 'pending' | 'started' | 'done' | 'skipped';

export interface StepState {
  id: string;
  index: number;
  status: StepStatus;
  /** Seq of the latest step-started of this step, or null. */
  startedSeq: number | null;
}

export interface CeremonyState {
  steps: StepState[];
  /** The open exception (seq, step), if any. */
  openException: { seq: number; step: string | null; code: string | null } | null;
  aborted: boolean;
  sealed: boolean;
  /** Seq of the last `resumed` entry, or -1. */
  lastResumedSeq: number;
  clockConfirmed: boolean;
  airGapOverridden: boolean;
  /** The air-gap status in the latest room-checked entry, or null. */
  airGapStatus: 'pass' | 'warn' | 'fail' | null;
}

export function deriveState(script: CeremonyScript, entries: readonly ChainEntry[]): CeremonyState {
  const steps: StepState[] = script.steps.map((s, i) => ({ id: s.id, index: i + 1, status: 'pending', startedSeq: null }));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const exceptions = new Map<number, { step: string | null; code: string | null }>();
  const state: CeremonyState = {
    steps,
    openException: null,
    aborted: false,
    sealed: false,
    lastResumedSeq: -1,
    clockConfirmed: false,
    airGapOverridden: false,
    airGapStatus: null,
  };
  for (const { entry } of entries) {
    switch (entry.type) {
      case 'step-started': {
        const s = byId.get(entry.data.step);
        if (s && s.status !== 'done' && s.status !== 'skipped') {
          s.status = 'started';
          s.startedSeq = entry.seq;
        }
        break;
      }
      case 'step-completed': {
        const s = byId.get(entry.data.step);
        if (s) s.status = 'done';
        break;
      }
      case 'sealed': {
        state.sealed = true;
        const seal = script.steps.find((x) => x.action === 'seal');
        const s = seal ? byId.get(seal.id) : undefined;
        if (s) s.status = 'done';
        break;
      }
      case 'exception-opened':
        exceptions.set(entry.seq, { step: entry.data.step, code: entry.data.code });
        break;
      case 'exception-resolved': {
        const opened = exceptions.get(entry.data.exception);
        exceptions.delete(entry.data.exception);
        if (entry.data.resolution === 'abort') state.aborted = true;
        if (entry.data.resolution === 'skip' && opened?.step) {
          const s = byId.get(opened.step);
          if (s) s.status = 'skipped';
        }
        break;
      }
      case 'resumed':
        state.lastResumedSeq = entry.seq;
        break;
      case 'clock-confirmed':
        state.clockConfirmed = true;
        break;
      case 'air-gap-override':
        state.airGapOverridden = true;
        break;
      case 'room-checked': {
        const check = entry.data.checks.find((c) => c.id === 'air-gap');
        state.airGapStatus = check ? check.status : null;
        break;
      }
      default:
        break;
    }
  }
  const open = [...exceptions.entries()].pop();
  state.openException = open ? { seq: open[0], step: open[1].step, code: open[1].code } : null;
  return state;
}

/** The first step that is neither done nor skipped, or null when all are. */
export function nextStep(state: CeremonyState): StepState | null {
  return state.steps.find((s) => s.status === 'pending' || s.status === 'started') ?? null;
}

/** Entries of the current attempt of a step: everything since its latest step-started. */
export function attemptEntries(entries: readonly ChainEntry[], startedSeq: number | null): ChainEntry[] {
  if (startedSeq === null) return [];
  return entries.filter((e) => e.entry.seq > startedSeq);
}
