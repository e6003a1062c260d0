// Words for what the status screen shows. Kept in one place so every screen names a
// token state, a flag or a size the same way.
import type { Check, TokenFacts, TokenFlags, TokenState, UsbDevice } from '../preload/contract';
import type { Tone } from './design';

export const tokenStateView: Record<TokenState, { tone: Tone; label: string }> = {
  ready: { tone: 'pass', label: 'Ready' },
  absent: { tone: 'unknown', label: 'No token' },
  uninitialized: { tone: 'warn', label: 'Uninitialized' },
  'user-pin-not-set': { tone: 'warn', label: 'User PIN not set' },
  'user-pin-count-low': { tone: 'warn', label: 'User PIN count low' },
  'user-pin-final-try': { tone: 'fail', label: 'User PIN: final try' },
  'user-pin-locked': { tone: 'fail', label: 'User PIN locked' },
  'so-pin-locked': { tone: 'fail', label: 'SO PIN locked' },
  'write-protected': { tone: 'warn', label: 'Write-protected' },
};

export const checkTone: Record<Check['status'], Tone> = { pass: 'pass', warn: 'warn', fail: 'fail' };
export const checkWord: Record<Check['status'], string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail' };

export interface FlagView {
  key: keyof TokenFlags;
  label: string;
  /** How a set flag reads: good news, bad news, or just a fact. */
  whenSet: 'good' | 'bad' | 'fact';
}

/** Token-wide flags that matter at a ceremony. */
export const tokenFlags: FlagView[] = [
  { key: 'tokenInitialized', label: 'Initialized', whenSet: 'good' },
  { key: 'loginRequired', label: 'Login required', whenSet: 'fact' },
  { key: 'protectedAuthenticationPath', label: 'Protected authentication path (PIN pad)', whenSet: 'fact' },
  { key: 'hasRng', label: 'Hardware random number generator', whenSet: 'good' },
  { key: 'writeProtected', label: 'Write-protected', whenSet: 'bad' },
];

/** PIN flags as rows of a User PIN / SO PIN table; null where PKCS#11 has no such flag. */
export const pinFlagRows: Array<{ label: string; user: keyof TokenFlags | null; so: keyof TokenFlags | null; whenSet: 'good' | 'bad' }> = [
  { label: 'Set', user: 'userPinInitialized', so: null, whenSet: 'good' },
  { label: 'Wrong attempts recorded', user: 'userPinCountLow', so: 'soPinCountLow', whenSet: 'bad' },
  { label: 'Final try', user: 'userPinFinalTry', so: 'soPinFinalTry', whenSet: 'bad' },
  { label: 'Locked', user: 'userPinLocked', so: 'soPinLocked', whenSet: 'bad' },
  { label: 'Must be changed', user: 'userPinToBeChanged', so: 'soPinToBeChanged', whenSet: 'bad' },
];

/** Bytes as people read them, with the exact count kept for the record. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'Not reported';
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** "free of total", or what is known of it. */
export function formatMemory(free: number | null, total: number | null): string {
  if (free === null && total === null) return 'Not reported';
  if (total === null) return `${formatBytes(free)} free`;
  if (free === null) return `${formatBytes(total)} in total`;
  return `${formatBytes(free)} free of ${formatBytes(total)}`;
}

/** A timestamp in UTC, the clock a ceremony transcript uses. */
export function formatUtcTime(iso: string, withDate = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return withDate ? `${text.slice(0, 10)} ${text.slice(11, 19)} UTC` : `${text.slice(11, 19)} UTC`;
}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export function usbDeviceName(device: UsbDevice): string {
  return device.product ?? 'Unrecognized USB device';
}

export const usbKindWord: Record<UsbDevice['kind'], string> = { hsm: 'HSM', token: 'Token', other: 'Other' };

/** The heading of a slot: the token label, or what the slot holds instead. */
export function slotTitle(slot: TokenFacts): string {
  if (!slot.token) return 'Empty slot';
  const label = slot.token.label.trim();
  if (label) return label;
  return slot.state === 'uninitialized' ? 'Uninitialized token' : 'Token without a label';
}
