// Rules over the people of a script: every participant has a distinct name (one person,
// one role), every witness a distinct key, and the quorum policy holds for the
// custodians (checked by the quorum's own parsePolicy, its field mapped to the script).
import { DomainError } from '../../../native/errors';
import { parsePolicy } from '../../quorum/policy';
import { pathText, type PathProblem, type PathSegment } from './problems';
import type { Participants, QuorumSpec } from './schema';

const fold = (name: string) => name.normalize('NFC').toLocaleLowerCase('en-US');

export function participantProblems(participants: Participants): PathProblem[] {
  const problems: PathProblem[] = [];
  const seen = new Map<string, PathSegment[]>();
  const named: Array<{ name: string; path: PathSegment[] }> = [
    { name: participants.administrator.name, path: ['participants', 'administrator', 'name'] },
    ...participants.custodians.map((c, i) => ({ name: c.name, path: ['participants', 'custodians', i, 'name'] })),
    ...participants.witnesses.map((w, i) => ({ name: w.name, path: ['participants', 'witnesses', i, 'name'] })),
  ];
  for (const { name, path } of named) {
    const earlier = seen.get(fold(name));
    if (earlier) {
      problems.push({ path, message: `the name "${name}" is already used by ${pathText(earlier)}; every participant needs a distinct name (one person, one role)` });
    } else {
      seen.set(fold(name), path);
    }
  }
  const keys = new Map<string, number>();
  participants.witnesses.forEach((w, i) => {
    const earlier = keys.get(w.key.fingerprint);
    if (earlier !== undefined) {
      problems.push({
        path: ['participants', 'witnesses', i, 'key', 'fingerprint'],
        message: `the same key fingerprint as participants.witnesses[${earlier}] (${participants.witnesses[earlier]!.name}); each witness signs with their own key`,
      });
    } else {
      keys.set(w.key.fingerprint, i);
    }
  });
  return problems;
}

/** "custodians[2].group" → ["participants", "custodians", 2, "group"]; "threshold" → ["quorum", "threshold"]. */
function policyFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const m of field.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) segments.push(m[1] !== undefined ? m[1] : Number(m[2]));
  if (segments[0] === 'custodians') return ['participants', ...segments];
  if (segments[0] === 'policy' || segments.length === 0) return ['quorum'];
  return ['quorum', ...segments];
}

/** The policy over the script's custodians, as the quorum will parse it at setup and login. */
export function policyProblems(quorum: QuorumSpec, participants: Participants): PathProblem[] {
  const input: Record<string, unknown> = {
    threshold: quorum.threshold,
    custodians: participants.custodians.map((c) => (c.group === undefined ? { name: c.name } : { name: c.name, group: c.group })),
  };
  if (quorum.groups !== undefined) input.groups = quorum.groups;
  if (quorum.groupThreshold !== undefined) input.groupThreshold = quorum.groupThreshold;
  try {
    parsePolicy(input);
    return [];
  } catch (error) {
    if (!DomainError.is(error) || error.code !== 'POLICY_INVALID') throw error;
    const m = /invalid at "([^"]*)": ([\s\S]*)$/.exec(error.message);
    if (!m) return [{ path: ['quorum'], message: error.message }];
    return [{ path: policyFieldPath(m[1]!), message: m[2]! }];
  }
}
