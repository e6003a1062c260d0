// The one button: keyboard-first, large hit target, visible focus, and an optional
// single-key shortcut that is shown on the button and declared to assistive technology.
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { cx } from './classes';
import { Icon, type IconName } from './icons';
import { Spinner } from './Spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'quiet';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  variant?: ButtonVariant;
  icon?: IconName;
  /** Shows a spinner and marks the button busy; clicks are ignored while busy. */
  busy?: boolean;
  /** Label announced while busy, e.g. "Refreshing". */
  busyLabel?: string;
  /** A single key (e.g. "R") that triggers this button; see useShortcuts. */
  shortcut?: string;
  type?: 'button' | 'submit';
  children: ReactNode;
}

export function Button({ variant = 'secondary', icon, busy = false, busyLabel, shortcut, type = 'button', className, children, onClick, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={cx('button', `button--${variant}`, busy && 'button--busy', className)}
      aria-busy={busy || undefined}
      aria-disabled={busy || rest.disabled || undefined}
      aria-keyshortcuts={shortcut}
      onClick={(event) => {
        if (busy) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
    >
      {busy ? <Spinner /> : icon ? <Icon name={icon} /> : null}
      <span className="button__label">{busy && busyLabel ? busyLabel : children}</span>
      {shortcut ? (
        <kbd className="button__shortcut" aria-hidden="true">
          {shortcut}
        </kbd>
      ) : null}
    </button>
  );
}
