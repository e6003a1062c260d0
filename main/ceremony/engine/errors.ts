// The engine's refusals and failures, as DomainErrors a person can act on.
import { DomainError } from '../../../native/errors';

export function engineError(code: string, message: string, action: string, detail?: string): DomainError {
  return new DomainError(detail === undefined ? { code, message, action } : { code, message, action, detail });
}

export function outOfOrder(requested: string, first: string): DomainError {
  return engineError(
    'STEP_OUT_OF_ORDER',
    `The step "${requested}" cannot start yet: the step "${first}" must come first.`,
    `Finish (or resolve the exception of) the step "${first}", then continue.`,
  );
}

export function preconditionNotMet(step: string, precondition: string, why: string): DomainError {
  return engineError(
    'PRECONDITION_NOT_MET',
    `The step "${step}" cannot start: its precondition ${precondition} does not hold (${why}).`,
    precondition === 'air-gap'
      ? 'Disconnect the network and check the room again, or record an air-gap override with a written reason.'
      : precondition === 'quorum-logged-in'
        ? 'The custodians log the quorum in to the token first.'
        : precondition === 'clock-utc'
          ? 'The administrator confirms the clock as UTC first.'
          : 'Connect the ceremony token and check that it is listed.',
  );
}

/** Any thrown value as code + reason for an exception-opened entry. */
export function failureOf(error: unknown): { code: string | null; reason: string } {
  if (DomainError.is(error)) {
    const code = /^[A-Z][A-Z0-9_]{0,63}$/.test(error.code) ? error.code : null;
    return { code, reason: `${error.message} ${error.action}`.trim().slice(0, 4000) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: null, reason: (message || 'unknown failure').slice(0, 4000) };
}
