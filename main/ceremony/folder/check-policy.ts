// Did the ceremony follow its script? Read off a verified transcript: every step was
// completed (or skipped through an exception resolved "skip" with a justification), in
// the script's order; the acknowledgements the step requires by role came before it was
// done; an irreversible step had its typed confirmation; the preconditions were
// recorded before the step started; every exception was resolved.
import type { CeremonyScript, ScriptStep } from '../script/index';
import type { ChainEntry, EntryOf, EntryType } from '../../transcript/index';

export interface PolicyProblem {
  entrySeq: number;
  entryType: string;
  line: number;
  reason: string;
}

/** How each step ended, as the report prints it. */
export interface StepOutcome {
  step: ScriptStep;
  index: number;
  started: ChainEntry[];
  acknowledgements: Array<EntryOf<'step-acknowledged'> & { seqAt: number }>;
  /** The step-completed entry (or, for the seal step, the sealed entry), or the skip resolution. */
  done: { kind: 'completed' | 'skipped'; entry: ChainEntry; justification?: string } | null;
}

type Typed<T extends EntryType> = { chained: ChainEntry; entry: EntryOf<T> };

function ofType<T extends EntryType>(entries: readonly ChainEntry[], type: T): Array<Typed<T>> {
  return entries.filter((c) => c.entry.type === type).map((c) => ({ chained: c, entry: c.entry as EntryOf<T> }));
}

export function stepOutcomes(script: CeremonyScript, entries: readonly ChainEntry[]): StepOutcome[] {
  const started = ofType(entries, 'step-started');
  const acks = ofType(entries, 'step-acknowledged');
  const completed = ofType(entries, 'step-completed');
  const opened = ofType(entries, 'exception-opened');
  const resolved = ofType(entries, 'exception-resolved');
  const sealed = entries[entries.length - 1]?.entry.type === 'sealed' ? entries[entries.length - 1]! : null;
  return script.steps.map((step, i) => {
    const starts = started.filter((s) => s.entry.data.step === step.id).map((s) => s.chained);
    let done: StepOutcome['done'] = null;
    const completion = completed.find((c) => c.entry.data.step === step.id);
    if (completion) done = { kind: 'completed', entry: completion.chained };
    else if (step.action === 'seal' && sealed) done = { kind: 'completed', entry: sealed };
    else {
      for (const exception of opened.filter((o) => o.entry.data.step === step.id)) {
        const skip = resolved.find((r) => r.entry.data.exception === exception.entry.seq && r.entry.data.resolution === 'skip');
        if (skip) {
          done = { kind: 'skipped', entry: skip.chained, justification: skip.entry.data.justification ?? '' };
          break;
        }
      }
    }
    const until = done?.entry.entry.seq ?? Number.MAX_SAFE_INTEGER;
    const acknowledgements = acks.filter((a) => a.entry.data.step === step.id && a.entry.seq < until).map((a) => ({ ...a.entry, seqAt: a.entry.seq }));
    return { step, index: i + 1, started: starts, acknowledgements, done };
  });
}

const at = (c: ChainEntry, reason: string): PolicyProblem => ({ entrySeq: c.entry.seq, entryType: c.entry.type, line: c.line, reason });

function ackProblem(outcome: StepOutcome, script: CeremonyScript): string | null {
  const { step } = outcome;
  const names = (role: 'administrator' | 'custodian' | 'witness') => new Set(outcome.acknowledgements.filter((a) => a.data.role === role).map((a) => a.data.name));
  for (const required of step.acknowledgements) {
    if (required.role === 'administrator') {
      if (!names('administrator').has(script.participants.administrator.name)) return `step "${step.id}" was done without the administrator's acknowledgement`;
      continue;
    }
    const listed = required.role === 'custodians' ? script.participants.custodians.map((c) => c.name) : script.participants.witnesses.map((w) => w.name);
    const given = names(required.role === 'custodians' ? 'custodian' : 'witness');
    const acknowledged = listed.filter((n) => given.has(n));
    const needed = required.count === 'all' ? listed.length : required.count;
    if (acknowledged.length < needed) {
      const missing = listed.filter((n) => !given.has(n));
      return `step "${step.id}" was done with ${acknowledged.length} of the ${needed} ${required.role}' acknowledgements it requires (not acknowledged: ${missing.join(', ')})`;
    }
  }
  return null;
}

