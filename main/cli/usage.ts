// Help texts for the conclave command line.
import { REHEARSE_USAGE, RUN_USAGE } from './ceremony';
import { QR_USAGE } from './qr';
import { BUNDLE_USAGE } from './bundle';

export const USAGE = `Usage: conclave <command> [options]

Commands:
  doctor   Check the room for a ceremony: air gap, radios, clock, PKCS#11 module and
           tokens, USB devices, removable media. Exit status 0 when ready, 1 when not.
  tokens   List the slots and tokens of a PKCS#11 module with their flags and health.
  share    A custodian's self-check of a share envelope: "share inspect FILE" shows
           what it is without a passphrase, "share check FILE" proves it opens.
  witness  A witness's signing key: "witness new --out FILE --name NAME" creates an
           Ed25519 key file protected by a passphrase, "witness show FILE" shows its
           fingerprint and public key.
  script   Check a ceremony script: "script check FILE" prints OK and the script
           hash, or every problem with its path and line.
  verify   Verify a ceremony folder: "verify DIR" checks the transcript's chain,
           every signature, the seal, the script's policy and every file hash.
  run      Run a ceremony script without prompts: "run SCRIPT --answers FILE --out DIR"
           (an unsealed ceremony in DIR is resumed).
  rehearse Run the built-in rehearsal root ceremony on a fresh SoftHSM2 token:
           "rehearse --out DIR" (or "--resume DIR").
  bundle   A key bundle from a ceremony: "bundle verify FILE --root PEM" checks its
           signature against the pinned root key, its expiry, rehearsal flag and
           recipient, and shows the root key's fingerprint words; "bundle import
           FILE --root PEM --module PATH --token LABEL" (or --kms-out DIR) imports it
           into an HSM or writes the AWS KMS import files, and keeps a record.
  qr       A bundle's QR frames: "qr decode IMAGE... --out FILE" rebuilds the bundle
           from PNG images of its frames, in any order.
  help     Show this help, or help for one command: conclave help share

Options:
  -h, --help      Show help
  -v, --version   Show the version

Exit status: 0 success (room ready), 1 failure (room not ready, module error, envelope
does not open, bundle refused), 2 usage error, 3 share envelope missing or malformed,
or a bundle or root key file that cannot be read.`;

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

export const SHARE_USAGE = `Usage: conclave share inspect FILE [--json]
       conclave share check FILE [--passphrase-env VAR]

A custodian's self-check of a share envelope, on any machine.

  inspect   Prints the envelope's ceremony, custodian, index, threshold and total,
            groups, Argon2id parameters, fingerprint (hex and words) and whether it
            is a rehearsal envelope. Needs no passphrase.
    --json                Print the same as JSON
  check     Opens the envelope with the custodian's passphrase and verifies the share
            against its commitment. Prints "opens; commitment holds" when it does.
            The passphrase is read from the terminal without echo, or from the
            environment variable named by --passphrase-env.
    --passphrase-env VAR  Read the passphrase from the environment variable VAR
                          (its name, not the passphrase itself)

Neither command prints or writes the passphrase or the share.

Exit status: 0 success, 1 the passphrase does not open the envelope or the share does
not match its commitment, 2 usage error (also: check without a terminal and without
--passphrase-env), 3 the file is missing, unreadable or not a valid share envelope.`;

export const WITNESS_USAGE = `Usage: conclave witness new --out FILE --name NAME [--passphrase-env VAR] [--public-out FILE]
       conclave witness show FILE [--json]

A witness's own signing key, for co-signing ceremony checkpoints and seals.

  new       Creates an Ed25519 key file protected by the witness's passphrase
            (Argon2id, calibrated to about a second here, never below 64 MiB, 3
            iterations, 4 lanes; XChaCha20-Poly1305). The passphrase is typed twice
            without echo, or read from the environment variable named by
            --passphrase-env; it must meet the passphrase rules. FILE is written
            readable by its owner only and is never overwritten. Prints the key's
            fingerprint (hex and words) for the ceremony script.
    --out FILE            The new key file
    --name NAME           The witness's name as the ceremony script lists it
    --passphrase-env VAR  Read the passphrase from the environment variable VAR
                          (its name, not the passphrase itself)
    --public-out FILE     Also write the public key as PEM to FILE
  show      Prints the name, fingerprint (hex and words), Argon2id cost and public
            key of a witness key file. Needs no passphrase.
    --json                Print the same as JSON

Neither command prints or writes the passphrase.

Exit status: 0 success, 1 failure (a file exists, the passphrase is too weak or was
typed differently, writing failed), 2 usage error (also: new without a terminal and
without --passphrase-env), 3 (show) the file is missing or not a valid witness key.`;

export const SCRIPT_USAGE = `Usage: conclave script check FILE [--json]

Checks a ceremony script (YAML or JSON, docs/ceremony-script.md) exactly as a ceremony
does before it starts: the format, every field, and the rules across fields (key labels
never reused, output files never overwritten, a seal last, the quorum policy).

  --json   Print { file, ok, hash, ceremony, steps } or { file, ok, problems } as JSON

Prints "OK", the ceremony and the script hash (SHA-256 of the script's canonical JSON,
which the transcript records), or every problem as "path: expected ... (line N)".

Exit status: 0 the script is valid, 1 it is not (or cannot be read), 2 usage error.`;

export const VERIFY_USAGE = `Usage: conclave verify DIR [--json]

Verifies a ceremony folder (docs/ceremony-folder.md), as a compliance officer would:
the transcript is complete and its hash chain holds; the ceremony script recorded in it
is valid and matches its participants; every checkpoint and the seal are signed by the
ceremony key and the seal by every witness the script lists; the script's policy held
(every step done in order with its acknowledgements, confirmations and preconditions);
every file the transcript records, and every file SHA256SUMS lists, hashes right, and
no other file is there; report.html and report.pdf carry the final hash.

  --json   Print { ok, checks, firstFailure, finalHash, ... } as JSON

Prints every check and the final hash in hex and words; when something does not hold,
the first failing entry (seq and type) or file and why.

Exit status: 0 everything holds, 1 something does not (or the folder cannot be read),
2 usage error.`;

export function helpFor(topic: string | null): string {
  if (topic === 'run') return RUN_USAGE;
  if (topic === 'bundle') return BUNDLE_USAGE;
  if (topic === 'qr') return QR_USAGE;
  if (topic === 'rehearse') return REHEARSE_USAGE;
  if (topic === 'verify') return VERIFY_USAGE;
  if (topic === 'script') return SCRIPT_USAGE;
  if (topic === 'witness') return WITNESS_USAGE;
  if (topic === 'share') return SHARE_USAGE;
  if (topic === 'doctor') return DOCTOR_USAGE;
  if (topic === 'tokens') return TOKENS_USAGE;
  return USAGE;
}
