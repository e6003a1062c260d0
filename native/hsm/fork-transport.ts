// WorkerTransport over child_process.fork with 'advanced' serialization, so Uint8Array
// arguments and results (PINs, signatures, wrapped keys) cross intact instead of turning
// into JSON objects.
import { fork, type ChildProcess } from 'node:child_process';
import type { HsmRequest } from './protocol';
import type { TransportFactory, WorkerExitInfo, WorkerTransport } from './transport';

export interface ForkTransportOptions {
  /** The built worker script (dist/native/hsm-worker.cjs). */
  workerScript: string;
  /** Environment of the worker, e.g. with SOFTHSM2_CONF; defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
}

class ForkTransport implements WorkerTransport {
  private readonly child: ChildProcess;
  private exited = false;
  private readonly exitListeners: Array<(info: WorkerExitInfo) => void> = [];

  constructor(options: ForkTransportOptions) {
    this.child = fork(options.workerScript, [], {
      serialization: 'advanced',
      env: options.env ?? process.env,
      // Never inherit the parent's flags (a test runner's --test or a loader): the worker is plain built JS.
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      for (const cb of this.exitListeners) cb({ code, signal });
    });
    // A failed spawn emits 'error' and possibly no 'exit'; report it as an exit so callers never wait forever.
    this.child.once('error', () => {
      if (this.exited) return;
      setTimeout(() => {
        if (!this.exited && this.child.exitCode === null && this.child.pid === undefined) {
          this.exited = true;
          for (const cb of this.exitListeners) cb({ code: null, signal: null });
        }
      }, 0);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(msg: HsmRequest): void {
    if (this.exited || !this.child.connected) return;
    // A send racing the worker's death fails here; the exit event reports it.
    this.child.send(msg, (error) => {
      if (error && !this.exited) this.kill();
    });
  }

  onMessage(cb: (msg: unknown) => void): void {
    this.child.on('message', cb);
  }

  onExit(cb: (info: WorkerExitInfo) => void): void {
    this.exitListeners.push(cb);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export function forkTransportFactory(options: ForkTransportOptions): TransportFactory {
  return () => new ForkTransport(options);
}
