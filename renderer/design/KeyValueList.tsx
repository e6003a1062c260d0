// Facts as a description list: term and value pairs that read naturally in order.
import type { ReactNode } from 'react';
import { cx } from './classes';

export interface KeyValueItem {
  key: string;
  label: ReactNode;
  value: ReactNode;
  /** Monospaced value (paths, serials, versions). */
  mono?: boolean;
}

export function KeyValueList({ items, className, columns = 1 }: { items: KeyValueItem[]; className?: string; columns?: 1 | 2 }) {
  return (
    <dl className={cx('kv', columns === 2 && 'kv--two', className)}>
      {items.map((item) => (
        <div className="kv__row" key={item.key} data-key={item.key}>
          <dt className="kv__key">{item.label}</dt>
          <dd className={cx('kv__value', item.mono && 'mono')}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
