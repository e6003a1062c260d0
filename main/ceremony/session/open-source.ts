// Where a new ceremony's script comes from: the built-in rehearsal root ceremony (its one
// witness named by a witness key file, whose public fingerprint the script lists; like
// `conclave rehearse`, it exports a data key to the rehearsal recipient under the
// transport KEK the two rehearsal tokens share) or a script file, read strictly. Either
// way the engine records the exact source text.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { DomainError } from '../../../native/errors';
import type { CeremonySource } from '../../../preload/contract';
import { readWitnessKeyFile, witnessNameProblem } from '../../witness';
import { isEmptyOrMissing, TRANSCRIPT_FILE, type ScriptSource } from '../engine';
import { detectFormat, MAX_SCRIPT_CHARACTERS, parseScript, REHEARSAL_TRANSPORT_KEK_LABEL, rehearsalRootScript, renderScriptYaml, type CeremonyScript } from '../script';

export interface OpenedSource {
  script: CeremonyScript;
  source: ScriptSource;
}

const refused = (code: string, message: string, action: string) => new DomainError({ code, message, action });

export async function scriptFromSource(source: CeremonySource): Promise<OpenedSource> {
  assertAbsolute(source.kind === 'template' ? source.witnessKeyFile : source.path, source.kind === 'template' ? 'witness key file' : 'script file');
  if (source.kind === 'template') {
    const key = await readWitnessKeyFile(source.witnessKeyFile);
    const script = rehearsalRootScript({
      witnessFingerprint: key.fingerprint,
      ...(witnessNameProblem(key.name) === null ? { witnessName: key.name } : {}),
      ...(source.certificate ? { certificate: true } : {}),
      bundleTransportKek: REHEARSAL_TRANSPORT_KEK_LABEL,
    });
    return { script, source: { name: 'rehearsal-root.yaml', format: 'yaml', text: renderScriptYaml(script) } };
  }
  let text: string;
  try {
    const info = await stat(source.path);
    if (!info.isFile()) throw refused('SCRIPT_NOT_READABLE', `${source.path} is not a file.`, 'Choose the ceremony script file (.yaml or .json).');
    if (info.size > MAX_SCRIPT_CHARACTERS * 4) throw refused('SCRIPT_TOO_LARGE', `${source.path} is ${info.size} bytes, more than a ceremony script may be.`, 'Choose the ceremony script file.');
    text = await readFile(source.path, 'utf8');
  } catch (error) {
    if (DomainError.is(error)) throw error;
    throw refused('SCRIPT_NOT_READABLE', `The ceremony script ${source.path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path and that the medium is mounted.');
  }
  const script = parseScript(text, { fileName: source.path });
  return { script, source: { name: basename(source.path), format: detectFormat(text, source.path), text } };
}

/** Paths from the screens are absolute: a relative one would depend on where Conclave was started. */
export function assertAbsolute(path: string, what: string): void {
  if (!isAbsolute(path)) throw refused('PATH_NOT_ABSOLUTE', `The ${what} "${path.slice(0, 200)}" is not an absolute path.`, `Give the full path of the ${what}, starting with "/".`);
}

/** A new ceremony needs a new or empty folder, given as an absolute path. */
export function assertNewFolder(directory: string): void {
  assertAbsolute(directory, 'ceremony folder');
  if (isEmptyOrMissing(directory)) return;
  if (existsSync(join(directory, TRANSCRIPT_FILE))) {
    throw refused('FOLDER_HOLDS_CEREMONY', `${directory} already holds a ceremony transcript.`, 'Resume that ceremony instead, or choose a new folder for a new one.');
  }
  throw refused('FOLDER_NOT_EMPTY', `${directory} exists and is not empty; a ceremony writes a new folder of its own.`, 'Choose a new (or empty) folder for the ceremony.');
}
