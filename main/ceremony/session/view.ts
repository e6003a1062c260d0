// The runner's view of a ceremony, derived from the script and the transcript entries
// (what the transcript proves) plus what this session knows beyond them: whether the
// token is logged in now, which steps were performed and await completion, the latest
// precondition checks, and what the HSM is doing. A pure function, so the screens show
// exactly what a fresh derivation from the same facts would, and tests can check it.
import type {
  CeremonyActivity,
  CeremonyExceptionView,
  CeremonyKeyView,
  CeremonyStepCard,
  CeremonyStepInputs,
  CeremonyStepView,
  CeremonyView,
  ErrorValue,
} from '../../../preload/contract';
import type { ChainEntry, JsonObject } from '../../transcript';
import { hashForPeople } from '../folder/hash-words';
import { summarizeData } from '../folder/verify-view';
import { confirmationPhrase, deriveState, nextStep, type CeremonyState } from '../engine';
import type { CeremonyScript, ScriptStep } from '../script';
import { acknowledgementViews } from './acknowledgements';
import { exportInputsOf, exportResultOf } from './export-view';
import { backupResultOf, restoreResultOf } from './step-results';
import { witnessRequest } from './witness-request';

export const PRECONDITION_LABELS: Record<string, string> = {
  'hsm-present': 'The ceremony token is present',
  'air-gap': 'The air gap holds, or an override with a reason is recorded',
  'clock-utc': 'The administrator confirmed the clock as UTC',
  'quorum-logged-in': 'A quorum of custodians is logged in to the token',
};

export interface FinalizeState {
  finalized: boolean;
  outputs: string[];
  error: ErrorValue | null;
}

export interface ViewInput {
  directory: string;
  script: CeremonyScript;
  entries: readonly ChainEntry[];
  /** The engine's own flag: a quorum logged in to the token in this process. */
  loggedIn: boolean;
  /** Steps performed in this session (result checked), not completed yet, with their results. */
  performed: ReadonlyMap<string, JsonObject>;
  /** The latest precondition check of the current step: problem, or null when it holds. */
  preconditions: { step: string; problems: ReadonlyMap<string, string | null> } | null;
  activity: CeremonyActivity | null;
  busy: string | null;
  finalize: FinalizeState;
  now: Date;
  timeZone: string;
}

function stepStatus(state: CeremonyState, id: string): CeremonyStepView['status'] {
  const s = state.steps.find((x) => x.id === id)!;
  if (state.openException?.step === id && (s.status === 'pending' || s.status === 'started')) return 'exception';
  return s.status;
}

/** Every key-generated entry, with the step whose attempt recorded it. */
function keysOf(entries: readonly ChainEntry[]): Array<CeremonyKeyView & { seq: number }> {
  const keys: Array<CeremonyKeyView & { seq: number }> = [];
  let step: string | null = null;
  for (const { entry } of entries) {
    if (entry.type === 'step-started') step = entry.data.step;
    if (entry.type !== 'key-generated') continue;
    const d = entry.data;
    keys.push({
      seq: entry.seq,
      step,
      label: d.label,
      algorithm: d.algorithm,
      purpose: d.purpose,
      adopted: d.adopted,
      fingerprint: d.fingerprint ? { hex: d.fingerprint.hex, words: [...d.fingerprint.words] } : null,
    });
  }
  return keys;
}

function policyOf(script: CeremonyScript, entries: readonly ChainEntry[]): string {
  const established = [...entries].reverse().find((e) => e.entry.type === 'quorum-established');
  if (established?.entry.type === 'quorum-established') return established.entry.data.policySummary;
  const { threshold, groups, groupThreshold } = script.quorum;
  const base = `${threshold} of ${script.participants.custodians.length}`;
  if (!groups) return base;
  return `${base}; ${groupThreshold ?? groups.length} of the groups ${groups.map((g) => `${g.name} (${g.threshold})`).join(', ')}`;
}

