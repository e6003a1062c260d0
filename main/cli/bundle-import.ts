// `conclave bundle import`: the ops team's import of a key bundle (docs/bundle-import.md).
// The bundle comes from a file or from QR frame images; it is verified against the pinned
// root key exactly as "bundle verify" does, and the operator confirms the root key's
// fingerprint (typed "yes" at a terminal, or --root-fingerprint given up front). Then the
// key is unwrapped into the target token after one login with the user PIN (from the
// terminal, or the variable named by --pin-env), or, for an AWS KMS recipient, the KMS
// import files are written to --kms-out. An import record is kept in --records.
// Exit: 0 imported, 1 refused or failed (nothing imported), 2 usage (also: no terminal
// for the PIN or the confirmation), 3 the bundle file or root key file cannot be read.
import { resolve } from 'node:path';
import { DomainError } from '../../native/errors';
import {
  currentOperator,
  handOverToKms,
  importIntoToken,
  isImportHsm,
  loadBundle,
  readPinnedRoot,
  checkRootFingerprint,
  normalizeFingerprint,
  targetByLabel,
  targetKindOf,
  verifyCandidate,
  type ImportCandidate,
  type ImportContext,
  type PinnedRoot,
  type RootConfirmation,
} from '../bundle/import/index';
import type { VerifiedBundle } from '../bundle/format/verify';
import { groupedHex } from '../quorum/fingerprint';
import { parseWithPositionals, UsageError, type Command } from './args';
import { fail, failWith } from './failure';
import type { CliRuntime } from './runtime';
import { SecretPromptCancelled } from './terminal-secret';

export interface BundleImportCommand {
  name: 'bundle-import';
  /** The bundle file, or with `qr` the frame images and folders. */
  inputs: string[];
  qr: boolean;
  root: string;
  rootFingerprint: string | null;
  allowRehearsal: boolean;
  recipient: string | null;
  module: string | null;
  token: string | null;
  pinEnv: string | null;
  label: string | null;
  kmsOut: string | null;
  records: string;
  acceptOaepSha1: boolean;
}

export const DEFAULT_RECORDS_DIR = 'conclave-imports';

export const BUNDLE_IMPORT_SYNOPSIS = `       conclave bundle import FILE --root PEM --module PATH --token LABEL [--pin-env VAR]
                              [--label LABEL] [options]
       conclave bundle import FILE --root PEM --kms-out DIR [options]
       conclave bundle import --qr IMAGE|DIR... --root PEM (--module ... | --kms-out DIR)`;

export const BUNDLE_IMPORT_HELP = `  import    Verifies the bundle as "verify" does, shows the root key's fingerprint,
            and asks you to confirm it against the one the ceremony published (or
            takes --root-fingerprint). Then unwraps the key into the target token,
            sensitive and never extractable, after one login with the user PIN; or,
            for an AWS KMS recipient, writes EncryptedKeyMaterial.bin, ImportToken.bin
            and import-key-material.txt (the aws kms command) to --kms-out. Keeps an
            import record (JSON) in the records folder. A refused PIN is not retried.
    --root PEM                The pinned root public key
    --root-fingerprint HEX    The root key's SHA-256 as the ceremony published it
                              (spaces and colons allowed); required without a terminal
    --qr                      The arguments are QR frame images (PNG) or folders of
                              them (qr/ in the ceremony folder), in any order
    --module PATH             The target HSM's PKCS#11 library
    --token LABEL             The target token's label
    --pin-env VAR             Read the user PIN from the environment variable VAR (its
                              name); otherwise it is asked for on the terminal
    --label LABEL             Label of the imported key (default: the bundle's label)
    --kms-out DIR             For an AWS KMS recipient: where the import files go
                              (made if missing; existing files are never overwritten)
    --records DIR             The import records folder (default ./${DEFAULT_RECORDS_DIR})
    --allow-rehearsal         Accept a rehearsal bundle (never for production keys)
    --recipient NAME          Refuse a bundle made for anyone else than NAME
    --accept-oaep-sha1        Accept a key wrapped with RSA-OAEP SHA-1 (only where the
                              ceremony token could do no better and your policy allows it)`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/u;

