// Shared set-up for the key backup and restore tests: real SoftHSM2 tokens, a key-file
// witness, the custodians' passphrases (tracked for the secret scan), PIN stores that
// keep the PINs a quorum setup draws (so pkcs11-tool can log in afterwards), and a first
// ceremony that gives token A its quorum and a wrap-only-export key to back up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANSWERS_FORMAT, ANSWERS_VERSION, FAST_KDF_ENV, inputsFromAnswers, kdfCost, parseAnswers, runCeremony, type AnswersInput, type CeremonyInputs, type RunOutcome } from '../../../main/ceremony/engine';
import { renderScriptYaml, type CeremonyScript } from '../../../main/ceremony/script';
import { buildScript, ceremonyKeyStep, closingSteps, openingSteps, quorumLoginStep, quorumSetupStep, type TemplateOptions } from '../../../main/ceremony/script/templates/common';
import type { KdfCost } from '../../../main/quorum/kdf';
import type { RehearsalPinStore } from '../../../main/quorum/setup';
import { createWitnessKey } from '../../../main/witness';
import type { Cleanup, TokenFixture } from '../../helpers/softhsm';
import { SecretTracker } from '../../helpers/secret-scan';

export const CUSTODIANS = ['Ada', 'Brook', 'Cyrus'];
const WORD: Record<string, string> = { Ada: 'violet', Brook: 'granite', Cyrus: 'saffron' };
/** Passphrases that pass the custodian rules (which refuse one containing the custodian's name). */
export const PASSPHRASE = (name: string) => `correct horse ${WORD[name]} battery 7731!`;
export const BACKUP_PASSPHRASE = (name: string) => `lantern ${WORD[name]} orbit meadow 4412?`;
export const WITNESS = 'Wes';
const WITNESS_PASSPHRASE = 'witness ledger quartz 9915 harbour';
export const KEY_LABEL = 'issuing-key-2026';
export const KEK_LABEL = 'data-kek-2026';

export const enc = (s: string) => new TextEncoder().encode(s);

