// Opening a quorum record for a login: a record a re-share replaced is refused by name
// (by its file name, or because the current record in its folder supersedes it), and a
// journal of an unfinished change is finished or explained before the record is used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRecordFile } from '../../../main/quorum/record-file';
import { parsePolicy, policyId, describePolicy } from '../../../main/quorum/policy';
import { recordHash, serializeQuorumRecord } from '../../../main/quorum/record';
import type { QuorumRecord } from '../../../main/quorum/types';
import { rejectsWithCode } from '../../helpers/softhsm';

const hex = (c: string) => c.repeat(64);
const grouped = (c: string) => hex(c).match(/.{4}/g)!.join(' ');

function record(overrides: Partial<QuorumRecord> = {}): QuorumRecord {
  const policy = parsePolicy({ threshold: 2, custodians: [{ name: 'Ann' }, { name: 'Ben' }] });
  return {
    format: 'conclave-quorum-record',
    version: 1,
    ceremonyId: 'unit-ceremony',
    policy,
    policyId: policyId(policy),
    policySummary: describePolicy(policy),
    secretDigests: { 'user-pin': hex('a'), 'so-pin': hex('b') },
    custodians: [
      { name: 'Ann', index: 1, group: null, envelopeFingerprint: grouped('1'), commitments: { 'user-pin': hex('c'), 'so-pin': hex('d') } },
      { name: 'Ben', index: 2, group: null, envelopeFingerprint: grouped('2'), commitments: { 'user-pin': hex('e'), 'so-pin': hex('f') } },
    ],
    token: { serial: '0123456789abcdef', label: 'Unit' },
    kdf: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
    reshareNonce: null,
    supersedes: null,
    createdAt: '2030-01-01T00:00:00.000Z',
    rehearsal: false,
    ...overrides,
  };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-record-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('loadRecordFile', () => {
  it('reads a record and keeps its exact text', async (t) => {
    const dir = tempDir(t);
    const text = serializeQuorumRecord(record());
    writeFileSync(join(dir, 'quorum-record.json'), text);
    const loaded = await loadRecordFile(join(dir, 'quorum-record.json'));
    assert.equal(loaded.text, text);
    assert.equal(loaded.record.ceremonyId, 'unit-ceremony');
    assert.equal(loaded.finishedPending, null);
  });

  it('refuses a superseded record by its name, and a copy the current record supersedes', async (t) => {
    const dir = tempDir(t);
    const oldText = serializeQuorumRecord(record());
    writeFileSync(join(dir, 'quorum-record.superseded-2030-01-02T00-00-00-000Z.json'), oldText);
    writeFileSync(join(dir, 'quorum-record.json'), serializeQuorumRecord(record({ supersedes: recordHash(oldText), reshareNonce: hex('9'), createdAt: '2030-01-02T00:00:00.000Z' })));
    const byName = await rejectsWithCode(loadRecordFile(join(dir, 'quorum-record.superseded-2030-01-02T00-00-00-000Z.json')), 'QUORUM_RECORD_SUPERSEDED');
    assert.match(byName.message, /quorum-record\.json/);
    writeFileSync(join(dir, 'old-copy.json'), oldText);
    await rejectsWithCode(loadRecordFile(join(dir, 'old-copy.json')), 'QUORUM_RECORD_SUPERSEDED');
  });

  it('names a missing record, a malformed one and a relative path', async (t) => {
    const dir = tempDir(t);
    await rejectsWithCode(loadRecordFile(join(dir, 'quorum-record.json')), 'RECORD_NOT_FOUND');
    writeFileSync(join(dir, 'quorum-record.json'), '{"format":"conclave-quorum-record","version":1}');
    await rejectsWithCode(loadRecordFile(join(dir, 'quorum-record.json')), 'RECORD_MALFORMED');
    await rejectsWithCode(loadRecordFile('quorum-record.json'), 'PATH_NOT_ABSOLUTE');
  });

  it('finishes a re-share whose token steps completed: old record renamed, new one written, journal removed', async (t) => {
    const dir = tempDir(t);
    const oldText = serializeQuorumRecord(record());
    const oldPath = join(dir, 'quorum-record.json');
    writeFileSync(oldPath, oldText);
    const next = record({ supersedes: recordHash(oldText), reshareNonce: hex('7'), createdAt: '2030-02-01T00:00:00.000Z' });
    const renameTo = join(dir, 'quorum-record.superseded-2030-02-01T00-00-00-000Z.json');
    const journal = {
      format: 'conclave-quorum-pending',
      version: 1,
      kind: 'reshare',
      setupId: 'x',
      ceremonyId: 'unit-ceremony',
      slotId: '1',
      recordPath: oldPath,
      record: next,
      supersedes: { path: oldPath, hash: recordHash(oldText), renameTo },
      steps: [
        { name: 'change-so-pin', status: 'done', at: null },
        { name: 'change-user-pin', status: 'done', at: null },
        { name: 'supersede-old-record', status: 'pending', at: null },
        { name: 'write-record', status: 'pending', at: null },
      ],
      startedAt: '2030-02-01T00:00:00.000Z',
      copies: [join(dir, 'quorum-record.pending.json')],
    };
    writeFileSync(join(dir, 'quorum-record.pending.json'), JSON.stringify(journal));
    const loaded = await loadRecordFile(oldPath);
    assert.equal(loaded.finishedPending, oldPath);
    assert.equal(loaded.record.reshareNonce, hex('7'), 'the path now holds the new record');
    assert.equal(readFileSync(renameTo, 'utf8'), oldText);
    assert.equal(existsSync(join(dir, 'quorum-record.pending.json')), false);
  });

  it('refuses, with the story, when a token step was interrupted; and names an unreadable journal', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'quorum-record.json'), serializeQuorumRecord(record()));
    const journal = {
      format: 'conclave-quorum-pending',
      version: 1,
      kind: 'reshare',
      ceremonyId: 'unit-ceremony',
      recordPath: join(dir, 'quorum-record.json'),
      record: record(),
      supersedes: null,
      steps: [
        { name: 'change-so-pin', status: 'done', at: null },
        { name: 'change-user-pin', status: 'started', at: null },
        { name: 'write-record', status: 'pending', at: null },
      ],
      startedAt: '2030-02-01T00:00:00.000Z',
      copies: [],
    };
    writeFileSync(join(dir, 'quorum-record.pending.json'), JSON.stringify(journal));
    const error = await rejectsWithCode(loadRecordFile(join(dir, 'quorum-record.json')), 'QUORUM_CHANGE_INTERRUPTED');
    assert.match(error.message, /re-share of ceremony unit-ceremony/);
    assert.match(error.message, /Done: changing the SO PIN\. Interrupted while changing the user PIN: that change may or may not have reached the token\. Not done: writing the quorum record\./);
    assert.match(error.action, /Keep every envelope of the old and the new quorum/);
    writeFileSync(join(dir, 'quorum-record.pending.json'), 'not json');
    await rejectsWithCode(loadRecordFile(join(dir, 'quorum-record.json')), 'QUORUM_JOURNAL_INVALID');
  });
});
