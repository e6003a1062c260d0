// The unattended runner: drives the engine through a script with an answers file standing
// in for the people in the room. It never decides anything the answers do not say: a
// missing confirmation or acknowledgement stops the run (the transcript stays open and
// can be resumed), and an exception is resolved only as the answers direct (default abort).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { readTranscript } from '../../transcript';
import type { Actor, EntryData } from '../../transcript';
import type { CeremonyScript, ScriptStep } from '../script';
import type { Answers } from './answers';
import type { EngineDeps } from './context';
import { CeremonyEngine, confirmationPhrase, TRANSCRIPT_FILE, type ScriptSource } from './engine';
import { engineError } from './errors';
import { nextStep } from './step-state';

export interface RunOptions {
  deps: EngineDeps;
  answers: Answers;
  /** A new ceremony: the script and its source text. Absent to resume the one in deps.dir. */
  start?: { script: CeremonyScript; source: ScriptSource };
  /** When resuming with a script file: its SHA-256, which must be the transcript's. */
  expectedScriptSha256?: string;
  /** Progress lines for the terminal (never secrets). */
  log?: (line: string) => void;
}

export interface RunOutcome {
  status: 'sealed' | 'aborted' | 'finished-unsealed';
  transcriptPath: string;
  ceremonyId: string;
  /** Hash of the sealed entry, when sealed. */
  finalHash: string | null;
  keys: Array<EntryData<'key-generated'>>;
  resumed: boolean;
}

type Role = 'administrator' | 'custodian' | 'witness';

function pinsRefused() {
  return engineError('PINS_ONLY_FOR_REHEARSAL', 'The answers hold token PINs, but this ceremony is not a rehearsal; a PIN is never kept in a file for a real token.', 'Remove "rehearsalToken" from the answers; the quorum logs in to real tokens.');
}

function whoAcknowledges(script: CeremonyScript, step: ScriptStep, answers: Answers, missing: Array<{ role: Role; missing: number }>): Array<{ role: Role; name: string }> {
  const named = answers.acknowledgements[step.id];
  const roleOf = (name: string): Role | null =>
    script.participants.administrator.name === name ? 'administrator' : script.participants.custodians.some((c) => c.name === name) ? 'custodian' : script.participants.witnesses.some((w) => w.name === name) ? 'witness' : null;
  if (named) {
    return named.map((name) => {
      const role = roleOf(name);
      if (!role) throw engineError('ANSWERS_INVALID', `The answers name ${name} as acknowledging "${step.id}", but ${name} is not a participant.`, 'Name participants of the script.');
      return { role, name };
    });
  }
  if (!answers.acknowledgeAll) {
    throw engineError(
      'ACKNOWLEDGEMENTS_MISSING',
      `The step "${step.id}" needs acknowledgements (${missing.map((m) => `${m.missing} ${m.role}`).join(', ')}) and the answers give none.`,
      `Add "acknowledgements": {"${step.id}": [names]} or "acknowledgeAll": true to the answers, then resume.`,
    );
  }
  const out: Array<{ role: Role; name: string }> = [];
  for (const m of missing) {
    const names =
      m.role === 'administrator' ? [script.participants.administrator.name] : m.role === 'custodian' ? script.participants.custodians.map((c) => c.name) : script.participants.witnesses.map((w) => w.name);
    for (const name of names) out.push({ role: m.role, name });
  }
  return out;
}

/** A sealed ceremony's outcome, read from its transcript (a run that died after `sealed`, before the folder was finalized). */
export async function sealedOutcome(dir: string): Promise<RunOutcome | null> {
  const path = join(dir, TRANSCRIPT_FILE);
  if (!existsSync(path)) return null;
  let contents: Awaited<ReturnType<typeof readTranscript>>;
  try {
    contents = await readTranscript(path);
  } catch {
    // Torn or damaged: not a finished ceremony; the resume's recovery reports it precisely.
    return null;
  }
  if (!contents.sealed) return null;
  const entries = contents.entries;
  return {
    status: 'sealed',
    transcriptPath: path,
    ceremonyId: contents.ceremonyId ?? '',
    finalHash: entries[entries.length - 1]!.hash,
    keys: entries.filter((e) => e.entry.type === 'key-generated').map((e) => e.entry.data as EntryData<'key-generated'>),
    resumed: true,
  };
}

/** Refuses answers naming steps the script does not have (a typo would otherwise go unnoticed). */
function checkAnswerSteps(script: CeremonyScript, answers: Answers): void {
  const ids = new Set(script.steps.map((s) => s.id));
  for (const [field, map] of [['confirmations', answers.confirmations], ['acknowledgements', answers.acknowledgements], ['onException', answers.onException], ['media', answers.media]] as const) {
    const unknown = Object.keys(map).find((id) => !ids.has(id));
    if (unknown) throw engineError('ANSWERS_INVALID', `The answers name a step "${unknown}" in ${field}, but the script has no such step.`, `Use step ids of the script: ${[...ids].join(', ')}.`);
  }
}