export function tempDir(t: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A rehearsal token's PIN store in memory: quorum setup writes the PINs it draws here. */
export class MemoryPins implements RehearsalPinStore {
  private pins: { soPin: Uint8Array; userPin: Uint8Array };
  constructor(
    readonly label: string,
    soPin: string,
    userPin: string,
    private readonly secrets: SecretTracker,
  ) {
    this.pins = { soPin: enc(soPin), userPin: enc(userPin) };
  }
  read() {
    return { soPin: Uint8Array.from(this.pins.soPin), userPin: Uint8Array.from(this.pins.userPin) };
  }
  write(pins: { soPin: Uint8Array; userPin: Uint8Array }) {
    this.pins = { soPin: Uint8Array.from(pins.soPin), userPin: Uint8Array.from(pins.userPin) };
    this.secrets.add(`SO PIN of ${this.label} after setup`, pins.soPin);
    this.secrets.add(`user PIN of ${this.label} after setup`, pins.userPin);
  }
  get userPin(): string {
    return new TextDecoder().decode(this.pins.userPin);
  }
}

export interface World {
  base: string;
  kdf: KdfCost;
  secrets: SecretTracker;
  witnessKeyFile: string;
  witnessFingerprint: string;
  /** The runner's progress lines, for failure messages. */
  log: string[];
}

export async function world(t: Cleanup): Promise<World> {
  const base = tempDir(t, 'conclave-backup-');
  const kdf = await kdfCost({ [FAST_KDF_ENV]: '1' });
  const secrets = new SecretTracker();
  const created = await createWitnessKey({ name: WITNESS, passphrase: enc(WITNESS_PASSPHRASE), kdf });
  const witnessKeyFile = join(base, 'wes.key.json');
  writeFileSync(witnessKeyFile, created.fileText, { mode: 0o600 });
  secrets.add('witness passphrase', WITNESS_PASSPHRASE);
  for (const name of CUSTODIANS) {
    secrets.add(`passphrase of ${name}`, PASSPHRASE(name));
    secrets.add(`backup passphrase of ${name}`, BACKUP_PASSPHRASE(name));
  }
  return { base, kdf, secrets, witnessKeyFile, witnessFingerprint: created.fingerprintHex, log: [] };
}

export function team(w: World, ceremonyId: string, token: TokenFixture): Omit<TemplateOptions, 'quorum'> & { quorum: { threshold: number } } {
  return {
    ceremonyId,
    rehearsal: true,
    participants: {
      administrator: { name: 'Admin' },
      custodians: CUSTODIANS.map((name) => ({ name })),
      witnesses: [{ name: WITNESS, key: { kind: 'file', fingerprint: w.witnessFingerprint } }],
    },
    quorum: { threshold: 2 },
    token: { label: token.spec.label },
  };
}

/** Answers as a person would type them: passphrases, the witness key, every confirmation and acknowledgement. */
export function answersFor(w: World, token: TokenFixture, extra: Partial<AnswersInput> = {}): AnswersInput {
  w.secrets.add(`first SO PIN of ${token.spec.label}`, token.spec.soPin);
  w.secrets.add(`first user PIN of ${token.spec.label}`, token.spec.userPin);
  return {
    format: ANSWERS_FORMAT,
    version: ANSWERS_VERSION,
    custodians: Object.fromEntries(CUSTODIANS.map((name) => [name, { passphrase: PASSPHRASE(name), backupPassphrase: BACKUP_PASSPHRASE(name) }])),
    witnesses: { [WITNESS]: { keyFile: w.witnessKeyFile, passphrase: WITNESS_PASSPHRASE } },
    confirmAll: true,
    acknowledgeAll: true,
    confirmClockUtc: true,
    rehearsalToken: { rehearsal: true, label: token.spec.label, soPin: token.spec.soPin, userPin: token.spec.userPin },
    ...extra,
  };
}

export async function run(
  w: World,
  options: { dir: string; token: TokenFixture; script: CeremonyScript; answers: AnswersInput; inputs?: (base: CeremonyInputs) => CeremonyInputs; pins?: RehearsalPinStore | null },
): Promise<RunOutcome> {
  const answers = parseAnswers(options.answers, w.base);
  const base = inputsFromAnswers(answers);
  const text = renderScriptYaml(options.script);
  return runCeremony({
    deps: {
      dir: options.dir,
      hsm: options.token.client,
      modulePath: options.token.modulePath,
      inputs: options.inputs ? options.inputs(base) : base,
      kdf: w.kdf,
      rehearsalPins: options.pins ?? null,
      toolVersion: 'test',
    },
    answers,
    start: { script: options.script, source: { name: `${options.script.ceremony.id}.yaml`, format: 'yaml', text } },
    log: (line) => w.log.push(line),
  });
}

/** The first ceremony on token A: its quorum, the ceremony key, and two wrap-only-export keys (EC P-256, AES-256) that backup ceremonies then back up. */
export function tokenSetupScript(w: World, token: TokenFixture): CeremonyScript {
  return buildScript(team(w, 'token-a-setup', token), 'custom', 'Token A: quorum and an exportable key', [
    ...openingSteps(),
    quorumSetupStep(),
    quorumLoginStep(),
    ceremonyKeyStep('token-a-setup'),
    {
      id: 'issuing-key',
      title: 'Generate the key pair to back up',
      action: 'generate-key',
      params: { label: KEY_LABEL, type: 'ec-p256', role: 'wrap-only-export' },
    },
    {
      id: 'data-kek',
      title: 'Generate the AES key to back up',
      action: 'generate-key',
      params: { label: KEK_LABEL, type: 'aes-256', role: 'wrap-only-export' },
    },
    ...closingSteps(),
  ]);
}
