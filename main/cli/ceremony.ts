// `conclave run SCRIPT --answers FILE --out DIR` and `conclave rehearse --out DIR`
// (`--resume DIR`): run a ceremony without prompts, the people's answers coming from a
// file (docs/ceremony-runner.md). An existing folder with an unsealed transcript is
// resumed; any other non-empty folder is refused.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { DomainError } from '../../native/errors';
import { softHsmModulePath } from '../../native/hsm/module-candidates';
import { softHsmEnv } from '../../native/softhsm/softhsm-config';
import { forkHsmClient, type HsmClient } from '../hsm/hsm-client';
import { REHEARSAL_DIRECTORY } from '../hsm/rehearsal-token';
import { finalizeCeremonyFolder } from '../ceremony/folder';
import {
  BUNDLES_FOLDER,
  FAST_KDF_ENV,
  QR_FOLDER,
  isEmptyOrMissing,
  kdfCost,
  loadAnswers,
  prepareRehearsal,
  rehearsalPinStore,
  REHEARSAL_ANSWERS_FILE,
  runCeremony,
  sealedOutcome,
  TRANSCRIPT_FILE,
  inputsFromAnswers,
  type Answers,
  type CrashPoint,
  type EngineDeps,
  type RunOutcome,
} from '../ceremony/engine';
import { detectFormat, parseScript, renderScriptYaml } from '../ceremony/script';
import { UsageError } from './args';
import { reportFailure, type CliRuntime } from './runtime';
import { toErrorValue } from '../status/error-value';

export type RunCommand = { name: 'run'; script: string; answers: string; out: string; module: string | null };
export type RehearseCommand = { name: 'rehearse'; out: string; resume: boolean };

/** Test-only: "<step-id>:<started|completed|key-made>" kills this process (SIGKILL) at that point. */
export const CRASH_ENV = 'CONCLAVE_TEST_CRASH_AFTER';

export function parseRun(values: { answers?: string; out?: string; module?: string }, positionals: string[]): RunCommand {
  if (positionals.length !== 1) throw new UsageError('"conclave run" takes one SCRIPT file.');
  if (!values.answers) throw new UsageError('"conclave run" needs --answers FILE.');
  if (!values.out) throw new UsageError('"conclave run" needs --out DIR.');
  return { name: 'run', script: positionals[0]!, answers: values.answers, out: values.out, module: values.module ?? null };
}

export function parseRehearse(values: { out?: string; resume?: string }, positionals: string[]): RehearseCommand {
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}" for "conclave rehearse".`);
  if (values.out && values.resume) throw new UsageError('Give either --out DIR (a new rehearsal) or --resume DIR, not both.');
  if (values.resume) return { name: 'rehearse', out: values.resume, resume: true };
  if (!values.out) throw new UsageError('"conclave rehearse" needs --out DIR (or --resume DIR).');
  return { name: 'rehearse', out: values.out, resume: false };
}

function crashHook(env: NodeJS.ProcessEnv): ((step: string, point: CrashPoint) => void) | undefined {
  const spec = env[CRASH_ENV];
  if (!spec) return undefined;
  const [step, point] = spec.split(':');
  return (s, p) => {
    if (s === step && p === point) process.kill(process.pid, 'SIGKILL');
  };
}

