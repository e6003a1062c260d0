// Single-key shortcuts for the person driving the ceremony (R to refresh, ...). Keys are
// ignored while typing in a field and when a modifier is held, so they never eat input
// or browser/OS combinations.
import { useEffect, useRef } from 'react';

export interface Shortcut {
  /** One character, matched case-insensitively, e.g. "r". */
  key: string;
  /** What it does, shown in the shortcut hints, e.g. "Refresh tokens". */
  description: string;
  run: () => void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
  }
  return false;
}

export function useShortcuts(shortcuts: Shortcut[]): void {
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      const match = latest.current.find((s) => s.key.toLowerCase() === event.key.toLowerCase());
      if (!match) return;
      event.preventDefault();
      match.run();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
