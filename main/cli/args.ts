// Strict argument parsing for the conclave command line: every command has a fixed set
// of flags; anything else is a usage error naming the offending word (exit status 2).
import { parseArgs } from 'node:util';
import { parseRehearse, parseRun, type RehearseCommand, type RunCommand } from './ceremony';
import { parseBundleCommand, type BundleVerifyCommand } from './bundle';
import type { BundleImportCommand } from './bundle-import';
import { parseQrCommand, type QrDecodeCommand } from './qr';
import type { ScriptCheckCommand } from './script';
import type { VerifyCommand } from './verify';
import type { WitnessNewCommand, WitnessShowCommand } from './witness';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Command =
  | { name: 'help'; topic: string | null }
  | { name: 'version' }
  | { name: 'doctor'; json: boolean; module: string | null; rehearsal: boolean; dataDir: string | null }
  | { name: 'tokens'; json: boolean; module: string | null }
  | { name: 'share-inspect'; file: string; json: boolean }
  | { name: 'share-check'; file: string; passphraseEnv: string | null }
  | WitnessNewCommand
  | WitnessShowCommand
  | ScriptCheckCommand
  | VerifyCommand
  | RunCommand
  | RehearseCommand
  | QrDecodeCommand
  | BundleVerifyCommand
  | BundleImportCommand;

export const COMMANDS = ['doctor', 'tokens', 'share', 'witness', 'script', 'verify', 'run', 'rehearse', 'bundle', 'qr', 'help'] as const;

function parseStrict<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, command: string) {
  return parseWithPositionals(args, options, command, false).values;
}

export function parseWithPositionals<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, command: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`Unknown option ${flag} for "conclave ${command}".`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const word = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`Unexpected argument "${word}" for "conclave ${command}".`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`${message.replace(/\.$/, '')} (in "conclave ${command}").`);
    }
    throw new UsageError(message);
  }
}

function nonEmpty(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value;
}

export function parseCommand(argv: string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) return { name: 'help', topic: null };
  if (first === '--help' || first === '-h') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after ${first}.`);
    return { name: 'help', topic: null };
  }
  if (first === '--version' || first === '-v') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after ${first}.`);
    return { name: 'version' };
  }
  if (first.startsWith('-')) throw new UsageError(`Unknown option ${first}; a command comes first.`);

  switch (first) {
    case 'help': {
      if (rest.length > 1) throw new UsageError(`Unexpected argument "${rest[1]}" for "conclave help".`);
      const topic = rest[0] ?? null;
      if (topic !== null && !(COMMANDS as readonly string[]).includes(topic)) throw new UsageError(`Unknown command "${topic}".`);
      return { name: 'help', topic };
    }
    case 'doctor': {
      const values = parseStrict(
        rest,
        {
          json: { type: 'boolean' },
          module: { type: 'string' },
          rehearsal: { type: 'boolean' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean' },
        },
        'doctor',
      );
      if (values.help) return { name: 'help', topic: 'doctor' };
      const module = nonEmpty(values.module, '--module');
      if (module !== null && values.rehearsal) throw new UsageError('--module and --rehearsal exclude each other: rehearsal uses its own SoftHSM2 token.');
      return { name: 'doctor', json: values.json ?? false, module, rehearsal: values.rehearsal ?? false, dataDir: nonEmpty(values['data-dir'], '--data-dir') };
    }
    case 'tokens': {
      const values = parseStrict(rest, { json: { type: 'boolean' }, module: { type: 'string' }, help: { type: 'boolean' } }, 'tokens');
      if (values.help) return { name: 'help', topic: 'tokens' };
      return { name: 'tokens', json: values.json ?? false, module: nonEmpty(values.module, '--module') };
    }
    case 'share':
      return parseShare(rest);
    case 'witness':
      return parseWitness(rest);
    case 'script':
      return parseScriptCommand(rest);
    case 'verify':
      return parseVerify(rest);
    case 'run': {
      const { values, positionals } = parseWithPositionals(rest, { answers: { type: 'string' }, out: { type: 'string' }, module: { type: 'string' }, help: { type: 'boolean' } }, 'run', true);
      if (values.help) return { name: 'help', topic: 'run' };
      return parseRun(values, positionals);
    }
    case 'qr':
      return parseQrCommand(rest);
    case 'bundle':
      return parseBundleCommand(rest);
    case 'rehearse': {
      const { values, positionals } = parseWithPositionals(rest, { out: { type: 'string' }, resume: { type: 'string' }, help: { type: 'boolean' } }, 'rehearse', true);
      if (values.help) return { name: 'help', topic: 'rehearse' };
      return parseRehearse(values, positionals);
    }
    default:
      throw new UsageError(`Unknown command "${first}".`);
  }
}