async function openHsm(modulePath: string, env: NodeJS.ProcessEnv): Promise<HsmClient> {
  const client = forkHsmClient({ env });
  try {
    await client.loadModule(modulePath);
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

function transcriptState(dir: string): 'none' | 'present' {
  return existsSync(join(dir, TRANSCRIPT_FILE)) ? 'present' : 'none';
}

function printOutcome(rt: CliRuntime, outcome: RunOutcome, dir: string, extra: string[]): void {
  const root = outcome.keys.find((k) => k.purpose !== 'ceremony-signing' && k.fingerprint !== null);
  const lines = [
    '',
    outcome.status === 'sealed' ? `Ceremony ${outcome.ceremonyId} sealed.` : `Ceremony ${outcome.ceremonyId} ${outcome.status === 'aborted' ? 'was ABORTED' : 'stopped before its seal'}.`,
  ];
  if (root?.fingerprint) {
    lines.push(`Root key "${root.label}" (${root.algorithm}) fingerprint:`, `  ${root.fingerprint.hex}`, `  ${root.fingerprint.words.join(' ')}`);
  }
  if (outcome.finalHash) lines.push(`Final transcript hash: ${outcome.finalHash}`);
  lines.push(`Folder:      ${dir}`, `Transcript:  ${outcome.transcriptPath}`);
  if (outcome.status === 'sealed') lines.push(`Report:      ${join(dir, 'report.html')} and ${join(dir, 'report.pdf')}`, `Checksums:   ${join(dir, 'SHA256SUMS')} (sha256 -c) — verify with: npx conclave verify ${dir}`);
  lines.push(...extra);
  rt.stdout(`${lines.join('\n')}\n`);
}

interface Session {
  deps: EngineDeps;
  hsm: HsmClient;
}

async function session(rt: CliRuntime, dir: string, answers: Answers, modulePath: string, rehearsalDataDir: string | null): Promise<Session> {
  const conf = answers.rehearsalToken?.softhsm2Conf;
  const env = conf ? softHsmEnv(conf, rt.env) : rt.env;
  const hsm = await openHsm(modulePath, env);
  const afterEntry = crashHook(rt.env);
  const deps: EngineDeps = {
    dir,
    hsm,
    modulePath,
    inputs: inputsFromAnswers(answers),
    kdf: await kdfCost(rt.env),
    rehearsalPins: rehearsalDataDir ? rehearsalPinStore(rehearsalDataDir) : null,
    toolVersion: rt.version,
    // A witness's own token is reached through its own worker, with the caller's
    // environment rather than the rehearsal token's SOFTHSM2_CONF.
    openWitnessHsm: (witnessModule) => openHsm(witnessModule, rt.env),
    ...(afterEntry ? { afterEntry } : {}),
  };
  return { deps, hsm };
}

async function finishRun(rt: CliRuntime, outcome: RunOutcome, dir: string, extra: string[]): Promise<number> {
  if (outcome.status === 'sealed') await finalizeCeremonyFolder(dir);
  printOutcome(rt, outcome, dir, extra);
  return outcome.status === 'sealed' ? 0 : 1;
}

function failure(rt: CliRuntime, error: unknown, code: string): number {
  if (error instanceof DomainError) return reportFailure(rt, { message: `${error.message}${error.code ? ` [${error.code}]` : ''}`, action: error.action });
  return reportFailure(rt, toErrorValue(error, { code, action: 'Run the command again; if it fails again, report the message above.' }));
}

export async function runRun(cmd: RunCommand, rt: CliRuntime): Promise<number> {
  const dir = resolve(rt.cwd, cmd.out);
  const scriptPath = resolve(rt.cwd, cmd.script);
  let hsm: HsmClient | null = null;
  try {
    const text = readFileSync(scriptPath, 'utf8');
    const script = parseScript(text, { fileName: scriptPath });
    const answers = loadAnswers(resolve(rt.cwd, cmd.answers));
    const alreadySealed = await sealedOutcome(dir);
    if (alreadySealed) return await finishRun(rt, alreadySealed, dir, []);
    const resuming = transcriptState(dir) === 'present';
    if (!resuming && !isEmptyOrMissing(dir)) {
      return reportFailure(rt, { message: `${dir} exists, is not empty and holds no ceremony transcript.`, action: 'Choose a new (or empty) folder for the ceremony.' });
    }
    const modulePath = cmd.module ? resolve(rt.cwd, cmd.module) : (answers.module ?? script.token.module ?? rt.env.CONCLAVE_PKCS11_MODULE ?? softHsmModulePath());
    if (!modulePath) return reportFailure(rt, { message: 'No PKCS#11 module was named.', action: 'Give --module PATH, "module" in the answers, or token.module in the script.' });
    const conf = answers.rehearsalToken?.softhsm2Conf;
    const dataDir = script.ceremony.rehearsal && conf && basename(dirname(conf)) === REHEARSAL_DIRECTORY ? dirname(dirname(conf)) : null;
    const s = await session(rt, dir, answers, modulePath, dataDir);
    hsm = s.hsm;
    const outcome = await runCeremony({
      deps: s.deps,
      answers,
      log: (line) => rt.stderr(`${line}\n`),
      ...(resuming
        ? { expectedScriptSha256: createHash('sha256').update(text, 'utf8').digest('hex') }
        : { start: { script, source: { name: basename(scriptPath), format: detectFormat(text, scriptPath), text } } }),
    });
    return await finishRun(rt, outcome, dir, []);
  } catch (error) {
    return failure(rt, error, 'RUN_FAILED');
  } finally {
    await hsm?.close();
  }
}

/** How to try the rehearsal bundle's import by hand on the recipient token beside the ceremony token. */
function importHint(dir: string, conf: string, modulePath: string, answers: Answers): string[] {
  const recipient = answers.rehearsalRecipient;
  const bundlesDir = join(dir, BUNDLES_FOLDER);
  if (!recipient || !existsSync(bundlesDir)) return [];
  const bundles = readdirSync(bundlesDir).filter((f) => f.endsWith('.bundle.json'));
  if (bundles.length === 0) return [];
  const answersFile = join(dir, REHEARSAL_ANSWERS_FILE);
  return [
    `Bundles:     ${bundlesDir} (QR frames and a printable sheet in ${join(dir, QR_FOLDER)})`,
    `Recipient:   the token "${recipient.label}" beside it shares the transport key "${recipient.transportKek.label}"; try the import with:`,
    ...bundles.map(
      (b) =>
        `  SOFTHSM2_CONF=${conf} RECIPIENT_PIN="$(node -p 'require(process.argv[1]).rehearsalRecipient.userPin' ${answersFile})" npx conclave bundle import ${join(bundlesDir, b)} --root ${join(dir, 'root-public.pem')} --module ${modulePath} --token "${recipient.label}" --pin-env RECIPIENT_PIN --allow-rehearsal`,
    ),
  ];
}

export async function runRehearse(cmd: RehearseCommand, rt: CliRuntime): Promise<number> {
  const dir = resolve(rt.cwd, cmd.out);
  let hsm: HsmClient | null = null;
  try {
    let start: Parameters<typeof runCeremony>[0]['start'];
    if (cmd.resume) {
      if (transcriptState(dir) === 'none') return reportFailure(rt, { message: `${dir} holds no rehearsal transcript to resume.`, action: 'Start a rehearsal with --out DIR.' });
      // Sealed before a crash kept the folder from being finalized: finish only that.
      const alreadySealed = await sealedOutcome(dir);
      if (alreadySealed) return await finishRun(rt, alreadySealed, dir, []);
    } else {
      const kdf = await kdfCost(rt.env);
      rt.stderr(`Preparing the rehearsal in ${dir}: a fresh SoftHSM2 token, a witness key and the answers file${rt.env[FAST_KDF_ENV] === '1' ? ' (minimum Argon2id cost: tests only)' : ''}.\n`);
      const prepared = await prepareRehearsal(dir, { kdf });
      const text = renderScriptYaml(prepared.script);
      start = { script: prepared.script, source: { name: 'rehearsal-root.yaml', format: 'yaml', text } };
    }
    const answers = loadAnswers(join(dir, REHEARSAL_ANSWERS_FILE));
    const modulePath = softHsmModulePath();
    if (!modulePath) return reportFailure(rt, { message: 'SoftHSM2 is not installed.', action: 'Install softhsm2 (sudo apt-get install softhsm2).' });
    const s = await session(rt, dir, answers, modulePath, dir);
    hsm = s.hsm;
    const outcome = await runCeremony({ deps: s.deps, answers, log: (line) => rt.stderr(`${line}\n`), ...(start ? { start } : {}) });
    const conf = join(dir, REHEARSAL_DIRECTORY, 'softhsm2.conf');
    const pins = join(dir, REHEARSAL_DIRECTORY, 'rehearsal-pins.json');
    return await finishRun(rt, outcome, dir, [
      `Answers:     ${join(dir, REHEARSAL_ANSWERS_FILE)} (rehearsal only: holds passphrases and the token's first PINs)`,
      `Token:       ${join(dir, REHEARSAL_DIRECTORY)} (softhsm2.conf, tokens/, current PINs in rehearsal-pins.json)`,
      'Inspect the token with:',
      `  SOFTHSM2_CONF=${conf} pkcs11-tool --module ${modulePath} --token-label "${answers.rehearsalToken?.label ?? 'CONCLAVE REHEARSAL'}" --login --pin "$(node -p 'require(process.argv[1]).userPin' ${pins})" -O`,
      ...importHint(dir, conf, modulePath, answers),
    ]);
  } catch (error) {
    return failure(rt, error, 'REHEARSAL_FAILED');
  } finally {
    await hsm?.close();
  }
}

export const RUN_USAGE = `Usage: conclave run SCRIPT --answers FILE --out DIR [--module PATH]

Runs a ceremony script without prompts; the participants' answers (passphrases, witness
key files, typed confirmations, acknowledgements) come from FILE (docs/ceremony-runner.md).
Every step is enforced and recorded in DIR/transcript.jsonl; after the seal the folder
gets report.html, report.pdf and SHA256SUMS. A DIR holding an unsealed transcript of the
same script is resumed where it stopped; any other non-empty DIR is refused.

  --answers FILE   The answers file (JSON)
  --out DIR        The ceremony folder
  --module PATH    The PKCS#11 library (default: answers "module", the script's token.module,
                   CONCLAVE_PKCS11_MODULE, then SoftHSM2)

Exit status 0 when the ceremony was sealed, 1 when it stopped or was aborted, 2 usage error.`;

export const REHEARSE_USAGE = `Usage: conclave rehearse --out DIR
       conclave rehearse --resume DIR

Runs the built-in rehearsal root ceremony without prompts on a fresh throwaway SoftHSM2
token: 3-of-5 quorum setup, ceremony key, root key, key-encryption key, root public key,
a data key exported in a bundle (file and QR frames) to a second rehearsal token that
shares a transport key with it, checkpoint, one witness, seal. DIR must not exist or be empty. It holds the ceremony
folder, DIR/rehearsal-answers.json (passphrases and — rehearsal only — the token's first
PINs, and the recipient token's label and PIN) and DIR/rehearsal-token/ (softhsm2.conf
and both tokens, for pkcs11-tool and for trying "conclave bundle import --allow-rehearsal").

  --out DIR      A new rehearsal in DIR
  --resume DIR   Continue a rehearsal that stopped (a crash, a kill) where it stopped`;
