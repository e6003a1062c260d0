// What a region shows when it has nothing to list: say so plainly, and what would fill it.
import type { ReactNode } from 'react';
import { cx } from './classes';
import { Icon, type IconName } from './icons';

export function EmptyState({ title, children, icon = 'info', actions, className }: { title: ReactNode; children?: ReactNode; icon?: IconName; actions?: ReactNode; className?: string }) {
  return (
    <div className={cx('empty', className)}>
      <Icon name={icon} className="empty__icon" />
      <div>
        <p className="empty__title">{title}</p>
        {children ? <div className="empty__body">{children}</div> : null}
        {actions ? <div className="empty__actions">{actions}</div> : null}
      </div>
    </div>
  );
}
