// Reading a witness key file from disk: size-limited, strict UTF-8, with the byte-order
// mark and surrounding whitespace editors add removed, then parsed strictly.
import { readFile, stat } from 'node:fs/promises';
import { DomainError } from '../../native/errors';
import { MAX_WITNESS_KEY_CHARS, parseWitnessKey, type ParsedWitnessKey } from './witness-key-file';

const ACTION = 'Choose the witness key file written by "conclave witness new" (a .json file), from its original medium or a backup.';

function unreadable(message: string): DomainError {
  return new DomainError({ code: 'WITNESS_KEY_UNREADABLE', message, action: ACTION });
}

/** The key file's text; WITNESS_KEY_UNREADABLE when it is missing, not a file, too large or not UTF-8. */
export async function readWitnessKeyText(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unreadable(`The witness key file ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}.`);
  }
  if (!info.isFile()) throw unreadable(`The witness key file ${path} is not a file.`);
  if (info.size > MAX_WITNESS_KEY_CHARS + 1024) throw unreadable(`The witness key file ${path} is ${info.size} bytes, more than a witness key file can be.`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw unreadable(`The witness key file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable(`The file ${path} is not text (it is not valid UTF-8), so it is not a witness key file.`);
  }
  text = text.replace(/^\uFEFF/, '').trim();
  if (text === '') throw unreadable(`The witness key file ${path} is empty.`);
  return text;
}

/** Reads and strictly parses a witness key file (WITNESS_KEY_UNREADABLE or WITNESS_KEY_MALFORMED). */
export async function readWitnessKeyFile(path: string): Promise<ParsedWitnessKey> {
  return parseWitnessKey(await readWitnessKeyText(path));
}
