// Creating a witness key file: a fresh Ed25519 key, its 32-byte seed encrypted under an
// Argon2id key from the witness's passphrase (calibrated to about a second on this
// machine unless the caller gives the cost), the public key and fingerprint in the clear.
import { boxRandomness, kdfWithSalt, sealWithPassphrase } from '../crypto/passphrase-box';
import { plainCopy, toBase64 } from '../quorum/bytes';
import { canonicalJson } from '../quorum/canonical-json';
import { assertKdfParams, calibrateKdf, type KdfCost } from '../quorum/kdf';
import type { Fingerprint } from '../quorum/types';
import { generateSeed, publicSpkiFromSeed, SEED_BYTES } from './ed25519-keys';
import { associatedDataOf, createdAtProblem, NONCE_BYTES, parseWitnessKey, witnessNameProblem, witnessPublicInfo } from './witness-key-file';

export interface CreateWitnessKeyInput {
  /** The witness's name as it appears in ceremony scripts (1..64 characters, NFC). */
  name: string;
  /** The passphrase as bytes (encodePassphrase: NFC-normalized UTF-8). Not overwritten here: the caller owns it. */
  passphrase: Uint8Array;
  /** Argon2id cost; calibrated to about one second when left out. Never below 64 MiB, 3 iterations, 4 lanes. */
  kdf?: KdfCost;
  /** At least 16 bytes from another source (e.g. an HSM's RNG), mixed into the seed with HKDF-SHA256. */
  extraEntropy?: Uint8Array;
}

/** Fixed inputs, for test vectors only; production calls leave them out. */
export interface WitnessKeyRandomness {
  seed?: Uint8Array;
  salt?: Uint8Array;
  nonce?: Uint8Array;
  createdAt?: string;
}

export interface CreatedWitnessKey {
  /** The key file's exact text (canonical JSON, no trailing newline). */
  fileText: string;
  /** SHA-256 of the SPKI DER: hex in groups of four, and six words. */
  fingerprint: Fingerprint;
  /** The same SHA-256 as 64 lower-case hex digits (the file's `fingerprint` field). */
  fingerprintHex: string;
  publicKeySpki: Uint8Array;
  /** The Argon2id cost used (calibrated or given). */
  kdf: KdfCost;
}

export async function createWitnessKey(input: CreateWitnessKeyInput, randomness: WitnessKeyRandomness = {}): Promise<CreatedWitnessKey> {
  const problem = witnessNameProblem(input.name);
  if (problem) throw new RangeError(`createWitnessKey: the name must be ${problem}`);
  if (!(input.passphrase instanceof Uint8Array) || input.passphrase.length === 0) throw new TypeError('createWitnessKey: the passphrase must be non-empty bytes');
  const createdAt = randomness.createdAt ?? new Date().toISOString();
  const timeProblem = createdAtProblem(createdAt);
  if (timeProblem) throw new RangeError(`createWitnessKey: createdAt must be ${timeProblem}`);
  const cost = input.kdf ?? (await calibrateKdf()).params;
  assertKdfParams(cost);
  const { salt, nonce } = boxRandomness(randomness);
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`createWitnessKey: the nonce must be ${NONCE_BYTES} bytes`);
  const kdf = kdfWithSalt(cost, salt);
  assertKdfParams(kdf);

  const seed = randomness.seed ? plainCopy(randomness.seed) : generateSeed(input.extraEntropy);
  try {
    if (seed.length !== SEED_BYTES) throw new RangeError(`createWitnessKey: the seed must be ${SEED_BYTES} bytes`);
    const publicKeySpki = publicSpkiFromSeed(seed);
    const ad = associatedDataOf({ name: input.name, createdAt, publicKeySpki, kdf, nonce });
    const ciphertext = await sealWithPassphrase(input.passphrase, { kdf, nonce, associatedData: ad.bytes }, seed);
    const fileText = canonicalJson({ ...ad.json, ciphertext: toBase64(ciphertext) });
    // What Conclave writes, Conclave must read: the strict parser checks the result.
    const info = witnessPublicInfo(parseWitnessKey(fileText));
    return { fileText, fingerprint: info.fingerprint, fingerprintHex: info.fingerprintHex, publicKeySpki, kdf: { algorithm: 'argon2id', version: 19, memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism } };
  } finally {
    seed.fill(0);
  }
}
