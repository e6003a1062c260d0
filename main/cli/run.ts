// Dispatches one command line to its command and returns the exit status:
// 0 success, 1 failure (room not ready, module error), 2 usage error.
import { parseCommand, UsageError } from './args';
import { runDoctor } from './doctor';
import type { CliRuntime } from './runtime';
import { runTokens } from './tokens';
import { helpFor, USAGE } from './usage';

export async function run(argv: string[], rt: CliRuntime): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      rt.stderr(`conclave: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  switch (command.name) {
    case 'help':
      rt.stdout(`${helpFor(command.topic)}\n`);
      return 0;
    case 'version':
      rt.stdout(`conclave ${rt.version}\n`);
      return 0;
    case 'doctor':
      return runDoctor(command, rt);
    case 'tokens':
      return runTokens(command, rt);
  }
}
