// The ceremony engine: runs a parsed script as a state machine over the transcript.
// Every state change is an entry that is on disk (fsync) before a method resolves, and
// the state is always what the transcript proves (deriveState), so a crash loses
// nothing a caller was told had happened. Enforced live: order, preconditions, typed
// confirmations of irreversible steps, acknowledgements by role, each step's result
// checked before it is done, and failures held open as exceptions until someone
// resolves them (retry, skip with a justification, or abort).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { openTranscript, recoverTranscript, type Actor, type JsonObject, type Participant, type TranscriptWriter } from '../../transcript';
import { parseScript, type Action, type CeremonyScript, type ScriptStep } from '../script';
import { backupKey } from './backup-actions';
import type { ActionContext, EngineDeps } from './context';
import { engineError, failureOf, outOfOrder, preconditionNotMet } from './errors';
import { selfSignedCertificate } from './certificate-action';
import { exportBundle } from './export-bundle-action';
import { exportPublicKey, generateCeremonyKey, generateScriptKey, findKey, recordedKey } from './key-actions';
import { quorumLogin, quorumSetup } from './quorum-actions';
import { restoreKey, restorePinProblem } from './restore-actions';
import { checkRoom, confirmClock, findTokenSlot, recordTokenFacts } from './room-actions';
import { checkpoint, seal, witnessSign } from './signing-actions';
import { attemptEntries, deriveState, nextStep, type CeremonyState, type StepState } from './step-state';

export const TRANSCRIPT_FILE = 'transcript.jsonl';
export const SYSTEM_ACTOR: Actor = { role: 'system', name: 'conclave' };
/** Actions this engine does not perform; a script using them is refused before anything is written. Every action of the vocabulary is performed. */
export const UNSUPPORTED_ACTIONS: readonly Action[] = [];

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface ScriptSource {
  name: string;
  format: 'yaml' | 'json';
  text: string;
}

/** What a person answers at a step, for the engine's per-step checks. */
export interface StepAnswers {
  airGapOverride: string | null;
  clockConfirmed: boolean;
}

/** Refuses scripts this engine cannot run, before a transcript exists. */
export function assertRunnable(script: CeremonyScript): void {
  const unsupported = script.steps.filter((s) => (UNSUPPORTED_ACTIONS as readonly string[]).includes(s.action));
  if (unsupported.length > 0) {
    throw engineError(
      'ACTION_NOT_SUPPORTED',
      `This engine does not support the action${unsupported.length > 1 ? 's' : ''} ${[...new Set(unsupported.map((s) => s.action))].join(', ')} yet (step${unsupported.length > 1 ? 's' : ''} ${unsupported.map((s) => `"${s.id}"`).join(', ')}).`,
      'Remove those steps from the script (or run a template without them); nothing was written.',
    );
  }
  const bad = script.steps.find((s) => !SLUG.test(s.id));
  if (bad) {
    throw engineError('STEP_ID_NOT_RECORDABLE', `The step id "${bad.id}" cannot be recorded in a transcript.`, 'Use step ids of lower-case letters, digits and "-".');
  }
  const unpinned = script.steps.map(restorePinProblem).find((p) => p !== null);
  if (unpinned) {
    throw engineError(
      'RESTORE_NOT_PINNED',
      `This engine restores a key only from a pinned backup, and ${unpinned}.`,
      "Add the wrapped key file's SHA-256 (and, for a key pair, the public key's fingerprint) as the backup ceremony's transcript records them; nothing was written.",
    );
  }
}

function participantsOf(script: CeremonyScript): Participant[] {
  const { administrator, custodians, witnesses } = script.participants;
  return [
    { role: 'administrator', name: administrator.name },
    ...custodians.map((c): Participant => ({ role: 'custodian', name: c.name })),
    ...witnesses.map((w): Participant => ({ role: 'witness', name: w.name, keyFingerprint: w.key.fingerprint })),
  ];
}

/** The phrase a person types to confirm an irreversible step. */
export function confirmationPhrase(step: ScriptStep): string {
  return step.id;
}

