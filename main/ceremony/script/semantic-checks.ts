// The rules a schema cannot state, over whatever parts of a script are well-formed: a
// part with schema problems is left out, and so are the rules that need it, so every
// problem that can be named is named in one pass without guessing about broken parts.
import { keyProblems } from './check-keys';
import { outputProblems } from './check-outputs';
import { participantProblems, policyProblems } from './check-participants';
import { stepProblems } from './check-steps';
import type { PathProblem } from './problems';
import type { CeremonyInfo, Participants, QuorumSpec, ScriptStep } from './schema';

export interface ScriptParts {
  ceremony?: CeremonyInfo;
  participants?: Participants;
  quorum?: QuorumSpec;
  /** Present only when every step is well-formed: order rules need the whole list. */
  steps?: ScriptStep[];
}

export function semanticProblems(parts: ScriptParts): PathProblem[] {
  const problems: PathProblem[] = [];
  if (parts.participants) {
    const people = participantProblems(parts.participants);
    problems.push(...people);
    // With two custodians of one name the policy would only repeat that problem.
    if (parts.quorum && people.length === 0) problems.push(...policyProblems(parts.quorum, parts.participants));
  }
  if (parts.steps) {
    problems.push(...stepProblems(parts.steps, parts.ceremony, parts.participants), ...keyProblems(parts.steps), ...outputProblems(parts.steps));
  }
  return problems;
}
