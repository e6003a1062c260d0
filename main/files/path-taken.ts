// Whether an output path is already in use, for writers that refuse to overwrite.
import { lstat } from 'node:fs/promises';

/**
 * True when anything is at `path`, a dangling symbolic link included (lstat, so nothing is
 * ever written through a link); false only when nothing is there. Any other error (no
 * permission, an I/O error) is thrown: "cannot tell" must not read as "free".
 */
export async function pathTaken(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
