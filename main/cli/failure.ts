// How a command reports a failure it cannot get past: "conclave: what went wrong" and
// "What to do: ..." on stderr, and the exit status it was given.
import { DomainError } from '../../native/errors';
import type { CliRuntime } from './runtime';

export function fail(rt: CliRuntime, status: number, message: string, action: string): number {
  rt.stderr(`conclave: ${message}\n`);
  if (action) rt.stderr(`What to do: ${action}\n`);
  return status;
}

/** `fail` with a DomainError's message and action, or any other error's message. */
export function failWith(rt: CliRuntime, status: number, error: unknown): number {
  if (DomainError.is(error)) return fail(rt, status, error.message, error.action);
  return fail(rt, status, error instanceof Error ? error.message : String(error), '');
}