function quorumOf(input: ViewInput): CeremonyView['quorum'] {
  const { script, entries } = input;
  let setUp = !script.steps.some((s) => s.action === 'quorum-setup');
  let presented: string[] = [];
  for (const { entry } of entries) {
    if (entry.type !== 'quorum-established') continue;
    if (entry.data.purpose === 'setup' || entry.data.purpose === 'reshare') setUp = true;
    if (entry.data.purpose === 'login') presented = entry.data.custodians.map((c) => c.name);
  }
  const loginProblem = input.preconditions?.problems.get('quorum-logged-in');
  return {
    policy: policyOf(script, entries).slice(0, 512),
    threshold: script.quorum.threshold,
    custodians: script.participants.custodians.map((c) => ({ name: c.name, group: c.group ?? null })),
    setUp,
    loggedIn: input.loggedIn && (loginProblem === undefined || loginProblem === null),
    presented,
  };
}

function inputsFor(input: ViewInput, step: ScriptStep, pendingWitnesses: string[]): CeremonyStepInputs {
  const { script } = input;
  const names = script.participants.custodians.map((c) => c.name);
  switch (step.action) {
    case 'confirm-clock-utc':
      return { kind: 'clock', systemTime: input.now.toISOString(), timeZone: input.timeZone.slice(0, 64), utcOffsetMinutes: -input.now.getTimezoneOffset() };
    case 'quorum-setup':
    case 'backup-key':
      return {
        kind: 'custodian-passphrases',
        purpose: step.action === 'quorum-setup' ? 'setup' : 'backup',
        custodians: names,
        needed: names.length,
        policy: policyOf(script, input.entries).slice(0, 512),
        recordPathNeeded: false,
      };
    case 'quorum-login':
      return {
        kind: 'custodian-passphrases',
        purpose: 'login',
        custodians: names,
        needed: Math.min(script.quorum.threshold, names.length),
        policy: policyOf(script, input.entries).slice(0, 512),
        recordPathNeeded: !script.steps.some((s) => s.action === 'quorum-setup'),
      };
    case 'witness-sign':
    case 'seal':
      return { kind: 'witness-signatures', pending: pendingWitnesses };
    case 'restore-key': {
      const p = step.params;
      const pinned = p.fingerprint ? hashForPeople(p.fingerprint) : null;
      return {
        kind: 'restore',
        wrappedKeyFile: p.wrappedKeyFile,
        sharesFolder: p.sharesFolder,
        wrappedKeySha256: p.wrappedKeySha256 ?? null,
        fingerprint: pinned ? { hex: pinned.grouped, words: pinned.words } : null,
        keyType: p.type,
        label: p.label,
        role: p.role,
      };
    }
    case 'export-bundle':
      return exportInputsOf(step, input.entries);
    default:
      return { kind: 'none' };
  }
}

function exceptionOf(script: CeremonyScript, entries: readonly ChainEntry[], state: CeremonyState): CeremonyExceptionView | null {
  const open = state.openException;
  if (!open) return null;
  const found = entries.find((e) => e.entry.seq === open.seq);
  const step = open.step ? script.steps.find((s) => s.id === open.step) : undefined;
  return {
    seq: open.seq,
    step: open.step,
    code: open.code,
    reason: found?.entry.type === 'exception-opened' ? found.entry.data.reason : 'The exception entry could not be read.',
    at: found?.entry.at ?? '',
    skippable: !(step && (step.action === 'seal' || step.action === 'generate-ceremony-key')),
  };
}

function sealedOf(entries: readonly ChainEntry[], state: CeremonyState, finalize: FinalizeState): CeremonyView['sealed'] {
  if (!state.sealed) return null;
  const sealed = [...entries].reverse().find((e) => e.entry.type === 'sealed')!;
  const last = entries[entries.length - 1]!;
  return {
    finalHash: { hex: last.hash, words: hashForPeople(last.hash).words },
    sealedAt: sealed.entry.at,
    finalized: finalize.finalized,
    finalizeError: finalize.error,
    outputs: finalize.outputs.slice(0, 16),
  };
}