export class CeremonyEngine {
  private loggedIn = false;
  private readonly results = new Map<string, JsonObject>();
  private slot: string | null = null;
  private readonly madeKeys = new Set<string>();

  private constructor(
    readonly deps: EngineDeps,
    readonly script: CeremonyScript,
    readonly writer: TranscriptWriter,
  ) {}

  get transcriptPath(): string {
    return join(this.deps.dir, TRANSCRIPT_FILE);
  }

  get admin(): Actor {
    return { role: 'administrator', name: this.script.participants.administrator.name };
  }

  /** Opens a new ceremony: creates the transcript (never over an existing one) and records ceremony-opened. */
  static async create(deps: EngineDeps, script: CeremonyScript, source: ScriptSource): Promise<CeremonyEngine> {
    assertRunnable(script);
    mkdirSync(deps.dir, { recursive: true });
    const writer = await openTranscript(join(deps.dir, TRANSCRIPT_FILE), { ceremonyId: script.ceremony.id, create: true, ...(deps.now ? { now: deps.now } : {}) });
    try {
      await writer.append('ceremony-opened', { role: 'administrator', name: script.participants.administrator.name }, {
        script: { name: source.name.slice(0, 256), format: source.format, sha256: createHash('sha256').update(source.text, 'utf8').digest('hex'), text: source.text },
        tool: { name: 'conclave', version: deps.toolVersion },
        rehearsal: script.ceremony.rehearsal,
        previousCeremonyFinalHash: script.ceremony.previousCeremonyFinalHash ?? null,
        participants: participantsOf(script),
      });
    } catch (error) {
      await writer.close();
      throw error;
    }
    return new CeremonyEngine(deps, script, writer);
  }

  /**
   * Reopens an unsealed ceremony after a crash: cuts a torn final entry (recording it),
   * re-reads the script from the transcript, re-checks the token without side effects,
   * and records `resumed` with what it found.
   */
  static async resume(deps: EngineDeps, expectedScriptSha256?: string): Promise<CeremonyEngine> {
    const path = join(deps.dir, TRANSCRIPT_FILE);
    if (!existsSync(path)) throw engineError('TRANSCRIPT_NOT_FOUND', `There is no transcript in ${deps.dir} to resume.`, 'Check the folder; a new ceremony needs an empty one.');
    const recovered = await recoverTranscript(path);
    if (recovered.sealed) throw engineError('CEREMONY_SEALED', `The ceremony in ${deps.dir} is sealed; there is nothing to resume.`, 'Verify it with `conclave verify`, or start a new ceremony in another folder.');
    const first = recovered.entries[0];
    if (!first || first.entry.type !== 'ceremony-opened') throw engineError('TRANSCRIPT_EMPTY', `The transcript in ${deps.dir} has no ceremony-opened entry.`, 'Start the ceremony again in an empty folder.');
    const opened = first.entry.data;
    if (expectedScriptSha256 && opened.script.sha256 !== expectedScriptSha256) {
      throw engineError('SCRIPT_CHANGED', `The script given is not the script this ceremony was opened with (sha256 ${opened.script.sha256.slice(0, 16)}…).`, 'Resume with the original script file (or without one: the transcript holds it).');
    }
    const script = parseScript(opened.script.text, { format: opened.script.format });
    assertRunnable(script);
    const writer = await openTranscript(path, { ceremonyId: first.entry.ceremonyId, ...(deps.now ? { now: deps.now } : {}) });
    const engine = new CeremonyEngine(deps, script, writer);
    try {
      if (recovered.cut) await writer.append('torn-entry-cut', SYSTEM_ACTOR, recovered.cut);
      const state = engine.state();
      if (state.aborted) throw engineError('CEREMONY_ABORTED', `The ceremony in ${deps.dir} was aborted; it cannot be resumed.`, 'Start a new ceremony in another folder.');
      const findings = await engine.inspectToken(state);
      const at = nextStep(state);
      await writer.append('resumed', SYSTEM_ACTOR, { lastSeq: recovered.head!.seq, lastHash: recovered.head!.hash, resumeAt: at?.id ?? null, findings });
    } catch (error) {
      await writer.close();
      throw error;
    }
    return engine;
  }

