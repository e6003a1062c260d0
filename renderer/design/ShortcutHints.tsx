// The keyboard shortcuts of the current screen, always visible, so nobody has to know them.
import type { Shortcut } from './useShortcuts';

export function ShortcutHints({ shortcuts }: { shortcuts: Array<Pick<Shortcut, 'key' | 'description'>> }) {
  if (shortcuts.length === 0) return null;
  return (
    <div className="shortcuts" aria-label="Keyboard shortcuts" role="note">
      <span className="shortcuts__title">Keyboard:</span>
      <ul className="shortcuts__list">
        {shortcuts.map((s) => (
          <li key={s.key}>
            <kbd>{s.key.toUpperCase()}</kbd> {s.description}
          </li>
        ))}
        <li>
          <kbd>Tab</kbd> next control
        </li>
      </ul>
    </div>
  );
}
