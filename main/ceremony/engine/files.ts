// Files a step writes into the ceremony folder: written once (never over an existing
// file), read back, and recorded with their SHA-256 in a file-written entry.
import { readFileSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { sha256Hex } from '../../files/atomic-write';
import type { ActionContext } from './context';

export async function recordFileWritten(ctx: ActionContext, path: string, purpose: string): Promise<{ sha256: string; bytes: number }> {
  const rel = relative(ctx.deps.dir, path).split(sep).join('/');
  const bytes = readFileSync(path);
  const sha256 = sha256Hex(bytes);
  const size = statSync(path).size;
  const recorded = ctx.attempt().some((e) => e.entry.type === 'file-written' && e.entry.data.path === rel && e.entry.data.sha256 === sha256);
  if (!recorded) await ctx.writer.append('file-written', ctx.system, { path: rel, purpose, sha256, bytes: size });
  return { sha256, bytes: size };
}
