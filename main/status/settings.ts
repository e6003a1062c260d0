// The app's remembered choices in <dataDir>/settings.json (today: the PKCS#11 module
// path). Read strictly, written atomically (temp file, fsync, rename, fsync directory) so
// a crash mid-write leaves either the old or the new file, never half of one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../../native/errors';

export const SETTINGS_FILE = 'settings.json';

// Unknown keys are kept (a newer version may have written them) but the keys this
// version knows are checked.
const SettingsSchema = z.looseObject({
  modulePath: z.string().min(1).max(4096).optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export type SettingsRead = { ok: true; settings: Settings } | { ok: false; error: DomainError };

/** $XDG_DATA_HOME/conclave, else ~/.local/share/conclave. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'conclave');
}

export function readSettings(dataDir: string): SettingsRead {
  const path = join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, settings: {} };
    return {
      ok: false,
      error: new DomainError({
        code: 'SETTINGS_UNREADABLE',
        message: `The settings file ${path} could not be read (${(error as Error).message}).`,
        action: 'Check the permissions of the Conclave data folder.',
      }),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: new DomainError({
        code: 'SETTINGS_INVALID',
        message: `The settings file ${path} is not valid JSON (${(error as Error).message}).`,
        action: `Fix or delete ${path}, then choose the PKCS#11 module again.`,
      }),
    };
  }
  const parsed = SettingsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: new DomainError({
        code: 'SETTINGS_INVALID',
        message: `The settings file ${path} is not valid: ${issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'unexpected content'}.`,
        action: `Fix or delete ${path}, then choose the PKCS#11 module again.`,
      }),
    };
  }
  return { ok: true, settings: parsed.data };
}

/** Writes `text` to `path` atomically: readers see the old file or the new one. */
export function writeFileAtomic(path: string, dir: string, text: string): void {
  const temp = join(dir, `.${SETTINGS_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may not exist; nothing else to clean up.
    }
    throw error;
  }
  // Make the rename itself durable.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Merges `patch` into the stored settings and writes them atomically. */
export function updateSettings(dataDir: string, patch: Settings): Settings {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const current = readSettings(dataDir);
  // A broken file is replaced: the caller is recording a fresh, explicit choice.
  const next = { ...(current.ok ? current.settings : {}), ...patch };
  writeFileAtomic(join(dataDir, SETTINGS_FILE), dataDir, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
