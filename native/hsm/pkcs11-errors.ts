// PKCS#11 return values become DomainErrors a person can act on: a stable code, what
// went wrong (naming where), and what to do. The technical name and hex value go into
// `detail`, never into the message alone, so support can still see what the module said.
import { DomainError } from '../errors';
import { describeReturnCode, returnCodeName } from './pkcs11-names';

export interface Pkcs11ErrorContext {
  /** What Conclave was doing, e.g. `logging in as user to token "A" in slot 3`. */
  where: string;
  /** The PKCS#11 function that failed, e.g. "C_Login", when known. */
  method?: string;
}

interface Entry {
  code: string;
  message: (where: string) => string;
  action: string;
}

const reconnect =
  'Check that the token is connected and powered, reconnect it if needed, then load the module again ("Use module") and log in again. Keys stored on the token are not affected.';
const reportVendor =
  'Write down the code shown in the details, check the token and its vendor documentation, and try again; if it happens again, stop and follow your ceremony\'s exception procedure.';

const entries: Record<string, Entry> = {
  CKR_PIN_INCORRECT: {
    code: 'PIN_INCORRECT',
    message: (w) => `The PIN is wrong: the token refused it (${w}).`,
    action:
      'Check the PIN and type it again carefully. Conclave never retries a PIN by itself; every wrong attempt counts toward locking the PIN.',
  },
  CKR_PIN_INVALID: {
    code: 'PIN_INVALID',
    message: (w) => `The PIN contains characters the token does not accept (${w}).`,
    action: 'Choose a PIN made of characters the token allows, usually digits and letters.',
  },
  CKR_PIN_LEN_RANGE: {
    code: 'PIN_LEN_RANGE',
    message: (w) => `The PIN is too short or too long for this token (${w}).`,
    action: "Use a PIN whose length is within the token's minimum and maximum PIN length.",
  },
  CKR_PIN_EXPIRED: {
    code: 'PIN_EXPIRED',
    message: (w) => `The PIN has expired (${w}).`,
    action: 'Change the PIN before using the token again.',
  },
  CKR_PIN_LOCKED: {
    code: 'PIN_LOCKED',
    message: (w) => `The PIN is locked after too many wrong attempts (${w}).`,
    action:
      'Do not try again. A locked user PIN can be reset only by the security officer (SO) setting a new user PIN; a locked SO PIN means the token must be re-initialized, which erases its keys. Follow your ceremony\'s recovery procedure.',
  },
  CKR_PIN_TOO_WEAK: {
    code: 'PIN_TOO_WEAK',
    message: (w) => `The token rejected the new PIN as too weak (${w}).`,
    action: 'Choose a longer PIN with more variety.',
  },
  CKR_USER_PIN_NOT_INITIALIZED: {
    code: 'USER_PIN_NOT_SET',
    message: (w) => `The token has no user PIN yet (${w}).`,
    action: 'Have the security officer (SO) set the user PIN first.',
  },
  CKR_TOKEN_NOT_PRESENT: {
    code: 'TOKEN_NOT_PRESENT',
    message: (w) => `The token is not present: it was removed or disconnected (${w}).`,
    action: reconnect,
  },
  CKR_DEVICE_REMOVED: {
    code: 'TOKEN_NOT_PRESENT',
    message: (w) => `The token was removed while Conclave was using it (${w}).`,
    action: reconnect,
  },
  CKR_TOKEN_NOT_RECOGNIZED: {
    code: 'TOKEN_NOT_RECOGNIZED',
    message: (w) => `The module does not recognize the token in the slot (${w}).`,
    action: 'Check that this PKCS#11 module belongs to this token, and that the token is of a supported model.',
  },
  CKR_SESSION_HANDLE_INVALID: {
    code: 'SESSION_LOST',
    message: (w) => `The session with the token was lost; the token may have been removed or reset (${w}).`,
    action: 'Check that the token is connected, then log in again. Logins do not survive a lost session.',
  },
  CKR_SESSION_CLOSED: {
    code: 'SESSION_LOST',
    message: (w) => `The session with the token was closed during the operation (${w}).`,
    action: 'Check that the token is connected, then log in again.',
  },
  CKR_SESSION_COUNT: {
    code: 'SESSION_COUNT',
    message: (w) => `The token has no free sessions (${w}).`,
    action: 'Close other programs that use the token, then try again.',
  },
  CKR_SESSION_EXISTS: {
    code: 'SESSION_EXISTS',
    message: (w) => `The token still has open sessions, so it cannot be initialized (${w}).`,
    action: 'Close other programs that use the token, then try again.',
  },
  CKR_SESSION_READ_ONLY: {
    code: 'SESSION_READ_ONLY',
    message: (w) => `The session is read-only, so the token cannot be changed (${w}).`,
    action: 'Check that the token is not write-protected, then load the module again.',
  },
  CKR_SESSION_READ_ONLY_EXISTS: {
    code: 'SESSION_READ_ONLY_EXISTS',
    message: (w) => `A read-only session is open, so the security officer cannot log in (${w}).`,
    action: 'Close other programs that use the token, then try again.',
  },
  CKR_SESSION_READ_WRITE_SO_EXISTS: {
    code: 'SO_SESSION_EXISTS',
    message: (w) => `The security officer is logged in, so this session cannot open (${w}).`,
    action: 'Log the security officer out first.',
  },
  CKR_MECHANISM_INVALID: {
    code: 'MECHANISM_NOT_SUPPORTED',
    message: (w) => `The token does not support the mechanism needed (${w}).`,
    action: "Check the token's mechanism list, and use a token that supports this operation or choose another algorithm.",
  },
  CKR_MECHANISM_PARAM_INVALID: {
    code: 'MECHANISM_PARAM_INVALID',
    message: (w) => `The token rejected the parameters of the mechanism (${w}).`,
    action: 'The token supports this mechanism only with other parameters; choose another algorithm or a token that supports these parameters.',
  },
  CKR_USER_NOT_LOGGED_IN: {
    code: 'NOT_LOGGED_IN',
    message: (w) => `Nobody is logged in to the token, and this needs a login (${w}).`,
    action: 'Log in with the user PIN first, then repeat the step.',
  },
  CKR_USER_ALREADY_LOGGED_IN: {
    code: 'ALREADY_LOGGED_IN',
    message: (w) => `That user is already logged in to the token (${w}).`,
    action: 'Nothing to do: continue, or log out first if a different person must log in.',
  },
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: {
    code: 'ANOTHER_USER_LOGGED_IN',
    message: (w) => `Another user type is already logged in to the token (${w}).`,
    action: 'Log out first, then log in as the user you need.',
  },
  CKR_USER_TYPE_INVALID: {
    code: 'USER_TYPE_INVALID',
    message: (w) => `The token does not accept this kind of user (${w}).`,
    action: 'Log in as the user or the security officer.',
  },
  CKR_USER_TOO_MANY_TYPES: {
    code: 'USER_TOO_MANY_TYPES',
    message: (w) => `Too many different users are logged in to the token (${w}).`,
    action: 'Log out other users first.',
  },
  CKR_TOKEN_WRITE_PROTECTED: {
    code: 'TOKEN_WRITE_PROTECTED',
    message: (w) => `The token is write-protected, so nothing can be stored or changed on it (${w}).`,
    action: "Remove the token's write protection (switch or policy), then load the module again.",
  },
  CKR_DEVICE_ERROR: {
    code: 'DEVICE_ERROR',
    message: (w) => `The token reported a hardware or communication error (${w}).`,
    action: 'Reconnect the token and try again. If it happens again, stop: the token may be failing.',
  },
  CKR_DEVICE_MEMORY: {
    code: 'DEVICE_MEMORY_FULL',
    message: (w) => `The token has no memory left (${w}).`,
    action: 'Remove objects that are no longer needed from the token, or use a token with more space.',
  },
  CKR_TOKEN_RESOURCE_EXCEEDED: {
    code: 'DEVICE_MEMORY_FULL',
    message: (w) => `The token has run out of resources (${w}).`,
    action: 'Remove objects that are no longer needed from the token, or use a token with more space.',
  },
  CKR_ATTRIBUTE_READ_ONLY: {
    code: 'ATTRIBUTE_READ_ONLY',
    message: (w) => `The token refused to set an attribute that it treats as read-only (${w}).`,
    action: 'This token does not allow this key setting; choose a different key role or token.',
  },
  CKR_ATTRIBUTE_SENSITIVE: {
    code: 'ATTRIBUTE_SENSITIVE',
    message: (w) => `The token refused to reveal a sensitive attribute (${w}).`,
    action: 'This is expected for protected keys; the value cannot be read out of the token.',
  },
  CKR_ATTRIBUTE_TYPE_INVALID: {
    code: 'ATTRIBUTE_TYPE_INVALID',
    message: (w) => `The token does not know one of the requested key attributes (${w}).`,
    action: 'This token does not support this kind of key; choose another key type or token.',
  },
  CKR_ATTRIBUTE_VALUE_INVALID: {
    code: 'ATTRIBUTE_VALUE_INVALID',
    message: (w) => `The token rejected one of the key attribute values (${w}).`,
    action: 'This token does not support this key setting (for example the curve or key size); choose another or use a different token.',
  },
  CKR_TEMPLATE_INCOMPLETE: {
    code: 'TEMPLATE_INCOMPLETE',
    message: (w) => `The token needs more key attributes than were given (${w}).`,
    action: 'This token expects a different key template; check its vendor documentation.',
  },
  CKR_TEMPLATE_INCONSISTENT: {
    code: 'TEMPLATE_INCONSISTENT',
    message: (w) => `The token found the requested key attributes contradictory (${w}).`,
    action: 'This token does not support this combination of key settings; choose another role or token.',
  },
  CKR_KEY_HANDLE_INVALID: {
    code: 'KEY_NOT_FOUND',
    message: (w) => `The key is no longer on the token or was never there (${w}).`,
    action: 'Find the key again by its label; if it is gone, check the token.',
  },
  CKR_OBJECT_HANDLE_INVALID: {
    code: 'KEY_NOT_FOUND',
    message: (w) => `The object is no longer on the token or was never there (${w}).`,
    action: 'Find the object again by its label; if it is gone, check the token.',
  },
  CKR_KEY_SIZE_RANGE: {
    code: 'KEY_SIZE_RANGE',
    message: (w) => `The token does not support this key size (${w}).`,
    action: 'Choose a key size the token supports (see its mechanism list).',
  },
  CKR_KEY_TYPE_INCONSISTENT: {
    code: 'KEY_TYPE_INCONSISTENT',
    message: (w) => `The key is of the wrong type for this operation (${w}).`,
    action: 'Choose a key of the type this operation needs.',
  },
  CKR_KEY_NOT_NEEDED: {
    code: 'KEY_NOT_NEEDED',
    message: (w) => `The operation was given a key it does not use (${w}).`,
    action: reportVendor,
  },
  CKR_KEY_CHANGED: {
    code: 'KEY_CHANGED',
    message: (w) => `The key changed while it was in use (${w}).`,
    action: 'Find the key again and repeat the step.',
  },
  CKR_KEY_NEEDED: {
    code: 'KEY_NEEDED',
    message: (w) => `The operation needs a key that was not given (${w}).`,
    action: reportVendor,
  },
  CKR_KEY_INDIGESTIBLE: {
    code: 'KEY_INDIGESTIBLE',
    message: (w) => `The token cannot process this key for the operation (${w}).`,
    action: 'Choose another key or algorithm.',
  },
  CKR_KEY_FUNCTION_NOT_PERMITTED: {
    code: 'KEY_FUNCTION_NOT_PERMITTED',
    message: (w) => `The key's role does not allow this operation (${w}).`,
    action: 'Use a key created for this role (for example a signing key to sign, a key-encryption key to wrap).',
  },
  CKR_KEY_NOT_WRAPPABLE: {
    code: 'KEY_NOT_WRAPPABLE',
    message: (w) => `The key may not be wrapped (${w}).`,
    action: 'Only keys created with the wrap-only-export role can be wrapped for export.',
  },
  CKR_KEY_UNEXTRACTABLE: {
    code: 'KEY_UNEXTRACTABLE',
    message: (w) => `The key is non-extractable, so it cannot leave the token, not even wrapped (${w}).`,
    action: 'Only keys created with the wrap-only-export role can be wrapped for export.',
  },
  CKR_WRAPPED_KEY_INVALID: {
    code: 'WRAPPED_KEY_INVALID',
    message: (w) => `The wrapped key is damaged or was wrapped under a different key (${w}).`,
    action: 'Check that the bundle belongs to this recipient and was not altered, and that the right unwrapping key is used.',
  },
  CKR_WRAPPED_KEY_LEN_RANGE: {
    code: 'WRAPPED_KEY_INVALID',
    message: (w) => `The wrapped key has an impossible length (${w}).`,
    action: 'Check that the bundle was copied completely and not altered.',
  },
  CKR_WRAPPING_KEY_HANDLE_INVALID: {
    code: 'WRAPPING_KEY_NOT_FOUND',
    message: (w) => `The wrapping key is not on the token (${w}).`,
    action: 'Find the key-encryption key again by its label.',
  },
  CKR_WRAPPING_KEY_SIZE_RANGE: {
    code: 'WRAPPING_KEY_SIZE_RANGE',
    message: (w) => `The wrapping key has a size this mechanism does not support (${w}).`,
    action: 'Use a key-encryption key of a supported size.',
  },
  CKR_WRAPPING_KEY_TYPE_INCONSISTENT: {
    code: 'WRAPPING_KEY_TYPE_INCONSISTENT',
    message: (w) => `The wrapping key is of the wrong type for this mechanism (${w}).`,
    action: 'Use an AES key-encryption key for AES key wrap, an RSA public key for RSA-OAEP.',
  },
  CKR_UNWRAPPING_KEY_HANDLE_INVALID: {
    code: 'UNWRAPPING_KEY_NOT_FOUND',
    message: (w) => `The unwrapping key is not on the token (${w}).`,
    action: 'Find the key-encryption key again by its label.',
  },
  CKR_UNWRAPPING_KEY_SIZE_RANGE: {
    code: 'UNWRAPPING_KEY_SIZE_RANGE',
    message: (w) => `The unwrapping key has a size this mechanism does not support (${w}).`,
    action: 'Use a key-encryption key of a supported size.',
  },
  CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT: {
    code: 'UNWRAPPING_KEY_TYPE_INCONSISTENT',
    message: (w) => `The unwrapping key is of the wrong type for this mechanism (${w}).`,
    action: 'Use an AES key-encryption key for AES key wrap, an RSA private key for RSA-OAEP.',
  },
  CKR_DATA_INVALID: {
    code: 'DATA_INVALID',
    message: (w) => `The token rejected the data (${w}).`,
    action: 'Check the input and repeat the step.',
  },
  CKR_DATA_LEN_RANGE: {
    code: 'DATA_LEN_RANGE',
    message: (w) => `The data is too long or too short for this operation (${w}).`,
    action: 'Check the input and repeat the step.',
  },
  CKR_ENCRYPTED_DATA_INVALID: {
    code: 'ENCRYPTED_DATA_INVALID',
    message: (w) => `The encrypted data is damaged (${w}).`,
    action: 'Check that the input was copied completely and not altered.',
  },
  CKR_ENCRYPTED_DATA_LEN_RANGE: {
    code: 'ENCRYPTED_DATA_INVALID',
    message: (w) => `The encrypted data has an impossible length (${w}).`,
    action: 'Check that the input was copied completely and not altered.',
  },
  CKR_SIGNATURE_INVALID: {
    code: 'SIGNATURE_INVALID',
    message: (w) => `The signature does not match (${w}).`,
    action: 'Check that the data, the signature and the key belong together.',
  },
  CKR_SIGNATURE_LEN_RANGE: {
    code: 'SIGNATURE_INVALID',
    message: (w) => `The signature has the wrong length for this key (${w}).`,
    action: 'Check that the data, the signature and the key belong together.',
  },
  CKR_RANDOM_NO_RNG: {
    code: 'NO_RNG',
    message: (w) => `The token has no random number generator (${w}).`,
    action: 'Use a token with a hardware random number generator.',
  },
  CKR_SLOT_ID_INVALID: {
    code: 'SLOT_NOT_FOUND',
    message: (w) => `There is no such slot in this module (${w}).`,
    action: 'Refresh the token list; slot numbers can change when tokens are added, removed or initialized.',
  },
  CKR_CRYPTOKI_NOT_INITIALIZED: {
    code: 'MODULE_NOT_INITIALIZED',
    message: (w) => `The PKCS#11 module is not initialized (${w}).`,
    action: 'Load the module again.',
  },
  CKR_GENERAL_ERROR: {
    code: 'GENERAL_ERROR',
    message: (w) => `The token or its module failed with an unrecoverable error (${w}).`,
    action: reconnect,
  },
  CKR_FUNCTION_FAILED: {
    code: 'FUNCTION_FAILED',
    message: (w) => `The token could not complete the operation (${w}).`,
    action: reportVendor,
  },
  CKR_HOST_MEMORY: {
    code: 'HOST_MEMORY',
    message: (w) => `The computer ran out of memory in the PKCS#11 module (${w}).`,
    action: 'Close other programs and try again.',
  },
  CKR_ARGUMENTS_BAD: {
    code: 'ARGUMENTS_BAD',
    message: (w) => `The module rejected the request's arguments (${w}).`,
    action: 'This token does not support this request as made; check its vendor documentation or choose another algorithm.',
  },
  CKR_FUNCTION_NOT_SUPPORTED: {
    code: 'FUNCTION_NOT_SUPPORTED',
    message: (w) => `The PKCS#11 module does not support this function (${w}).`,
    action: 'Use a token and module that support this operation.',
  },
  CKR_FUNCTION_REJECTED: {
    code: 'FUNCTION_REJECTED',
    message: (w) => `The token or its user rejected the operation (${w}).`,
    action: 'Check the token for a confirmation prompt or policy that refused it.',
  },
  CKR_ACTION_PROHIBITED: {
    code: 'ACTION_PROHIBITED',
    message: (w) => `The token's policy prohibits this action (${w}).`,
    action: "Check the token's policy settings.",
  },
  CKR_DOMAIN_PARAMS_INVALID: {
    code: 'CURVE_NOT_SUPPORTED',
    message: (w) => `The token does not support these key parameters (curve or group) (${w}).`,
    action: 'Choose a curve the token supports.',
  },
  CKR_CURVE_NOT_SUPPORTED: {
    code: 'CURVE_NOT_SUPPORTED',
    message: (w) => `The token does not support this elliptic curve (${w}).`,
    action: 'Choose a curve the token supports.',
  },
  CKR_OPERATION_ACTIVE: {
    code: 'OPERATION_ACTIVE',
    message: (w) => `Another operation is still active on the session (${w}).`,
    action: 'Wait for it to finish and repeat the step.',
  },
  CKR_FIPS_SELF_TEST_FAILED: {
    code: 'FIPS_SELF_TEST_FAILED',
    message: (w) => `The token failed its FIPS self-test (${w}).`,
    action: 'Stop: do not use this token for a ceremony. Contact the vendor.',
  },
  CKR_PUBLIC_KEY_INVALID: {
    code: 'PUBLIC_KEY_INVALID',
    message: (w) => `The token rejected the public key as invalid (${w}).`,
    action: 'Check that the public key was copied completely and not altered.',
  },
  CKR_FUNCTION_CANCELED: {
    code: 'CANCELED',
    message: (w) => `The operation was canceled (${w}).`,
    action: 'Repeat the step.',
  },
  CKR_CANCEL: {
    code: 'CANCELED',
    message: (w) => `The operation was canceled (${w}).`,
    action: 'Repeat the step.',
  },
};

