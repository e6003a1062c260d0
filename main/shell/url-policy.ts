// Which URLs the Conclave window may show, navigate to and load. The window only ever
// shows the app's own files under app://conclave/; everything else is refused, and no
// request may leave the machine. Pure functions, so the policy is tested without Electron.

export const APP_SCHEME = 'app';
export const APP_HOST = 'conclave';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged: a standard, secure origin (so the
 * page gets a real origin and a secure context) without fetch, CORS, service workers or
 * any CSP bypass.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: false,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
  codeCache: false,
} as const;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs of the app's own origin, e.g. app://conclave/index.html. */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** A window may navigate (or be redirected) only within the app's own origin. */
export function isNavigationAllowed(targetUrl: string): boolean {
  return isAppUrl(targetUrl);
}

// data: and blob: never touch the network; the CSP limits them to images and media.
// devtools: is the devtools front end, which only exists when devtools are allowed.
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'devtools:']);

/** Every request that is not app:// (or local by nature) is cancelled: no network at all. */
export function isRequestAllowed(url: string): boolean {
  if (isAppUrl(url)) return true;
  const parsed = parse(url);
  return parsed !== null && LOCAL_SCHEMES.has(parsed.protocol);
}
