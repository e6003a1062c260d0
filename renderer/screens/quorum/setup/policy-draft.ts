// The policy as the administrator edits it (text from inputs, groups referred to by a
// stable key so renaming a group keeps its members), and the checks that run before
// anything is sent: every message names the custodian or group it is about. Main checks
// the policy again; these only spare a round trip and say it sooner.
import type { PolicyInput } from '../../../../preload/contract';

/** The screen handles up to 16 custodians (the envelope format allows 255). */
export const MAX_CUSTODIANS = 16;
export const MAX_GROUPS = 16;
export const MAX_NAME = 64;

export interface CustodianDraft {
  key: number;
  name: string;
  /** Key of the custodian's group (group policies only). */
  groupKey: number | null;
}

export interface GroupDraft {
  key: number;
  name: string;
  threshold: string;
}

export interface PolicyDraft {
  mode: 'flat' | 'groups';
  custodians: CustodianDraft[];
  /** Flat policies: custodians needed. */
  threshold: string;
  groups: GroupDraft[];
  /** Group policies: groups that must each reach their own threshold. */
  groupThreshold: string;
}

export interface PolicyErrors {
  /** By custodian key. */
  custodians: Record<number, string>;
  /** By group key. */
  groups: Record<number, string>;
  threshold: string | null;
  groupThreshold: string | null;
  /** About the policy as a whole. */
  general: string[];
}

export interface CheckedPolicy {
  policy: PolicyInput | null;
  errors: PolicyErrors;
  /** Plain summary of what the draft asks for, e.g. "3 of 5". */
  summary: string;
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,3}$/.test(trimmed) ? Number(trimmed) : null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Fewest people who can act under a group policy: the cheapest groups reaching their thresholds. */
export function fewestPeople(thresholds: number[], groupThreshold: number): number {
  return [...thresholds].sort((a, b) => a - b).slice(0, groupThreshold).reduce((sum, t) => sum + t, 0);
}

export function initialDraft(): PolicyDraft {
  return {
    mode: 'flat',
    custodians: [1, 2, 3].map((key) => ({ key, name: '', groupKey: null })),
    threshold: '2',
    groups: [],
    groupThreshold: '1',
  };
}

