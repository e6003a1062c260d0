// Where a command's passphrase comes from: the environment variable named by
// --passphrase-env, or the terminal without echo. Every command that takes a passphrase
// asks through here, so the refusals (variable unset, no terminal) read the same
// everywhere. The passphrase is returned as text only because the caller encodes it.
import { fail } from './failure';
import type { CliRuntime } from './runtime';
import { SecretPromptCancelled } from './terminal-secret';

export const PASSPHRASE_EXIT_FAILED = 1;
export const PASSPHRASE_EXIT_USAGE = 2;

export interface PassphraseRequest {
  /** The variable named by --passphrase-env, or null to ask on the terminal. */
  variable: string | null;
  /**
   * Asks on the terminal with `prompt` (no echo): the passphrase, or an exit status once
   * the command has already reported why there is none.
   */
  ask: (prompt: (text: string) => Promise<string>) => Promise<string | number>;
  /** Printed when the person cancels at the prompt (Ctrl-C, Ctrl-D): what did not happen. */
  cancelled: string;
}

/** The passphrase text, or the exit status after the reason it is missing has been printed. */
export async function readPassphrase(rt: CliRuntime, request: PassphraseRequest): Promise<string | number> {
  if (request.variable !== null) {
    const value = rt.env[request.variable];
    // The variable's name is not repeated: it might be the passphrase typed in the wrong place.
    if (value === undefined || value === '') {
      return fail(
        rt,
        PASSPHRASE_EXIT_USAGE,
        'The environment variable named by --passphrase-env is not set, or is empty.',
        'Set it to the passphrase in this shell (for example with read -s), or leave out --passphrase-env to type the passphrase.',
      );
    }
    return value;
  }
  if (!rt.promptSecret) {
    return fail(
      rt,
      PASSPHRASE_EXIT_USAGE,
      'No passphrase: standard input is not a terminal, and --passphrase-env was not given.',
      'Run the command in a terminal to type the passphrase, or pass --passphrase-env VAR with the passphrase in the environment variable VAR.',
    );
  }
  try {
    return await request.ask(rt.promptSecret);
  } catch (error) {
    if (error instanceof SecretPromptCancelled) return fail(rt, PASSPHRASE_EXIT_FAILED, request.cancelled, '');
    throw error;
  }
}
