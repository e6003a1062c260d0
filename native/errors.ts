// Errors are values a person can act on: what went wrong, and what to do about it.
// Every layer throws or returns DomainError; the IPC router turns it into an ErrorValue.

export interface DomainErrorValue {
  /** Stable machine code, e.g. "PIN_INCORRECT". */
  code: string;
  /** What went wrong, in plain language, naming where. */
  message: string;
  /** What the person should do about it. */
  action: string;
}

export class DomainError extends Error implements DomainErrorValue {
  readonly code: string;
  readonly action: string;
  /** Underlying technical detail (for example the PKCS#11 return value name), never a secret. */
  readonly detail: string | undefined;

  constructor(value: DomainErrorValue & { detail?: string }) {
    super(value.message);
    this.name = 'DomainError';
    this.code = value.code;
    this.action = value.action;
    this.detail = value.detail;
  }

  toValue(): DomainErrorValue {
    return { code: this.code, message: this.message, action: this.action };
  }

  static is(value: unknown): value is DomainError {
    return value instanceof DomainError;
  }
}
