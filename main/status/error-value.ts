// Turns anything thrown into an ErrorValue the contract accepts: DomainErrors keep their
// code, message and action; anything else is named as unexpected with what to do.
import type { ErrorValue } from '../../preload/contract';
import { DomainError } from '../../native/errors';
import { clamp } from '../room/format';

export function toErrorValue(error: unknown, fallback: { code: string; action: string }): ErrorValue {
  if (DomainError.is(error)) {
    return { code: clamp(error.code, 64), message: clamp(error.message, 2000), action: clamp(error.action, 2000) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallback.code, message: clamp(message || 'Unknown error.', 2000), action: clamp(fallback.action, 2000) };
}
