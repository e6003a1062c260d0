// Checks a decoded script value: the schema first, then the semantic rules over every
// part that is well-formed, each problem located at its line when the source is known.
import { issueProblems } from './issue-messages';
import { pathText, sortProblems, type PathSegment, type ScriptProblem } from './problems';
import { CeremonyInfoSchema, ParticipantsSchema, QuorumSchema, ScriptSchema, StepSchema, type CeremonyScript, type ScriptStep } from './schema';
import { semanticProblems, type ScriptParts } from './semantic-checks';

export type LineOf = (path: readonly PathSegment[]) => number | null;

export type ValidationResult = { ok: true; script: CeremonyScript } | { ok: false; problems: ScriptProblem[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The well-formed parts of a script whose whole failed the schema. */
function wellFormedParts(value: unknown): ScriptParts {
  if (!isRecord(value)) return {};
  const parts: ScriptParts = {};
  const ceremony = CeremonyInfoSchema.safeParse(value.ceremony);
  if (ceremony.success) parts.ceremony = ceremony.data;
  const participants = ParticipantsSchema.safeParse(value.participants);
  if (participants.success) parts.participants = participants.data;
  const quorum = QuorumSchema.safeParse(value.quorum);
  if (quorum.success) parts.quorum = quorum.data;
  if (Array.isArray(value.steps)) {
    const steps: ScriptStep[] = [];
    for (const raw of value.steps) {
      const step = StepSchema.safeParse(raw);
      if (!step.success) return parts;
      steps.push(step.data);
    }
    parts.steps = steps;
  }
  return parts;
}

export function validateValue(value: unknown, lineOf: LineOf): ValidationResult {
  const parsed = ScriptSchema.safeParse(value, { reportInput: true });
  const found = parsed.success
    ? semanticProblems(parsed.data)
    : [...parsed.error.issues.flatMap((issue) => issueProblems(issue, ScriptSchema, value)), ...semanticProblems(wellFormedParts(value))];
  if (parsed.success && found.length === 0) return { ok: true, script: parsed.data };
  return { ok: false, problems: sortProblems(found.map((p) => ({ path: pathText(p.path), message: p.message, line: lineOf(p.path) }))) };
}
