// The public quorum record: canonical serialization, strict parsing, self-consistency.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DomainError } from '../../../native/errors';
import { canonicalJson } from '../../../main/quorum/canonical-json';
import { describePolicy, policyId } from '../../../main/quorum/policy';
import { parseQuorumRecord, recordHash, serializeQuorumRecord } from '../../../main/quorum/record';
import type { QuorumRecord } from '../../../main/quorum/types';
import { groupPolicy } from './fixtures';

const h = (c: string) => c.repeat(64);
const fp = (c: string) => Array(16).fill(c.repeat(4)).join(' ');

function record(): QuorumRecord {
  const policy = groupPolicy();
  return {
    format: 'conclave-quorum-record',
    version: 1,
    ceremonyId: 'ceremony-2025-01',
    policy,
    policyId: policyId(policy),
    policySummary: describePolicy(policy),
    secretDigests: { 'user-pin': h('a'), 'so-pin': h('b') },
    custodians: policy.custodians.map((c, i) => ({
      name: c.name,
      index: i + 1,
      group: c.group ?? null,
      envelopeFingerprint: fp(String(i + 1)),
      commitments: { 'user-pin': h(String(i + 1)), 'so-pin': h(String(i + 5)) },
    })),
    token: { serial: '0123456789abcdef', label: 'ROOT CA 2025' },
    kdf: { memoryKiB: 65536, iterations: 6, parallelism: 4 },
    reshareNonce: null,
    supersedes: null,
    createdAt: '2025-01-31T12:00:00.000Z',
    rehearsal: false,
  };
}

const malformedAt = (text: string, path: string) =>
  assert.throws(
    () => parseQuorumRecord(text),
    (e: unknown) => DomainError.is(e) && e.code === 'RECORD_MALFORMED' && e.message.includes(`"${path}`) ? true : assert.fail(`${String(e)} should name ${path}`),
  );
const edit = (change: (o: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const o = JSON.parse(serializeQuorumRecord(record()));
  change(o);
  return JSON.stringify(o);
};

describe('quorum record', () => {
  test('serializes to canonical JSON and parses back to the same record', () => {
    const text = serializeQuorumRecord(record());
    assert.equal(text, canonicalJson(JSON.parse(text)));
    assert.deepEqual(parseQuorumRecord(text), record());
    assert.equal(recordHash(text), createHash('sha256').update(text).digest('hex'));
  });

  test('accepts any JSON layout of valid content (the hash is of the exact text)', () => {
    const pretty = JSON.stringify(JSON.parse(serializeQuorumRecord(record())), null, 2);
    assert.deepEqual(parseQuorumRecord(pretty), record());
    assert.notEqual(recordHash(pretty), recordHash(serializeQuorumRecord(record())));
  });

  test('strict: unknown and missing fields, wrong values', () => {
    malformedAt(edit((o) => (o.extra = 1)), 'extra');
    malformedAt(edit((o) => delete o.secretDigests), 'secretDigests');
    malformedAt(edit((o) => (o.format = 'x')), 'format');
    malformedAt(edit((o) => (o.version = 2)), 'version');
    malformedAt(edit((o) => (o.policyId = h('0'))), 'policyId');
    malformedAt(edit((o) => (o.policy.threshold = 2)), 'policy');
    malformedAt(edit((o) => (o.custodians[1].name = 'Mallory')), 'custodians[1].name');
    malformedAt(edit((o) => (o.custodians[1].index = 3)), 'custodians[1].index');
    malformedAt(edit((o) => (o.custodians[1].group = 'operations')), 'custodians[1].group');
    malformedAt(edit((o) => o.custodians.pop()), 'custodians');
    malformedAt(edit((o) => (o.custodians[1].envelopeFingerprint = h('1'))), 'custodians[1].envelopeFingerprint');
    malformedAt(edit((o) => (o.custodians[1].envelopeFingerprint = o.custodians[0].envelopeFingerprint)), 'custodians[1].envelopeFingerprint');
    malformedAt(edit((o) => (o.custodians[0].commitments['so-pin'] = 'xyz')), 'custodians[0].commitments.so-pin');
    malformedAt(edit((o) => (o.kdf.memoryKiB = 1024)), 'kdf.memoryKiB');
    malformedAt(edit((o) => (o.supersedes = 'abc')), 'supersedes');
    malformedAt(edit((o) => (o.rehearsal = 0)), 'rehearsal');
    malformedAt('not json', '$');
  });
});
