// Turns the raw CK_INFO / CK_SLOT_INFO / CK_TOKEN_INFO structures (as pkcs11js returns
// them: blank-padded strings, bit flags, CK_UNAVAILABLE_INFORMATION sentinels) into the
// plain facts the rest of Conclave shows and records.
import {
  CKF_HW_SLOT,
  CKF_LOGIN_REQUIRED,
  CKF_PROTECTED_AUTHENTICATION_PATH,
  CKF_REMOVABLE_DEVICE,
  CKF_RNG,
  CKF_SO_PIN_COUNT_LOW,
  CKF_SO_PIN_FINAL_TRY,
  CKF_SO_PIN_LOCKED,
  CKF_SO_PIN_TO_BE_CHANGED,
  CKF_TOKEN_INITIALIZED,
  CKF_TOKEN_PRESENT,
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_INITIALIZED,
  CKF_USER_PIN_LOCKED,
  CKF_USER_PIN_TO_BE_CHANGED,
  CKF_WRITE_PROTECTED,
  CK_UNAVAILABLE_INFORMATION_32,
  CK_UNAVAILABLE_INFORMATION_64,
} from './pkcs11-constants';
import type { ModuleFacts, SlotFacts, TokenFlagFacts, TokenInfoFacts, WireError } from './protocol';

interface RawVersion {
  major: number;
  minor: number;
}

export interface RawModuleInfo {
  cryptokiVersion: RawVersion;
  manufacturerID: string;
  libraryDescription: string;
  libraryVersion: RawVersion;
}

export interface RawSlotInfo {
  slotDescription: string;
  manufacturerID: string;
  flags: number;
}

export interface RawTokenInfo {
  label: string;
  manufacturerID: string;
  model: string;
  serialNumber: string;
  flags: number;
  maxSessionCount: unknown;
  sessionCount: unknown;
  maxPinLen: unknown;
  minPinLen: unknown;
  hardwareVersion: RawVersion;
  firmwareVersion: RawVersion;
  totalPublicMemory: unknown;
  freePublicMemory: unknown;
  totalPrivateMemory: unknown;
  freePrivateMemory: unknown;
}

/** PKCS#11 strings are blank-padded fixed-width fields; some modules pad with NULs. */
export function trimPadded(value: string): string {
  return value.replace(/[\s\0]+$/u, '');
}

export function formatVersion(v: RawVersion): string {
  return `${v.major}.${v.minor}`;
}

/** A CK_ULONG count, or null for CK_UNAVAILABLE_INFORMATION (and anything that is not a count). */
export function countOrNull(value: unknown): number | null {
  if (typeof value === 'bigint') {
    if (value === CK_UNAVAILABLE_INFORMATION_64 || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    return Number(value);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0 || value === CK_UNAVAILABLE_INFORMATION_32) return null;
    return value;
  }
  return null;
}

const has = (flags: number, bit: number): boolean => (flags & bit) !== 0;

export function decodeTokenFlags(flags: number): TokenFlagFacts {
  return {
    tokenInitialized: has(flags, CKF_TOKEN_INITIALIZED),
    loginRequired: has(flags, CKF_LOGIN_REQUIRED),
    userPinInitialized: has(flags, CKF_USER_PIN_INITIALIZED),
    userPinCountLow: has(flags, CKF_USER_PIN_COUNT_LOW),
    userPinFinalTry: has(flags, CKF_USER_PIN_FINAL_TRY),
    userPinLocked: has(flags, CKF_USER_PIN_LOCKED),
    userPinToBeChanged: has(flags, CKF_USER_PIN_TO_BE_CHANGED),
    soPinCountLow: has(flags, CKF_SO_PIN_COUNT_LOW),
    soPinFinalTry: has(flags, CKF_SO_PIN_FINAL_TRY),
    soPinLocked: has(flags, CKF_SO_PIN_LOCKED),
    soPinToBeChanged: has(flags, CKF_SO_PIN_TO_BE_CHANGED),
    protectedAuthenticationPath: has(flags, CKF_PROTECTED_AUTHENTICATION_PATH),
    hasRng: has(flags, CKF_RNG),
    writeProtected: has(flags, CKF_WRITE_PROTECTED),
  };
}

export function moduleFacts(path: string, info: RawModuleInfo): ModuleFacts {
  return {
    path,
    libraryDescription: trimPadded(info.libraryDescription),
    manufacturer: trimPadded(info.manufacturerID),
    cryptokiVersion: formatVersion(info.cryptokiVersion),
    libraryVersion: formatVersion(info.libraryVersion),
  };
}

export function tokenFacts(info: RawTokenInfo): TokenInfoFacts {
  const flags = info.flags >>> 0;
  return {
    label: trimPadded(info.label),
    manufacturer: trimPadded(info.manufacturerID),
    model: trimPadded(info.model),
    serial: trimPadded(info.serialNumber),
    firmwareVersion: formatVersion(info.firmwareVersion),
    hardwareVersion: formatVersion(info.hardwareVersion),
    flags: decodeTokenFlags(flags),
    rawFlags: flags,
    freePublicMemory: countOrNull(info.freePublicMemory),
    freePrivateMemory: countOrNull(info.freePrivateMemory),
    totalPublicMemory: countOrNull(info.totalPublicMemory),
    totalPrivateMemory: countOrNull(info.totalPrivateMemory),
    sessionCount: countOrNull(info.sessionCount),
    maxSessionCount: countOrNull(info.maxSessionCount),
    minPinLength: countOrNull(info.minPinLen),
    maxPinLength: countOrNull(info.maxPinLen),
  };
}

export function slotFacts(
  slotId: string,
  slot: RawSlotInfo,
  token: TokenInfoFacts | null,
  tokenError: WireError | null,
): SlotFacts {
  const flags = slot.flags >>> 0;
  return {
    slotId,
    slotDescription: trimPadded(slot.slotDescription),
    slotManufacturer: trimPadded(slot.manufacturerID),
    tokenPresent: has(flags, CKF_TOKEN_PRESENT),
    removableDevice: has(flags, CKF_REMOVABLE_DEVICE),
    hardwareSlot: has(flags, CKF_HW_SLOT),
    token,
    tokenError,
  };
}