export function checkPolicyDraft(draft: PolicyDraft): CheckedPolicy {
  const errors: PolicyErrors = { custodians: {}, groups: {}, threshold: null, groupThreshold: null, general: [] };
  const n = draft.custodians.length;
  if (n < 2) errors.general.push(`A quorum needs at least 2 custodians; there ${n === 1 ? 'is 1' : `are ${n}`}. Add custodians.`);
  if (n > MAX_CUSTODIANS) errors.general.push(`This screen handles up to ${MAX_CUSTODIANS} custodians; there are ${n}. Remove ${n - MAX_CUSTODIANS}.`);

  const seen = new Map<string, number>();
  draft.custodians.forEach((custodian, position) => {
    const name = custodian.name.trim();
    const label = `Custodian ${position + 1}`;
    if (!name) errors.custodians[custodian.key] = `${label} has no name. Type the custodian's name as they will recognise it.`;
    else if (name.length > MAX_NAME) errors.custodians[custodian.key] = `${label}'s name is ${name.length} characters; at most ${MAX_NAME} fit in an envelope.`;
    else {
      const folded = name.toLocaleLowerCase();
      const first = seen.get(folded);
      if (first !== undefined) errors.custodians[custodian.key] = `"${name}" is already custodian ${first + 1}. Each custodian needs a distinct name (letter case does not count).`;
      else seen.set(folded, position);
    }
  });

  const custodiansOk = n >= 2 && n <= MAX_CUSTODIANS && Object.keys(errors.custodians).length === 0;
  const names = draft.custodians.map((c) => c.name.trim());

  if (draft.mode === 'flat') {
    const m = wholeNumber(draft.threshold);
    if (m === null) errors.threshold = 'Type how many custodians must be present, as a whole number.';
    else if (m < 2) errors.threshold = `${m} would let ${m === 1 ? 'one person' : 'nobody'} unlock the HSM alone. At least 2 custodians must be needed.`;
    else if (m > n) errors.threshold = `${m} custodians needed, but only ${n} are listed. Lower the number or add custodians.`;
    const summary = m !== null ? `${m} of ${n}` : `? of ${n}`;
    const ok = custodiansOk && errors.threshold === null && m !== null;
    return { policy: ok ? { threshold: m, custodians: names.map((name) => ({ name })) } : null, errors, summary };
  }

  // Groups.
  if (draft.groups.length === 0) errors.general.push('Add at least one group, or choose "Everyone counts the same".');
  if (draft.groups.length > MAX_GROUPS) errors.general.push(`At most ${MAX_GROUPS} groups; there are ${draft.groups.length}.`);
  const groupNames = new Map<string, number>();
  const thresholds: number[] = [];
  draft.groups.forEach((group, position) => {
    const name = group.name.trim();
    const label = `Group ${position + 1}`;
    const members = draft.custodians.filter((c) => c.groupKey === group.key).length;
    const t = wholeNumber(group.threshold);
    let problem: string | null = null;
    if (!name) problem = `${label} has no name. Name it after the team it stands for, e.g. "security".`;
    else if (name.length > MAX_NAME) problem = `${label}'s name is ${name.length} characters; at most ${MAX_NAME}.`;
    else if (groupNames.has(name.toLocaleLowerCase())) problem = `"${name}" is already group ${(groupNames.get(name.toLocaleLowerCase()) ?? 0) + 1}. Each group needs a distinct name.`;
    else if (members === 0) problem = `Group "${name}" has no members. Assign custodians to it, or remove it.`;
    else if (t === null) problem = `Type how many members of "${name}" must be present, as a whole number.`;
    else if (t < 1 || t > members) problem = `"${name}" needs ${t} of its members but has ${plural(members, 'member')}. Choose 1 to ${members}.`;
    if (name) groupNames.set(name.toLocaleLowerCase(), groupNames.get(name.toLocaleLowerCase()) ?? position);
    if (problem) errors.groups[group.key] = problem;
    thresholds.push(t ?? 0);
  });
  draft.custodians.forEach((custodian, position) => {
    if (errors.custodians[custodian.key]) return;
    if (custodian.groupKey === null || !draft.groups.some((g) => g.key === custodian.groupKey)) {
      errors.custodians[custodian.key] = `${custodian.name.trim() || `Custodian ${position + 1}`} is in no group. Choose their group.`;
    }
  });
  const k = wholeNumber(draft.groupThreshold);
  if (k === null) errors.groupThreshold = 'Type how many groups must take part, as a whole number.';
  else if (k < 1 || k > draft.groups.length) errors.groupThreshold = `${k} groups needed, but there ${draft.groups.length === 1 ? 'is 1 group' : `are ${draft.groups.length} groups`}. Choose 1 to ${Math.max(1, draft.groups.length)}.`;

  const groupsOk = draft.groups.length > 0 && draft.groups.length <= MAX_GROUPS && Object.keys(errors.groups).length === 0;
  const allOk = custodiansOk && Object.keys(errors.custodians).length === 0 && groupsOk && errors.groupThreshold === null && k !== null;
  const summary = groupSummary(draft, k);
  if (!allOk || k === null) return { policy: null, errors, summary };

  const fewest = fewestPeople(thresholds, k);
  if (fewest < 2) {
    errors.general.push(`As set, one person could unlock the HSM alone (${summary}). Raise a group's threshold or the number of groups needed, so that at least 2 people are always needed.`);
    return { policy: null, errors, summary };
  }
  const nameOf = new Map(draft.groups.map((g) => [g.key, g.name.trim()]));
  return {
    policy: {
      threshold: fewest,
      custodians: draft.custodians.map((c) => ({ name: c.name.trim(), group: nameOf.get(c.groupKey ?? -1) ?? '' })),
      groups: draft.groups.map((g) => ({ name: g.name.trim(), threshold: wholeNumber(g.threshold) ?? 1 })),
      groupThreshold: k,
    },
    errors,
    summary,
  };
}

function groupSummary(draft: PolicyDraft, k: number | null): string {
  const parts = draft.groups.map((g) => `${g.threshold.trim() || '?'} of ${g.name.trim() || 'unnamed group'}`);
  if (parts.length === 0) return 'no groups yet';
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  if (k === null || k >= draft.groups.length) return list;
  return `${k} of ${draft.groups.length} groups: ${parts.join(', ')}`;
}

/** True when the draft has no error to show at all. */
export function hasErrors(errors: PolicyErrors): boolean {
  return errors.general.length > 0 || errors.threshold !== null || errors.groupThreshold !== null || Object.keys(errors.custodians).length > 0 || Object.keys(errors.groups).length > 0;
}
