// Progress indication. The spinner itself is decorative; Progress pairs it with a
// polite live region so screen-reader users hear what is happening.
import { cx } from './classes';

export function Spinner({ className }: { className?: string }) {
  return <span className={cx('spinner', className)} aria-hidden="true" />;
}

export interface ProgressProps {
  /** What is in progress, e.g. "Loading the status of this workstation". */
  label: string;
  /** 0..1 for a determinate bar; omitted for an indeterminate spinner. */
  value?: number;
  className?: string;
}

export function Progress({ label, value, className }: ProgressProps) {
  const determinate = typeof value === 'number' && Number.isFinite(value);
  const percent = determinate ? Math.round(Math.min(1, Math.max(0, value)) * 100) : 0;
  return (
    <div className={cx('progress', className)} role="status" aria-live="polite">
      {determinate ? (
        <progress className="progress__bar" max={100} value={percent} aria-label={label}>
          {percent}%
        </progress>
      ) : (
        <Spinner className="spinner--large" />
      )}
      <span className="progress__label">
        {label}
        {determinate ? ` (${percent}%)` : '…'}
      </span>
    </div>
  );
}
