// Small, never-throwing readers for sysfs/procfs style trees. A probe must describe what
// it can see and say what it could not, never crash on a missing or unreadable file.
import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';

/** Trimmed file content, or null when the file is missing or unreadable. */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Directory entries sorted by name, or null when the directory is missing. */
export function listDir(path: string): string[] | null {
  try {
    return readdirSync(path).sort();
  } catch {
    return null;
  }
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

export function realPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
