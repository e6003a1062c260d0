// One writer per transcript: a real second process holding the transcript keeps us out;
// once it is killed (kill -9, so it cannot clean up) its lock is stale and taken over.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { acquireTranscriptLock } from '../../../main/transcript/lock';
import { readTranscript } from '../../../main/transcript/reader';
import { openTranscript } from '../../../main/transcript/writer';
import { ALICE, CEREMONY_ID, SYSTEM, openedData, tempDir } from '../../unit/transcript/fixtures';

type Cleanup = { after(fn: () => unknown): void };

async function newTranscript(t: Cleanup): Promise<string> {
  const path = join(tempDir(t), 'transcript.jsonl');
  const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID, create: true });
  await writer.append('ceremony-opened', ALICE, openedData([]));
  await writer.close();
  return path;
}

function holdInChild(t: Cleanup, path: string): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'hold-transcript.ts'), path, CEREMONY_ID], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const held = /held (\d+)\n/.exec(out);
      if (held) resolve({ child, pid: Number(held[1]) });
      else if (/refused/.test(out)) reject(new Error(`the child could not open the transcript: ${out}`));
    });
    child.on('exit', (code) => reject(new Error(`the child exited (${code}) before holding the transcript: ${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('transcript lock', () => {
  test('another live process holding the transcript keeps a second writer out; after kill -9 its stale lock is taken over', async (t) => {
    const path = await newTranscript(t);
    const { child, pid } = await holdInChild(t, path);
    const lock = JSON.parse(readFileSync(`${path}.lock`, 'utf8'));
    assert.equal(lock.pid, pid);
    assert.equal(lock.host, hostname());

    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), (error: { code: string; message: string; action: string }) => {
      assert.equal(error.code, 'TRANSCRIPT_LOCKED');
      assert.match(error.message, new RegExp(`another Conclave process \\(pid ${pid},`));
      assert.match(error.action, /Close the other Conclave window/);
      return true;
    });

    child.kill('SIGKILL');
    await exited(child);
    assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, pid, 'a killed process leaves its lock behind');

    const writer = await openTranscript(path, { ceremonyId: CEREMONY_ID });
    assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, process.pid, 'the stale lock was taken over');
    await writer.append('resumed', SYSTEM, { lastSeq: 0, lastHash: writer.head!.hash, resumeAt: null, findings: { staleLockOf: pid } });
    await writer.close();
    assert.equal((await readTranscript(path)).entries.length, 2);
    assert.deepEqual(readdirSync(dirname(path)), ['transcript.jsonl'], 'no lock, temporary or stale file is left behind');
  });

  test('a second writer in the same process is refused; close releases the lock', async (t) => {
    const path = await newTranscript(t);
    const first = await openTranscript(path, { ceremonyId: CEREMONY_ID });
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), { code: 'TRANSCRIPT_LOCKED', message: /already open for writing in this Conclave process/ });
    await first.close();
    const second = await openTranscript(path, { ceremonyId: CEREMONY_ID });
    await second.close();
  });

  test('a lock made on another computer is not taken over', async (t) => {
    const path = await newTranscript(t);
    writeFileSync(`${path}.lock`, `${JSON.stringify({ host: 'ceremony-laptop-2', pid: 4242, since: '2025-01-31T12:00:00.000Z' })}\n`);
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), { code: 'TRANSCRIPT_LOCKED_ELSEWHERE', message: /"ceremony-laptop-2"/ });
  });

  test('a lock that does not say who holds it is refused with what to do', async (t) => {
    const path = await newTranscript(t);
    writeFileSync(`${path}.lock`, 'garbage');
    await assert.rejects(openTranscript(path, { ceremonyId: CEREMONY_ID }), (error: { code: string; action: string }) => {
      assert.equal(error.code, 'TRANSCRIPT_LOCK_UNREADABLE');
      assert.match(error.action, /delete .*transcript\.jsonl\.lock/);
      return true;
    });
  });

  test('a stale lock is taken over through the liveness check, and release leaves a foreign lock alone', async (t) => {
    const path = await newTranscript(t);
    const dead = await acquireTranscriptLock(path, { pid: 999_999, processAlive: () => true });
    const taken = await acquireTranscriptLock(path, { processAlive: (pid) => pid !== 999_999 });
    assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, process.pid);
    await dead.release();
    assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, process.pid, 'the old holder does not remove the new lock');
    await taken.release();
    assert.throws(() => readFileSync(`${path}.lock`), { code: 'ENOENT' });
  });
});
