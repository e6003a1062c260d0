// Where Argon2id runs. A derivation holds its thread for about a second; on Electron's
// main process that would freeze the window, so jobs go to one long-lived worker thread
// (dist/main/kdf-worker.cjs, found from the package root as the HSM worker is). Only when
// that file is missing (sources never built) does the work stay on the calling thread,
// and the reason is recorded and warned once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../hsm/worker-script';
import { runArgon2id, type Argon2idJob } from './argon2id-run';

export interface KdfRequest {
  id: number;
  job: Argon2idJob;
}

export type KdfReply = { id: number; ok: true; key: Uint8Array } | { id: number; ok: false; message: string };

export type KdfExecution = { mode: 'worker'; script: string } | { mode: 'in-thread'; reason: string };

export interface Argon2idRunner {
  readonly execution: KdfExecution;
  /**
   * Runs one job. In worker mode the job's password and salt buffers are transferred to
   * the worker (they are empty here afterwards, and overwritten there after use).
   */
  run(job: Argon2idJob): Promise<Uint8Array>;
}

/** The built worker script under the package root. */
export function defaultKdfWorkerScript(start?: string): string {
  return join(packageRoot(start), 'dist', 'main', 'kdf-worker.cjs');
}

class WorkerRunner implements Argon2idRunner {
  readonly execution: KdfExecution;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (key: Uint8Array) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(private readonly script: string) {
    this.execution = { mode: 'worker', script };
  }

  run(job: Argon2idJob): Promise<Uint8Array> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A pending derivation keeps the process alive; an idle worker does not.
      worker.ref();
      try {
        const request: KdfRequest = { id, job };
        worker.postMessage(request, [job.password.buffer as ArrayBuffer, job.salt.buffer as ArrayBuffer]);
      } catch (error) {
        this.settle(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (reply: KdfReply) => {
      const waiting = this.settle(reply.id);
      if (!waiting) {
        if (reply.ok) reply.key.fill(0);
        return;
      }
      if (!reply.ok) waiting.reject(new Error(reply.message));
      else if (!(reply.key instanceof Uint8Array) || reply.key.length === 0) waiting.reject(new Error('the KDF worker returned no key'));
      else waiting.resolve(reply.key);
    });
    const stopped = (why: string) => {
      if (this.worker === worker) this.worker = null;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) w.reject(new Error(`the KDF worker thread stopped (${why})`));
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(id: number) {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return waiting;
  }
}

class InThreadRunner implements Argon2idRunner {
  readonly execution: KdfExecution;
  private warned = false;

  constructor(reason: string) {
    this.execution = { mode: 'in-thread', reason };
  }

  run(job: Argon2idJob): Promise<Uint8Array> {
    if (!this.warned && this.execution.mode === 'in-thread') {
      this.warned = true;
      process.emitWarning(this.execution.reason, { code: 'CONCLAVE_KDF_IN_THREAD' });
    }
    return runArgon2id(job);
  }
}

/** A runner on the worker `script`, or on the calling thread (with the reason) when the script is missing. */
export function createArgon2idRunner(script: string): Argon2idRunner {
  if (!existsSync(script)) {
    return new InThreadRunner(
      `The Argon2id worker ${script} is missing (run "npm run build"), so key derivation runs on the calling thread and blocks it for about a second each time.`,
    );
  }
  return new WorkerRunner(script);
}

let shared: Argon2idRunner | null = null;

/** The process-wide runner deriveKey uses, created on first use. */
export function argon2idRunner(): Argon2idRunner {
  if (!shared) {
    let script: string;
    try {
      script = defaultKdfWorkerScript();
    } catch (error) {
      shared = new InThreadRunner(`Conclave's package root was not found, so the Argon2id worker cannot be located and key derivation runs on the calling thread: ${(error as Error).message}`);
      return shared;
    }
    shared = createArgon2idRunner(script);
  }
  return shared;
}

/** Where deriveKey's Argon2id runs in this process, and why when it is not a worker. */
export function kdfExecution(): KdfExecution {
  return argon2idRunner().execution;
}
