// The slice of the HSM client the quorum uses: PIN administration, logins and the
// token's RNG. It is the same client (the same worker process) the status service
// uses, because a login lives in the worker that made it. Helpers here find the token a
// ceremony is about and describe it in errors.
import { DomainError } from '../../native/errors';
import type { SlotFacts, TokenInfoFacts } from '../../native/hsm/protocol';
import type { HsmClient } from '../hsm/hsm-client';
import type { TokenRandom } from './secret-generation';

export type QuorumHsm = Pick<
  HsmClient,
  'listSlots' | 'initToken' | 'initUserPin' | 'changePin' | 'login' | 'logout' | 'sessionState' | 'generateRandom'
>;

const QUORUM_METHODS: ReadonlyArray<keyof QuorumHsm> = ['listSlots', 'initToken', 'initUserPin', 'changePin', 'login', 'logout', 'sessionState', 'generateRandom'];

/** Whether an HSM port (as the status service holds it) can serve the quorum. */
export function isQuorumHsm(port: unknown): port is QuorumHsm {
  if (typeof port !== 'object' || port === null) return false;
  return QUORUM_METHODS.every((name) => typeof (port as Record<string, unknown>)[name] === 'function');
}

export interface TokenInSlot {
  slot: SlotFacts;
  token: TokenInfoFacts;
}

export function describeToken(token: { label: string; serial: string }, slotId: string): string {
  const label = token.label ? `"${token.label}"` : 'without a label';
  return token.serial ? `token ${label} (serial ${token.serial}) in slot ${slotId}` : `token ${label} in slot ${slotId}`;
}

/** The token in `slotId` now, or TOKEN_NOT_PRESENT / SLOT_NOT_FOUND naming the slot. */
export async function tokenInSlot(hsm: QuorumHsm, slotId: string): Promise<TokenInSlot> {
  const slots = await hsm.listSlots();
  const slot = slots.find((s) => s.slotId === slotId);
  if (!slot) {
    throw new DomainError({
      code: 'SLOT_NOT_FOUND',
      message: `There is no slot ${slotId}; the module offers ${slots.length === 0 ? 'no slots' : `slots ${slots.map((s) => s.slotId).join(', ')}`}.`,
      action: 'Refresh the token list and choose the token again (SoftHSM2 renumbers a slot when its token is initialized).',
    });
  }
  if (!slot.tokenPresent || !slot.token) {
    throw new DomainError({
      code: 'TOKEN_NOT_PRESENT',
      message: `No token is present in slot ${slotId}${slot.tokenError ? ` (${slot.tokenError.message})` : ''}.`,
      action: 'Connect the HSM or insert the token, refresh, and start again.',
    });
  }
  return { slot, token: slot.token };
}

/** Refuses a token that is not the one a quorum record was made for. */
export function assertSameToken(found: TokenInfoFacts, expected: { serial: string; label: string }, slotId: string): void {
  if (found.serial !== expected.serial) {
    throw new DomainError({
      code: 'TOKEN_MISMATCH',
      message: `The ${describeToken(found, slotId)} is not the token this quorum was made for (serial ${expected.serial}, label "${expected.label}").`,
      action: 'Connect the right HSM token, refresh, choose its slot and start again. No PIN was tried.',
    });
  }
}

/**
 * Random bytes from the HSM for new PINs. An uninitialized token cannot open a session
 * (SoftHSM2 answers CKR_TOKEN_NOT_RECOGNIZED, as many HSMs do), so another initialized
 * token of the same module serves instead; with none, null (the OS CSPRNG stands alone).
 */
export function tokenRandomFor(hsm: QuorumHsm, slotId: string, slots: SlotFacts[]): TokenRandom {
  const target = slots.find((s) => s.slotId === slotId);
  const usable = (s: SlotFacts) => s.tokenPresent && s.token?.flags.tokenInitialized === true && s.token.flags.hasRng;
  const source = target && usable(target) ? target : slots.find(usable);
  if (!source) return async () => null;
  return (length) => hsm.generateRandom(source.slotId, length);
}
