// Fresh token PINs for a quorum. Each PIN comes from the HSM's RNG and the OS CSPRNG
// together, mixed with HKDF-SHA256, so neither source alone decides it, and is encoded as
// printable characters within the token's PIN length limits. The PINs exist only as
// Uint8Arrays that callers overwrite: they are never displayed or written (the one
// exception is the throwaway rehearsal token, see main/hsm/rehearsal-token.ts).
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { DomainError } from '../../native/errors';
import type { SecretId } from './types';

/** 32 symbols without look-alikes (no I, O, 0, 1): one byte maps onto it without bias (256 = 8 × 32). */
export const PIN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 24 symbols of 5 bits: 120 bits per PIN where the token allows that length. */
export const PREFERRED_PIN_LENGTH = 24;
/** Below 12 symbols (60 bits) a PIN is too weak to stand for a quorum. */
export const MINIMUM_PIN_LENGTH = 12;
const SOURCE_BYTES = 32;
const HKDF_SALT = new TextEncoder().encode('conclave/quorum-pin/v1');

/** Where the randomness of a set of PINs came from. */
export type EntropySource = 'token-and-os' | 'os-only';

export interface PinLengthLimits {
  /** The token's ulMinPinLen and ulMaxPinLen, or null where unknown. */
  minPinLength: number | null;
  maxPinLength: number | null;
}

/** The PIN length for a token: 24 where allowed, else as close as the token's limits permit. */
export function pinLengthFor(limits: PinLengthLimits, what = 'the token'): number {
  const min = limits.minPinLength && limits.minPinLength > 0 ? limits.minPinLength : 1;
  const max = limits.maxPinLength && limits.maxPinLength >= min ? limits.maxPinLength : Number.MAX_SAFE_INTEGER;
  const length = Math.min(Math.max(PREFERRED_PIN_LENGTH, min), max);
  if (length < MINIMUM_PIN_LENGTH) {
    throw new DomainError({
      code: 'PIN_LENGTH_UNSUITABLE',
      message: `${what} accepts PINs of at most ${max} characters; a quorum needs at least ${MINIMUM_PIN_LENGTH} random characters per PIN.`,
      action: 'Use a token that accepts longer PINs, or one with a protected authentication path (PIN pad) and its own quorum scheme.',
    });
  }
  return length;
}

/** Reads random bytes from the token; null when the token cannot give any (for example before it is initialized). */
export type TokenRandom = (length: number) => Promise<Uint8Array | null>;

export interface GeneratedPins {
  secrets: Record<SecretId, Uint8Array>;
  entropy: EntropySource;
}

function osRandom(length: number): Uint8Array {
  const out = new Uint8Array(length);
  crypto.getRandomValues(out);
  return out;
}

/**
 * One PIN: HKDF-SHA256 over (token random || OS random), with the secret's name as info,
 * each output byte mapped onto the 32-symbol alphabet. `tokenBytes` may be null when the
 * token has no reachable RNG; the OS CSPRNG then stands alone.
 */
export function derivePin(tokenBytes: Uint8Array | null, osBytes: Uint8Array, secretId: SecretId, length: number): Uint8Array {
  const ikm = new Uint8Array((tokenBytes?.length ?? 0) + osBytes.length);
  if (tokenBytes) ikm.set(tokenBytes, 0);
  ikm.set(osBytes, tokenBytes?.length ?? 0);
  const okm = hkdf(sha256, ikm, HKDF_SALT, new TextEncoder().encode(`pin:${secretId}:${length}`), length);
  ikm.fill(0);
  const pin = new Uint8Array(length);
  for (let i = 0; i < length; i++) pin[i] = PIN_ALPHABET.charCodeAt((okm[i] ?? 0) & 31);
  okm.fill(0);
  return pin;
}

/** A fresh user PIN and SO PIN for a token with the given limits. */
export async function generatePins(tokenRandom: TokenRandom, limits: PinLengthLimits, what?: string): Promise<GeneratedPins> {
  const length = pinLengthFor(limits, what);
  const secrets = {} as Record<SecretId, Uint8Array>;
  let entropy: EntropySource = 'token-and-os';
  for (const secretId of ['user-pin', 'so-pin'] as const) {
    const fromToken = await tokenRandom(SOURCE_BYTES);
    if (fromToken !== null && fromToken.length !== SOURCE_BYTES) {
      fromToken.fill(0);
      throw new DomainError({
        code: 'TOKEN_RNG_FAILED',
        message: `The token's random number generator returned ${fromToken.length} bytes instead of ${SOURCE_BYTES}.`,
        action: 'The token or its module misbehaves: reconnect it and start again, and record the exception.',
      });
    }
    if (fromToken === null) entropy = 'os-only';
    const fromOs = osRandom(SOURCE_BYTES);
    secrets[secretId] = derivePin(fromToken, fromOs, secretId, length);
    fromToken?.fill(0);
    fromOs.fill(0);
  }
  return { secrets, entropy };
}
