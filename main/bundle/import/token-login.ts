// One user login for the import. The PIN arrives as bytes, is used for exactly one
// C_Login and is overwritten whatever happens; a refused PIN is reported as the token
// said (incorrect, count low, final try, locked) and never tried again. A token someone
// else in this process is already logged in to is refused rather than borrowed: the
// import must be authorized by the PIN typed for it.
import { importError } from './errors';
import type { ImportHsm } from './import-hsm';

/** Logs in as user with `pin` (overwritten before this returns or throws); returns how to log out again. */
export async function loginOnce(hsm: ImportHsm, slotId: string, tokenLabel: string, pin: Uint8Array): Promise<() => Promise<void>> {
  try {
    const state = await hsm.sessionState(slotId);
    if (state.loggedIn !== null) {
      throw importError(
        'IMPORT_TOKEN_BUSY',
        `The token "${tokenLabel}" is already logged in (as ${state.loggedIn === 'so' ? 'security officer' : 'user'}) by something else in this Conclave process, such as a ceremony or a quorum login.`,
        'Finish or close that first (or restart Conclave), then import; the import logs in with the PIN typed for it.',
      );
    }
    await hsm.login(slotId, 'user', pin);
  } finally {
    pin.fill(0);
  }
  return async () => {
    await hsm.logout(slotId).catch(() => undefined);
  };
}
