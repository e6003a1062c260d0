// One build for every runtime piece: Electron main, the sandboxed preload, the HSM
// worker, the Argon2id worker, the command line, the renderer, and the browser-test
// bridge. esbuild bundles each into a single file so the preload stays sandbox-compatible
// (it may only require('electron')) and the CLI runs under plain Node without a
// TypeScript loader.
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const production = process.env.NODE_ENV === 'production';

// Native addons stay external: they are loaded from node_modules (unpacked from asar).
const nativeExternals = ['pkcs11js', 'usb'];

const common = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'process.env.CONCLAVE_BUILD': JSON.stringify(production ? 'production' : 'development') },
};

mkdirSync(out, { recursive: true });

await Promise.all([
  build({
    ...common,
    entryPoints: ['main/shell/main.ts'],
    outfile: 'dist/main/main.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', ...nativeExternals],
  }),
  build({
    ...common,
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/preload.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'chrome120',
    // A sandboxed preload can require only 'electron' (and a few polyfills); everything
    // else must be inside this one file.
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['native/hsm/worker-entry.ts'],
    outfile: 'dist/native/hsm-worker.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nativeExternals,
  }),
  // Argon2id runs on this worker thread so the main process stays responsive
  // (main/quorum/kdf-thread.ts finds it under the package root).
  build({
    ...common,
    entryPoints: ['main/quorum/kdf-worker.ts'],
    outfile: 'dist/main/kdf-worker.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
  build({
    ...common,
    entryPoints: ['main/cli/conclave.ts'],
    outfile: 'dist/cli/conclave.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron', ...nativeExternals],
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    entryPoints: ['renderer/index.tsx'],
    outfile: 'dist/renderer/app.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    jsx: 'automatic',
    minify: production,
    define: { ...common.define, 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  }),
  // The browser tests inject the same createApi factory the preload uses, as a global.
  build({
    ...common,
    entryPoints: ['test/browser/bridge-entry.ts'],
    outfile: 'dist/test-bridge/bridge.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  }),
]);

cpSync(join(root, 'renderer', 'index.html'), join(out, 'renderer', 'index.html'));
cpSync(join(root, 'renderer', 'styles'), join(out, 'renderer', 'styles'), { recursive: true });

// `npx conclave` executes the bin file itself, and esbuild writes it without the
// executable bit; npm only sets that bit for bins that existed at install time.
chmodSync(join(out, 'cli', 'conclave.cjs'), 0o755);
