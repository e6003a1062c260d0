// What the CLI commands need from the outside world, passed in so the commands stay
// plain functions: output streams, environment, and the factories for the HSM client and
// the status service.
import type { ModuleCandidate } from '../../preload/contract';
import type { HsmFactory, StatusServiceOptions } from '../status/status-service';
import type { StatusService } from '../status/types';

export interface CliRuntime {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Terminal width for tables. */
  width: number;
  version: string;
  hsm: HsmFactory;
  createStatusService(options: StatusServiceOptions): StatusService;
  listModuleCandidates(): Promise<ModuleCandidate[]> | ModuleCandidate[];
  /**
   * Reads a secret from the terminal without echo, after writing `prompt` to stderr.
   * Absent when standard input is not a terminal.
   */
  promptSecret?: (prompt: string) => Promise<string>;
  /**
   * Reads one line from the terminal with echo (a typed confirmation), after writing
   * `prompt` to stderr. Absent when standard input is not a terminal.
   */
  promptLine?: (prompt: string) => Promise<string>;
}

/** A failure the CLI reports as "what went wrong" plus "what to do", exit status 1. */
export interface CliFailure {
  message: string;
  action: string;
}

export function reportFailure(rt: CliRuntime, failure: CliFailure): number {
  rt.stderr(`conclave: ${failure.message}\n`);
  if (failure.action) rt.stderr(`What to do: ${failure.action}\n`);
  return 1;
}
