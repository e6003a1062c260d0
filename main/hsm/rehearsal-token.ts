// The throwaway SoftHSM2 token used when no HSM module is configured: every ceremony can
// be rehearsed on it. It lives in <dataDir>/rehearsal-token/ (softhsm2.conf + tokens/).
// Its SO and user PINs come from the OS CSPRNG and, because this token is throwaway and
// marked as rehearsal everywhere (and only for this token), they are kept in
// rehearsal-pins.json (mode 0600) so rehearsals can log in without anyone typing them.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../native/errors';
import { softHsmModulePath } from '../../native/hsm/module-candidates';
import { softHsmEnv, writeSoftHsmConfig } from '../../native/softhsm/softhsm-config';
import { forkHsmClient, type HsmClient } from './hsm-client';

export const REHEARSAL_LABEL = 'CONCLAVE REHEARSAL';
export const REHEARSAL_DIRECTORY = 'rehearsal-token';
export const REHEARSAL_PINS_FILE = 'rehearsal-pins.json';
const PINS_FORMAT = 'conclave-rehearsal-pins/1';

export interface RehearsalToken {
  /** <dataDir>/rehearsal-token */
  directory: string;
  /** The SoftHSM2 configuration to pass as SOFTHSM2_CONF. */
  confPath: string;
  tokenDirectory: string;
  label: string;
  /** True when this call created the token; false when an existing one was reused. */
  created: boolean;
  /** The SoftHSM2 module that serves the token. */
  modulePath: string;
  pinsPath: string;
}

export interface RehearsalPins {
  label: string;
  soPin: Uint8Array;
  userPin: Uint8Array;
}

export interface EnsureRehearsalOptions {
  /** The SoftHSM2 module; found at its usual paths when left out. */
  modulePath?: string;
  /** How to find SoftHSM2 when `modulePath` is not given (default: its usual install paths). */
  findSoftHsm?: () => string | null;
  workerScript?: string;
  /** Builds the client for the token's configuration (tests may pass their own). */
  createClient?: (env: NodeJS.ProcessEnv) => HsmClient;
}

// PINs of rehearsal tokens only. 32 symbols: a random byte maps onto it without bias (256 = 8 × 32).
const PIN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function randomPin(length = 20): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += PIN_ALPHABET[b % 32];
  bytes.fill(0);
  return out;
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

export async function ensureRehearsalToken(dataDir: string, options: EnsureRehearsalOptions = {}): Promise<RehearsalToken> {
  const modulePath = options.modulePath ?? (options.findSoftHsm ?? softHsmModulePath)();
  if (!modulePath) {
    throw new DomainError({
      code: 'SOFTHSM_NOT_INSTALLED',
      message: 'No HSM module is configured, and SoftHSM2 (needed for the rehearsal token) is not installed.',
      action: 'Install the softhsm2 package (sudo apt-get install softhsm2) to rehearse, or choose your HSM\'s PKCS#11 module.',
    });
  }
  const directory = join(dataDir, REHEARSAL_DIRECTORY);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const config = writeSoftHsmConfig(directory);
  const pinsPath = join(directory, REHEARSAL_PINS_FILE);
  const env = softHsmEnv(config.confPath);
  const client = options.createClient
    ? options.createClient(env)
    : forkHsmClient(options.workerScript ? { env, workerScript: options.workerScript } : { env });
  const result = (created: boolean): RehearsalToken => ({
    directory,
    confPath: config.confPath,
    tokenDirectory: config.tokenDirectory,
    label: REHEARSAL_LABEL,
    created,
    modulePath,
    pinsPath,
  });
  try {
    await client.loadModule(modulePath);
    let tokens = await client.listTokens();
    const existing = tokens.find((t) => t.token?.label === REHEARSAL_LABEL && t.token.flags.tokenInitialized);
    if (existing && (await pinsOpenToken(client, existing.slotId, pinsPath))) return result(false);
    if (existing) {
      // A rehearsal token whose PINs are lost is useless; it is throwaway, so start over.
      await client.unloadModule();
      for (const name of readdirSync(config.tokenDirectory)) rmSync(join(config.tokenDirectory, name), { recursive: true, force: true });
      await client.loadModule(modulePath);
      tokens = await client.listTokens();
    }
    const free = tokens.find((t) => t.tokenPresent && t.token !== null && !t.token.flags.tokenInitialized);
    if (!free) {
      throw new DomainError({
        code: 'REHEARSAL_TOKEN_FAILED',
        message: `SoftHSM2 offered no free slot for the rehearsal token in ${config.tokenDirectory}.`,
        action: `Delete the folder ${directory} so Conclave can create the rehearsal token again.`,
      });
    }
    const soPin = randomPin();
    const userPin = randomPin();
    // The PINs are saved before the token exists: a token without its PINs could not be used.
    writePins(pinsPath, { label: REHEARSAL_LABEL, soPin, userPin });
    const initialized = await client.initToken(free.slotId, encode(soPin), REHEARSAL_LABEL);
    await client.initUserPin(initialized.slotId, encode(soPin), encode(userPin));
    return result(true);
  } finally {
    await client.close();
  }
}

