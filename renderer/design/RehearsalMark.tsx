// The mark that says "nothing here is real". Shown on every screen while the app runs on
// a throwaway rehearsal token; striped and in a colour no status uses.
import { cx } from './classes';

export function RehearsalMark({ className }: { className?: string }) {
  return (
    <p className={cx('rehearsal-mark', className)} data-testid="rehearsal-mark" aria-label="Rehearsal mode: nothing made here is valid for production">
      <span aria-hidden="true" className="rehearsal-mark__text">
        REHEARSAL
      </span>
    </p>
  );
}
