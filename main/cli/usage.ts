// Help texts for the conclave command line.

export const USAGE = `Usage: conclave <command> [options]

Commands:
  doctor   Check the room for a ceremony: air gap, radios, clock, PKCS#11 module and
           tokens, USB devices, removable media. Exit status 0 when ready, 1 when not.
  tokens   List the slots and tokens of a PKCS#11 module with their flags and health.
  help     Show this help, or help for one command: conclave help doctor

Options:
  -h, --help      Show help
  -v, --version   Show the version

Exit status: 0 success (room ready), 1 failure (room not ready, module error), 2 usage error.`;

export const DOCTOR_USAGE = `Usage: conclave doctor [--json] [--module PATH | --rehearsal] [--data-dir DIR]

Checks everything a ceremony needs and prints every check with its reason.

  --json           Print the room report as JSON instead of a table
  --module PATH    Use this PKCS#11 library (default: CONCLAVE_PKCS11_MODULE, then the
                   module remembered by the app in the data folder)
  --rehearsal      Use the throwaway SoftHSM2 rehearsal token in the data folder, as the
                   app does when no module is configured (made on first use)
  --data-dir DIR   The Conclave data folder (default: $XDG_DATA_HOME/conclave or
                   ~/.local/share/conclave)

Exit status 0 when the room is ready (no check failed), 1 when it is not.`;

export const TOKENS_USAGE = `Usage: conclave tokens [--module PATH] [--json]

Lists every slot of a PKCS#11 module, its token, the token's flags and health.

  --module PATH   The PKCS#11 library (default: CONCLAVE_PKCS11_MODULE, else the first
                  known library found on this machine)
  --json          Print { module, tokens } as JSON instead of a table

SOFTHSM2_CONF and other variables in the environment reach the module unchanged.`;

export function helpFor(topic: string | null): string {
  if (topic === 'doctor') return DOCTOR_USAGE;
  if (topic === 'tokens') return TOKENS_USAGE;
  return USAGE;
}
