// Shown when the page runs without Conclave's preload (opened directly in a browser, or
// the preload failed): nothing can work, so say why and what to do.
import { ErrorBanner } from './design';

export function MissingBridge() {
  return (
    <div className="app">
      <header className="app-header">
        <div className="app-header__inner">
          <div className="brand">
            <span className="brand__name">Conclave</span>
            <span className="brand__tagline">Offline root-key ceremonies</span>
          </div>
        </div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        <div className="fatal">
          <h1>Conclave cannot reach its main process</h1>
          <ErrorBanner
            title="The connection to the Conclave main process is missing"
            error={{
              code: 'BRIDGE_MISSING',
              message: 'This page was opened without the Conclave bridge (window.conclave is not defined), so it cannot see the HSM, USB devices or the room checks.',
              action: 'Start Conclave itself (the installed application, or "npm start" in the project folder) instead of opening this page in a web browser. If Conclave itself shows this, reinstall it: its preload script did not load.',
            }}
          />
        </div>
      </main>
    </div>
  );
}