export function deriveCeremonyView(input: ViewInput): CeremonyView {
  const { script, entries } = input;
  const state = deriveState(script, entries);
  const next = state.sealed || state.aborted ? null : nextStep(state);
  const opened = entries[0]?.entry.type === 'ceremony-opened' ? entries[0].entry.data : null;
  const head = entries[entries.length - 1];
  const keys = keysOf(entries);
  const witness = witnessRequest({ script, entries, state, busy: input.busy });

  const steps: CeremonyStepView[] = script.steps.map((s, i) => ({
    id: s.id,
    index: i + 1,
    title: s.title,
    action: s.action,
    status: stepStatus(state, s.id),
    current: next?.id === s.id,
    irreversible: s.irreversible,
  }));

  let current: CeremonyStepCard | null = null;
  let reloginNeeded = false;
  if (next) {
    const step = script.steps.find((s) => s.id === next.id)!;
    const startedSeq = next.status === 'started' ? next.startedSeq : null;
    const attempt = startedSeq === null ? [] : entries.filter((e) => e.entry.seq > startedSeq);
    const checked = input.preconditions?.step === step.id ? input.preconditions.problems : null;
    const performed = input.performed.get(step.id);
    current = {
      id: step.id,
      index: next.index,
      title: step.title,
      instructions: (step.instructions ?? '').slice(0, 4000),
      action: step.action,
      status: stepStatus(state, step.id),
      started: startedSeq !== null,
      irreversible: step.irreversible,
      confirmationPhrase: step.irreversible ? confirmationPhrase(step) : null,
      confirmed: attempt.some((e) => e.entry.type === 'confirmation-typed' && e.entry.data.step === step.id),
      performed: performed !== undefined,
      result: performed ? summarizeData(performed) || 'checked' : null,
      preconditions: step.preconditions.map((p) => {
        const problem = checked?.get(p);
        return { id: p, label: PRECONDITION_LABELS[p] ?? p, holds: problem === undefined ? null : problem === null, problem: problem ?? null };
      }),
      acknowledgements: acknowledgementViews(script, step, entries, startedSeq),
      inputs: inputsFor(input, step, witness?.signers.filter((s) => !s.signed).map((s) => s.name) ?? []),
      keys: keys.filter((k) => startedSeq !== null && k.seq > startedSeq).map(({ seq: _seq, ...k }) => k),
      backup: step.action === 'backup-key' ? backupResultOf(performed) : null,
      restore: step.action === 'restore-key' && startedSeq !== null ? restoreResultOf(step, entries, performed) : null,
      exportResult: step.action === 'export-bundle' ? exportResultOf(performed) : null,
    };
    const loginDone = script.steps.some((s) => s.action === 'quorum-login' && state.steps.find((x) => x.id === s.id)?.status === 'done');
    const loginProblem = checked?.get('quorum-logged-in');
    reloginNeeded = loginDone && step.preconditions.includes('quorum-logged-in') && !state.openException && (!input.loggedIn || (loginProblem !== undefined && loginProblem !== null));
  }

  return {
    directory: input.directory,
    ceremonyId: script.ceremony.id,
    title: script.ceremony.title,
    kind: script.ceremony.kind,
    rehearsal: script.ceremony.rehearsal,
    scriptName: opened?.script.name ?? '',
    status: state.sealed ? 'sealed' : state.aborted ? 'aborted' : 'running',
    busy: input.busy,
    steps,
    current,
    quorum: quorumOf(input),
    activity: input.activity,
    exception: exceptionOf(script, entries, state),
    witness,
    airGap: {
      status: state.airGapStatus,
      overridden: state.airGapOverridden,
      canOverride: state.airGapStatus !== null && state.airGapStatus !== 'pass' && !state.airGapOverridden && !state.sealed && !state.aborted,
    },
    reloginNeeded,
    keys: keys.map(({ seq: _seq, ...k }) => k).slice(0, 64),
    sealed: sealedOf(entries, state, input.finalize),
    head: { seq: head?.entry.seq ?? 0, hash: head?.hash ?? '' },
  };
}
