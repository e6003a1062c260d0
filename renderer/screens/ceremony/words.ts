// Words and tones for what the runner shows, in one place so the step list, the card and
// the witness screen name a step's state the same way (never by colour alone).
import type { CeremonyStepStatus } from '../../../preload/contract';
import type { Tone } from '../../design';

export const stepStatusView: Record<CeremonyStepStatus, { tone: Tone; label: string }> = {
  pending: { tone: 'unknown', label: 'Pending' },
  started: { tone: 'info', label: 'In progress' },
  done: { tone: 'pass', label: 'Done' },
  skipped: { tone: 'warn', label: 'Skipped' },
  exception: { tone: 'fail', label: 'Exception' },
};

/** "12 s", "3 min 04 s". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export const isAbsolutePath = (path: string): boolean => path.startsWith('/');
