// Strict argument parsing for the conclave command line: every command has a fixed set
// of flags; anything else is a usage error naming the offending word (exit status 2).
import { parseArgs } from 'node:util';

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
  | { name: 'tokens'; json: boolean; module: string | null };

export const COMMANDS = ['doctor', 'tokens', 'help'] as const;

function parseStrict<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T, command: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
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
    default:
      throw new UsageError(`Unknown command "${first}".`);
  }
}
