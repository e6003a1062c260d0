// The one permission the Conclave window may get: the camera, for scanning a bundle's
// animated QR code in the import mode (docs/bundle-import.md, "The camera"). Everything
// else stays denied. Granted only for video (never the microphone: the request must ask
// for video and nothing else), only to the app's own origin, only to its top-level page,
// so no embedded or foreign content could ever turn the camera on. Frames are decoded in
// the renderer and only the decoded QR text crosses to main; no image is kept.
// Pure functions, so the policy is tested without Electron.
import { isAppUrl } from './url-policy';

/** What Electron passes to a permission request handler, as far as the policy reads it. */
export interface PermissionRequestFacts {
  requestingUrl?: string;
  isMainFrame?: boolean;
  mediaTypes?: ReadonlyArray<string>;
  securityOrigin?: string;
}

/** What Electron passes to a permission check handler, as far as the policy reads it. */
export interface PermissionCheckFacts {
  requestingUrl?: string;
  isMainFrame?: boolean;
  mediaType?: string;
  securityOrigin?: string;
}

const fromApp = (url: string | undefined): boolean => typeof url === 'string' && isAppUrl(url);

/** A getUserMedia request: allowed only for { video } alone, from the app's own top-level page. */
export function isCameraRequestAllowed(permission: string, details: PermissionRequestFacts | undefined): boolean {
  if (permission !== 'media' || !details) return false;
  const types = details.mediaTypes;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => t === 'video')) return false;
  if (details.isMainFrame !== true || !fromApp(details.requestingUrl)) return false;
  return details.securityOrigin === undefined || fromApp(details.securityOrigin);
}

/** A permission check (e.g. before enumerating cameras): the same rule, for the video kind only. */
export function isCameraCheckAllowed(permission: string, requestingOrigin: string, details: PermissionCheckFacts | undefined): boolean {
  if (permission !== 'media' || !details || details.mediaType !== 'video') return false;
  if (details.isMainFrame !== true || !fromApp(requestingOrigin)) return false;
  if (details.requestingUrl !== undefined && !fromApp(details.requestingUrl)) return false;
  return details.securityOrigin === undefined || fromApp(details.securityOrigin);
}
