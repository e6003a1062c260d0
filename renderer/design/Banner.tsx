// Messages across a screen. Errors interrupt (role="alert") and always say what to do;
// everything else is polite (role="status").
import type { ReactNode } from 'react';
import type { ErrorValue } from '../../preload/contract';
import { cx } from './classes';
import { Icon } from './icons';
import { toneIcon, type Tone } from './tone';

export type BannerTone = Exclude<Tone, 'unknown'>;

export interface BannerProps {
  tone: BannerTone;
  title: ReactNode;
  children?: ReactNode;
  /** Buttons that resolve the situation. */
  actions?: ReactNode;
  className?: string;
}

export function Banner({ tone, title, children, actions, className }: BannerProps) {
  return (
    <div className={cx('banner', `banner--${tone}`, className)} role={tone === 'fail' ? 'alert' : 'status'}>
      <Icon name={toneIcon[tone]} className="banner__icon" />
      <div className="banner__content">
        <p className="banner__title">{title}</p>
        {children ? <div className="banner__body">{children}</div> : null}
        {actions ? <div className="banner__actions">{actions}</div> : null}
      </div>
    </div>
  );
}

export interface ErrorBannerProps {
  /** What was being attempted, e.g. "Could not load the PKCS#11 module". */
  title: ReactNode;
  error: ErrorValue;
  actions?: ReactNode;
  className?: string;
}

/** An ErrorValue as a person can act on it: the message, then what to do. */
export function ErrorBanner({ title, error, actions, className }: ErrorBannerProps) {
  return (
    <Banner tone="fail" title={title} actions={actions} className={className}>
      <p className="error__message">{error.message}</p>
      {error.action ? (
        <p className="error__action">
          <strong>What to do: </strong>
          {error.action}
        </p>
      ) : null}
      <p className="error__code">
        Error code <code>{error.code}</code>
      </p>
    </Banner>
  );
}
