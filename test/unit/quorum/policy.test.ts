// Policy parsing (every rule, errors naming the field), ids, summaries and progress.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { custodianOf, describePolicy, isSatisfied, parsePolicy, policyId, progressText } from '../../../main/quorum/policy';
import { FIVE, flat, groupPolicy } from './fixtures';

const invalid = (input: unknown, field: string, pattern?: RegExp) =>
  assert.throws(
    () => parsePolicy(input),
    (e: unknown) => {
      assert.ok(DomainError.is(e), String(e));
      assert.equal(e.code, 'POLICY_INVALID');
      assert.ok(e.message.includes(`"${field}"`), `${e.message} names ${field}`);
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
  );

const people = (...names: string[]) => names.map((name) => ({ name }));

describe('parsePolicy', () => {
  test('flat policies are normalized copies', () => {
    const p = parsePolicy({ threshold: 2, custodians: [{ name: '  Alice ' }, { name: 'Zoe\u0308' }] });
    assert.deepEqual(p, { threshold: 2, custodians: [{ name: 'Alice' }, { name: 'Zo\u00eb' }] });
  });

  test('flat policy rules', () => {
    invalid(null, 'policy');
    invalid({ threshold: 2, custodians: people('A') }, 'custodians', /at least 2/);
    invalid({ threshold: 2, custodians: people(...Array.from({ length: 256 }, (_, i) => `c${i}`)) }, 'custodians', /at most 255/);
    invalid({ threshold: 1, custodians: people('A', 'B') }, 'threshold', /outside 2\.\.2/);
    invalid({ threshold: 4, custodians: people('A', 'B', 'C') }, 'threshold');
    invalid({ threshold: 2.5, custodians: people('A', 'B', 'C') }, 'threshold', /whole number/);
    invalid({ threshold: '2', custodians: people('A', 'B') }, 'threshold');
    invalid({ threshold: 2, custodians: people('A', 'B'), extra: 1 }, 'extra', /unknown field/);
    invalid({ threshold: 2, custodians: [{ name: 'A', role: 'x' }, { name: 'B' }] }, 'custodians[0].role');
    invalid({ threshold: 2, custodians: people('Alice', 'ALICE') }, 'custodians[1].name', /already custodian 1/);
    invalid({ threshold: 2, custodians: people('A', '   ') }, 'custodians[1].name', /empty/);
    invalid({ threshold: 2, custodians: people('A', 'x'.repeat(65)) }, 'custodians[1].name', /longer than 64/);
    invalid({ threshold: 2, custodians: people('A', 'B\u0007') }, 'custodians[1].name', /control/);
    invalid({ threshold: 2, custodians: [{ name: 'A', group: 'g' }, { name: 'B' }] }, 'custodians[0].group', /no groups/);
    invalid({ threshold: 2, custodians: 'A,B' }, 'custodians');
  });

  test('group policy rules', () => {
    const base = () => ({
      threshold: 3,
      custodians: [
        { name: 'A', group: 'sec' },
        { name: 'B', group: 'sec' },
        { name: 'C', group: 'ops' },
      ],
      groups: [
        { name: 'sec', threshold: 2 },
        { name: 'ops', threshold: 1 },
      ],
      groupThreshold: 2,
    });
    assert.equal(describePolicy(parsePolicy(base())), '2 of sec and 1 of ops');
    invalid({ ...base(), custodians: [...base().custodians.slice(0, 2), { name: 'C' }] }, 'custodians[2].group', /every custodian belongs/);
    invalid({ ...base(), custodians: [...base().custodians.slice(0, 2), { name: 'C', group: 'audit' }] }, 'groups[1]', /no custodians/);
    invalid({ ...base(), groups: [{ name: 'sec', threshold: 3 }, { name: 'ops', threshold: 1 }] }, 'groups[0].threshold', /outside 1\.\.2/);
    invalid({ ...base(), groups: [{ name: 'sec', threshold: 2 }, { name: 'SEC', threshold: 1 }] }, 'groups[1].name', /listed twice/);
    invalid({ ...base(), groupThreshold: 3 }, 'groupThreshold');
    invalid({ ...base(), groupThreshold: undefined }, 'groupThreshold');
    invalid({ ...base(), groups: undefined, groupThreshold: 2 }, 'groups');
    invalid({ ...base(), threshold: 2 }, 'threshold', /fewest custodians who can act, 3/);
    // One group with threshold 1 suffices alone: one person could act.
    invalid({ ...base(), groupThreshold: 1, threshold: 1 }, 'groups', /one custodian could act alone/);
    invalid({ ...base(), groups: Array.from({ length: 17 }, (_, i) => ({ name: `g${i}`, threshold: 1 })) }, 'groups', /1 to 16/);
  });

  test('group names in custodians take the spelling of the groups list', () => {
    const p = parsePolicy({ threshold: 2, custodians: [{ name: 'A', group: 'Ops' }, { name: 'B', group: 'OPS' }], groups: [{ name: 'ops', threshold: 2 }], groupThreshold: 1 });
    assert.deepEqual(p.custodians.map((c) => c.group), ['ops', 'ops']);
  });
});

describe('policy ids, summaries, progress', () => {
  test('policyId is domain-separated SHA-256 over canonical JSON and changes with any field', async () => {
    const { createHash } = await import('node:crypto');
    const p = flat(3, FIVE);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('conclave/policy-id/v1'), Buffer.from([0]), Buffer.from(canonicalJson({ threshold: 3, custodians: FIVE.map((name) => ({ name })) }))]))
      .digest('hex');
    assert.equal(policyId(p), expected);
    assert.notEqual(policyId(flat(2, FIVE)), policyId(p));
    assert.notEqual(policyId(flat(3, [...FIVE].reverse())), policyId(p));
    assert.equal(policyId(parsePolicy({ custodians: FIVE.map((name) => ({ name: ` ${name} ` })), threshold: 3 })), policyId(p));
  });

  test('describePolicy', () => {
    assert.equal(describePolicy(flat(3, FIVE)), '3 of 5');
    assert.equal(describePolicy(groupPolicy()), '2 of security and 1 of operations');
    const three = parsePolicy({
      threshold: 2,
      custodians: ['a', 'b', 'c'].flatMap((g) => [{ name: `${g}1`, group: g }, { name: `${g}2`, group: g }]),
      groups: ['a', 'b', 'c'].map((name) => ({ name, threshold: 1 })),
      groupThreshold: 2,
    });
    assert.equal(describePolicy(three), '2 of 3 groups: 1 of a, 1 of b, 1 of c');
  });

  test('isSatisfied ignores unknown and repeated indexes', () => {
    const p = flat(3, FIVE);
    assert.equal(isSatisfied(p, [1, 1, 1]), false);
    assert.equal(isSatisfied(p, [1, 2, 9]), false);
    assert.equal(isSatisfied(p, [1, 2, 5]), true);
  });

  test('progressText', () => {
    const p = flat(3, FIVE);
    assert.equal(progressText(p, []), '0 of 3');
    assert.equal(progressText(p, [{ index: 2, name: 'Bob' }, { index: 1, name: 'Alice' }]), '2 of 3: Alice, Bob');
    assert.equal(
      progressText(groupPolicy(), [{ index: 1, name: 'Alice' }, { index: 2, name: 'Bob' }]),
      'security 2 of 2: Alice, Bob; operations 0 of 1; groups ready 1 of 2',
    );
  });

  test('custodianOf', () => {
    assert.deepEqual(custodianOf(groupPolicy(), 4), { index: 4, name: 'Dave', group: 'operations' });
    assert.deepEqual(custodianOf(flat(3, FIVE), 1), { index: 1, name: 'Alice', group: null });
    assert.throws(() => custodianOf(flat(3, FIVE), 6), (e: unknown) => DomainError.is(e) && e.code === 'CUSTODIAN_UNKNOWN');
    assert.throws(() => custodianOf(flat(3, FIVE), 0), (e: unknown) => DomainError.is(e) && e.code === 'CUSTODIAN_UNKNOWN');
  });
});
