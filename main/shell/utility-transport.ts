// The HSM worker's transport inside the app: an Electron utilityProcess running
// dist/native/hsm-worker.cjs (which talks back over process.parentPort). Tests run the
// same worker as a Node child process over the HSM helper's fork transport; this adapter
// only maps utilityProcess's events onto the WorkerTransport shape. It takes the fork
// function as a parameter, so it is electron-free and main.ts passes utilityProcess.fork.
import type { ForkOptions } from 'electron';
import type { HsmRequest } from '../../native/hsm/protocol';
import type { WorkerExit, WorkerTransport } from '../../native/hsm/transport';

/** The part of Electron's UtilityProcess this adapter uses. */
export interface UtilityChild {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type UtilityFork = (modulePath: string, args: string[], options: ForkOptions) => UtilityChild;

/** How long a worker may take to go after kill() before it gets SIGKILL. */
const KILL_GRACE_MS = 2_000;

export interface UtilityTransportOptions {
  /** Environment of the worker; by default the app's own. */
  env?: Record<string, string | undefined>;
  /** Name in the OS process list and in app.getAppMetrics(). */
  serviceName?: string;
  /** How long kill() waits for the worker to go before SIGKILL; default 2 s. */
  killGraceMs?: number;
}

export function createUtilityTransport(fork: UtilityFork, workerPath: string, options: UtilityTransportOptions = {}): WorkerTransport {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) if (value !== undefined) env[key] = value;
  // The worker is plain Node code loading a PKCS#11 module; it never needs Electron's
  // run-as-node switch, and inheriting it would change how the binary starts.
  delete env.ELECTRON_RUN_AS_NODE;

  const child = fork(workerPath, [], {
    env,
    serviceName: options.serviceName ?? 'Conclave HSM worker',
    stdio: 'inherit',
  });

  const messageListeners = new Set<(message: unknown) => void>();
  const exitListeners = new Set<(info: WorkerExit) => void>();
  let exit: WorkerExit | null = null;

  child.on('message', (message) => {
    for (const listener of messageListeners) listener(message);
  });
  child.on('exit', (code) => {
    // utilityProcess reports only an exit code; a crash shows as a non-zero code.
    exit = { code: typeof code === 'number' ? code : null, signal: null };
    for (const listener of exitListeners) listener(exit);
  });

  return {
    send(message: HsmRequest) {
      if (exit) throw new Error(`The HSM worker has stopped (exit code ${String(exit.code)}); it cannot take messages.`);
      child.postMessage(message);
    },
    onMessage(listener: (message: unknown) => void) {
      messageListeners.add(listener);
    },
    onExit(listener: (info: WorkerExit) => void) {
      if (exit) {
        const info = exit;
        queueMicrotask(() => listener(info));
        return;
      }
      exitListeners.add(listener);
    },
    kill() {
      if (exit) return;
      // utilityProcess.kill() asks with SIGTERM; a worker stuck inside a vendor library
      // that ignores it is ended with SIGKILL, as the WorkerTransport contract says.
      const pid = child.pid;
      child.kill();
      if (pid === undefined) return;
      const timer = setTimeout(() => {
        if (exit) return;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone between the check and the signal.
        }
      }, options.killGraceMs ?? KILL_GRACE_MS);
      timer.unref();
    },
    get pid() {
      return child.pid;
    },
  };
}
