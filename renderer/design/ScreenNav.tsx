// Moving between screens: a labelled navigation landmark of plain buttons (no URL
// navigation, which the shell refuses), the current screen marked with aria-current so
// it is announced and styled as such. Tab reaches every item; Enter or Space opens it.
import { cx } from './classes';

export interface ScreenNavItem<Id extends string = string> {
  id: Id;
  label: string;
  /** A short note under the label, e.g. "2 of 3 present". */
  note?: string;
}

export interface ScreenNavProps<Id extends string> {
  items: Array<ScreenNavItem<Id>>;
  current: Id;
  onNavigate: (id: Id) => void;
  label?: string;
}

export function ScreenNav<Id extends string>({ items, current, onNavigate, label = 'Screens' }: ScreenNavProps<Id>) {
  return (
    <nav className="screen-nav" aria-label={label}>
      <ul className="screen-nav__list">
        {items.map((item) => {
          const active = item.id === current;
          return (
            <li key={item.id}>
              <button
                type="button"
                className={cx('screen-nav__item', active && 'screen-nav__item--current')}
                aria-current={active ? 'page' : undefined}
                onClick={() => onNavigate(item.id)}
                data-testid={`nav-${item.id}`}
              >
                <span className="screen-nav__label">{item.label}</span>
                {item.note ? <span className="screen-nav__note">{item.note}</span> : null}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
