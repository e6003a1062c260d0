// The writer's durability and refusals, observed through an fs port that records every
// call (over real files in a temporary folder): an append resolves only after its fsync,
// a new transcript and its directory are flushed, nothing invalid is ever written.
import assert from 'node:assert/strict';
import { constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hashLine } from '../../../main/transcript/line';
import { verifyChain } from '../../../main/transcript/verify-chain';
import { openTranscript } from '../../../main/transcript/writer';
import { ALICE, BOB, CEREMONY_ID, SYSTEM, ecdsaSigner, ed25519Witness, openedData, steppingClock, tempDir, writeCeremony } from './fixtures';
import { SpyFs } from './spy-fs';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function opened(t: { after(fn: () => unknown): void }, fs = new SpyFs(), now = steppingClock()) {
  const dir = tempDir(t);
  const path = join(dir, 'transcript.jsonl');
  const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true, fs, now });
  t.after(() => writer.close());
  await writer.append('ceremony-opened', ALICE, openedData([]));
  return { dir, path, writer, fs };
}

describe('TranscriptWriter', () => {
  test('an append resolves only after the fsync of its line returned', async (t) => {
    const { path, writer, fs } = await opened(t);
    const sizeBefore = statSync(path).size;
    const hold = fs.holdNextSync();
    let resolved = false;
    const pending = writer.append('step-started', ALICE, { step: 'quorum-setup', index: 1, title: 'Quorum setup' }).then((r) => {
      resolved = true;
      return r;
    });
    await hold.reached;
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(resolved, false, 'the append must wait for the fsync');
    assert.ok(statSync(path).size > sizeBefore, 'the line was written before the fsync');
    const ops = fs.opsOn(path);
    assert.deepEqual(ops.slice(-2), ['write', 'sync'], 'one write of the whole line, then the fsync');
    hold.release();
    const result = await pending;
    assert.equal(resolved, true);
    assert.equal(result.entry.seq, 1);
    const lastWrite = fs.events.filter((e) => e.op === 'write').pop()!;
    assert.equal(lastWrite.bytes, Buffer.byteLength(result.line) + 1, 'line and "\\n" in one write');
  });

  test('create opens with O_CREAT|O_EXCL|O_APPEND, then flushes the file and its directory', async (t) => {
    const fs = new SpyFs();
    const { dir, path } = await opened(t, fs);
    const open = fs.events.find((e) => e.op === 'open' && e.path === path)!;
    const flags = open.flags!;
    assert.ok(flags & constants.O_CREAT && flags & constants.O_EXCL && flags & constants.O_APPEND, 'exclusive create, append-only');
    assert.equal(flags & constants.O_TRUNC, 0, 'never truncating');
    const index = (op: string, p: string) => fs.events.findIndex((e) => e.op === op && e.path === p);
    assert.ok(index('open', path) < index('sync', path), 'the new file is flushed');
    assert.ok(index('sync', path) < index('syncDirectory', dir), 'then its directory');
    assert.ok(index('syncDirectory', dir) < index('write', path), 'before the first entry is written');
  });

  test('continuing a transcript opens it append-only after verifying it', async (t) => {
    const { path, writer } = await opened(t);
    await writer.close();
    const fs = new SpyFs();
    const again = await openTranscript(path, { ceremonyId: CEREMONY_ID, fs, now: steppingClock('2025-02-01T00:00:00.000Z') });
    t.after(() => again.close());
    const open = fs.events.find((e) => e.op === 'open' && e.path === path)!;
    assert.equal(open.flags! & (constants.O_TRUNC | constants.O_CREAT), 0);
    assert.ok(open.flags! & constants.O_APPEND);
    assert.ok(fs.events.findIndex((e) => e.op === 'readFile' && e.path === path) < fs.events.indexOf(open), 'read and verified first');
    const next = await again.append('room-checked', SYSTEM, { rehearsal: true, ready: true, checks: [] });
    assert.equal(next.entry.seq, 1);
    assert.equal(next.entry.prev, hashLine(readFileSync(path, 'utf8').split('\n')[0]!));
  });

  test('a failed fsync rejects the append and the writer refuses to go on', async (t) => {
    const { writer, fs } = await opened(t);
    fs.failNext = { op: 'sync', code: 'EIO' };
    await assert.rejects(writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' }), { code: 'MEDIA_IO_ERROR' });
    await assert.rejects(writer.append('step-started', ALICE, { step: 'b', index: 2, title: 'B' }), { code: 'TRANSCRIPT_WRITER_FAILED' });
  });

  test('a full medium is reported as such', async (t) => {
    const { writer, fs } = await opened(t);
    fs.failNext = { op: 'write', code: 'ENOSPC' };
    await assert.rejects(writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' }), (error: { code: string; action: string }) => {
      assert.equal(error.code, 'MEDIA_FULL');
      assert.match(error.action, /resumes from the last entry on disk/);
      return true;
    });
  });

  test('data that does not match its schema is refused and nothing is written', async (t) => {
    const { path, writer, fs } = await opened(t);
    const size = statSync(path).size;
    const writes = fs.events.filter((e) => e.op === 'write').length;
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [writer.append('step-started', ALICE, { step: 'quorum-setup', index: 1, title: 'Q', extra: 1 } as never), /data: Unrecognized key: "extra"/],
      [writer.append('step-started', { role: 'guest', name: 'X' } as never, { step: 'q', index: 1, title: 'Q' }), /actor\.role/],
      [writer.append('step-completed', SYSTEM, { step: 'q', result: { nested: { passphrase: 'correct horse' } } }), /data\.result: \$\.nested\.passphrase: a field named "passphrase" may hold a secret/],
      [writer.append('exception-resolved', ALICE, { exception: 1, resolution: 'skip', justification: null, by: { role: 'administrator', name: 'Alice' } }), /data\.justification: skipping a step needs a written justification/],
      [writer.append('media-written', SYSTEM, { path: '/media/a', medium: 'USB', sha256: 'ABC', bytes: 1 }), /data\.sha256: expected 64 lower-case hex digits/],
      [writer.append('coffee' as never, SYSTEM, {} as never), /"coffee" is not an entry type/],
    ];
    for (const [promise, message] of cases) {
      await assert.rejects(promise, (error: { code: string; message: string }) => {
        assert.equal(error.code, 'TRANSCRIPT_ENTRY_INVALID');
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(statSync(path).size, size);
    assert.equal(fs.events.filter((e) => e.op === 'write').length, writes);
  });

  test('an entry that breaks a chain rule is refused before writing', async (t) => {
    const { path, writer } = await opened(t);
    const size = statSync(path).size;
    await assert.rejects(writer.append('checkpoint', SYSTEM, { upTo: 0, hash: 'e'.repeat(64) }), {
      code: 'TRANSCRIPT_ENTRY_REFUSED',
      message: /a checkpoint covers every entry before it/,
    });
    await assert.rejects(writer.append('step-acknowledged', { role: 'custodian', name: 'Mallory' }, { step: 'q', role: 'custodian', name: 'Mallory' }), {
      code: 'TRANSCRIPT_ENTRY_REFUSED',
      message: /custodian "Mallory" is not a participant/,
    });
    await assert.rejects(writer.append('ceremony-opened', ALICE, openedData([])), { code: 'TRANSCRIPT_ENTRY_REFUSED', message: /only be the first entry/ });
    await assert.rejects(writer.append('sealed', SYSTEM, { seal: 0, sealHash: 'a'.repeat(64), signatures: [0] }), { code: 'TRANSCRIPT_ENTRY_REFUSED', message: /needs a seal/ });
    assert.equal(statSync(path).size, size);
  });

  test('the first entry must be ceremony-opened', async (t) => {
    const path = join(tempDir(t), 'transcript.jsonl');
    const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true });
    t.after(() => writer.close());
    await assert.rejects(writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' }), { code: 'TRANSCRIPT_ENTRY_REFUSED', message: /must be ceremony-opened/ });
  });

  test('a clock that goes backwards is refused', async (t) => {
    const times = ['2025-01-31T12:00:00.000Z', '2025-01-31T11:59:59.999Z'];
    const { path, writer } = await opened(t, new SpyFs(), () => new Date(times.shift() ?? '2025-01-31T12:00:00.000Z'));
    const size = statSync(path).size;
    await assert.rejects(writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' }), { code: 'TRANSCRIPT_CLOCK_BACKWARDS' });
    assert.equal(statSync(path).size, size);
    const same = await writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' });
    assert.equal(same.entry.at, '2025-01-31T12:00:00.000Z', 'an equal time is fine');
  });

  test('appends made at once are written one after another, in call order', async (t) => {
    const { path, writer } = await opened(t);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => writer.append('step-started', ALICE, { step: `s${i}`, index: i, title: `Step ${i}` })));
    assert.deepEqual(results.map((r) => r.entry.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(results.map((r) => r.entry.data.step), ['s1', 's2', 's3', 's4', 's5']);
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    assert.ok(verifyChain(lines).ok);
    assert.deepEqual(results.map((r) => r.line), lines.slice(1));
  });

  test('append returns the entry, its hash, its line and line number, and the writer keeps the head', async (t) => {
    const { path, writer } = await opened(t);
    const r = await writer.append('step-acknowledged', BOB, { step: 'quorum-setup', role: 'custodian', name: 'Bob' });
    const fileLine = readFileSync(path, 'utf8').split('\n')[1]!;
    assert.equal(r.line, fileLine);
    assert.equal(r.hash, hashLine(fileLine));
    assert.equal(r.lineNumber, 2);
    assert.deepEqual(writer.head, { seq: 1, hash: r.hash });
    assert.equal(writer.entries.length, 2);
    assert.deepEqual(r.entry.actor, BOB);
  });

  test('after sealed nothing is appended', async (t) => {
    const key = ecdsaSigner();
    const carol = ed25519Witness();
    const path = join(tempDir(t), 'transcript.jsonl');
    const { writer } = await writeCeremony(path, { ceremonyKey: key, listed: [{ name: 'Carol', fingerprint: carol.fingerprint }], witnessSigners: [carol] });
    t.after(() => writer.close());
    assert.equal(writer.sealed, true);
    const size = statSync(path).size;
    await assert.rejects(writer.append('step-started', ALICE, { step: 'late', index: 9, title: 'Late' }), { code: 'TRANSCRIPT_SEALED' });
    assert.equal(statSync(path).size, size);
  });

  test('a closed writer refuses appends and has released its lock', async (t) => {
    const { path, writer } = await opened(t);
    await writer.close();
    await assert.rejects(writer.append('step-started', ALICE, { step: 'a', index: 1, title: 'A' }), { code: 'TRANSCRIPT_CLOSED' });
    assert.throws(() => statSync(`${path}.lock`), { code: 'ENOENT' });
  });
});
