// The frame of every screen: a skip link, the product header with the REHEARSAL mark
// whenever the app runs on a rehearsal token, the navigation between screens, the
// shortcut hints, and the main landmark.
import type { ReactNode } from 'react';
import { cx } from './classes';
import { RehearsalMark } from './RehearsalMark';
import { ShortcutHints } from './ShortcutHints';
import type { Shortcut } from './useShortcuts';

export interface AppShellProps {
  /** True while the app runs on a throwaway rehearsal token. */
  rehearsal: boolean;
  /** The current screen's name, shown beside the product name. */
  screenTitle?: string;
  shortcuts?: Array<Pick<Shortcut, 'key' | 'description'>>;
  /** The navigation between screens (a ScreenNav), shown under the header. */
  nav?: ReactNode;
  children: ReactNode;
}

export function AppShell({ rehearsal, screenTitle, shortcuts = [], nav, children }: AppShellProps) {
  return (
    <div className={cx('app', rehearsal && 'app--rehearsal')}>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      {rehearsal ? <div className="rehearsal-ribbon" aria-hidden="true" /> : null}
      <header className="app-header">
        <div className="app-header__inner">
          <div className="brand">
            <span className="brand__name">Conclave</span>
            <span className="brand__tagline">Offline root-key ceremonies</span>
          </div>
          {screenTitle ? <span className="app-header__screen">{screenTitle}</span> : null}
          {rehearsal ? <RehearsalMark className="app-header__rehearsal" /> : null}
        </div>
        {nav ? <div className="app-header__nav">{nav}</div> : null}
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        <ShortcutHints shortcuts={shortcuts} />
      </footer>
    </div>
  );
}
