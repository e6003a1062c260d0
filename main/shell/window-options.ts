// BrowserWindow options for the Conclave window, as a pure function so a static test can
// check every security-relevant flag without an Electron binary. The electron import is
// type-only: it is erased at build time and never loaded by tests.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (dist/preload/preload.cjs). */
  preloadPath: string;
  /** Whether devtools may open; see devToolsAllowed. */
  devTools: boolean;
}

/** Devtools only in an unpackaged (developer) run that asks for them explicitly. */
export function devToolsAllowed(isPackaged: boolean, env: Record<string, string | undefined>): boolean {
  return !isPackaged && env.CONCLAVE_DEVTOOLS === '1';
}

export function windowOptions({ preloadPath, devTools }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 640,
    title: 'Conclave',
    backgroundColor: '#0b0d10',
    // Shown once the first frame is painted, so the operator never sees a blank window.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools,
    },
  };
}
