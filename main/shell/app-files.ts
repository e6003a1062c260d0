// Serves the renderer's built files for the app:// protocol. Only regular files inside
// the renderer folder (dist/renderer), of a known type, are served; a path that leaves
// the folder, by "..", an encoded separator or a symbolic link, is refused. Every
// response carries the CSP header. Electron-free: main.ts wraps the answer in a Response.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp';
import { APP_HOST, APP_SCHEME } from './url-policy';

export interface AppFileResponse {
  status: 200 | 400 | 403 | 404 | 405;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | string;
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

const baseHeaders = (): Record<string, string> => ({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
});

const refuse = (status: AppFileResponse['status'], why: string): AppFileResponse => ({
  status,
  headers: { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  body: why,
});

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * Maps an app:// URL to a file under `root`, or says why not. Pure: it does not touch
 * the disk (serveAppFile also checks the real path against symbolic links).
 */
export function resolveAppPath(root: string, requestUrl: string): { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; why: string } {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, why: 'Not a URL.' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403, why: 'Not a Conclave URL.' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, why: 'Malformed path.' };
  }
  // An encoded "/" or "\", a NUL or a ".." segment can only be an attempt to leave the folder.
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((segment) => segment === '..')) {
    return { ok: false, status: 403, why: 'Path refused.' };
  }
  const relativePath = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = join(root, ...relativePath.split('/'));
  if (!inside(root, path)) return { ok: false, status: 403, why: 'Path refused.' };
  if (!(extname(path).toLowerCase() in MIME_TYPES)) return { ok: false, status: 404, why: 'Not found.' };
  return { ok: true, path };
}

/** Answers one app:// request from the files under `root`. */
export async function serveAppFile(root: string, requestUrl: string, method = 'GET'): Promise<AppFileResponse> {
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'Method not allowed.');
  const resolved = resolveAppPath(root, requestUrl);
  if (!resolved.ok) return refuse(resolved.status, resolved.why);
  try {
    const [realRoot, realPath] = await Promise.all([realpath(root), realpath(resolved.path)]);
    if (!inside(realRoot, realPath) || !realPath.startsWith(realRoot + sep)) return refuse(403, 'Path refused.');
    if (!(await stat(realPath)).isFile()) return refuse(404, 'Not found.');
    const body = method === 'HEAD' ? '' : new Uint8Array(await readFile(realPath));
    const type = MIME_TYPES[extname(realPath).toLowerCase()] ?? 'application/octet-stream';
    return { status: 200, headers: { ...baseHeaders(), 'Content-Type': type }, body };
  } catch {
    return refuse(404, 'Not found.');
  }
}
