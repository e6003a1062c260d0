// The `conclave` command line (bin in package.json, built to dist/cli/conclave.cjs): the
// composition root for plain Node. It wires the real HSM worker, USB watcher and probes
// into the commands and sets the exit status; it never imports electron.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listModuleCandidates } from '../../native/hsm/module-candidates';
import { forkHsmClient } from '../hsm/hsm-client';
import { packageRoot } from '../hsm/worker-script';
import { createStatusService } from '../status/status-service';
import { run } from './run';
import type { CliRuntime } from './runtime';
import { promptLineFromTty } from './terminal-line';
import { promptSecretFromTty } from './terminal-secret';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function terminalWidth(): number {
  const columns = process.stdout.columns ?? Number(process.env.COLUMNS);
  return Number.isFinite(columns) && columns >= 60 ? Math.min(columns, 160) : 100;
}

const runtime: CliRuntime = {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  width: terminalWidth(),
  version: version(),
  hsm: (env) => forkHsmClient({ env }),
  createStatusService,
  listModuleCandidates: () => listModuleCandidates(),
  // Only a terminal can take a passphrase without echo; piped input is refused (use --passphrase-env).
  ...(process.stdin.isTTY
    ? {
        promptSecret: (prompt: string) => promptSecretFromTty(process.stdin, process.stderr, prompt),
        promptLine: (prompt: string) => promptLineFromTty(process.stdin, process.stderr, prompt),
      }
    : {}),
};

run(process.argv.slice(2), runtime).then(
  (code) => {
    // exitCode, not exit(): pending output to a pipe is written before the process ends.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`conclave: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
