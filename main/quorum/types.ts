// Shared vocabulary of the quorum: policies, shares, envelopes, the public quorum record.
// The pure core (policy, sharing, KDF, envelope, commitments, fingerprints) and the
// services over the HSM (setup, login, re-share) both build on these types.

/** Secrets the quorum protects. Each is split separately under the same policy. */
export type SecretId = 'user-pin' | 'so-pin';
export const SECRET_IDS: readonly SecretId[] = ['user-pin', 'so-pin'];

/** What a key-backup envelope holds instead: a share of the AES backup key (docs/ceremony-key-backup.md). */
export type BackupSecretId = 'backup-key';
export const BACKUP_SECRET_IDS: readonly BackupSecretId[] = ['backup-key'];

/** Any secret an envelope may hold a share of; an envelope holds exactly one of the two sets. */
export type EnvelopeSecretId = SecretId | BackupSecretId;

export interface CustodianSpec {
  /** Display name, unique within the policy (case-insensitive), 1..64 characters. */
  name: string;
  /** Group name when the policy has groups; absent otherwise. */
  group?: string;
}

export interface GroupSpec {
  name: string;
  /** Members of this group needed (1..members). */
  threshold: number;
}

/**
 * M of N custodians, or a two-level policy: `groupThreshold` of the groups must each
 * reach their own threshold (SLIP-39 style), e.g. "2 of security and 1 of operations".
 * In every valid policy at least two people are needed to act.
 */
export interface QuorumPolicy {
  /** Flat policy: custodians needed, 2 <= threshold <= custodians.length <= 255. Ignored (must equal the derived minimum) with groups. */
  threshold: number;
  custodians: CustodianSpec[];
  groups?: GroupSpec[];
  /** With groups: how many groups must reach their threshold (1..groups.length). */
  groupThreshold?: number;
}

/** Argon2id parameters as stored in an envelope. */
export interface KdfParams {
  algorithm: 'argon2id';
  /** Argon2 version 0x13. */
  version: 19;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Random salt, at least 16 bytes. */
  salt: Uint8Array;
}

/** Minimums that no calibration or caller may go below. */
export const KDF_MINIMUM = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 4, saltBytes: 16 } as const;

/** Metadata bound to an envelope as AEAD associated data (readable without the passphrase). */
export interface EnvelopeMetadata<S extends EnvelopeSecretId = SecretId> {
  ceremonyId: string;
  /** Hex SHA-256 of the canonical policy (see docs/share-envelope.md). */
  policyId: string;
  /** Human summary, e.g. "3 of 5" or "2 of security and 1 of operations". */
  policySummary: string;
  custodian: { name: string; index: number; group: string | null };
  /** Shares needed; for group policies the group threshold and the custodian's group threshold. */
  threshold: number;
  total: number;
  groups: GroupSpec[] | null;
  groupThreshold: number | null;
  /** Hex commitment per secret to this custodian's share, checked after opening. */
  commitments: Record<S, string>;
  /** Random nonce of the re-share that made this envelope, or null for the original setup. */
  reshareNonce: string | null;
  createdAt: string;
  rehearsal: boolean;
}

/** A custodian's opened shares. Callers overwrite them (fill(0)) as soon as they are used. */
export type OpenedShares<S extends EnvelopeSecretId = SecretId> = Record<S, Uint8Array>;

export interface Fingerprint {
  /** Lower-case hex of the SHA-256, in groups of 4 for reading aloud. */
  hex: string;
  /** The same digest's first bytes as words (BIP-39 English list), for comparing by voice. */
  words: string[];
}

/** One custodian's entry in the public quorum record. */
export interface RecordCustodian {
  name: string;
  index: number;
  group: string | null;
  envelopeFingerprint: string;
  commitments: Record<SecretId, string>;
}

/**
 * The public record of a quorum: what the ceremony transcript stores. It never holds a
 * share, a passphrase or a PIN.
 */
export interface QuorumRecord {
  format: 'conclave-quorum-record';
  version: 1;
  ceremonyId: string;
  policy: QuorumPolicy;
  policyId: string;
  policySummary: string;
  /** Digest per secret, checked after combining (docs/share-envelope.md). */
  secretDigests: Record<SecretId, string>;
  custodians: RecordCustodian[];
  /** Token the PINs belong to (serial and label), so a record is not used on another token. */
  token: { serial: string; label: string };
  kdf: { memoryKiB: number; iterations: number; parallelism: number };
  reshareNonce: string | null;
  /** Hex SHA-256 of the record this one replaced (re-share), or null. */
  supersedes: string | null;
  createdAt: string;
  rehearsal: boolean;
}
