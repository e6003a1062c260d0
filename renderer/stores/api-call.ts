// One way to call main from a store: always a Result, even when the bridge itself throws
// (a bug below us), so every screen shows an error a person can act on.
import type { ErrorValue, Result } from '../../preload/contract';

export function unexpectedFailure(operation: string, cause: unknown): ErrorValue {
  return {
    code: 'RENDERER_CALL_FAILED',
    message: `The request "${operation}" failed unexpectedly: ${cause instanceof Error ? cause.message : String(cause)}`,
    action: 'Try again. If it keeps failing, restart Conclave and report the time it happened; no ceremony data is lost.',
  };
}

export async function callApi<T>(operation: string, call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const result = await call();
    if (result && typeof result === 'object' && 'ok' in result) return result;
    return { ok: false, error: unexpectedFailure(operation, new Error('the answer was not a result value')) };
  } catch (cause) {
    return { ok: false, error: unexpectedFailure(operation, cause) };
  }
}