function preconditionProblem(outcome: StepOutcome, entries: readonly ChainEntry[], start: ChainEntry, doneSeq: number): string | null {
  const before = (type: EntryType, limit: number) => entries.filter((c) => c.entry.type === type && c.entry.seq < limit);
  const startSeq = start.entry.seq;
  for (const condition of outcome.step.preconditions) {
    if (condition === 'clock-utc') {
      if (before('clock-confirmed', startSeq).length === 0) return `step "${outcome.step.id}" started without the administrator confirming the clock as UTC before it (precondition clock-utc)`;
    } else if (condition === 'air-gap') {
      const rooms = before('room-checked', startSeq).map((c) => c.entry as EntryOf<'room-checked'>);
      const latest = rooms[rooms.length - 1];
      // The engine's rule: the room check's "air-gap" item passed (or, without one, the room was ready), or an override was recorded.
      const airGap = latest?.data.checks.find((c) => c.id === 'air-gap');
      const held = latest ? (airGap ? airGap.status === 'pass' : latest.data.ready) : false;
      const overridden = before('air-gap-override', startSeq).length > 0;
      if (!(held || overridden)) {
        return `step "${outcome.step.id}" started without a room check that held or an air-gap override with a reason before it (precondition air-gap)`;
      }
    } else if (condition === 'quorum-logged-in') {
      const logins = before('quorum-established', startSeq).filter((c) => (c.entry as EntryOf<'quorum-established'>).data.purpose === 'login');
      if (logins.length === 0) return `step "${outcome.step.id}" started without a quorum login recorded before it (precondition quorum-logged-in)`;
    } else if (condition === 'hsm-present') {
      if (before('token-facts', doneSeq).length === 0) return `step "${outcome.step.id}" was done without the HSM token's facts recorded (precondition hsm-present)`;
    }
  }
  return null;
}

/** Every way the transcript departs from its script, in transcript order (empty when the policy held). */
export function checkPolicy(script: CeremonyScript, entries: readonly ChainEntry[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const sealed = entries[entries.length - 1]!;
  const outcomes = stepOutcomes(script, entries);
  let previousDone: ChainEntry | null = null;
  let previousId: string | null = null;
  for (const outcome of outcomes) {
    const { step, done } = outcome;
    for (const start of outcome.started) {
      const data = (start.entry as EntryOf<'step-started'>).data;
      if (data.index !== outcome.index) problems.push(at(start, `step "${step.id}" is step ${outcome.index} of the script, but was started as step ${data.index}`));
    }
    const firstStart = outcome.started[0];
    if (firstStart && previousDone === null && previousId !== null) {
      problems.push(at(firstStart, `step "${step.id}" started although step "${previousId}" before it was never done`));
    } else if (firstStart && previousDone && firstStart.entry.seq < previousDone.entry.seq) {
      problems.push(at(firstStart, `step "${step.id}" started before step "${previousId}" before it was done (entry ${previousDone.entry.seq})`));
    }
    if (!done) {
      problems.push(at(sealed, `step ${outcome.index} "${step.id}" (${step.action}) was neither completed nor skipped with a justification`));
    } else if (done.kind === 'completed') {
      const start = [...outcome.started].reverse().find((s) => s.entry.seq < done.entry.entry.seq);
      if (!start) problems.push(at(done.entry, `step "${step.id}" was completed without being started`));
      else {
        const precondition = preconditionProblem(outcome, entries, start, done.entry.entry.seq);
        if (precondition) problems.push(at(start, precondition));
      }
      const ack = ackProblem(outcome, script);
      if (ack) problems.push(at(done.entry, ack));
      if (step.irreversible) {
        const confirmed = entries.some((c) => c.entry.type === 'confirmation-typed' && (c.entry as EntryOf<'confirmation-typed'>).data.step === step.id && c.entry.seq < done.entry.entry.seq);
        if (!confirmed) problems.push(at(done.entry, `step "${step.id}" is irreversible but no typed confirmation for it was recorded before it was done`));
      }
    }
    previousDone = done?.entry ?? null;
    previousId = step.id;
  }
  const resolvedIds = new Set(entries.filter((c) => c.entry.type === 'exception-resolved').map((c) => (c.entry as EntryOf<'exception-resolved'>).data.exception));
  for (const c of entries) {
    if (c.entry.type === 'exception-opened' && !resolvedIds.has(c.entry.seq)) problems.push(at(c, 'the exception was never resolved (retry, skip with a justification, or abort)'));
  }
  return problems.sort((a, b) => a.entrySeq - b.entrySeq);
}
