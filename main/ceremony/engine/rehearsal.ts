// `conclave rehearse`: everything a rehearsal needs that a real ceremony brings with it —
// a fresh throwaway SoftHSM2 token in DIR/rehearsal-token/, a second one as the bundle
// recipient sharing a transport key with it, a witness key file, and the participants'
// answers in DIR/rehearsal-answers.json (which, for these throwaway tokens only, also
// hold their PINs).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRehearsalToken, readRehearsalPins, writeRehearsalPins, type RehearsalToken } from '../../hsm/rehearsal-token';
import { calibrateKdf, type KdfCost } from '../../quorum/kdf';
import type { RehearsalPinStore } from '../../quorum/setup';
import { KDF_MINIMUM } from '../../quorum/types';
import { createWitnessKey } from '../../witness';
import { REHEARSAL_CUSTODIANS, REHEARSAL_TOKEN_LABEL, REHEARSAL_TRANSPORT_KEK_LABEL, REHEARSAL_WITNESS, rehearsalRootScript, type CeremonyScript } from '../script';
import { ANSWERS_FORMAT, ANSWERS_VERSION, type AnswersInput } from './answers';
import { engineError } from './errors';
import { prepareRehearsalRecipient, type RehearsalRecipient } from './rehearsal-recipient';

export const REHEARSAL_ANSWERS_FILE = 'rehearsal-answers.json';
export const REHEARSAL_WITNESS_KEY_FILE = 'rehearsal-witness-key.json';
/** Set to 1 (tests only) to use the minimum Argon2id cost instead of calibrating to about a second. */
export const FAST_KDF_ENV = 'CONCLAVE_REHEARSAL_FAST_KDF';

export async function kdfCost(env: NodeJS.ProcessEnv): Promise<KdfCost> {
  if (env[FAST_KDF_ENV] === '1') return { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };
  return (await calibrateKdf()).params;
}

/** A passphrase that passes the custodian policy: 24 characters from 18 random bytes (144 bits). */
function randomPassphrase(): string {
  return `rehearsal-${randomBytes(18).toString('base64url')}`;
}

export function isEmptyOrMissing(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

export interface PreparedRehearsal {
  script: CeremonyScript;
  token: RehearsalToken;
  answersPath: string;
  witnessKeyPath: string;
  recipient: RehearsalRecipient;
}

/** The rehearsal token's PIN file as the quorum setup's PIN store (it replaces the PINs there). */
export function rehearsalPinStore(dir: string): RehearsalPinStore {
  return {
    label: REHEARSAL_TOKEN_LABEL,
    read: () => {
      const pins = readRehearsalPins(dir);
      return { soPin: pins.soPin, userPin: pins.userPin };
    },
    write: (pins) => writeRehearsalPins(dir, { label: REHEARSAL_TOKEN_LABEL, soPin: pins.soPin, userPin: pins.userPin }),
  };
}

/** The rehearsal root ceremony; with a transport KEK label it also exports a data key to the rehearsal recipient. */
export function rehearsalScript(witnessFingerprint: string, transportKek: string | null = REHEARSAL_TRANSPORT_KEK_LABEL): CeremonyScript {
  return rehearsalRootScript({ witnessFingerprint, ...(transportKek ? { bundleTransportKek: transportKek } : {}) });
}

export async function prepareRehearsal(dir: string, options: { kdf: KdfCost; workerScript?: string }): Promise<PreparedRehearsal> {
  if (!isEmptyOrMissing(dir)) {
    throw engineError('FOLDER_NOT_EMPTY', `${dir} exists and is not empty; a rehearsal writes a new ceremony folder.`, 'Choose a new folder, or resume the rehearsal in it with --resume.');
  }
  mkdirSync(dir, { recursive: true });
  const token = await ensureRehearsalToken(dir, options.workerScript ? { workerScript: options.workerScript } : {});
  const recipient = await prepareRehearsalRecipient(dir, token, options.workerScript ? { workerScript: options.workerScript } : {});
  const pins = readRehearsalPins(dir);
  const decoder = new TextDecoder();
  const witnessPassphrase = randomPassphrase();
  const created = await createWitnessKey({ name: REHEARSAL_WITNESS, passphrase: new TextEncoder().encode(witnessPassphrase), kdf: options.kdf });
  const witnessKeyPath = join(dir, REHEARSAL_WITNESS_KEY_FILE);
  writeFileSync(witnessKeyPath, created.fileText, { mode: 0o600, flag: 'wx' });
  const answers: AnswersInput = {
    format: ANSWERS_FORMAT,
    version: ANSWERS_VERSION,
    custodians: Object.fromEntries(REHEARSAL_CUSTODIANS.map((name) => [name, { passphrase: randomPassphrase() }])),
    witnesses: { [REHEARSAL_WITNESS]: { keyFile: REHEARSAL_WITNESS_KEY_FILE, passphrase: witnessPassphrase } },
    confirmAll: true,
    acknowledgeAll: true,
    confirmClockUtc: true,
    rehearsalToken: { rehearsal: true, label: pins.label, soPin: decoder.decode(pins.soPin), userPin: decoder.decode(pins.userPin), softhsm2Conf: 'rehearsal-token/softhsm2.conf' },
    rehearsalRecipient: { rehearsal: true, label: recipient.label, soPin: recipient.soPin, userPin: recipient.userPin, transportKek: { label: recipient.transportKekLabel, checkValue: recipient.transportKekCheckValue } },
  };
  pins.soPin.fill(0);
  pins.userPin.fill(0);
  const answersPath = join(dir, REHEARSAL_ANSWERS_FILE);
  writeFileSync(answersPath, `${JSON.stringify(answers, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(answersPath, 0o600);
  return { script: rehearsalScript(created.fingerprintHex, recipient.transportKekLabel), token, answersPath, witnessKeyPath, recipient };
}
