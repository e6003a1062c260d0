// Shared inputs for the witness tests: a passphrase that meets the policy, the minimum
// Argon2id cost (the cheapest the rules allow, about a second), and a made key file.
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { KDF_MINIMUM } from '../../../main/quorum/types';
import type { KdfCost } from '../../../main/quorum/kdf';
import { createWitnessKey, type CreatedWitnessKey } from '../../../main/witness/create-witness-key';

export const WITNESS_NAME = 'Wanda Witness';
export const WITNESS_PASSPHRASE = 'lantern Orchid 93 gravel tide';
export const MIN_KDF: KdfCost = { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };

export const passphraseBytes = (text = WITNESS_PASSPHRASE): Uint8Array => encodePassphrase(text);

let cached: Promise<CreatedWitnessKey> | null = null;

/** One key file at the minimum cost, made once per test file. */
export function witnessKey(): Promise<CreatedWitnessKey> {
  cached ??= createWitnessKey({ name: WITNESS_NAME, passphrase: passphraseBytes(), kdf: MIN_KDF });
  return cached;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The transcript-signature payload of docs/witness-key.md for a checkpoint. */
export function signaturePayload(ceremonyId: string, seq: number, entryHash: string): Uint8Array {
  return utf8(`conclave-transcript-signature-v1\n${ceremonyId}\n${seq}\n${entryHash}`);
}
