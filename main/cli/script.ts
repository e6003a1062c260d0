// `conclave script check FILE`: checks a ceremony script the way a ceremony would before
// it starts, and prints "OK" with the script hash, or every problem with its path,
// expectation and line. Exit: 0 valid, 1 invalid or unreadable, 2 usage.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkScript, problemText, type ScriptCheck } from '../ceremony/script/index';
import type { CliRuntime } from './runtime';

export interface ScriptCheckCommand {
  name: 'script-check';
  file: string;
  json: boolean;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;

type Read = { ok: true; text: string } | { ok: false; message: string; action: string };

async function readText(path: string): Promise<Read> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: `There is no file ${path}.`, action: 'Check the path to the ceremony script.' };
    if (code === 'EISDIR') return { ok: false, message: `${path} is a folder, not a ceremony script.`, action: 'Give the path of the script file itself.' };
    return { ok: false, message: `Could not read ${path} (${code ?? (error as Error).message}).`, action: 'Check that the file exists and that you may read it.' };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: `${path} is not UTF-8 text, so it is not a ceremony script.`, action: 'Save the script as UTF-8 YAML or JSON.' };
  }
}

/** What `conclave script check --json` prints. */
export function checkJson(path: string, result: ScriptCheck): Record<string, unknown> {
  if (!result.ok) return { file: path, ok: false, format: result.format, problems: result.problems };
  const s = result.script;
  return { file: path, ok: true, format: result.format, hash: result.hash, ceremony: { id: s.ceremony.id, kind: s.ceremony.kind, rehearsal: s.ceremony.rehearsal }, steps: s.steps.length };
}

export async function runScriptCheck(cmd: ScriptCheckCommand, rt: CliRuntime): Promise<number> {
  const path = resolve(rt.cwd, cmd.file);
  const read = await readText(path);
  if (!read.ok) {
    if (cmd.json) rt.stdout(`${JSON.stringify({ file: path, ok: false, error: read.message }, null, 2)}\n`);
    rt.stderr(`conclave: ${read.message}\nWhat to do: ${read.action}\n`);
    return EXIT_INVALID;
  }
  const result = checkScript(read.text, { fileName: path });
  if (cmd.json) {
    rt.stdout(`${JSON.stringify(checkJson(path, result), null, 2)}\n`);
    return result.ok ? EXIT_OK : EXIT_INVALID;
  }
  if (!result.ok) {
    const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
    rt.stderr(`conclave: the ceremony script ${path} is invalid (${count}):\n${result.problems.map((p) => `  ${problemText(p)}\n`).join('')}`);
    rt.stderr('What to do: correct each field named above (docs/ceremony-script.md describes the format) and check the script again.\n');
    return EXIT_INVALID;
  }
  const s = result.script;
  rt.stdout(
    `OK ${path}\n` +
      `  Ceremony     ${s.ceremony.id} (${s.ceremony.kind}${s.ceremony.rehearsal ? ', REHEARSAL' : ''}), ${s.steps.length} steps\n` +
      `  Script hash  ${result.hash}\n`,
  );
  return EXIT_OK;
}
