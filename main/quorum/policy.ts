// Quorum policies: M of N named custodians, or groups ("2 of security and 1 of
// operations") of which a number must each reach their own threshold. Parsed strictly,
// identified by a hash of their canonical form, and evaluated against the custodians
// present. Custodian index = position in `custodians` + 1; group index likewise.
import { DomainError } from '../../native/errors';
import { canonicalJson } from './canonical-json';
import { concatBytes, sha256Hex, utf8 } from './bytes';
import type { CustodianSpec, GroupSpec, QuorumPolicy } from './types';

export const MAX_CUSTODIANS = 255;
export const MAX_GROUPS = 16;
export const MAX_NAME_LENGTH = 64;
/** Domain separation for policy ids (docs/share-envelope.md, "Policy id"). */
export const POLICY_ID_DOMAIN = 'conclave/policy-id/v1';

function invalid(field: string, problem: string): DomainError {
  return new DomainError({
    code: 'POLICY_INVALID',
    message: `The quorum policy is invalid at "${field}": ${problem}`,
    action: 'Correct the policy (custodian names, thresholds and groups) and try again.',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(field === '' ? key : `${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, `expected a whole number from ${min} to ${max}`);
  if (value < min || value > max) throw invalid(field, `${value} is outside ${min}..${max}`);
  return value;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A display name: NFC-normalized, trimmed, 1..64 characters, no control characters. */
export function normalizeName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, 'expected a name (text)');
  const name = value.normalize('NFC').trim();
  if (name.length === 0) throw invalid(field, 'the name is empty');
  if ([...name].length > MAX_NAME_LENGTH) throw invalid(field, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  if (CONTROL.test(name)) throw invalid(field, 'the name contains a control character');
  return name;
}

const fold = (name: string) => name.toLocaleLowerCase('en-US');

/** Fewest custodians that can act under a group policy: the smallest `groupThreshold` group thresholds. */
export function minimumPeople(groups: GroupSpec[], groupThreshold: number): number {
  return [...groups]
    .map((g) => g.threshold)
    .sort((a, b) => a - b)
    .slice(0, groupThreshold)
    .reduce((sum, t) => sum + t, 0);
}

/**
 * Parses a policy from outside (the UI, a record file). Returns a normalized copy: names
 * NFC-normalized and trimmed, optional fields present only when used. Throws
 * POLICY_INVALID naming the field.
 */
export function parsePolicy(input: unknown): QuorumPolicy {
  if (!isRecord(input)) throw invalid('policy', 'expected an object with threshold and custodians');
  onlyKeys(input, ['threshold', 'custodians', 'groups', 'groupThreshold'], '');
  const rawCustodians = input.custodians;
  if (!Array.isArray(rawCustodians)) throw invalid('custodians', 'expected a list of custodians');
  if (rawCustodians.length < 2) throw invalid('custodians', `a quorum needs at least 2 custodians (found ${rawCustodians.length})`);
  if (rawCustodians.length > MAX_CUSTODIANS) throw invalid('custodians', `at most ${MAX_CUSTODIANS} custodians (found ${rawCustodians.length})`);

  const hasGroups = input.groups !== undefined || input.groupThreshold !== undefined;
  const seen = new Map<string, number>();
  const custodians: CustodianSpec[] = rawCustodians.map((raw, i) => {
    const field = `custodians[${i}]`;
    if (!isRecord(raw)) throw invalid(field, 'expected { name, group? }');
    onlyKeys(raw, ['name', 'group'], field);
    const name = normalizeName(raw.name, `${field}.name`);
    const earlier = seen.get(fold(name));
    if (earlier !== undefined) throw invalid(`${field}.name`, `"${name}" is already custodian ${earlier + 1}; names must be unique`);
    seen.set(fold(name), i);
    if (raw.group === undefined) {
      if (hasGroups) throw invalid(`${field}.group`, `"${name}" has no group; with groups, every custodian belongs to one`);
      return { name };
    }
    if (!hasGroups) throw invalid(`${field}.group`, `"${name}" names a group but the policy has no groups`);
    return { name, group: normalizeName(raw.group, `${field}.group`) };
  });

  if (!hasGroups) {
    const threshold = integer(input.threshold, 'threshold', 2, custodians.length);
    return { threshold, custodians };
  }

  if (!Array.isArray(input.groups)) throw invalid('groups', 'expected a list of groups with groupThreshold');
  if (input.groups.length < 1 || input.groups.length > MAX_GROUPS) throw invalid('groups', `expected 1 to ${MAX_GROUPS} groups (found ${input.groups.length})`);
  const groupNames = new Map<string, number>();
  const groups: GroupSpec[] = input.groups.map((raw, i) => {
    const field = `groups[${i}]`;
    if (!isRecord(raw)) throw invalid(field, 'expected { name, threshold }');
    onlyKeys(raw, ['name', 'threshold'], field);
    const name = normalizeName(raw.name, `${field}.name`);
    if (groupNames.has(fold(name))) throw invalid(`${field}.name`, `the group "${name}" is listed twice`);
    groupNames.set(fold(name), i);
    const members = custodians.filter((c) => c.group !== undefined && fold(c.group) === fold(name)).length;
    if (members === 0) throw invalid(field, `the group "${name}" has no custodians`);
    const threshold = integer(raw.threshold, `${field}.threshold`, 1, members);
    return { name, threshold };
  });
  custodians.forEach((c, i) => {
    const at = groupNames.get(fold(c.group!));
    if (at === undefined) throw invalid(`custodians[${i}].group`, `"${c.group}" is not one of the groups (${groups.map((g) => g.name).join(', ')})`);
    // The group's spelling in `groups` is the one used everywhere.
    c.group = groups[at]!.name;
  });
  const groupThreshold = integer(input.groupThreshold, 'groupThreshold', 1, groups.length);
  const minimum = minimumPeople(groups, groupThreshold);
  if (minimum < 2) {
    throw invalid('groups', `one custodian could act alone (${groupThreshold} group${groupThreshold === 1 ? '' : 's'} with a threshold of 1); raise a group threshold or the group threshold so at least two people are needed`);
  }
  if (input.threshold !== minimum) {
    throw invalid('threshold', `with groups it must be the fewest custodians who can act, ${minimum} (found ${JSON.stringify(input.threshold)})`);
  }
  return { threshold: minimum, custodians, groups, groupThreshold };
}

/** The policy as canonical JSON input: only the defined fields, in a fixed shape. */
export function policyForHash(p: QuorumPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = {
    threshold: p.threshold,
    custodians: p.custodians.map((c) => (c.group === undefined ? { name: c.name } : { name: c.name, group: c.group })),
  };
  if (p.groups !== undefined) out.groups = p.groups.map((g) => ({ name: g.name, threshold: g.threshold }));
  if (p.groupThreshold !== undefined) out.groupThreshold = p.groupThreshold;
  return out;
}

/** Hex SHA-256 of "conclave/policy-id/v1" || 0x00 || canonical JSON of the policy. */
export function policyId(p: QuorumPolicy): string {
  return sha256Hex(concatBytes([utf8(POLICY_ID_DOMAIN), new Uint8Array([0]), utf8(canonicalJson(policyForHash(p)))]));
}

/** "3 of 5", "2 of security and 1 of operations", or "2 of 3 groups: 2 of security, 1 of operations, 1 of audit". */
export function describePolicy(p: QuorumPolicy): string {
  if (!p.groups || p.groupThreshold === undefined) return `${p.threshold} of ${p.custodians.length}`;
  const parts = p.groups.map((g) => `${g.threshold} of ${g.name}`);
  if (p.groupThreshold === p.groups.length) {
    return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  }
  return `${p.groupThreshold} of ${p.groups.length} groups: ${parts.join(', ')}`;
}

export interface CustodianRef {
  index: number;
  name: string;
  group: string | null;
}

/** The custodian at `index` (1-based). Throws CUSTODIAN_UNKNOWN when the policy has none there. */
export function custodianOf(p: QuorumPolicy, index: number): CustodianRef {
  const c = Number.isInteger(index) && index >= 1 ? p.custodians[index - 1] : undefined;
  if (!c) {
    throw new DomainError({
      code: 'CUSTODIAN_UNKNOWN',
      message: `The policy (${describePolicy(p)}) has no custodian number ${index}; it numbers custodians 1 to ${p.custodians.length}.`,
      action: 'Present an envelope made for this quorum.',
    });
  }
  return { index, name: c.name, group: c.group ?? null };
}

/** Custodian indexes (1-based) per group, in policy order. */
export function membersOf(p: QuorumPolicy, group: string): number[] {
  const out: number[] = [];
  p.custodians.forEach((c, i) => {
    if (c.group === group) out.push(i + 1);
  });
  return out;
}

function validIndexes(p: QuorumPolicy, indexes: Iterable<number>): Set<number> {
  const set = new Set<number>();
  for (const i of indexes) if (Number.isInteger(i) && i >= 1 && i <= p.custodians.length) set.add(i);
  return set;
}

/** Groups whose threshold is met by the custodians present. */
function groupsMet(p: QuorumPolicy, present: Set<number>): GroupSpec[] {
  return (p.groups ?? []).filter((g) => membersOf(p, g.name).filter((i) => present.has(i)).length >= g.threshold);
}

/** True when the custodians at `indexes` can act together under the policy. */
export function isSatisfied(p: QuorumPolicy, indexes: Iterable<number>): boolean {
  const present = validIndexes(p, indexes);
  if (!p.groups || p.groupThreshold === undefined) return present.size >= p.threshold;
  return groupsMet(p, present).length >= p.groupThreshold;
}

/**
 * Who is present, in words: "2 of 3: Alice, Bob"; for groups
 * "security 2 of 2: Alice, Bob; operations 0 of 1; groups ready 1 of 2".
 */
export function progressText(p: QuorumPolicy, present: Array<{ index: number; name: string }>): string {
  const sorted = [...present].sort((a, b) => a.index - b.index);
  const indexes = new Set(sorted.map((c) => c.index));
  if (!p.groups || p.groupThreshold === undefined) {
    const names = sorted.map((c) => c.name).join(', ');
    return `${indexes.size} of ${p.threshold}${names ? `: ${names}` : ''}`;
  }
  const parts = p.groups.map((g) => {
    const members = new Set(membersOf(p, g.name));
    const here = sorted.filter((c) => members.has(c.index));
    const names = here.map((c) => c.name).join(', ');
    return `${g.name} ${here.length} of ${g.threshold}${names ? `: ${names}` : ''}`;
  });
  const ready = groupsMet(p, validIndexes(p, indexes)).length;
  return `${parts.join('; ')}; groups ready ${ready} of ${p.groupThreshold}`;
}
