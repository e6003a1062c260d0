// Recovery after a crash, on real files: a torn final entry (half a line, a whole line
// whose "\n" never came, garbage at the end) is cut and reported so the engine records a
// torn-entry-cut entry; damage anywhere before the last line is refused and nothing is cut.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readTranscript } from '../../../main/transcript/reader';
import { recoverTranscript } from '../../../main/transcript/recovery';
import { openTranscript, type TranscriptWriter } from '../../../main/transcript/writer';
import { ALICE, CEREMONY_ID, SYSTEM, ecdsaSigner, ed25519Witness, openedData, steppingClock, tempDir, writeCeremony } from '../../unit/transcript/fixtures';

type Cleanup = { after(fn: () => unknown): void };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A transcript of four complete entries; returns its path and bytes. */
async function fourEntries(t: Cleanup): Promise<{ path: string; intact: Buffer; writer: TranscriptWriter }> {
  const path = join(tempDir(t), 'transcript.jsonl');
  const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true, now: steppingClock() });
  await writer.append('ceremony-opened', ALICE, openedData([]));
  await writer.append('room-checked', SYSTEM, { rehearsal: true, ready: true, checks: [] });
  await writer.append('step-started', ALICE, { step: 'quorum-setup', index: 1, title: 'Quorum setup' });
  await writer.append('step-acknowledged', ALICE, { step: 'quorum-setup', role: 'administrator', name: 'Alice' });
  return { path, intact: readFileSync(path), writer };
}

/** Recovers, checks what was cut and that the file is back to `intact`, then records the cut and verifies. */
async function recoverAndRecord(path: string, intact: Buffer, torn: Buffer, reason: 'no-newline' | 'unparseable') {
  const result = await recoverTranscript(path);
  assert.deepEqual(result.cut, { line: 5, bytes: torn.length, sha256: sha256(torn), reason });
  assert.equal(result.entries.length, 4);
  assert.deepEqual(readFileSync(path), intact, 'the file is cut back to its last complete line');
  const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, now: steppingClock('2025-01-31T13:00:00.000Z') });
  const recorded = await writer.append('torn-entry-cut', SYSTEM, result.cut!);
  await writer.append('resumed', SYSTEM, { lastSeq: 3, lastHash: result.head!.hash, resumeAt: 'quorum-setup', findings: { tornEntryCut: true } });
  await writer.close();
  assert.equal(recorded.entry.seq, 4);
  const read = await readTranscript(path);
  assert.equal(read.entries.length, 6);
  assert.deepEqual(read.entries[4]!.entry.data, result.cut);
}

describe('recoverTranscript', () => {
  test('cuts half a line', async (t) => {
    const { path, intact, writer } = await fourEntries(t);
    const next = await writer.append('step-completed', SYSTEM, { step: 'quorum-setup', result: { envelopes: 5 } });
    await writer.close();
    const half = Buffer.from(next.line.slice(0, Math.floor(next.line.length / 2)));
    truncateSync(path, intact.length + half.length);
    await recoverAndRecord(path, intact, half, 'no-newline');
  });

  test('cuts a complete line whose "\\n" never reached the disk', async (t) => {
    const { path, intact, writer } = await fourEntries(t);
    const next = await writer.append('step-completed', SYSTEM, { step: 'quorum-setup', result: { envelopes: 5 } });
    await writer.close();
    truncateSync(path, intact.length + next.line.length);
    await recoverAndRecord(path, intact, Buffer.from(next.line), 'no-newline');
  });

  test('cuts garbage a crash left at the end (zeros, no newline)', async (t) => {
    const { path, intact, writer } = await fourEntries(t);
    await writer.close();
    const garbage = Buffer.alloc(512);
    writeFileSync(path, garbage, { flag: 'a' });
    await recoverAndRecord(path, intact, garbage, 'no-newline');
  });

  test('cuts a last line that is not JSON, newline included', async (t) => {
    const { path, intact, writer } = await fourEntries(t);
    await writer.close();
    const garbage = Buffer.from('\u0000\u0000{"act\xff\xfeor\n', 'latin1');
    writeFileSync(path, garbage, { flag: 'a' });
    await recoverAndRecord(path, intact, garbage, 'unparseable');
  });

  test('leaves an intact transcript alone and reports nothing cut', async (t) => {
    const { path, intact, writer } = await fourEntries(t);
    await writer.close();
    const result = await recoverTranscript(path);
    assert.equal(result.cut, null);
    assert.equal(result.entries.length, 4);
    assert.deepEqual(readFileSync(path), intact);
  });

  test('refuses, and cuts nothing, when a line before the last is damaged', async (t) => {
    const { path, writer } = await fourEntries(t);
    await writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"ready":true', '"ready":tru');
    writeFileSync(path, `${lines.join('\n')}{"half":`);
    const damaged = readFileSync(path);
    await assert.rejects(recoverTranscript(path), (error: { code: string; problem: { line: number; seq: number | null; code: string } }) => {
      assert.equal(error.code, 'TRANSCRIPT_INVALID');
      assert.equal(error.problem.line, 2);
      assert.equal(error.problem.code, 'not-json');
      return true;
    });
    assert.deepEqual(readFileSync(path), damaged, 'nothing was cut');
  });

  test('refuses a garbage line before a torn tail (only the very last line can be torn)', async (t) => {
    const { path, writer } = await fourEntries(t);
    await writer.close();
    writeFileSync(path, 'garbage\n{"half":', { flag: 'a' });
    const damaged = readFileSync(path);
    await assert.rejects(recoverTranscript(path), (error: { code: string; problem: { line: number } }) => {
      assert.equal(error.code, 'TRANSCRIPT_INVALID');
      assert.equal(error.problem.line, 5);
      return true;
    });
    assert.deepEqual(readFileSync(path), damaged);
  });

  test('refuses a complete last line that is JSON but breaks the chain', async (t) => {
    const { path, writer } = await fourEntries(t);
    await writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    const forged = JSON.parse(lines[3]!);
    forged.seq = 4;
    forged.at = '2025-01-31T12:00:09.000Z';
    writeFileSync(path, `${JSON.stringify(forged)}\n`, { flag: 'a' });
    const before = readFileSync(path);
    await assert.rejects(recoverTranscript(path), (error: { code: string; message: string; problem: { code: string } }) => {
      assert.equal(error.code, 'TRANSCRIPT_INVALID');
      assert.equal(error.problem.code, 'prev');
      assert.match(error.message, /the prev that entry 4 \(line 5\) records/);
      return true;
    });
    assert.deepEqual(readFileSync(path), before);
  });

  test('refuses bytes after the sealed entry: a sealed transcript is never written again', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness();
    const path = join(tempDir(t), 'transcript.jsonl');
    const { writer } = await writeCeremony(path, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    await writer.close();
    writeFileSync(path, '{"v":1,"seq":20', { flag: 'a' });
    const before = readFileSync(path);
    await assert.rejects(recoverTranscript(path), (error: { code: string; problem: { code: string; line: number } }) => {
      assert.equal(error.code, 'TRANSCRIPT_INVALID');
      assert.equal(error.problem.code, 'after-sealed');
      assert.equal(error.problem.line, 21);
      return true;
    });
    assert.deepEqual(readFileSync(path), before);
  });

  test('refuses to cut while a live writer holds the transcript', async (t) => {
    const { path, writer } = await fourEntries(t);
    t.after(() => writer.close());
    await assert.rejects(recoverTranscript(path), { code: 'TRANSCRIPT_LOCKED' });
  });
});
