// Argon2id off the main thread: deriveKey runs on the built worker (dist/main/kdf-worker.cjs),
// the caller's event loop keeps turning during a derivation, the worker's keys equal the
// in-thread ones, and a missing worker file falls back to the calling thread with a reason.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { deriveKey } from '../../../main/quorum/kdf';
import { createArgon2idRunner, defaultKdfWorkerScript, kdfExecution } from '../../../main/quorum/kdf-thread';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { MIN_KDF } from './fixtures';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const smallJob = (password: string) => ({
  password: encodePassphrase(password),
  salt: Uint8Array.from({ length: 16 }, (_, i) => i * 7),
  memoryKiB: 256,
  iterations: 2,
  parallelism: 2,
  hashLength: 32,
});

describe('Argon2id on a worker thread', () => {
  test('deriveKey uses the built worker (run "npm run build" first)', () => {
    const execution = kdfExecution();
    assert.equal(execution.mode, 'worker', execution.mode === 'in-thread' ? execution.reason : '');
    assert.equal(execution.mode === 'worker' && execution.script, defaultKdfWorkerScript());
  });

  test('the event loop keeps ticking during one derivation at the minimum parameters', async () => {
    const passphrase = encodePassphrase('violet Anchor 58 drizzle');
    const salt = new Uint8Array(16).map((_, i) => 200 - i);
    // Warm the worker (thread start, WebAssembly compile) so the count covers the derivation alone.
    (await deriveKey(passphrase, { ...MIN_KDF, salt })).fill(0);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let key: Uint8Array;
    try {
      key = await deriveKey(passphrase, { ...MIN_KDF, salt });
    } finally {
      clearInterval(timer);
    }
    // On the calling thread the WebAssembly run blocks the loop and no tick fires at all.
    assert.ok(ticks > 5, `only ${ticks} timer ticks ran during the derivation`);
    const noble = nobleArgon2id(passphrase, salt, { t: MIN_KDF.iterations, m: MIN_KDF.memoryKiB, p: MIN_KDF.parallelism, dkLen: 32 });
    assert.equal(hex(key), hex(noble));
    key.fill(0);
  });

  test('a job sent to the worker transfers its password and salt, leaving no copy on this side', async () => {
    const runner = createArgon2idRunner(defaultKdfWorkerScript());
    const job = smallJob('transfer me');
    const expected = nobleArgon2id(job.password, job.salt, { t: 2, m: 256, p: 2, dkLen: 32 });
    const key = await runner.run(job);
    assert.equal(job.password.length, 0, 'the password buffer moved to the worker');
    assert.equal(job.salt.length, 0, 'the salt buffer moved to the worker');
    assert.equal(hex(key), hex(expected));
    assert.equal(Object.getPrototypeOf(key), Uint8Array.prototype);
  });

  test('a job the worker cannot run rejects with its reason, and the worker keeps serving', async () => {
    const runner = createArgon2idRunner(defaultKdfWorkerScript());
    // Argon2 needs at least 8 KiB per lane.
    await assert.rejects(runner.run({ ...smallJob('too little memory'), memoryKiB: 1 }), (e: unknown) => e instanceof Error && e.message.length > 0);
    const job = smallJob('after a failure');
    const expected = nobleArgon2id(job.password, job.salt, { t: 2, m: 256, p: 2, dkLen: 32 });
    assert.equal(hex(await runner.run(job)), hex(expected));
  });

  test('a missing worker file falls back to the calling thread, says why, and derives the same key', async () => {
    const missing = '/nonexistent/conclave/dist/main/kdf-worker.cjs';
    const runner = createArgon2idRunner(missing);
    assert.equal(runner.execution.mode, 'in-thread');
    assert.match(runner.execution.mode === 'in-thread' ? runner.execution.reason : '', /kdf-worker\.cjs is missing \(run "npm run build"\)/);
    const job = smallJob('no worker here');
    const expected = nobleArgon2id(job.password, job.salt, { t: 2, m: 256, p: 2, dkLen: 32 });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.equal(hex(await runner.run(job)), hex(expected));
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.ok(warnings.some((w) => w.includes('is missing')), 'the fallback is warned about');
  });
});