/** The numeric return value carried by a pkcs11js error, or null when the error did not come from the module. */
export function pkcs11ReturnCode(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const { name, code, message } = error as Error & { code?: unknown };
  if (name === 'Pkcs11Error' && typeof code === 'number') return code;
  // Some pkcs11js paths report "CKR_NAME:123" as a NativeError message.
  const match = /CKR_[A-Z0-9_]+:(\d+)/.exec(message);
  return match ? Number(match[1]) : null;
}

/** The PKCS#11 function pkcs11js names on its errors, e.g. "C_Login". */
export function pkcs11Method(error: unknown): string | undefined {
  const method = (error as { method?: unknown } | null)?.method;
  return typeof method === 'string' && method.length > 0 ? method : undefined;
}

export function domainErrorForReturnCode(code: number, context: Pkcs11ErrorContext): DomainError {
  const name = returnCodeName(code);
  const detail = `${describeReturnCode(code)}${context.method ? ` from ${context.method}` : ''}`;
  const entry = entries[name];
  if (entry) return new DomainError({ code: entry.code, message: entry.message(context.where), action: entry.action, detail });
  return new DomainError({
    code: 'PKCS11_ERROR',
    message: `The token or its module returned ${describeReturnCode(code)} (${context.where}).`,
    action: reportVendor,
    detail,
  });
}