  /** Side-effect-free look at the token: is it present, and which of the script's keys are on it. */
  private async inspectToken(state: CeremonyState): Promise<JsonObject> {
    const findings: JsonObject = { tokenPresent: false, keys: [] };
    try {
      await findTokenSlot(this);
      findings.tokenPresent = true;
    } catch (error) {
      findings.tokenProblem = failureOf(error).reason;
      return findings;
    }
    const keys: JsonObject[] = [];
    for (const step of this.script.steps) {
      if (step.action !== 'generate-key' && step.action !== 'generate-ceremony-key' && step.action !== 'restore-key') continue;
      const label = step.params.label;
      const recorded = recordedKey(this.context(step), label);
      let onToken: string | null = null;
      try {
        const key = await findKey(this.context(step), label);
        onToken = key ? key.attributes.id : null;
      } catch (error) {
        // A search needs a login for private objects; an unlogged token shows none, which is said plainly.
        findings.searchProblem = failureOf(error).reason;
      }
      const status = state.steps.find((s) => s.id === step.id)?.status ?? 'pending';
      keys.push({ step: step.id, label, recorded: recorded !== null, status, seenWithoutLogin: onToken !== null });
    }
    findings.keys = keys;
    findings.note = 'Private keys are searched again after the quorum logs in; a key found for a step that started but did not complete is adopted, never generated again.';
    return findings;
  }

  state(): CeremonyState {
    return deriveState(this.script, this.writer.entries);
  }

  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  private stepNamed(id: string): ScriptStep {
    const step = this.script.steps.find((s) => s.id === id);
    if (!step) throw engineError('STEP_UNKNOWN', `The script has no step "${id}".`, `Choose one of: ${this.script.steps.map((s) => s.id).join(', ')}.`);
    return step;
  }

  private stepState(id: string): StepState {
    return this.state().steps.find((s) => s.id === id)!;
  }

  private async slotId(): Promise<string> {
    if (this.slot) return this.slot;
    this.slot = (await findTokenSlot(this)).slotId;
    return this.slot;
  }

  private context(step: ScriptStep): ActionContext {
    return {
      deps: this.deps,
      script: this.script,
      step,
      writer: this.writer,
      slotId: () => this.slotId(),
      attempt: () => attemptEntries(this.writer.entries, this.stepState(step.id).startedSeq),
      // Adopted only what a crashed attempt of this step, or an earlier attempt in this
      // process, made; a label found on the token otherwise is someone else's key.
      mayAdopt: (label) => this.interrupted(step.id) || this.madeKeys.has(label),
      keyMade: (label) => {
        this.madeKeys.add(label);
      },
      admin: this.admin,
      system: SYSTEM_ACTOR,
      setLoggedIn: (value) => {
        this.loggedIn = value;
      },
    };
  }

  /** Whether an attempt of this step was cut short by a crash: a resumed entry after its start. */
  private interrupted(id: string): boolean {
    let started = false;
    for (const { entry } of this.writer.entries) {
      if (entry.type === 'step-started' && entry.data.step === id) started = true;
      if (started && entry.type === 'resumed') return true;
    }
    return false;
  }

  private assertOpen(): CeremonyState {
    const state = this.state();
    if (state.sealed) throw engineError('CEREMONY_SEALED', 'The ceremony is sealed; nothing more happens in it.', 'Verify the folder; start a new ceremony for further work.');
    if (state.aborted) throw engineError('CEREMONY_ABORTED', 'The ceremony was aborted.', 'Start a new ceremony in another folder.');
    if (state.openException) {
      throw engineError('EXCEPTION_OPEN', `An exception (entry ${state.openException.seq}${state.openException.step ? `, step "${state.openException.step}"` : ''}) is open.`, 'Resolve it first: retry, skip with a justification, or abort.');
    }
    return state;
  }

