// A status shown as icon + word + colour, so that it reads the same in greyscale, on
// a washed-out projector and to a screen reader.
import { cx } from './classes';
import { Icon } from './icons';
import { toneIcon, toneWord, type Tone } from './tone';

export interface StatusBadgeProps {
  tone: Tone;
  /** The word(s) shown; defaults to the tone's word ("Pass", "Warning", ...). */
  label?: string;
  size?: 'normal' | 'large';
  className?: string;
}

export function StatusBadge({ tone, label, size = 'normal', className }: StatusBadgeProps) {
  return (
    <span className={cx('badge', `badge--${tone}`, size === 'large' && 'badge--large', className)} data-tone={tone}>
      <Icon name={toneIcon[tone]} />
      <span className="badge__label">{label ?? toneWord[tone]}</span>
    </span>
  );
}