export type PinOwner = 'user' | 'so';

// CKR_PIN_INCORRECT and CKR_PIN_LOCKED (PKCS#11 2.40, section 5.1).
const CKR_PIN_INCORRECT_CODE = 0xa0;
const CKR_PIN_LOCKED_CODE = 0xa4;

export interface PinCounterFlags {
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
}

/**
 * The error for a refused PIN, told with what the token's flags say after the refusal:
 * the PIN is now locked, one try is left, or few tries are left. PKCS#11 tokens report
 * no exact count, only these flags.
 */
export function pinRefusedError(
  owner: PinOwner,
  flags: PinCounterFlags | null,
  context: Pkcs11ErrorContext,
  returnCode: number = CKR_PIN_INCORRECT_CODE,
): DomainError {
  const who = owner === 'so' ? 'security officer (SO) PIN' : 'user PIN';
  const detail = `${describeReturnCode(returnCode)}${context.method ? ` from ${context.method}` : ''}`;
  if (returnCode === CKR_PIN_LOCKED_CODE) {
    // The token refused before looking at the PIN: it was locked already.
    return new DomainError({
      code: 'PIN_LOCKED',
      message: `The ${who} is locked; the token refused the login without checking the PIN (${context.where}).`,
      action:
        owner === 'so'
          ? 'Do not try again. A locked SO PIN means the token must be re-initialized, which erases its keys. Follow your ceremony\'s recovery procedure.'
          : 'Do not try again. Only the security officer (SO) can unlock it by setting a new user PIN. Follow your ceremony\'s recovery procedure.',
      detail,
    });
  }
  if (flags?.locked) {
    return new DomainError({
      code: 'PIN_LOCKED',
      message: `The ${who} was wrong, and the token has now locked it (${context.where}).`,
      action:
        owner === 'so'
          ? 'Do not try again. A locked SO PIN means the token must be re-initialized, which erases its keys. Follow your ceremony\'s recovery procedure.'
          : 'Do not try again. Only the security officer (SO) can unlock it by setting a new user PIN. Follow your ceremony\'s recovery procedure.',
      detail,
    });
  }
  if (flags?.finalTry) {
    return new DomainError({
      code: 'PIN_INCORRECT_FINAL_TRY',
      message: `The ${who} was wrong. Only one try is left: one more wrong PIN locks it (${context.where}).`,
      action: 'Stop and make sure of the PIN before trying again. Conclave never retries a PIN by itself.',
      detail,
    });
  }
  if (flags?.countLow) {
    return new DomainError({
      code: 'PIN_INCORRECT_COUNT_LOW',
      message: `The ${who} was wrong, and the token reports that few tries are left before it locks (${context.where}).`,
      action: 'Make sure of the PIN before trying again. Conclave never retries a PIN by itself.',
      detail,
    });
  }
  return new DomainError({
    code: 'PIN_INCORRECT',
    message: `The ${who} was wrong: the token refused it (${context.where}).`,
    action: 'Check the PIN and type it again carefully. Conclave never retries a PIN by itself; every wrong attempt counts toward locking it.',
    detail,
  });
}
