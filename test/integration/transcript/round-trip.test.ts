// Write a whole ceremony to a real file, read it back, continue it after closing, and
// see every error a person can meet: an existing file, a missing one, another ceremony's,
// a damaged one — each naming the line.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { finalHash } from '../../../main/transcript/final-hash';
import { hashLine } from '../../../main/transcript/line';
import { readTranscript } from '../../../main/transcript/reader';
import { verifySignatures } from '../../../main/transcript/verify-signatures';
import { openTranscript } from '../../../main/transcript/writer';
import { ALICE, CEREMONY_ID, SYSTEM, ecdsaSigner, ed25519Witness, openedData, parseLine, steppingClock, tempDir, writeCeremony, writeLine } from '../../unit/transcript/fixtures';

describe('transcript round trip on disk', () => {
  test('a sealed ceremony reads back entry for entry and verifies', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness();
    const witnesses = [{ name: 'Carol', fingerprint: carol.fingerprint }];
    const path = join(tempDir(t), 'transcript.jsonl');
    const { writer, appended } = await writeCeremony(path, { ceremonyKey: key, listed: witnesses, witnessSigners: [carol] });
    await writer.close();

    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.match(text, /^[\x20-\x7e\n]+$/, 'the file is printable ASCII, one entry per line');
    assert.equal(statSync(path).mode & 0o777, 0o644 & ~process.umask());

    const read = await readTranscript(path);
    assert.equal(read.entries.length, appended.length);
    read.entries.forEach((e, i) => {
      assert.deepEqual(e.entry, appended[i]!.entry);
      assert.equal(e.hash, appended[i]!.hash);
      assert.equal(e.text, appended[i]!.line);
    });
    assert.equal(read.sealed, true);
    assert.equal(read.ceremonyId, CEREMONY_ID);
    assert.equal(finalHash(read.entries), hashLine(text.split('\n')[19]!));
    assert.ok(verifySignatures(read.entries, { ceremonyKeySpki: key.spki, witnesses }).ok);
  });

  test('a transcript continues after close where it left off, and a sealed one never does', async (t) => {
    const path = join(tempDir(t), 'transcript.jsonl');
    const first = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true, now: steppingClock() });
    await first.append('ceremony-opened', ALICE, openedData([]));
    await first.append('step-started', ALICE, { step: 'quorum-setup', index: 1, title: 'Quorum setup' });
    await first.close();
    const before = readFileSync(path);

    const second = await openTranscript(path, { ceremonyId: CEREMONY_ID, now: steppingClock('2025-01-31T13:00:00.000Z') });
    assert.deepEqual(second.head, { seq: 1, hash: hashLine(before.toString('utf8').split('\n')[1]!) });
    await second.append('step-completed', SYSTEM, { step: 'quorum-setup', result: { ok: true } });
    await second.close();
    const after = readFileSync(path);
    assert.deepEqual(after.subarray(0, before.length), before, 'earlier lines are untouched');
    assert.equal((await readTranscript(path)).entries.length, 3);
  });

  test('create refuses an existing transcript, even an empty one, and leaves it alone', async (t) => {
    const path = join(tempDir(t), 'transcript.jsonl');
    writeFileSync(path, '');
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID, create: true }), { code: 'TRANSCRIPT_EXISTS' });
    assert.equal(readFileSync(path, 'utf8'), '');
    const w = await openTranscript(path, { ceremonyId: CEREMONY_ID });
    await w.append('ceremony-opened', ALICE, openedData([]));
    await w.close();
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID, create: true }), { code: 'TRANSCRIPT_EXISTS' });
    assert.equal((await readTranscript(path)).entries.length, 1);
  });

  test('opening a missing transcript, another ceremony or a relative path is refused', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'transcript.jsonl');
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), { code: 'TRANSCRIPT_NOT_FOUND' });
    await assert.rejects(readTranscript(path), { code: 'TRANSCRIPT_NOT_FOUND' });
    await assert.rejects(openTranscript(join(dir, 'missing', 'transcript.jsonl'), { ceremonyId: CEREMONY_ID, create: true }), { code: 'DIRECTORY_NOT_FOUND' });
    await assert.rejects(openTranscript('transcript.jsonl', { ceremonyId: CEREMONY_ID, create: true }), { code: 'PATH_NOT_ABSOLUTE' });
    await assert.rejects(openTranscript(path, { ceremonyId: 'bad id', create: true }), { code: 'CEREMONY_ID_INVALID' });
    const w = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true });
    await w.append('ceremony-opened', ALICE, openedData([]));
    await w.close();
    await assert.rejects(openTranscript(path, { ceremonyId: 'another-ceremony' }), { code: 'TRANSCRIPT_CEREMONY_MISMATCH' });
  });

  test('reading a damaged transcript names the first bad line, its seq and what is wrong', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness();
    const path = join(tempDir(t), 'transcript.jsonl');
    const { writer } = await writeCeremony(path, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    await writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    const entry = parseLine(lines[9]!);
    entry.data.phrase = 'I DID NOT CONFIRM';
    lines[9] = writeLine(entry);
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(readTranscript(path), (error: { code: string; message: string; problem: { line: number; seq: number; code: string } }) => {
      assert.equal(error.code, 'TRANSCRIPT_INVALID');
      assert.deepEqual({ line: error.problem.line, seq: error.problem.seq, code: error.problem.code }, { line: 10, seq: 9, code: 'prev' });
      assert.match(error.message, /^The transcript .* does not verify: entry 9 \(line 10\): .*entry 9 was changed after it was written/);
      return true;
    });
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), { code: 'TRANSCRIPT_INVALID' });
  });

  test('reading a transcript with an unfinished last entry says it is torn', async (t) => {
    const path = join(tempDir(t), 'transcript.jsonl');
    const w = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true });
    await w.append('ceremony-opened', ALICE, openedData([]));
    await w.close();
    writeFileSync(path, '{"actor":{"na', { flag: 'a' });
    await assert.rejects(readTranscript(path), (error: { code: string; problem: { line: number } }) => {
      assert.equal(error.code, 'TRANSCRIPT_TORN');
      assert.equal(error.problem.line, 2);
      return true;
    });
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), { code: 'TRANSCRIPT_TORN' });
  });
});