export async function runCeremony(options: RunOptions): Promise<RunOutcome> {
  const { deps, answers } = options;
  const log = options.log ?? (() => undefined);
  if (options.start && !options.start.script.ceremony.rehearsal && (answers.rehearsalToken || answers.rehearsalRecipient)) throw pinsRefused();
  if (options.start) checkAnswerSteps(options.start.script, answers);
  const engine = options.start ? await CeremonyEngine.create(deps, options.start.script, options.start.source) : await CeremonyEngine.resume(deps, options.expectedScriptSha256);
  const { script } = engine;
  if (!script.ceremony.rehearsal && (answers.rehearsalToken || answers.rehearsalRecipient)) {
    await engine.close();
    throw pinsRefused();
  }
  try {
    checkAnswerSteps(script, answers);
  } catch (error) {
    await engine.close();
    throw error;
  }
  if (!options.start) log(`Resumed the ceremony ${script.ceremony.id} in ${deps.dir}.`);
  const retries = new Map<string, number>();
  const admin: Actor = { role: 'administrator', name: script.participants.administrator.name };

  const decide = async (stepId: string | null): Promise<void> => {
    const rule = stepId ? answers.onException[stepId] : undefined;
    let resolution = rule?.resolution ?? 'abort';
    if (resolution === 'retry' && stepId) {
      const used = retries.get(stepId) ?? 0;
      if (used >= (rule?.attempts ?? 1)) resolution = 'abort';
      else retries.set(stepId, used + 1);
    }
    log(`  exception at ${stepId ?? '(no step)'}: ${resolution}`);
    await engine.resolveException(resolution, resolution === 'skip' ? (rule?.justification ?? null) : null, admin);
  };

  try {
    for (;;) {
      const state = engine.state();
      if (state.sealed || state.aborted) break;
      if (state.openException) {
        await decide(state.openException.step);
        continue;
      }
      const next = nextStep(state);
      if (!next) break;
      const step = script.steps.find((s) => s.id === next.id)!;
      const loginDone = state.steps.some((s) => s.status === 'done' && script.steps.find((x) => x.id === s.id)?.action === 'quorum-login');
      if (loginDone && !engine.isLoggedIn && step.preconditions.includes('quorum-logged-in')) {
        log('  the quorum logs in again (the login did not survive the restart)');
        await engine.relogin();
      }
      try {
        await engine.startStep(step.id);
      } catch (error) {
        if (DomainError.is(error) && error.code === 'PRECONDITION_NOT_MET') {
          log(`  ${error.message}`);
          await engine.openException(step.id, error);
          continue;
        }
        throw error;
      }
      log(`${next.index}. ${step.title}`);
      if (step.irreversible && !engine.confirmed(step.id)) {
        const phrase = answers.confirmations[step.id] ?? (answers.confirmAll ? confirmationPhrase(step) : null);
        if (phrase === null) {
          throw engineError('CONFIRMATION_REQUIRED', `The step "${step.id}" is irreversible and the answers give no typed confirmation for it.`, `Add "confirmations": {"${step.id}": "${confirmationPhrase(step)}"} (or "confirmAll": true) to the answers, then resume.`);
        }
        await engine.confirm(step.id, phrase);
      }
      const acknowledge = async () => {
        const missing = engine.missingAcknowledgements(step.id);
        if (missing.length === 0) return;
        for (const a of whoAcknowledges(script, step, answers, missing)) await engine.acknowledge(step.id, a.role, a.name);
      };
      if (step.action === 'seal') await acknowledge();
      try {
        await engine.perform(step.id, { airGapOverride: answers.airGapOverride?.reason ?? null, clockConfirmed: answers.confirmClockUtc || answers.confirmAll });
      } catch (error) {
        if (DomainError.is(error) && error.code === 'STEP_FAILED') {
          log(`  failed: ${error.message}`);
          continue;
        }
        throw error;
      }
      if (step.action === 'seal') break;
      await acknowledge();
      await engine.complete(step.id);
    }
    const state = engine.state();
    const entries = engine.writer.entries;
    const keys = entries.filter((e) => e.entry.type === 'key-generated').map((e) => e.entry.data as EntryData<'key-generated'>);
    return {
      status: state.sealed ? 'sealed' : state.aborted ? 'aborted' : 'finished-unsealed',
      transcriptPath: engine.transcriptPath,
      ceremonyId: script.ceremony.id,
      finalHash: state.sealed ? entries[entries.length - 1]!.hash : null,
      keys,
      resumed: !options.start,
    };
  } finally {
    await engine.close();
  }
}