/** Whether the saved PINs open the token (a user login and logout). */
async function pinsOpenToken(client: HsmClient, slotId: string, pinsPath: string): Promise<boolean> {
  let pins: RehearsalPins;
  try {
    pins = parsePins(readFileSync(pinsPath, 'utf8'), pinsPath);
  } catch {
    return false;
  }
  try {
    await client.login(slotId, 'user', pins.userPin);
    await client.logout(slotId);
    return true;
  } catch {
    return false;
  } finally {
    pins.soPin.fill(0);
    pins.userPin.fill(0);
  }
}

function writePins(path: string, pins: { label: string; soPin: string; userPin: string }): void {
  const body = {
    format: PINS_FORMAT,
    rehearsal: true,
    warning: 'Throwaway rehearsal token only. Never use these PINs, this token or anything made with it in production.',
    label: pins.label,
    soPin: pins.soPin,
    userPin: pins.userPin,
    createdAt: new Date().toISOString(),
  };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function parsePins(text: string, path: string): RehearsalPins {
  const bad = (why: string) =>
    new DomainError({
      code: 'REHEARSAL_PINS_INVALID',
      message: `The rehearsal PIN file ${path} is not valid: ${why}.`,
      action: `Delete the folder containing it so Conclave creates a fresh rehearsal token.`,
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('it is not JSON');
  }
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) throw bad('it is not an object');
  if (v.format !== PINS_FORMAT) throw bad(`unknown format ${JSON.stringify(v.format)}`);
  if (v.rehearsal !== true) throw bad('it is not marked as rehearsal');
  for (const key of ['label', 'soPin', 'userPin'] as const) {
    if (typeof v[key] !== 'string' || (v[key] as string).length === 0) throw bad(`"${key}" is missing`);
  }
  return { label: v.label as string, soPin: encode(v.soPin as string), userPin: encode(v.userPin as string) };
}

/**
 * Replaces the saved PINs of the rehearsal token in `dataDir`, after something (a quorum
 * setup or re-share) changed them on the token; otherwise ensureRehearsalToken would find
 * stale PINs and make a new token. The caller keeps (and overwrites) its arrays.
 */
export function writeRehearsalPins(dataDir: string, pins: RehearsalPins): void {
  const path = join(dataDir, REHEARSAL_DIRECTORY, REHEARSAL_PINS_FILE);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  writePins(path, { label: pins.label, soPin: decoder.decode(pins.soPin), userPin: decoder.decode(pins.userPin) });
}

/** The saved PINs of the rehearsal token in `dataDir`. Overwrite the arrays after use. */
export function readRehearsalPins(dataDir: string): RehearsalPins {
  const path = join(dataDir, REHEARSAL_DIRECTORY, REHEARSAL_PINS_FILE);
  if (!existsSync(path)) {
    throw new DomainError({
      code: 'REHEARSAL_PINS_MISSING',
      message: `There is no rehearsal token PIN file at ${path}.`,
      action: 'Create the rehearsal token first (start Conclave without an HSM module configured).',
    });
  }
  return parsePins(readFileSync(path, 'utf8'), path);
}