const IMPORT_OPTIONS = {
  root: { type: 'string' },
  'root-fingerprint': { type: 'string' },
  qr: { type: 'boolean' },
  module: { type: 'string' },
  token: { type: 'string' },
  'pin-env': { type: 'string' },
  label: { type: 'string' },
  'kms-out': { type: 'string' },
  records: { type: 'string' },
  'allow-rehearsal': { type: 'boolean' },
  recipient: { type: 'string' },
  'accept-oaep-sha1': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

function given(value: string | undefined, flag: string): string | null {
  if (value === undefined) return null;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value;
}

/** `conclave bundle import ...` (the words after "import"). */
export function parseBundleImport(args: string[]): Command {
  const { values, positionals } = parseWithPositionals(args, IMPORT_OPTIONS, 'bundle import', true);
  if (values.help) return { name: 'help', topic: 'bundle' };
  const qr = values.qr ?? false;
  const inputs = positionals.filter((p) => p.trim() !== '');
  if (qr && inputs.length === 0) throw new UsageError('"conclave bundle import --qr" needs the frame IMAGEs or the folder that holds them.');
  // Extra words are not repeated: one of them might be a PIN typed in the wrong place.
  if (!qr && inputs.length !== 1) throw new UsageError(`"conclave bundle import" takes one bundle FILE (or --qr with images); ${inputs.length} arguments were given.`);
  const root = given(values.root, '--root');
  if (root === null) throw new UsageError('"conclave bundle import" needs --root PEM, the pinned root public key.');
  const rootFingerprint = given(values['root-fingerprint'], '--root-fingerprint');
  if (rootFingerprint !== null && normalizeFingerprint(rootFingerprint) === null) throw new UsageError('--root-fingerprint takes the 64 hex digits of the root key\'s SHA-256 (spaces and colons allowed).');
  const module = given(values.module, '--module');
  const token = given(values.token, '--token');
  const kmsOut = given(values['kms-out'], '--kms-out');
  const pinEnv = given(values['pin-env'], '--pin-env');
  const label = given(values.label, '--label');
  if (kmsOut !== null && (module !== null || token !== null || pinEnv !== null || label !== null)) {
    throw new UsageError('--kms-out (an AWS KMS recipient) excludes --module, --token, --pin-env and --label (an HSM import).');
  }
  if (kmsOut === null && (module === null || token === null)) {
    throw new UsageError('"conclave bundle import" needs the target: --module PATH and --token LABEL for an HSM, or --kms-out DIR for AWS KMS.');
  }
  if (pinEnv !== null && !ENV_NAME.test(pinEnv)) throw new UsageError('--pin-env takes the NAME of an environment variable (letters, digits, _), not the PIN itself.');
  if (label !== null && label.length > 128) throw new UsageError('--label takes at most 128 characters.');
  return {
    name: 'bundle-import',
    inputs,
    qr,
    root,
    rootFingerprint,
    allowRehearsal: values['allow-rehearsal'] ?? false,
    recipient: given(values.recipient, '--recipient'),
    module,
    token,
    pinEnv,
    label,
    kmsOut,
    records: given(values.records, '--records') ?? DEFAULT_RECORDS_DIR,
    acceptOaepSha1: values['accept-oaep-sha1'] ?? false,
  };
}

function refusal(rt: CliRuntime, status: number, error: unknown, what: string): number {
  if (DomainError.is(error)) rt.stderr(`${what} (${error.code})\n`);
  return failWith(rt, status, error);
}

function manifestLines(verified: VerifiedBundle, root: PinnedRoot): string {
  const m = verified.manifest;
  const rows: Array<[string, string]> = [
    ['SHA-256', groupedHex(Buffer.from(verified.sha256, 'hex'))],
    ['Ceremony', `${m.ceremonyId} (transcript entry ${m.transcriptHead.seq}, hash ${m.transcriptHead.hash})`],
    ['Exported', m.exportedAt],
    ['Expires', m.expiresAt],
    ['Key', `${m.key.label} (id ${m.key.id}), ${m.key.algorithm}, usage ${m.key.usage}, version ${m.key.version}`],
    ['Recipient', `${m.recipient.name} (${m.recipient.kind}, key ${m.recipient.keyFingerprint})`],
    ['Wrapped with', m.wrap.method],
    ['Rehearsal', m.rehearsal ? 'YES: a REHEARSAL bundle, for practice only' : 'no'],
    ['Root key', root.groupedHex],
    ['', root.words.join(' ')],
  ];
  const lines = [`VERIFIED  key bundle "${m.key.label}" for ${m.recipient.name}${m.rehearsal ? ' (REHEARSAL)' : ''}`];
  for (const [name, value] of rows) lines.push(`  ${name.padEnd(13)} ${value}`);
  return `${lines.join('\n')}\n`;
}

/** The operator's confirmation of the root key: the flag (already compared), or "yes" typed at the terminal. */
async function confirmRoot(cmd: BundleImportCommand, rt: CliRuntime, root: PinnedRoot): Promise<RootConfirmation | number> {
  if (cmd.rootFingerprint !== null) {
    rt.stdout('The root key matches the fingerprint given with --root-fingerprint.\n');
    return 'fingerprint-given';
  }
  if (!rt.promptLine) {
    return fail(
      rt,
      2,
      'The root key\'s fingerprint must be confirmed, and standard input is not a terminal. Nothing was imported.',
      `Give --root-fingerprint with the fingerprint the ceremony published (this key's is ${root.fingerprint}, "${root.words.join(' ')}"; compare, do not copy), or run the command in a terminal.`,
    );
  }
  let answer: string;
  try {
    answer = await rt.promptLine(`Do these six words match the root key fingerprint the ceremony team published?\n  ${root.words.join(' ')}\nType "yes" to import, anything else to stop: `);
  } catch (error) {
    if (error instanceof SecretPromptCancelled) return fail(rt, 1, 'Cancelled: the root key was not confirmed. Nothing was imported.', '');
    throw error;
  }
  if (answer.trim().toLowerCase() !== 'yes') {
    return fail(rt, 1, 'The root key was not confirmed. Nothing was imported.', 'Compare the fingerprint words with the ceremony team over a second channel; import only when they match.');
  }
  return 'confirmed-at-terminal';
}

/** The user PIN as bytes, or an exit status once the reason there is none was printed. */
async function readPin(cmd: BundleImportCommand, rt: CliRuntime, tokenLabel: string): Promise<Uint8Array | number> {
  if (cmd.pinEnv !== null) {
    const value = rt.env[cmd.pinEnv];
    if (value === undefined || value === '') {
      return fail(rt, 2, 'The environment variable named by --pin-env is not set, or is empty. Nothing was imported.', 'Set it to the user PIN in this shell (for example with read -s), or leave out --pin-env to type the PIN.');
    }
    return new TextEncoder().encode(value);
  }
  if (!rt.promptSecret) {
    return fail(rt, 2, 'No user PIN: standard input is not a terminal, and --pin-env was not given. Nothing was imported.', 'Run the command in a terminal to type the PIN, or pass --pin-env VAR with the PIN in the environment variable VAR.');
  }
  try {
    const typed = await rt.promptSecret(`User PIN for the token "${tokenLabel}": `);
    if (typed === '') return fail(rt, 1, 'No PIN was typed. Nothing was imported.', '');
    return new TextEncoder().encode(typed);
  } catch (error) {
    if (error instanceof SecretPromptCancelled) return fail(rt, 1, 'Cancelled at the PIN prompt. Nothing was imported.', '');
    throw error;
  }
}

function attributeLine(a: { sensitive: boolean | null; extractable: boolean | null; neverExtractable: boolean | null; token: boolean | null; private: boolean | null }): string {
  const yes = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');
  return `token ${yes(a.token)}, private ${yes(a.private)}, sensitive ${yes(a.sensitive)}, extractable ${yes(a.extractable)}, never extractable ${yes(a.neverExtractable)}`;
}

async function intoToken(cmd: BundleImportCommand, rt: CliRuntime, candidate: ImportCandidate, context: ImportContext): Promise<number> {
  const port = rt.hsm({ ...rt.env });
  try {
    if (!isImportHsm(port)) return fail(rt, 1, 'The HSM connection of this command line cannot log in or unwrap keys.', 'This is a fault in how Conclave was started; report it.');
    const modulePath = resolve(rt.cwd, cmd.module!);
    let token;
    try {
      await port.loadModule(modulePath);
      token = await targetByLabel(port, cmd.token!);
    } catch (error) {
      return refusal(rt, 1, error, 'NOT IMPORTED');
    }
    rt.stdout(`Target token  "${token.label}" (${token.manufacturer} ${token.model}, serial ${token.serial}, slot ${token.slotId})\n`);
    if (token.warning) rt.stderr(`Warning: ${token.warning}\n`);
    const pin = await readPin(cmd, rt, token.label);
    if (typeof pin === 'number') return pin;
    let result;
    try {
      result = await importIntoToken(port, candidate, context, { token, pin, choices: { label: cmd.label, acceptOaepSha1: cmd.acceptOaepSha1 } });
    } catch (error) {
      return refusal(rt, 1, error, 'NOT IMPORTED');
    }
    const key = result.record.outcome.kind === 'token' ? result.record.outcome.key : null;
    rt.stdout(`IMPORTED  "${result.key.label}" (id ${result.key.id}) into the token "${token.label}"\n`);
    if (key) rt.stdout(`  Attributes    ${attributeLine(key.attributes)}\n`);
    rt.stdout(`  Record        ${result.recordFile.path}\n`);
    return 0;
  } finally {
    await port.close();
  }
}

async function toKms(cmd: BundleImportCommand, rt: CliRuntime, candidate: ImportCandidate, context: ImportContext): Promise<number> {
  let result;
  try {
    result = await handOverToKms(candidate, context, resolve(rt.cwd, cmd.kmsOut!));
  } catch (error) {
    return refusal(rt, 1, error, 'NOT WRITTEN');
  }
  rt.stdout(`WRITTEN  the AWS KMS import material to ${result.kms.directory}\n`);
  for (const file of result.kms.files) rt.stdout(`  ${file.path.slice(result.kms.directory.length + 1).padEnd(26)} sha256 ${file.sha256}\n`);
  rt.stdout(`Run in that folder:\n${result.kms.command}\n`);
  rt.stdout(`  Record        ${result.recordFile.path}\n`);
  return 0;
}

export async function runBundleImport(cmd: BundleImportCommand, rt: CliRuntime): Promise<number> {
  let root: PinnedRoot;
  try {
    root = await readPinnedRoot(cmd.root, rt.cwd);
    if (cmd.rootFingerprint !== null) checkRootFingerprint(root, cmd.rootFingerprint);
  } catch (error) {
    return refusal(rt, DomainError.is(error) && error.code === 'IMPORT_ROOT_FINGERPRINT_MISMATCH' ? 1 : 3, error, 'NOT IMPORTED');
  }
  let candidate: ImportCandidate;
  try {
    const loaded = await loadBundle(cmd.qr ? { kind: 'qr-images', paths: cmd.inputs } : { kind: 'file', path: cmd.inputs[0]! }, rt.cwd);
    candidate = { loaded, root, allowRehearsal: cmd.allowRehearsal, recipient: cmd.recipient };
  } catch (error) {
    return refusal(rt, DomainError.is(error) && error.code === 'BUNDLE_UNREADABLE' ? 3 : 1, error, 'NOT IMPORTED');
  }
  let verified: VerifiedBundle;
  try {
    verified = verifyCandidate(candidate, new Date());
  } catch (error) {
    return refusal(rt, 1, error, 'NOT VALID');
  }
  rt.stdout(manifestLines(verified, root));
  const wanted = cmd.kmsOut !== null ? 'aws-kms' : 'token';
  if (targetKindOf(verified.manifest) !== wanted) {
    return wanted === 'token'
      ? fail(rt, 1, `The bundle is for the AWS KMS recipient "${verified.manifest.recipient.name}"; it cannot be unwrapped into an HSM. Nothing was imported.`, 'Give --kms-out DIR instead of --module and --token, and run the aws kms command written there.')
      : fail(rt, 1, `The bundle is for the ${verified.manifest.recipient.kind} recipient "${verified.manifest.recipient.name}", not for AWS KMS. Nothing was written.`, 'Import it into the recipient\'s HSM with --module PATH --token LABEL.');
  }
  const confirmation = await confirmRoot(cmd, rt, root);
  if (typeof confirmation === 'number') return confirmation;
  const context: ImportContext = {
    recordsDirectory: resolve(rt.cwd, cmd.records),
    operator: currentOperator(rt.env),
    toolVersion: rt.version,
    via: 'command-line',
    confirmation,
    now: () => new Date(),
  };
  return wanted === 'token' ? intoToken(cmd, rt, candidate, context) : toKms(cmd, rt, candidate, context);
}
