// `conclave verify DIR [--json]`: verifies a ceremony folder (docs/ceremony-folder.md)
// and prints every check, the final hash in hex and words, or the first failing entry
// or file and why. Exit: 0 everything holds, 1 something does not (or the folder cannot
// be read), 2 usage.
import { resolve } from 'node:path';
import { describeFailure, verifyCeremonyFolder, type FolderVerdict } from '../ceremony/folder/index';
import { hashForPeople } from '../ceremony/folder/hash-words';
import type { CliRuntime } from './runtime';

export interface VerifyCommand {
  name: 'verify';
  dir: string;
  json: boolean;
}

function summary(verdict: FolderVerdict): string {
  const lines: string[] = [];
  const title = verdict.ceremonyId ? `${verdict.ceremonyId}${verdict.title ? ` — ${verdict.title}` : ''}${verdict.rehearsal ? ' (REHEARSAL)' : ''}` : verdict.dir;
  lines.push(`${verdict.ok ? 'VERIFIED' : 'NOT VERIFIED'}  ${title}`);
  lines.push(`  Folder      ${verdict.dir}`);
  for (const check of verdict.checks) lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(15)} ${check.detail}`);
  if (verdict.finalHash) {
    const people = hashForPeople(verdict.finalHash);
    lines.push(`  Final hash  ${people.grouped}`);
    lines.push(`              ${people.words.join(' ')}`);
  }
  if (verdict.firstFailure) lines.push(`First failure: ${describeFailure(verdict.firstFailure)}`);
  return `${lines.join('\n')}\n`;
}

export async function runVerify(cmd: VerifyCommand, rt: CliRuntime): Promise<number> {
  const dir = resolve(rt.cwd, cmd.dir);
  let verdict: FolderVerdict;
  try {
    verdict = await verifyCeremonyFolder(dir);
  } catch (error) {
    const message = (error as Error).message;
    if (cmd.json) rt.stdout(`${JSON.stringify({ ok: false, dir, error: message }, null, 2)}\n`);
    rt.stderr(`conclave: the ceremony folder ${dir} cannot be read: ${message}\nWhat to do: check the path and that the medium is readable.\n`);
    return 1;
  }
  if (cmd.json) rt.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  else if (verdict.ok) rt.stdout(summary(verdict));
  else rt.stderr(summary(verdict));
  return verdict.ok ? 0 : 1;
}
