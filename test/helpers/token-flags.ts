// The flags of a healthy, initialized token with its user PIN set; tests spoil one flag
// at a time. Shared by the unit tests of token state, room checks and the status store.
import type { TokenFlags } from '../../preload/contract';

export const readyTokenFlags = (overrides: Partial<TokenFlags> = {}): TokenFlags => ({
  tokenInitialized: true,
  loginRequired: true,
  userPinInitialized: true,
  userPinCountLow: false,
  userPinFinalTry: false,
  userPinLocked: false,
  userPinToBeChanged: false,
  soPinCountLow: false,
  soPinFinalTry: false,
  soPinLocked: false,
  soPinToBeChanged: false,
  protectedAuthenticationPath: false,
  hasRng: true,
  writeProtected: false,
  ...overrides,
});
