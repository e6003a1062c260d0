// Rules over the order and shape of the steps: unique ids; one seal, last; one ceremony
// key, generated before anything it signs; the ceremony's kind has its defining step;
// preconditions include what each action requires and can be met by an earlier step;
// acknowledgements and signer counts fit the people listed.
import type { PathProblem } from './problems';
import type { CeremonyInfo, Participants, ScriptStep } from './schema';
import { KIND_REQUIRES, REQUIRED_PRECONDITIONS, type Action, type Count } from './vocabulary';

/** `steps[4] ("root-key")`: how a message points at another step. */
export function stepRef(steps: readonly ScriptStep[], index: number): string {
  return `steps[${index}] ("${steps[index]!.id}")`;
}

const indexesOf = (steps: readonly ScriptStep[], action: Action) => steps.flatMap((s, i) => (s.action === action ? [i] : []));

function idProblems(steps: readonly ScriptStep[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const seen = new Map<string, number>();
  steps.forEach((step, i) => {
    const key = step.id.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ path: ['steps', i, 'id'], message: `the step id "${step.id}" is already used by ${stepRef(steps, earlier)}; step ids must be unique (letter case does not count)` });
    else seen.set(key, i);
  });
  return problems;
}

function orderProblems(steps: readonly ScriptStep[], ceremony: CeremonyInfo | undefined): PathProblem[] {
  const problems: PathProblem[] = [];
  const last = steps.length - 1;
  const seals = indexesOf(steps, 'seal');
  if (seals.length === 0) problems.push({ path: ['steps'], message: 'the last step must be a seal step; there is none' });
  for (const i of seals) {
    if (i !== last) problems.push({ path: ['steps', i, 'action'], message: `a seal step must be the last step; this is step ${i + 1} of ${steps.length}` });
  }

  const keys = indexesOf(steps, 'generate-ceremony-key');
  if (keys.length === 0) {
    problems.push({ path: ['steps'], message: 'every ceremony needs a generate-ceremony-key step: its key signs the checkpoints and the seal' });
  }
  for (const i of keys.slice(1)) {
    problems.push({ path: ['steps', i, 'action'], message: `a ceremony has one ceremony key, and ${stepRef(steps, keys[0]!)} already generates it` });
  }
  if (keys.length > 0) {
    steps.forEach((step, i) => {
      if ((step.action === 'checkpoint' || step.action === 'seal') && i < keys[0]!) {
        problems.push({ path: ['steps', i, 'action'], message: `a ${step.action} is signed by the ceremony key, which ${stepRef(steps, keys[0]!)} generates later; move this step after it` });
      }
    });
  }

  for (const action of ['quorum-setup', 'quorum-login'] as const) {
    const found = indexesOf(steps, action);
    for (const i of found.slice(1)) problems.push({ path: ['steps', i, 'action'], message: `a ceremony has at most one ${action} step, and ${stepRef(steps, found[0]!)} is one` });
  }

  const checkpoints = indexesOf(steps, 'checkpoint');
  for (const i of indexesOf(steps, 'witness-sign')) {
    if (!checkpoints.some((c) => c < i)) problems.push({ path: ['steps', i, 'action'], message: 'witnesses sign the latest checkpoint, and no checkpoint step comes before this one; add one' });
  }

  if (ceremony) {
    const required = KIND_REQUIRES[ceremony.kind];
    if (required !== null && indexesOf(steps, required).length === 0) {
      problems.push({ path: ['ceremony', 'kind'], message: `a ${ceremony.kind} ceremony needs a ${required} step; add one, or use the kind "custom"` });
    }
  }
  return problems;
}

/** Which earlier step establishes a precondition; hsm-present and air-gap are checked live, not established. */
const ESTABLISHED_BY: Partial<Record<string, Action>> = { 'quorum-logged-in': 'quorum-login', 'clock-utc': 'confirm-clock-utc' };

function preconditionProblems(steps: readonly ScriptStep[]): PathProblem[] {
  const problems: PathProblem[] = [];
  steps.forEach((step, i) => {
    const listed = step.preconditions;
    listed.forEach((p, k) => {
      if (listed.indexOf(p) !== k) problems.push({ path: ['steps', i, 'preconditions', k], message: `${p} is listed twice` });
    });
    const missing = REQUIRED_PRECONDITIONS[step.action].filter((p) => !listed.includes(p));
    if (missing.length > 0) {
      problems.push({
        path: ['steps', i, 'preconditions'],
        message: `a ${step.action} step requires ${REQUIRED_PRECONDITIONS[step.action].join(', ')}; missing ${missing.join(', ')} (leave preconditions out to get the defaults)`,
      });
    }
    listed.forEach((p, k) => {
      const by = ESTABLISHED_BY[p];
      if (by !== undefined && listed.indexOf(p) === k && !steps.slice(0, i).some((s) => s.action === by)) {
        problems.push({ path: ['steps', i, 'preconditions', k], message: `${p} needs a ${by} step before this one, and none comes before step ${i + 1}` });
      }
    });
  });
  return problems;
}

function countProblem(value: Count, available: number, who: { one: string; many: string }): string | null {
  if (value === 'all' || value <= available) return null;
  return `there ${available === 1 ? 'is' : 'are'} only ${available} ${available === 1 ? who.one : who.many}; expected "all" or at most ${available}`;
}

const WITNESS = { one: 'witness', many: 'witnesses' };
const CUSTODIAN = { one: 'custodian', many: 'custodians' };

function peopleProblems(steps: readonly ScriptStep[], participants: Participants): PathProblem[] {
  const problems: PathProblem[] = [];
  const witnesses = participants.witnesses.length;
  const custodians = participants.custodians.length;
  steps.forEach((step, i) => {
    step.acknowledgements.forEach((ack, k) => {
      const first = step.acknowledgements.findIndex((a) => a.role === ack.role);
      if (first !== k) {
        problems.push({ path: ['steps', i, 'acknowledgements', k, 'role'], message: `the role ${ack.role} is already listed at acknowledgements[${first}]` });
        return;
      }
      if (ack.role === 'administrator') return;
      const problem = ack.role === 'witnesses' ? countProblem(ack.count, witnesses, WITNESS) : countProblem(ack.count, custodians, CUSTODIAN);
      if (problem) problems.push({ path: ['steps', i, 'acknowledgements', k, 'count'], message: problem });
    });
    if (step.action === 'witness-sign' || step.action === 'seal') {
      const problem = countProblem(step.params.signers, witnesses, WITNESS);
      if (problem) problems.push({ path: ['steps', i, 'params', 'signers'], message: problem });
    }
  });
  return problems;
}

export function stepProblems(steps: readonly ScriptStep[], ceremony: CeremonyInfo | undefined, participants: Participants | undefined): PathProblem[] {
  return [
    ...idProblems(steps),
    ...orderProblems(steps, ceremony),
    ...preconditionProblems(steps),
    ...(participants ? peopleProblems(steps, participants) : []),
  ];
}
