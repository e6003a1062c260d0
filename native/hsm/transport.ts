// How main talks to the HSM worker process, whatever started it: child_process.fork in
// tests and on the command line (fork-transport.ts), Electron's utilityProcess in the app
// (written in main/shell against this same interface).
import type { HsmRequest } from './protocol';

export interface WorkerExitInfo {
  code: number | null;
  signal: string | null;
}

/** Same as WorkerExitInfo, under the name the Electron transport uses. */
export type WorkerExit = WorkerExitInfo;

export interface WorkerTransport {
  /** May throw when the worker has already stopped; the client treats that as a crash. */
  send(msg: HsmRequest): void;
  onMessage(cb: (msg: unknown) => void): void;
  onExit(cb: (info: WorkerExitInfo) => void): void;
  /** Ends the worker at once (SIGKILL): used for a worker that stopped answering. */
  kill(): void;
  readonly pid: number | undefined;
}

/** Starts a fresh worker process each time it is called. */
export type TransportFactory = () => WorkerTransport;
