// verifyChain against every kind of tampering, each reported with the seq it is about.
// The transcript is written by the real writer; the tampering edits its lines as a
// person with a text editor (or a forger with a script) would.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { hashLine } from '../../../main/transcript/line';
import { verifyChain } from '../../../main/transcript/verify-chain';
import { ecdsaSigner, ed25519Witness, parseLine, rechain, writeCeremony, writeLine, type Json } from './fixtures';

let lines: string[] = [];

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-chain-'));
  try {
    const key = ecdsaSigner();
    const carol = ed25519Witness();
    const path = join(dir, 'transcript.jsonl');
    const { writer } = await writeCeremony(path, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    await writer.close();
    lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function edit(index: number, change: (entry: Json) => void): string[] {
  const out = [...lines];
  const entry = parseLine(out[index]!);
  change(entry);
  out[index] = writeLine(entry);
  return out;
}

function problemOf(tampered: string[]) {
  const result = verifyChain(tampered);
  assert.equal(result.ok, false, 'the tampered transcript must not verify');
  if (result.ok) throw new Error('unreachable');
  return result.problem;
}

describe('verifyChain', () => {
  test('accepts the intact transcript and reports it sealed', () => {
    const result = verifyChain(lines);
    assert.ok(result.ok, result.ok ? '' : result.problem.message);
    assert.equal(result.entries.length, 20);
    assert.equal(result.sealed, true);
    assert.equal(result.ceremonyId, 'root-2025-test');
    assert.deepEqual(result.head, { seq: 19, hash: hashLine(lines[19]!) });
    result.entries.forEach((e, i) => {
      assert.equal(e.entry.seq, i);
      assert.equal(e.line, i + 1);
      assert.equal(e.hash, hashLine(lines[i]!));
    });
  });

  test('accepts an unsealed prefix (a ceremony in progress) and an empty transcript', () => {
    const result = verifyChain(lines.slice(0, 12));
    assert.ok(result.ok);
    assert.equal(result.sealed, false);
    const empty = verifyChain([]);
    assert.ok(empty.ok);
    assert.equal(empty.head, null);
  });

  test('a changed data field names the changed entry', () => {
    const problem = problemOf(edit(6, (e) => (e.data.policySummary = '1 of 2')));
    assert.equal(problem.code, 'prev');
    assert.equal(problem.seq, 6);
    assert.equal(problem.line, 7);
    assert.match(problem.message, /^entry 6 \(line 7\): .*entry 6 was changed after it was written/);
  });

  test('a changed time names the changed entry', () => {
    const problem = problemOf(edit(4, (e) => (e.at = '2025-01-31T12:00:04.500Z')));
    assert.equal(problem.code, 'prev');
    assert.equal(problem.seq, 4);
  });

  test('a changed actor names the changed entry', () => {
    const problem = problemOf(edit(5, (e) => (e.actor = { role: 'custodian', name: 'Erin' })));
    assert.equal(problem.code, 'prev');
    assert.equal(problem.seq, 5);
  });

  test('a changed entry that breaks its own rules is named at once, even with the chain re-linked', () => {
    const tampered = rechain(
      edit(5, (e) => (e.actor = { role: 'custodian', name: 'Mallory' })),
      5,
    );
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'participant');
    assert.equal(problem.seq, 5);
    assert.match(problem.message, /custodian "Mallory" is not a participant/);
  });

  test('a removed entry is named as missing', () => {
    const tampered = lines.filter((_, i) => i !== 8);
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'seq');
    assert.equal(problem.seq, 8);
    assert.equal(problem.line, 9);
    assert.match(problem.message, /^entry 8 is missing: line 9 holds entry 9/);
  });

  test('several removed entries are named as a range', () => {
    const problem = problemOf([...lines.slice(0, 3), ...lines.slice(6)]);
    assert.equal(problem.seq, 3);
    assert.match(problem.message, /^entries 3 to 5 are missing/);
  });

  test('reordered entries are named as out of order', () => {
    const tampered = [...lines];
    [tampered[9], tampered[10]] = [tampered[10]!, tampered[9]!];
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'seq');
    assert.equal(problem.seq, 9);
    assert.match(problem.message, /^entry 9 is out of order: line 10 holds entry 10 and entry 9 is at line 11/);
  });

  test('a duplicated line is named as a duplicate of the original', () => {
    const tampered = [...lines.slice(0, 8), lines[7]!, ...lines.slice(8)];
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'seq');
    assert.equal(problem.seq, 7);
    assert.equal(problem.line, 9);
    assert.match(problem.message, /duplicate of line 8/);
  });

  test('an entry appended after sealed is refused, even when it is chained correctly', () => {
    const sealed = parseLine(lines[19]!);
    const appended = writeLine({ ...sealed, seq: 20, prev: hashLine(lines[19]!), type: 'file-written', data: { path: 'extra.txt', purpose: 'added later', sha256: 'd'.repeat(64), bytes: 1 } });
    const problem = problemOf([...lines, appended]);
    assert.equal(problem.code, 'after-sealed');
    assert.equal(problem.seq, 20);
    assert.equal(problem.line, 21);
    assert.match(problem.message, /follows the sealed entry 19/);
  });

  test('a line that is not in canonical form is refused (edited by hand)', () => {
    const tampered = [...lines];
    tampered[3] = JSON.stringify(parseLine(lines[3]!), null, 1).replace(/\n/g, '');
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'not-canonical');
    assert.equal(problem.seq, 3);
  });

  test('a line that is not JSON, an empty line and a CRLF line are refused', () => {
    const broken = [...lines];
    broken[2] = lines[2]!.slice(0, 40);
    assert.equal(problemOf(broken).code, 'not-json');
    assert.equal(problemOf(broken).line, 3);
    const empty = [...lines.slice(0, 4), '', ...lines.slice(4)];
    assert.equal(problemOf(empty).code, 'empty-line');
    const crlf = [...lines];
    crlf[4] = `${lines[4]}\r`;
    assert.equal(problemOf(crlf).code, 'not-canonical');
  });

  test('an unknown field, a wrong version or an unknown type is a schema problem naming the field', () => {
    const extra = problemOf(edit(2, (e) => (e.data.note = 'hello')));
    assert.equal(extra.code, 'schema');
    assert.equal(extra.seq, 2);
    assert.match(extra.message, /data/);
    const version = problemOf(edit(2, (e) => (e.v = 2)));
    assert.equal(version.code, 'schema');
    assert.match(version.message, /^entry 2 \(line 3\): v:/);
    const type = problemOf(edit(2, (e) => (e.type = 'coffee-break')));
    assert.match(type.message, /is not an entry type/);
  });

  test('a secret-bearing field in a free-form result is refused', () => {
    const problem = problemOf(edit(7, (e) => (e.data.result.userPin = '123456')));
    assert.equal(problem.code, 'schema');
    assert.match(problem.message, /userPin.*never written to a transcript/);
  });

  test('a change of ceremony id is refused', () => {
    const problem = problemOf(rechain(edit(3, (e) => (e.ceremonyId = 'other-ceremony')), 3));
    assert.equal(problem.code, 'ceremony-id');
    assert.equal(problem.seq, 3);
  });

  test('a time earlier than the previous entry is refused', () => {
    const problem = problemOf(rechain(edit(3, (e) => (e.at = '2025-01-31T11:00:00.000Z')), 3));
    assert.equal(problem.code, 'time');
    assert.equal(problem.seq, 3);
  });

  test('the first entry must be ceremony-opened with prev of 64 zeros', () => {
    const zero = problemOf(edit(0, (e) => (e.prev = '1'.repeat(64))));
    assert.equal(zero.code, 'prev');
    assert.equal(zero.seq, 0);
    const first = problemOf(lines.slice(1).map((l, i) => writeLine({ ...parseLine(l), seq: i })));
    assert.equal(first.seq, 0);
  });

  test('a checkpoint whose hash is not its predecessor is refused', () => {
    const problem = problemOf(rechain(edit(12, (e) => (e.data.hash = 'e'.repeat(64))), 13).slice(0, 13));
    assert.equal(problem.code, 'reference');
    assert.equal(problem.seq, 12);
  });

  test('a signature over something other than a checkpoint or seal is refused', () => {
    const problem = problemOf(rechain(edit(13, (e) => (e.data.signs = 11)), 13));
    assert.equal(problem.code, 'reference');
    assert.equal(problem.seq, 13);
  });

  test('sealed must list exactly the signatures of the seal', () => {
    const problem = problemOf(rechain(edit(19, (e) => (e.data.signatures = [17])), 19));
    assert.equal(problem.code, 'reference');
    assert.equal(problem.seq, 19);
    assert.match(problem.message, /signatures are entries \[17, 18\]/);
  });

  test('a witness signature by a key other than the one listed at opening is refused', () => {
    const other = ed25519Witness();
    const tampered = rechain(
      edit(14, (e) => {
        e.data.publicKeySpki = Buffer.from(other.spki).toString('base64');
        e.data.signer.keyFingerprint = other.fingerprint;
      }),
      14,
    );
    const problem = problemOf(tampered);
    assert.equal(problem.code, 'participant');
    assert.equal(problem.seq, 14);
    assert.match(problem.message, /is not the key listed for witness "Carol"/);
  });

  test('a key fingerprint that does not match the key in the entry is a schema problem', () => {
    const problem = problemOf(rechain(edit(14, (e) => (e.data.signer.keyFingerprint = 'f'.repeat(64))), 14));
    assert.equal(problem.code, 'schema');
    assert.equal(problem.seq, 14);
    assert.match(problem.message, /data\.signer\.keyFingerprint: the public key hashes to/);
  });
});
