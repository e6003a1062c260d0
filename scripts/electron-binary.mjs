// Finds the Electron executable the way node_modules/electron/index.js does, but without
// throwing: `require('electron')` from plain Node throws when the binary was never
// downloaded, and both `npm start` and the Electron end-to-end tests need to say why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root project root
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ present: true, path: string, version: string } | { present: false, path: string | null, version: string, reason: string }}
 */
export function findElectronBinary(root, env = process.env) {
  const pkgDir = join(root, 'node_modules', 'electron');
  let version = 'unknown';
  try {
    version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return { present: false, path: null, version, reason: 'the electron package is not installed (node_modules/electron is missing); run `npm install`' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(path)
      ? { present: true, path, version }
      : { present: false, path, version, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${path} does not exist` };
  }
  if (!relative) {
    return {
      present: false,
      path: null,
      version,
      reason: `the Electron ${version} binary was never downloaded (node_modules/electron/path.txt is missing)`,
    };
  }
  const path = join(pkgDir, 'dist', relative);
  return existsSync(path)
    ? { present: true, path, version }
    : { present: false, path, version, reason: `node_modules/electron/path.txt names ${path}, which does not exist` };
}
