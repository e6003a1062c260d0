// A display for the Electron end-to-end tests: the session's own when there is one,
// otherwise a private Xvfb server (Debian package xvfb) that is stopped afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Display {
  /** Environment entries to give the app (DISPLAY and/or WAYLAND_DISPLAY). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const XVFB = '/usr/bin/Xvfb';

/** Resolves to a display, or to a reason why none is available. */
export async function acquireDisplay(env: Record<string, string | undefined> = process.env): Promise<Display | { unavailable: string }> {
  if (env.DISPLAY || env.WAYLAND_DISPLAY) {
    const own: Record<string, string> = {};
    if (env.DISPLAY) own.DISPLAY = env.DISPLAY;
    if (env.WAYLAND_DISPLAY) own.WAYLAND_DISPLAY = env.WAYLAND_DISPLAY;
    return { env: own, stop: async () => undefined };
  }
  if (!existsSync(XVFB)) return { unavailable: `no DISPLAY or WAYLAND_DISPLAY, and ${XVFB} is not installed (apt-get install xvfb)` };

  // -displayfd makes Xvfb pick a free display number and write it to fd 3 once it is ready.
  const server: ChildProcess = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const number = await new Promise<string | null>((resolve) => {
    let out = '';
    server.stdio[3]?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    server.once('exit', () => resolve(null));
    server.once('error', () => resolve(null));
  });
  if (number === null || !/^\d+$/.test(number)) {
    server.kill();
    return { unavailable: `Xvfb did not start: ${stderr.trim().split('\n').pop() ?? 'no output'}` };
  }
  return {
    env: { DISPLAY: `:${number}` },
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve();
        server.once('exit', () => resolve());
        server.kill('SIGTERM');
      }),
  };
}
