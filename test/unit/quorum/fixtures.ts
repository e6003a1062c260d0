// Shared inputs for the quorum unit tests: policies, the minimum KDF cost (tests may use
// exactly the minimum, never less), and a helper that seals a real envelope.
import { envelopeMetadata, sealEnvelope, type SealRandomness } from '../../../main/quorum/envelope';
import type { KdfCost } from '../../../main/quorum/kdf';
import { encodePassphrase } from '../../../main/quorum/passphrase-policy';
import { parsePolicy } from '../../../main/quorum/policy';
import { splitSecret } from '../../../main/quorum/sharing';
import { KDF_MINIMUM, type OpenedShares, type QuorumPolicy } from '../../../main/quorum/types';

export const MIN_KDF: KdfCost = { algorithm: 'argon2id', version: 19, memoryKiB: KDF_MINIMUM.memoryKiB, iterations: KDF_MINIMUM.iterations, parallelism: KDF_MINIMUM.parallelism };

export const flat = (threshold: number, names: string[]): QuorumPolicy => parsePolicy({ threshold, custodians: names.map((name) => ({ name })) });

export const FIVE = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'];

/** "2 of security (3 members) and 1 of operations (2 members)". */
export const groupPolicy = (): QuorumPolicy =>
  parsePolicy({
    threshold: 3,
    custodians: [
      { name: 'Alice', group: 'security' },
      { name: 'Bob', group: 'security' },
      { name: 'Carol', group: 'security' },
      { name: 'Dave', group: 'operations' },
      { name: 'Erin', group: 'operations' },
    ],
    groups: [
      { name: 'security', threshold: 2 },
      { name: 'operations', threshold: 1 },
    ],
    groupThreshold: 2,
  });

export function randomSecret(length = 32): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** Every subset of {1..n}, as sorted index lists. */
export function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const set: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) set.push(i + 1);
    out.push(set);
  }
  return out;
}

export const PASSPHRASE = 'violet Anchor 58 drizzle';

export interface SealedFixture {
  policy: QuorumPolicy;
  index: number;
  shares: OpenedShares;
  text: string;
}

/** Seals custodian `index`'s shares of two fresh secrets at the minimum KDF cost. */
export async function sealedEnvelope(opts: { policy?: QuorumPolicy; index?: number; passphrase?: string; randomness?: SealRandomness; ceremonyId?: string } = {}): Promise<SealedFixture> {
  const policy = opts.policy ?? flat(3, FIVE);
  const index = opts.index ?? 2;
  const user = await splitSecret(randomSecret(), policy);
  const so = await splitSecret(randomSecret(), policy);
  const shares: OpenedShares = { 'user-pin': user.get(index)!, 'so-pin': so.get(index)! };
  const metadata = envelopeMetadata({
    ceremonyId: opts.ceremonyId ?? 'ceremony-2025-01',
    policy,
    index,
    shares,
    reshareNonce: null,
    createdAt: '2025-01-31T12:00:00.000Z',
    rehearsal: false,
  });
  const sealed = await sealEnvelope({ metadata, shares, passphrase: encodePassphrase(opts.passphrase ?? PASSPHRASE), kdf: MIN_KDF }, opts.randomness);
  return { policy, index, shares, text: sealed.text };
}
