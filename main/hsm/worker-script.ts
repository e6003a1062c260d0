// Finds the built HSM worker (dist/native/hsm-worker.cjs) from wherever this code runs:
// TypeScript sources under tsx, the esbuild bundles in dist/, or the packaged app.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DomainError } from '../../native/errors';

const PACKAGE_NAME = 'conclave';

/** The directory of Conclave's package.json, found by walking up from `start`. */
export function packageRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not a readable package.json; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DomainError({
        code: 'PACKAGE_ROOT_NOT_FOUND',
        message: `Could not find Conclave's package.json above ${start}.`,
        action: 'Run Conclave from its installation folder, or pass the worker script path explicitly.',
      });
    }
    dir = parent;
  }
}

export function defaultWorkerScript(start?: string): string {
  return join(packageRoot(start), 'dist', 'native', 'hsm-worker.cjs');
}