  /** Why a precondition does not hold now, or null when it holds. */
  async preconditionProblem(precondition: string): Promise<string | null> {
    const state = this.state();
    switch (precondition) {
      case 'hsm-present':
        try {
          this.slot = null;
          await this.slotId();
          return null;
        } catch (error) {
          return failureOf(error).reason;
        }
      case 'air-gap':
        if (state.airGapOverridden) return null;
        if (state.airGapStatus === 'pass') return null;
        return state.airGapStatus === null ? 'the room has not been checked' : `the air-gap check reported "${state.airGapStatus}" and no override was recorded`;
      case 'clock-utc':
        return state.clockConfirmed ? null : 'the administrator has not confirmed the clock as UTC';
      case 'quorum-logged-in': {
        if (!this.loggedIn) return 'no quorum has logged in to the token in this session';
        const session = await this.deps.hsm.sessionState(await this.slotId());
        return session.loggedIn === 'user' ? null : 'the token is no longer logged in';
      }
      default:
        return `unknown precondition ${precondition}`;
    }
  }

  /** Starts a step: refuses a step out of order, or one whose preconditions do not hold. A step already started (after a resume) continues. */
  async startStep(id: string): Promise<void> {
    const step = this.stepNamed(id);
    const state = this.assertOpen();
    const next = nextStep(state);
    const mine = state.steps.find((s) => s.id === id)!;
    if (mine.status === 'done' || mine.status === 'skipped') {
      throw engineError('STEP_ALREADY_DONE', `The step "${id}" is already ${mine.status}.`, next ? `Continue with "${next.id}".` : 'Every step is done.');
    }
    if (!next || next.id !== id) throw outOfOrder(id, next!.id);
    for (const p of step.preconditions) {
      const problem = await this.preconditionProblem(p);
      if (problem) throw preconditionNotMet(id, p, problem);
    }
    if (mine.status === 'started') return;
    await this.writer.append('step-started', this.admin, { step: id, index: mine.index, title: step.title.slice(0, 256) });
    this.deps.afterEntry?.(id, 'started');
  }

  private assertStarted(id: string): ScriptStep {
    const step = this.stepNamed(id);
    this.assertOpen();
    if (this.stepState(id).status !== 'started') {
      const next = nextStep(this.state());
      throw next && next.id !== id ? outOfOrder(id, next.id) : engineError('STEP_NOT_STARTED', `The step "${id}" has not been started.`, 'Start it first.');
    }
    return step;
  }

  /** Whether the current attempt of a step already has its typed confirmation. */
  confirmed(id: string): boolean {
    const startedSeq = this.stepState(id).startedSeq;
    return this.writer.entries.some((e) => e.entry.seq > (startedSeq ?? Infinity) && e.entry.type === 'confirmation-typed' && e.entry.data.step === id);
  }

  /** Records the typed confirmation of an irreversible step; the phrase must be exactly the one asked for. */
  async confirm(id: string, typed: string): Promise<void> {
    const step = this.assertStarted(id);
    const expected = confirmationPhrase(step);
    if (typed !== expected) {
      throw engineError('CONFIRMATION_MISMATCH', `The confirmation typed for "${id}" is not the phrase asked for.`, `Type exactly: ${expected}`);
    }
    if (this.confirmed(id)) return;
    await this.writer.append('confirmation-typed', this.admin, { step: id, subject: `${step.title}${step.irreversible ? ' (irreversible)' : ''}`.slice(0, 512), phrase: expected });
  }

  /** Records that a participant acknowledged the current attempt of a step. */
  async acknowledge(id: string, role: 'administrator' | 'custodian' | 'witness', name: string): Promise<void> {
    this.assertStarted(id);
    const listed =
      role === 'administrator'
        ? this.script.participants.administrator.name === name
        : role === 'custodian'
          ? this.script.participants.custodians.some((c) => c.name === name)
          : this.script.participants.witnesses.some((w) => w.name === name);
    if (!listed) throw engineError('NOT_A_PARTICIPANT', `${name} is not a ${role} of this ceremony.`, 'Only listed participants acknowledge steps.');
    if (this.acknowledgedBy(id).some((a) => a.role === role && a.name === name)) return;
    await this.writer.append('step-acknowledged', { role, name }, { step: id, role, name });
  }

