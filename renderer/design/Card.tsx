// A titled region of a screen. Each card is a landmark-free <section> labelled by its
// heading, so the heading outline stays the navigation structure.
import { useId, type ReactNode } from 'react';
import { cx } from './classes';
import { Icon, type IconName } from './icons';

export interface CardProps {
  title: ReactNode;
  /** Heading level inside the page outline (2 for screen sections, 3 for items). */
  level?: 2 | 3 | 4;
  icon?: IconName;
  /** Shown at the end of the header row: buttons, a badge. */
  actions?: ReactNode;
  /** A line under the title. */
  subtitle?: ReactNode;
  id?: string;
  className?: string;
  tone?: 'default' | 'sunken';
  children?: ReactNode;
}

export function Card({ title, level = 2, icon, actions, subtitle, id, className, tone = 'default', children }: CardProps) {
  const headingId = useId();
  const Heading = `h${level}` as const;
  return (
    <section id={id} className={cx('card', `card--level${level}`, tone === 'sunken' && 'card--sunken', className)} aria-labelledby={headingId}>
      <header className="card__header">
        <div className="card__titles">
          <Heading id={headingId} className="card__title">
            {icon ? <Icon name={icon} className="card__icon" /> : null}
            <span>{title}</span>
          </Heading>
          {subtitle ? <p className="card__subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="card__actions">{actions}</div> : null}
      </header>
      {children !== undefined ? <div className="card__body">{children}</div> : null}
    </section>
  );
}

/** Alias: some screens call a region a panel. */
export const Panel = Card;
