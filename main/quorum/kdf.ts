// Argon2id key derivation for share envelopes (hash-wasm), its parameter rules, and the
// calibration that picks parameters costing about one second on this machine. Nothing
// here ever goes below KDF_MINIMUM (64 MiB, 3 iterations, 4 lanes, 16-byte salt). The
// derivation itself runs on a worker thread (kdf-thread.ts), so the caller's event loop
// keeps running while it works.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DomainError } from '../../native/errors';
import { plainCopy } from './bytes';
import { argon2idRunner } from './kdf-thread';
import { KDF_MINIMUM, type KdfParams } from './types';

export const KEY_BYTES = 32;
/** Upper bounds, so an envelope from outside cannot make a machine work for hours or exhaust memory. */
export const KDF_MAXIMUM = { memoryKiB: 2 * 1024 * 1024, iterations: 100, parallelism: 64, saltBytes: 64 } as const;
/** Calibration raises iterations up to this, then memory. */
export const CALIBRATION_MAX_ITERATIONS = 12;
export const CALIBRATION_MAX_MEMORY_KIB = 1024 * 1024;
export const DEFAULT_TARGET_MS = 1000;

export type KdfCost = Omit<KdfParams, 'salt'>;

/** What is wrong with KDF parameters, as a field and the expectation; null when they are acceptable. */
export function kdfProblem(params: Partial<KdfParams>): { field: string; expected: string } | null {
  const intIn = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  if (params.algorithm !== 'argon2id') return { field: 'algorithm', expected: '"argon2id"' };
  if (params.version !== 19) return { field: 'version', expected: '19 (Argon2 version 0x13)' };
  if (!intIn(params.memoryKiB, KDF_MINIMUM.memoryKiB, KDF_MAXIMUM.memoryKiB)) {
    return { field: 'memoryKiB', expected: `a whole number of KiB from ${KDF_MINIMUM.memoryKiB} (64 MiB) to ${KDF_MAXIMUM.memoryKiB} (2 GiB)` };
  }
  if (!intIn(params.iterations, KDF_MINIMUM.iterations, KDF_MAXIMUM.iterations)) {
    return { field: 'iterations', expected: `a whole number from ${KDF_MINIMUM.iterations} to ${KDF_MAXIMUM.iterations}` };
  }
  if (!intIn(params.parallelism, KDF_MINIMUM.parallelism, KDF_MAXIMUM.parallelism)) {
    return { field: 'parallelism', expected: `a whole number from ${KDF_MINIMUM.parallelism} to ${KDF_MAXIMUM.parallelism}` };
  }
  if ('salt' in params) {
    const salt = params.salt;
    if (!(salt instanceof Uint8Array) || salt.length < KDF_MINIMUM.saltBytes || salt.length > KDF_MAXIMUM.saltBytes) {
      return { field: 'salt', expected: `${KDF_MINIMUM.saltBytes} to ${KDF_MAXIMUM.saltBytes} random bytes` };
    }
  }
  return null;
}

/** Throws KDF_PARAMS_INVALID unless the parameters (with or without salt) are within the rules. */
export function assertKdfParams(params: KdfParams | KdfCost): void {
  const problem = kdfProblem(params);
  if (problem) {
    throw new DomainError({
      code: 'KDF_PARAMS_INVALID',
      message: `The Argon2id parameter "${problem.field}" must be ${problem.expected}.`,
      action: 'Use the calibrated parameters; they are never below 64 MiB, 3 iterations and 4 lanes.',
    });
  }
}

/** The 32-byte key Argon2id derives from the passphrase bytes. The caller overwrites it after use. */
export async function deriveKey(passphrase: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  if (!('salt' in params)) throw new TypeError('deriveKey: params.salt is required');
  assertKdfParams(params);
  if (!(passphrase instanceof Uint8Array) || passphrase.length === 0) throw new TypeError('deriveKey: the passphrase must be non-empty bytes');
  // Copies the runner may transfer to the worker thread; the caller's bytes stay as they are.
  const password = plainCopy(passphrase);
  const salt = plainCopy(params.salt);
  try {
    return await argon2idRunner().run({
      password,
      salt,
      iterations: params.iterations,
      parallelism: params.parallelism,
      memoryKiB: params.memoryKiB,
      hashLength: KEY_BYTES,
    });
  } catch (error) {
    throw new DomainError({
      code: 'KDF_FAILED',
      message: `Argon2id could not run with ${params.memoryKiB} KiB of memory and ${params.iterations} iterations: ${(error as Error).message}.`,
      action: 'Close other programs to free memory, or open the envelope on a machine with more memory.',
    });
  } finally {
    // Detached (length 0) once transferred to the worker; overwritten here when the work stayed on this thread.
    if (password.length > 0) password.fill(0);
    if (salt.length > 0) salt.fill(0);
  }
}

async function timeOnce(cost: KdfCost): Promise<number> {
  const passphrase = new Uint8Array(randomBytes(24));
  const salt = new Uint8Array(randomBytes(KDF_MINIMUM.saltBytes));
  const start = performance.now();
  const key = await deriveKey(passphrase, { ...cost, salt });
  const elapsed = performance.now() - start;
  key.fill(0);
  passphrase.fill(0);
  return elapsed;
}

/**
 * Finds Argon2id parameters that take about `targetMs` (default 1000) on this machine:
 * starts at the minimum, raises iterations (up to 12), then memory (up to 1 GiB), never
 * going below the minimum. Returns the parameters and the time their last run took.
 */
export async function calibrateKdf(opts: { targetMs?: number } = {}): Promise<{ params: KdfCost; milliseconds: number }> {
  const target = opts.targetMs ?? DEFAULT_TARGET_MS;
  if (!(target > 0)) throw new RangeError('calibrateKdf: targetMs must be positive');
  const cost: KdfCost = {
    algorithm: 'argon2id',
    version: 19,
    memoryKiB: KDF_MINIMUM.memoryKiB,
    iterations: KDF_MINIMUM.iterations,
    parallelism: KDF_MINIMUM.parallelism,
  };
  // The first run compiles the WebAssembly and grows its memory; it says nothing about the cost.
  await timeOnce(cost);
  let ms = await timeOnce(cost);
  // Each step scales the cost by the measured shortfall; a few rounds settle within a few percent.
  for (let round = 0; round < 6 && ms < target * 0.9; round++) {
    const factor = target / ms;
    if (cost.iterations < CALIBRATION_MAX_ITERATIONS) {
      const wanted = Math.max(cost.iterations + 1, Math.round(cost.iterations * factor));
      cost.iterations = Math.min(CALIBRATION_MAX_ITERATIONS, wanted);
    } else if (cost.memoryKiB < CALIBRATION_MAX_MEMORY_KIB) {
      // Whole MiB steps keep the parameters readable.
      const wanted = Math.max(cost.memoryKiB + 1024, Math.round((cost.memoryKiB * factor) / 1024) * 1024);
      cost.memoryKiB = Math.min(CALIBRATION_MAX_MEMORY_KIB, wanted);
    } else {
      break;
    }
    ms = await timeOnce(cost);
  }
  assertKdfParams(cost);
  return { params: cost, milliseconds: ms };
}
