// The four status tones every screen uses, plus a neutral "info". A tone always comes
// with an icon and a word so that it never relies on colour alone.
import type { IconName } from './icons';

export type Tone = 'pass' | 'warn' | 'fail' | 'unknown' | 'info';

export const toneIcon: Record<Tone, IconName> = {
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  unknown: 'unknown',
  info: 'info',
};

/** The default word for a tone, used when a badge has no more specific label. */
export const toneWord: Record<Tone, string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  unknown: 'Unknown',
  info: 'Note',
};
