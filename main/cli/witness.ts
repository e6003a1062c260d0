// `conclave witness new --out FILE --name NAME` creates a witness's Ed25519 key file
// protected by their passphrase; `conclave witness show FILE` prints its public facts
// without a passphrase. Neither prints or writes the passphrase. Exit: 0 ok, 1 failure
// (file exists, weak or mismatched passphrase, write failed), 2 usage, 3 (show) the
// file is missing or not a valid witness key file.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DomainError } from '../../native/errors';
import { writeFileAtomic } from '../files/atomic-write';
import { pathTaken } from '../files/path-taken';
import { checkPassphrase, encodePassphrase } from '../quorum/passphrase-policy';
import { createWitnessKey } from '../witness/create-witness-key';
import { spkiToPem } from '../witness/ed25519-keys';
import { readWitnessKeyFile } from '../witness/read-witness-key-file';
import { witnessNameProblem, witnessPublicInfo, type WitnessPublicInfo } from '../witness/witness-key-file';
import { fail, failWith } from './failure';
import { readPassphrase } from './passphrase-input';
import type { CliRuntime } from './runtime';

export interface WitnessNewCommand {
  name: 'witness-new';
  out: string;
  witness: string;
  passphraseEnv: string | null;
  publicOut: string | null;
}

export interface WitnessShowCommand {
  name: 'witness-show';
  file: string;
  json: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_MALFORMED = 3;
/** Interactive attempts at a passphrase that is strong enough and typed the same twice. */
export const PASSPHRASE_ATTEMPTS = 3;

const mib = (kib: number) => (kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`);

function rows(entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** The human-readable public facts of a witness key (pure, for tests). */
export function renderWitnessKey(path: string, info: WitnessPublicInfo): string {
  const k = info.kdf;
  return (
    `Witness key ${path}\n` +
    rows([
      ['Witness', info.name],
      ['Algorithm', 'Ed25519'],
      ['Created', info.createdAt],
      ['Fingerprint', info.fingerprint.hex],
      ['', info.fingerprint.words.join(' ')],
      ['For scripts', info.fingerprintHex],
      ['Argon2id', `${mib(k.memoryKiB)}, ${k.iterations} iterations, ${k.parallelism} lanes (version ${k.version})`],
    ]) +
    `\n\n${info.publicKeyPem}`
  );
}

/** A reason the file cannot be written, checked before any passphrase is asked for; null when it can. */
async function unwritable(path: string): Promise<DomainError | null> {
  if (await pathTaken(path)) {
    return new DomainError({
      code: 'FILE_EXISTS',
      message: `${path} already exists; Conclave never overwrites a file.`,
      action: 'Choose another file name, or move the existing file away yourself after checking what it is.',
    });
  }
  const folder = dirname(path);
  const isFolder = await stat(folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    return new DomainError({
      code: 'DIRECTORY_NOT_FOUND',
      message: `The folder ${folder} does not exist.`,
      action: 'Check that the medium is mounted and the folder exists, then try again.',
    });
  }
  return null;
}

/** Asks until a passphrase is strong enough and typed the same twice; an exit status after PASSPHRASE_ATTEMPTS tries. */
async function askNewPassphrase(cmd: WitnessNewCommand, prompt: (text: string) => Promise<string>, rt: CliRuntime): Promise<string | number> {
  for (let attempt = 1; attempt <= PASSPHRASE_ATTEMPTS; attempt++) {
    const first = await prompt(`New passphrase for the witness key of ${cmd.witness}: `);
    const strength = checkPassphrase(first, { custodianName: cmd.witness });
    if (!strength.ok) {
      rt.stderr(`conclave: ${strength.reason}\n`);
      continue;
    }
    const second = await prompt('Type the same passphrase again: ');
    if (first === second) return first;
    rt.stderr('conclave: The two passphrases differ.\n');
  }
  return fail(rt, EXIT_FAILED, `No usable passphrase after ${PASSPHRASE_ATTEMPTS} attempts; no witness key was written.`, 'Run the command again with a passphrase of a few unrelated words, typed the same twice.');
}

async function passphraseFor(cmd: WitnessNewCommand, rt: CliRuntime): Promise<string | number> {
  const passphrase = await readPassphrase(rt, {
    variable: cmd.passphraseEnv,
    ask: (prompt) => askNewPassphrase(cmd, prompt, rt),
    cancelled: 'Cancelled; no witness key was written.',
  });
  // A typed passphrase was checked at the prompt; one from the environment is checked here.
  if (typeof passphrase === 'string' && cmd.passphraseEnv !== null) {
    const strength = checkPassphrase(passphrase, { custodianName: cmd.witness });
    if (!strength.ok) return fail(rt, EXIT_FAILED, `The passphrase is not strong enough: ${strength.reason}`, 'Choose a stronger passphrase; nothing was written.');
  }
  return passphrase;
}

export async function runWitnessNew(cmd: WitnessNewCommand, rt: CliRuntime): Promise<number> {
  const nameProblem = witnessNameProblem(cmd.witness);
  if (nameProblem) return fail(rt, EXIT_USAGE, `--name must be ${nameProblem}.`, '');
  const out = resolve(rt.cwd, cmd.out);
  const publicOut = cmd.publicOut === null ? null : resolve(rt.cwd, cmd.publicOut);
  if (publicOut === out) return fail(rt, EXIT_USAGE, '--out and --public-out name the same file.', 'Give the public key its own file, for example NAME.pub.pem.');
  for (const path of publicOut === null ? [out] : [out, publicOut]) {
    const problem = await unwritable(path);
    if (problem) return failWith(rt, EXIT_FAILED, problem);
  }

  const chosen = await passphraseFor(cmd, rt);
  if (typeof chosen === 'number') return chosen;
  const passphrase = encodePassphrase(chosen);
  let created;
  try {
    rt.stderr('Choosing the Argon2id cost for this machine and creating the key (a few seconds)...\n');
    created = await createWitnessKey({ name: cmd.witness, passphrase });
  } catch (error) {
    return failWith(rt, EXIT_FAILED, error);
  } finally {
    passphrase.fill(0);
  }
  try {
    await writeFileAtomic(out, created.fileText, { mode: 0o600 });
  } catch (error) {
    return failWith(rt, EXIT_FAILED, error);
  }
  const entries: Array<[string, string]> = [
    ['Witness', cmd.witness],
    ['Algorithm', 'Ed25519'],
    ['Fingerprint', created.fingerprint.hex],
    ['', created.fingerprint.words.join(' ')],
    ['For scripts', created.fingerprintHex],
    ['Argon2id', `${mib(created.kdf.memoryKiB)}, ${created.kdf.iterations} iterations, ${created.kdf.parallelism} lanes`],
  ];
  if (publicOut !== null) {
    try {
      await writeFileAtomic(publicOut, spkiToPem(created.publicKeySpki), { mode: 0o644 });
    } catch (error) {
      rt.stdout(`Witness key written to ${out} (readable by you only)\n${rows(entries)}\n`);
      return failWith(rt, EXIT_FAILED, error);
    }
    entries.push(['Public key', publicOut]);
  }
  rt.stdout(
    `Witness key written to ${out} (readable by you only)\n${rows(entries)}\n\n` +
      'Give the ceremony administrator the fingerprint, to list in the ceremony script. Keep the\n' +
      'passphrase apart from the key file: whoever holds both can sign as you.\n',
  );
  return EXIT_OK;
}

export async function runWitnessShow(cmd: WitnessShowCommand, rt: CliRuntime): Promise<number> {
  const path = resolve(rt.cwd, cmd.file);
  let info: WitnessPublicInfo;
  try {
    info = witnessPublicInfo(await readWitnessKeyFile(path));
  } catch (error) {
    return failWith(rt, EXIT_MALFORMED, error);
  }
  rt.stdout(cmd.json ? `${JSON.stringify({ file: path, ...info }, null, 2)}\n` : renderWitnessKey(path, info));
  return EXIT_OK;
}
