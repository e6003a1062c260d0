// One word for a token's health, derived from its flags (most severe first), and a
// plain-language sentence saying what it means and what to do.
import type { TokenFacts, TokenFlags, TokenState } from '../../preload/contract';
import type { SlotFacts } from '../../native/hsm/protocol';

export interface DerivedState {
  state: TokenState;
  stateDetail: string;
}

interface StateInput {
  tokenPresent: boolean;
  token: { flags: TokenFlags } | null;
  tokenError?: { message: string } | null;
}

/** Lesser conditions that do not decide the state but the operator should still hear about. */
function notes(flags: TokenFlags, state: TokenState): string[] {
  const out: string[] = [];
  if (state !== 'so-pin-locked') {
    if (flags.soPinFinalTry) out.push('One more wrong security officer (SO) PIN locks the SO PIN.');
    else if (flags.soPinCountLow) out.push('A wrong security officer (SO) PIN was entered recently; few SO tries are left.');
  }
  if (flags.userPinToBeChanged) out.push('The token asks for the user PIN to be changed before use.');
  if (flags.soPinToBeChanged) out.push('The token asks for the SO PIN to be changed.');
  if (flags.protectedAuthenticationPath) out.push("PINs are entered on the device's own PIN pad.");
  if (state === 'ready' && !flags.hasRng) out.push('The token reports no random number generator.');
  return out;
}

export function deriveTokenState(slot: StateInput): DerivedState {
  if (!slot.tokenPresent) {
    return { state: 'absent', stateDetail: 'No token is in this slot. Insert or connect the token, then refresh.' };
  }
  if (!slot.token) {
    const why = slot.tokenError ? ` ${slot.tokenError.message}` : '';
    return {
      state: 'absent',
      stateDetail: `The slot reports a token, but the token does not answer; it may have been removed or disconnected.${why}`.slice(0, 2000),
    };
  }
  const f = slot.token.flags;
  let state: TokenState;
  let detail: string;
  if (!f.tokenInitialized) {
    state = 'uninitialized';
    detail = 'The token is not initialized: it has no label, no security officer (SO) PIN and no keys. Initialize it before use.';
  } else if (f.userPinLocked) {
    state = 'user-pin-locked';
    detail = 'The user PIN is locked after too many wrong attempts. Only the security officer (SO) can unlock it by setting a new user PIN.';
  } else if (f.soPinLocked) {
    state = 'so-pin-locked';
    detail = 'The security officer (SO) PIN is locked. The token can no longer be administered; only re-initializing it, which erases its keys, restores that.';
  } else if (f.userPinFinalTry) {
    state = 'user-pin-final-try';
    detail = 'One more wrong user PIN locks the user PIN. Make sure of the PIN before logging in.';
  } else if (f.userPinCountLow) {
    state = 'user-pin-count-low';
    detail = 'A wrong user PIN was entered; the token reports that few tries are left before the user PIN locks. A correct login clears this.';
  } else if (!f.userPinInitialized) {
    state = 'user-pin-not-set';
    detail = 'The token is initialized, but no user PIN is set yet. The security officer (SO) must set one before keys can be used.';
  } else if (f.writeProtected) {
    state = 'write-protected';
    detail = 'The token is write-protected: its keys can be used, but nothing can be created or changed on it.';
  } else {
    state = 'ready';
    detail = 'Ready: initialized, user PIN set, no wrong PIN attempts reported.';
  }
  const extra = notes(f, state);
  return { state, stateDetail: [detail, ...extra].join(' ').slice(0, 2000) };
}

/** The contract's view of one slot: facts from the worker plus the derived state. */
export function toTokenFacts(slot: SlotFacts): TokenFacts {
  const { state, stateDetail } = deriveTokenState(slot);
  const t = slot.token;
  return {
    slotId: slot.slotId,
    slotDescription: slot.slotDescription,
    slotManufacturer: slot.slotManufacturer,
    tokenPresent: slot.tokenPresent,
    removableDevice: slot.removableDevice,
    hardwareSlot: slot.hardwareSlot,
    token: t
      ? {
          label: t.label,
          manufacturer: t.manufacturer,
          model: t.model,
          serial: t.serial,
          firmwareVersion: t.firmwareVersion,
          hardwareVersion: t.hardwareVersion,
          flags: { ...t.flags },
          freePublicMemory: t.freePublicMemory,
          freePrivateMemory: t.freePrivateMemory,
          totalPublicMemory: t.totalPublicMemory,
          totalPrivateMemory: t.totalPrivateMemory,
          sessionCount: t.sessionCount,
        }
      : null,
    state,
    stateDetail,
  };
}
