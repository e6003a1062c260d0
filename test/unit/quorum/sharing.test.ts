// Splitting and combining under flat and group policies, exhaustively over subsets:
// every satisfying set yields the secret, every other set is refused before combining
// with NOT_ENOUGH_SHARES, never a wrong secret.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { isSatisfied } from '../../../main/quorum/policy';
import { combineShares, splitSecret } from '../../../main/quorum/sharing';
import type { QuorumPolicy } from '../../../main/quorum/types';
import { FIVE, flat, groupPolicy, randomSecret, subsets } from './fixtures';

const pick = (shares: Map<number, Uint8Array>, indexes: number[]) => new Map(indexes.map((i) => [i, shares.get(i)!] as const));

async function exhaustive(policy: QuorumPolicy, expectSatisfied: (set: number[]) => boolean) {
  const secret = randomSecret(24);
  const shares = await splitSecret(secret, policy);
  assert.equal(shares.size, policy.custodians.length);
  let combined = 0;
  let refused = 0;
  for (const set of subsets(policy.custodians.length)) {
    const should = expectSatisfied(set);
    assert.equal(isSatisfied(policy, set), should, `isSatisfied(${set.join(',')})`);
    if (should) {
      assert.deepEqual(await combineShares(policy, pick(shares, set)), secret, `subset ${set.join(',')} combines to the secret`);
      combined++;
    } else {
      await assert.rejects(
        combineShares(policy, pick(shares, set)),
        (e: unknown) => DomainError.is(e) && e.code === 'NOT_ENOUGH_SHARES',
        `subset ${set.join(',') || '(none)'} is refused`,
      );
      refused++;
    }
  }
  return { combined, refused };
}

describe('flat policies', () => {
  test('3 of 5: every set of 3 or more combines; every smaller set is refused', async () => {
    const counts = await exhaustive(flat(3, FIVE), (set) => set.length >= 3);
    assert.deepEqual(counts, { combined: 16, refused: 16 });
  });

  test('2 of 3: every pair and the triple combine; singletons and none are refused', async () => {
    const counts = await exhaustive(flat(2, ['Ann', 'Ben', 'Cat']), (set) => set.length >= 2);
    assert.deepEqual(counts, { combined: 4, refused: 4 });
  });

  test('the refusal names who is present and what is needed', async () => {
    const p = flat(3, FIVE);
    const shares = await splitSecret(randomSecret(), p);
    await assert.rejects(combineShares(p, pick(shares, [1, 2])), (e: unknown) => {
      assert.ok(DomainError.is(e));
      assert.equal(e.message, '3 custodians are needed (3 of 5); 2 presented: Alice, Bob.');
      return true;
    });
  });

  test('16 of 16 and 2 of 255 split and combine', async () => {
    const names16 = Array.from({ length: 16 }, (_, i) => `Custodian ${i + 1}`);
    const p16 = flat(16, names16);
    const secret = randomSecret();
    const s16 = await splitSecret(secret, p16);
    assert.deepEqual(await combineShares(p16, s16), secret);
    s16.delete(7);
    await assert.rejects(combineShares(p16, s16), /16 custodians are needed \(16 of 16\); 15 presented/);

    const p255 = flat(2, Array.from({ length: 255 }, (_, i) => `C${i + 1}`));
    const s255 = await splitSecret(secret, p255);
    assert.deepEqual(await combineShares(p255, pick(s255, [17, 255])), secret);
  });

  test('shares are plain Uint8Arrays even when the secret is a Node Buffer', async () => {
    const p = flat(2, ['Ann', 'Ben']);
    const secret = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const shares = await splitSecret(secret, p);
    for (const s of shares.values()) assert.equal(Object.getPrototypeOf(s), Uint8Array.prototype);
    assert.deepEqual(Buffer.from(await combineShares(p, shares)), secret);
  });

  test('an index outside the policy is refused by name', async () => {
    const p = flat(2, ['Ann', 'Ben']);
    const shares = await splitSecret(randomSecret(), p);
    shares.set(3, shares.get(1)!);
    await assert.rejects(combineShares(p, shares), (e: unknown) => DomainError.is(e) && e.code === 'CUSTODIAN_UNKNOWN' && /number 3/.test(e.message));
  });

  test('shares of different lengths are refused, not combined', async () => {
    const p = flat(2, ['Ann', 'Ben']);
    const shares = await splitSecret(randomSecret(), p);
    shares.set(2, shares.get(2)!.subarray(1));
    await assert.rejects(combineShares(p, shares), (e: unknown) => DomainError.is(e) && e.code === 'SHARE_MALFORMED');
  });
});

describe('group policies', () => {
  test('"2 of security (3) and 1 of operations (2)": exactly the sets meeting both groups combine', async () => {
    const p = groupPolicy();
    const security = [1, 2, 3];
    const operations = [4, 5];
    const counts = await exhaustive(p, (set) => set.filter((i) => security.includes(i)).length >= 2 && set.some((i) => operations.includes(i)));
    // Security: 4 ways to have >= 2 of 3; operations: 3 ways to have >= 1 of 2.
    assert.deepEqual(counts, { combined: 12, refused: 20 });
  });

  test('2 of 3 groups, each needing 2 of its 2 members', async () => {
    const p = { threshold: 4, groupThreshold: 2, groups: [{ name: 'a', threshold: 2 }, { name: 'b', threshold: 2 }, { name: 'c', threshold: 2 }], custodians: ['a', 'a', 'b', 'b', 'c', 'c'].map((group, i) => ({ name: `M${i + 1}`, group })) };
    const groupsMet = (set: number[]) => [[1, 2], [3, 4], [5, 6]].filter((g) => g.every((i) => set.includes(i))).length;
    const counts = await exhaustive(p, (set) => groupsMet(set) >= 2);
    assert.equal(counts.combined + counts.refused, 64);
    // Two full groups (3 ways) with the third pair free (4 each), the all-three case counted once: 3 × 4 − 3 + 1.
    assert.equal(counts.combined, 10);
  });

  test('a group with threshold 1 hands its share on as it is; one group alone is not enough', async () => {
    const p = groupPolicy();
    const secret = randomSecret();
    const shares = await splitSecret(secret, p);
    assert.deepEqual(shares.get(4), shares.get(5), 'both operations members hold the operations group share');
    await assert.rejects(combineShares(p, pick(shares, [1, 2, 3])), /More custodians are needed \(2 of security and 1 of operations\); 3 presented: Alice, Bob, Carol/);
    assert.deepEqual(await combineShares(p, pick(shares, [2, 3, 5])), secret);
  });
});
