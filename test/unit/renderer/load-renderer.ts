// Loads renderer modules into a Node test the way the app build compiles them: esbuild
// with the automatic JSX runtime (tsx applies the root tsconfig's JSX setting only to
// the folders that tsconfig includes, and renderer/ has its own). React stays external
// so the test and the components share one React.
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

export function loadRendererModule<T>(entry: string): T {
  // Inside the project, so require() finds react in node_modules.
  const outDir = join(ROOT, 'dist', 'test-renderer');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replace(/[^\w]+/g, '_')}-${process.pid}.cjs`);
  buildSync({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    jsx: 'automatic',
    external: ['react', 'react-dom', 'zustand'],
    logLevel: 'silent',
  });
  try {
    return createRequire(outfile)(outfile) as T;
  } finally {
    // Node keeps the loaded module; the file itself is not needed any more.
    rmSync(outfile, { force: true });
  }
}