/** `conclave share inspect FILE [--json]` and `conclave share check FILE [--passphrase-env VAR]`. */
function parseShare(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub !== undefined && rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after "conclave share ${sub}".`);
    if (sub === undefined) throw new UsageError('"conclave share" needs a subcommand: inspect or check.');
    return { name: 'help', topic: 'share' };
  }
  const oneFile = (positionals: string[], command: string): string => {
    if (positionals.length === 0) throw new UsageError(`"conclave ${command}" needs the envelope FILE.`);
    // The extra words are not repeated: someone may have typed a passphrase there.
    if (positionals.length > 1) throw new UsageError(`"conclave ${command}" takes one envelope FILE; ${positionals.length} arguments were given.`);
    if (positionals[0]!.trim() === '') throw new UsageError(`"conclave ${command}" needs the envelope FILE.`);
    return positionals[0]!;
  };
  switch (sub) {
    case 'inspect': {
      const { values, positionals } = parseWithPositionals(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } }, 'share inspect', true);
      if (values.help) return { name: 'help', topic: 'share' };
      return { name: 'share-inspect', file: oneFile(positionals, 'share inspect'), json: values.json ?? false };
    }
    case 'check': {
      const { values, positionals } = parseWithPositionals(rest, { 'passphrase-env': { type: 'string' }, help: { type: 'boolean' } }, 'share check', true);
      if (values.help) return { name: 'help', topic: 'share' };
      const variable = nonEmpty(values['passphrase-env'], '--passphrase-env');
      if (variable !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new UsageError(`--passphrase-env takes the NAME of an environment variable (letters, digits, _), not the passphrase itself.`);
      }
      return { name: 'share-check', file: oneFile(positionals, 'share check'), passphraseEnv: variable };
    }
    default:
      throw new UsageError(`Unknown share subcommand "${sub}"; use "conclave share inspect FILE" or "conclave share check FILE".`);
  }
}

/** `conclave witness new --out FILE --name NAME [--passphrase-env VAR] [--public-out FILE]` and `conclave witness show FILE [--json]`. */
function parseWitness(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('"conclave witness" needs a subcommand: new or show.');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after "conclave witness ${sub}".`);
    return { name: 'help', topic: 'witness' };
  }
  switch (sub) {
    case 'new': {
      const { values, positionals } = parseWithPositionals(
        rest,
        { out: { type: 'string' }, name: { type: 'string' }, 'passphrase-env': { type: 'string' }, 'public-out': { type: 'string' }, help: { type: 'boolean' } },
        'witness new',
        true,
      );
      if (values.help) return { name: 'help', topic: 'witness' };
      // Stray words are not repeated: someone may have typed a passphrase there.
      if (positionals.length > 0) throw new UsageError(`"conclave witness new" takes only options; ${positionals.length} other argument(s) were given.`);
      const out = nonEmpty(values.out, '--out');
      if (out === null) throw new UsageError('"conclave witness new" needs --out FILE, the new key file.');
      const witness = nonEmpty(values.name, '--name');
      if (witness === null) throw new UsageError('"conclave witness new" needs --name NAME, the witness\'s name as the ceremony script lists it.');
      const variable = nonEmpty(values['passphrase-env'], '--passphrase-env');
      if (variable !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new UsageError('--passphrase-env takes the NAME of an environment variable (letters, digits, _), not the passphrase itself.');
      }
      return { name: 'witness-new', out, witness, passphraseEnv: variable, publicOut: nonEmpty(values['public-out'], '--public-out') };
    }
    case 'show': {
      const { values, positionals } = parseWithPositionals(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } }, 'witness show', true);
      if (values.help) return { name: 'help', topic: 'witness' };
      if (positionals.length !== 1 || positionals[0]!.trim() === '') throw new UsageError('"conclave witness show" takes one witness key FILE.');
      return { name: 'witness-show', file: positionals[0]!, json: values.json ?? false };
    }
    default:
      throw new UsageError(`Unknown witness subcommand "${sub}"; use "conclave witness new --out FILE --name NAME" or "conclave witness show FILE".`);
  }
}

/** `conclave script check FILE [--json]`. */
function parseScriptCommand(args: string[]): Command {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('"conclave script" needs a subcommand: check.');
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" after "conclave script ${sub}".`);
    return { name: 'help', topic: 'script' };
  }
  if (sub !== 'check') throw new UsageError(`Unknown script subcommand "${sub}"; use "conclave script check FILE".`);
  const { values, positionals } = parseWithPositionals(rest, { json: { type: 'boolean' }, help: { type: 'boolean' } }, 'script check', true);
  if (values.help) return { name: 'help', topic: 'script' };
  if (positionals.length !== 1 || positionals[0]!.trim() === '') throw new UsageError('"conclave script check" takes one ceremony script FILE.');
  return { name: 'script-check', file: positionals[0]!, json: values.json ?? false };
}

/** `conclave verify DIR [--json]`. */
function parseVerify(args: string[]): Command {
  const { values, positionals } = parseWithPositionals(args, { json: { type: 'boolean' }, help: { type: 'boolean' } }, 'verify', true);
  if (values.help) return { name: 'help', topic: 'verify' };
  if (positionals.length !== 1 || positionals[0]!.trim() === '') throw new UsageError('"conclave verify" takes one ceremony folder DIR.');
  return { name: 'verify', dir: positionals[0]!, json: values.json ?? false };
}
