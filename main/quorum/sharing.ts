// Splitting a secret among the custodians of a policy and combining it again, with
// shamir-secret-sharing (GF(256), the share's x-coordinate in its last byte).
//
// Flat policies: one Shamir split, threshold M among N. Group policies: two levels, in
// the spirit of SLIP-39: the secret is split into one share per group (groupThreshold of
// them needed), and each group's share is split among the group's members (the group's
// threshold needed). A threshold of 1 hands the share on as it is, since Shamir needs at
// least 2. The library does not detect bad shares; callers check commitments before
// combining (commitments.ts), and combineShares refuses a set that does not satisfy the
// policy before doing any arithmetic.
import { combine, split } from 'shamir-secret-sharing';
import { DomainError } from '../../native/errors';
import { plainCopy } from './bytes';
import { describePolicy, isSatisfied, membersOf, parsePolicy } from './policy';
import type { QuorumPolicy } from './types';

const MAX_SECRET_BYTES = 1024;

async function splitLevel(secret: Uint8Array, count: number, threshold: number): Promise<Uint8Array[]> {
  if (threshold === 1) return Array.from({ length: count }, () => plainCopy(secret));
  // The library rejects Node Buffers and arrays from other realms: hand it a plain copy.
  const input = plainCopy(secret);
  try {
    const shares = await split(input, count, threshold);
    const copies = shares.map((s) => plainCopy(s));
    for (const s of shares) s.fill(0);
    return copies;
  } finally {
    input.fill(0);
  }
}

async function combineLevel(shares: Uint8Array[], threshold: number, what: string): Promise<Uint8Array> {
  if (shares.length === 0) throw new Error(`combineLevel: no shares for ${what}`);
  if (threshold === 1) return plainCopy(shares[0]!);
  const length = shares[0]!.length;
  if (shares.some((s) => s.length !== length)) {
    throw new DomainError({
      code: 'SHARE_MALFORMED',
      message: `The shares of ${what} have different lengths, so they do not belong together.`,
      action: 'Check each envelope against the quorum record (fingerprints and commitments) and present the right ones.',
    });
  }
  const copies = shares.map((s) => plainCopy(s));
  try {
    const combined = await combine(copies);
    const copy = plainCopy(combined);
    combined.fill(0);
    return copy;
  } catch (error) {
    throw new DomainError({
      code: 'SHARE_MALFORMED',
      message: `The shares of ${what} could not be combined: ${(error as Error).message}.`,
      action: 'Check each envelope against the quorum record (fingerprints and commitments) and present the right ones.',
    });
  } finally {
    for (const c of copies) c.fill(0);
  }
}

/** Splits `secret` under the policy. Returns custodian index (1-based) → that custodian's share. */
export async function splitSecret(secret: Uint8Array, policy: QuorumPolicy): Promise<Map<number, Uint8Array>> {
  const p = parsePolicy(policy);
  if (!(secret instanceof Uint8Array) || secret.length === 0 || secret.length > MAX_SECRET_BYTES) {
    throw new RangeError(`splitSecret: the secret must be 1..${MAX_SECRET_BYTES} bytes`);
  }
  const out = new Map<number, Uint8Array>();
  if (!p.groups || p.groupThreshold === undefined) {
    const shares = await splitLevel(secret, p.custodians.length, p.threshold);
    shares.forEach((share, i) => out.set(i + 1, share));
    return out;
  }
  const groupShares = await splitLevel(secret, p.groups.length, p.groupThreshold);
  try {
    for (const [g, group] of p.groups.entries()) {
      const members = membersOf(p, group.name);
      const shares = await splitLevel(groupShares[g]!, members.length, group.threshold);
      members.forEach((index, i) => out.set(index, shares[i]!));
    }
  } finally {
    for (const s of groupShares) s.fill(0);
  }
  return out;
}

function names(p: QuorumPolicy, indexes: number[]): string {
  return indexes.map((i) => p.custodians[i - 1]!.name).join(', ');
}

/**
 * Combines the shares presented (custodian index → share). Refuses with NOT_ENOUGH_SHARES
 * before any arithmetic when the custodians present do not satisfy the policy, so a
 * smaller set never yields a (wrong) secret. Shares must already be verified against
 * their commitments.
 */
export async function combineShares(policy: QuorumPolicy, shares: Map<number, Uint8Array>): Promise<Uint8Array> {
  const p = parsePolicy(policy);
  const indexes = [...shares.keys()].sort((a, b) => a - b);
  for (const i of indexes) {
    if (!Number.isInteger(i) || i < 1 || i > p.custodians.length) {
      throw new DomainError({
        code: 'CUSTODIAN_UNKNOWN',
        message: `A share is marked as custodian number ${i}, but the policy (${describePolicy(p)}) numbers custodians 1 to ${p.custodians.length}.`,
        action: 'Present only envelopes made for this quorum.',
      });
    }
  }
  if (!isSatisfied(p, indexes)) {
    const presented = indexes.length === 0 ? 'none presented' : `${indexes.length} presented: ${names(p, indexes)}`;
    const needed = p.groups
      ? `More custodians are needed (${describePolicy(p)})`
      : `${p.threshold} custodians are needed (${describePolicy(p)})`;
    throw new DomainError({
      code: 'NOT_ENOUGH_SHARES',
      message: `${needed}; ${presented}.`,
      action: 'Wait until enough custodians have presented their envelopes.',
    });
  }
  if (!p.groups || p.groupThreshold === undefined) {
    return combineLevel(indexes.map((i) => shares.get(i)!), p.threshold, 'the quorum');
  }
  const groupShares: Uint8Array[] = [];
  try {
    for (const group of p.groups) {
      const here = membersOf(p, group.name).filter((i) => shares.has(i));
      if (here.length < group.threshold) continue;
      groupShares.push(await combineLevel(here.map((i) => shares.get(i)!), group.threshold, `the group "${group.name}"`));
    }
    return await combineLevel(groupShares, p.groupThreshold, 'the groups');
  } finally {
    for (const s of groupShares) s.fill(0);
  }
}