  private acknowledgedBy(id: string): Array<{ role: string; name: string }> {
    const startedSeq = this.stepState(id).startedSeq ?? Infinity;
    return this.writer.entries.filter((e) => e.entry.seq > startedSeq && e.entry.type === 'step-acknowledged' && e.entry.data.step === id).map((e) => e.entry.data as { role: string; name: string });
  }

  /** Acknowledgements the step still needs: [role, how many more]. */
  missingAcknowledgements(id: string): Array<{ role: 'administrator' | 'custodian' | 'witness'; missing: number }> {
    const step = this.stepNamed(id);
    const have = this.acknowledgedBy(id);
    const out: Array<{ role: 'administrator' | 'custodian' | 'witness'; missing: number }> = [];
    for (const ack of step.acknowledgements) {
      const role = ack.role === 'administrator' ? 'administrator' : ack.role === 'custodians' ? 'custodian' : 'witness';
      const total = role === 'administrator' ? 1 : role === 'custodian' ? this.script.participants.custodians.length : this.script.participants.witnesses.length;
      const needed = ack.role === 'administrator' ? 1 : ack.count === 'all' ? total : Math.min(ack.count, total);
      const got = have.filter((a) => a.role === role).length;
      if (got < needed) out.push({ role, missing: needed - got });
    }
    return out;
  }

  /**
   * Performs the step's action and checks its result. A failure opens an exception
   * (recorded) and rethrows; nothing continues until it is resolved.
   */
  async perform(id: string, answers: StepAnswers): Promise<JsonObject> {
    const step = this.assertStarted(id);
    if (step.irreversible && !this.confirmed(id)) {
      throw engineError('CONFIRMATION_REQUIRED', `The step "${id}" is irreversible and needs a typed confirmation before it runs.`, `Type exactly: ${confirmationPhrase(step)}`);
    }
    if (step.action === 'seal') {
      const missing = this.missingAcknowledgements(id);
      if (missing.length > 0) throw this.acksMissing(id, missing);
    }
    let result: JsonObject;
    try {
      result = await this.runAction(step, answers);
    } catch (error) {
      if (DomainError.is(error) && error.code.startsWith('TRANSCRIPT_')) throw error;
      const failure = failureOf(error);
      const opened = await this.writer.append('exception-opened', SYSTEM_ACTOR, { step: id, code: failure.code, reason: failure.reason });
      throw engineError('STEP_FAILED', `The step "${id}" failed; exception entry ${opened.entry.seq} is open: ${failure.reason}`.slice(0, 2000), 'Resolve the exception: retry, skip with a justification, or abort.', failure.code ?? undefined);
    }
    this.results.set(id, result);
    if (step.action === 'seal') this.deps.afterEntry?.(id, 'completed');
    return result;
  }

  private acksMissing(id: string, missing: Array<{ role: string; missing: number }>): DomainError {
    return engineError('ACKNOWLEDGEMENTS_MISSING', `The step "${id}" still needs acknowledgements: ${missing.map((m) => `${m.missing} ${m.role}${m.missing > 1 ? 's' : ''}`).join(', ')}.`, 'The named people acknowledge the step, then it can be completed.');
  }

