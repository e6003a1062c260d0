// A button that shows and hides a region (WAI-ARIA disclosure pattern). The content is
// rendered only while open, so expensive lists load on demand.
import { useId, useState, type ReactNode } from 'react';
import { cx } from './classes';
import { Icon } from './icons';

export interface DisclosureProps {
  summary: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
  onToggle?: (open: boolean) => void;
  className?: string;
}

export function Disclosure({ summary, children, defaultOpen = false, onToggle, className }: DisclosureProps) {
  const [open, setOpen] = useState(defaultOpen);
  const regionId = useId();
  return (
    <div className={cx('disclosure', open && 'disclosure--open', className)}>
      <button
        type="button"
        className="disclosure__toggle"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => {
          setOpen(!open);
          onToggle?.(!open);
        }}
      >
        <Icon name={open ? 'chevron-down' : 'chevron-right'} />
        <span>{summary}</span>
      </button>
      <div id={regionId} className="disclosure__region" hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}