  private async runAction(step: ScriptStep, answers: StepAnswers): Promise<JsonObject> {
    const ctx = this.context(step);
    switch (step.action) {
      case 'check-room':
        return checkRoom(ctx, answers.airGapOverride);
      case 'confirm-clock-utc':
        return confirmClock(ctx, answers.clockConfirmed);
      case 'record-token-facts':
        return recordTokenFacts(ctx);
      case 'quorum-setup':
        return quorumSetup(ctx, step);
      case 'quorum-login':
        return quorumLogin(ctx);
      case 'generate-ceremony-key':
        return generateCeremonyKey(ctx, step);
      case 'generate-key':
        return generateScriptKey(ctx, step);
      case 'export-public-key':
        return exportPublicKey(ctx, step);
      case 'backup-key':
        return backupKey(ctx, step);
      case 'restore-key':
        return restoreKey(ctx, step);
      case 'export-bundle':
        return exportBundle(ctx, step);
      case 'checkpoint':
        return checkpoint(ctx);
      case 'witness-sign':
        return witnessSign(ctx, step);
      case 'seal':
        return seal(ctx);
      case 'self-signed-certificate':
        return selfSignedCertificate(ctx, step);
      case 'note':
        return { note: step.params.text };
      default: {
        const unknown: { action: string } = step;
        throw engineError('ACTION_NOT_SUPPORTED', `This engine does not support the action ${unknown.action}.`, 'Remove the step from the script.');
      }
    }
  }

  /** Marks a performed step done after its acknowledgements; its result is recorded in step-completed. */
  async complete(id: string): Promise<void> {
    const step = this.assertStarted(id);
    if (step.action === 'seal') throw engineError('SEAL_COMPLETES_ITSELF', 'The seal step is done when the transcript is sealed.', 'Perform the seal step.');
    const result = this.results.get(id);
    if (!result) throw engineError('STEP_NOT_PERFORMED', `The step "${id}" has not been performed (or its result was checked before a restart).`, 'Perform the step; its result is checked before it is done.');
    const missing = this.missingAcknowledgements(id);
    if (missing.length > 0) throw this.acksMissing(id, missing);
    await this.writer.append('step-completed', this.admin, { step: id, result });
    this.results.delete(id);
    this.deps.afterEntry?.(id, 'completed');
  }

  /** Opens an exception for a step that cannot start (a precondition) or a failure outside any step. */
  async openException(step: string | null, error: unknown): Promise<number> {
    const failure = failureOf(error);
    const opened = await this.writer.append('exception-opened', SYSTEM_ACTOR, { step, code: failure.code, reason: failure.reason });
    return opened.entry.seq;
  }

  /** Resolves the open exception: retry, skip (with a justification), or abort. Recorded with who decided. */
  async resolveException(resolution: 'retry' | 'skip' | 'abort', justification: string | null, by: Actor = this.admin): Promise<void> {
    const open = this.state().openException;
    if (!open) throw engineError('NO_OPEN_EXCEPTION', 'There is no open exception to resolve.', 'Continue with the next step.');
    if (resolution === 'skip' && !justification) throw engineError('JUSTIFICATION_REQUIRED', 'Skipping a step needs a written justification.', 'Write why the step may be left out.');
    if (resolution === 'skip') {
      const step = open.step ? this.script.steps.find((s) => s.id === open.step) : undefined;
      if (step && (step.action === 'seal' || step.action === 'generate-ceremony-key')) {
        throw engineError('STEP_NOT_SKIPPABLE', `The step "${step.id}" cannot be skipped: a ceremony without it cannot be verified.`, 'Retry it, or abort the ceremony.');
      }
    }
    if (by.role === 'system') throw engineError('DECIDER_REQUIRED', 'An exception is resolved by a participant, not by the system.', 'The administrator decides.');
    await this.writer.append('exception-resolved', by, { exception: open.seq, resolution, justification, by: { role: by.role, name: by.name } });
  }

  /** Records an air-gap override with its reason (the air-gap precondition then holds). */
  async overrideAirGap(reason: string): Promise<void> {
    const state = this.state();
    if (state.airGapOverridden) return;
    if (state.airGapStatus === null) throw engineError('ROOM_NOT_CHECKED', 'The room has not been checked yet; an override needs the check it overrides.', 'Run the check-room step first.');
    await this.writer.append('air-gap-override', this.admin, { failedChecks: ['air-gap'], reason });
  }

  /** After a resume the token's login is gone: the quorum logs in again, recorded as quorum-established. */
  async relogin(): Promise<void> {
    const loginStep = this.script.steps.find((s) => s.action === 'quorum-login');
    if (!loginStep) return;
    await quorumLogin({ ...this.context(loginStep), attempt: () => [] });
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
