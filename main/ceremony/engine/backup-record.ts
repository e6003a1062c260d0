// The key-backup record (docs/ceremony-key-backup.md): the public facts of one backup —
// the key (label, id, type, public key), the wrapped file's SHA-256, the backup key's
// digest, the custodians' policy, envelope fingerprints and share commitments. A restore
// checks every presented share against it before combining, and the combined key against
// its digest. It never holds a share, a passphrase or key material. Canonical JSON on
// disk; read strictly (BACKUP_RECORD_MALFORMED naming the field).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { canonicalJson } from '../../quorum/canonical-json';
import { describePolicy, parsePolicy, policyForHash, policyId } from '../../quorum/policy';
import type { QuorumPolicy } from '../../quorum/types';
import { KEY_TYPES } from '../script';
import { engineError } from './errors';

export const BACKUP_RECORD_FORMAT = 'conclave-key-backup-record';
export const BACKUP_RECORD_VERSION = 1;
export const BACKUP_RECORD_FILE = 'backup-record.json';
const MAX_RECORD_BYTES = 1024 * 1024;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
const groupedHex = z.string().regex(/^[0-9a-f]{4}(?: [0-9a-f]{4}){15}$/, 'expected 16 groups of 4 lower-case hex digits');
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'expected base64').max(4096);
const name = z.string().min(1).max(64);

const RecordSchema = z.strictObject({
  format: z.literal(BACKUP_RECORD_FORMAT),
  version: z.literal(BACKUP_RECORD_VERSION),
  ceremonyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a ceremony id'),
  createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected a UTC time with milliseconds'),
  rehearsal: z.boolean(),
  token: z.strictObject({ label: z.string().max(32), serial: z.string().max(16) }),
  key: z.strictObject({
    label: z.string().min(1).max(128),
    id: z.string().regex(/^(?:[0-9a-f]{2}){1,64}$/, 'expected the key id as lower-case hex'),
    algorithm: z.enum(KEY_TYPES),
    publicKeySpki: base64.nullable(),
    fingerprint: hex64.nullable(),
    checkValue: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lower-case hex digits').nullable(),
  }),
  wrapped: z.strictObject({
    file: z.string().min(1).max(255),
    sha256: hex64,
    bytes: z.int().min(16).max(64 * 1024),
    mechanism: z.literal('aes-key-wrap-pad'),
  }),
  backupKey: z.strictObject({ label: z.string().min(1).max(128), digest: hex64 }),
  policy: z.unknown(),
  policyId: hex64,
  policySummary: z.string().min(1).max(512),
  custodians: z
    .array(z.strictObject({ name, index: z.int().min(1).max(255), group: name.nullable(), envelopeFingerprint: groupedHex, commitment: hex64 }))
    .min(2)
    .max(255),
  kdf: z.strictObject({ memoryKiB: z.int().min(1), iterations: z.int().min(1), parallelism: z.int().min(1) }),
});

export interface BackupRecord extends Omit<z.output<typeof RecordSchema>, 'policy'> {
  policy: QuorumPolicy;
}

function malformed(where: string, problem: string): Error {
  return engineError(
    'BACKUP_RECORD_MALFORMED',
    `The key-backup record ${where} is not valid: ${problem}.`,
    "Use the backup-record.json the backup ceremony wrote, unchanged (compare its SHA-256 with that ceremony's transcript).",
  );
}

/** Checks a record value strictly, including what ties its parts together (policy id, fingerprint, custodians). */
export function parseBackupRecord(value: unknown, where = ''): BackupRecord {
  const parsed = RecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw malformed(where, `at ${issue.path.length ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`);
  }
  const r = parsed.data;
  let policy: QuorumPolicy;
  try {
    policy = parsePolicy(r.policy);
  } catch (error) {
    throw malformed(where, `at policy: ${(error as Error).message}`);
  }
  if (canonicalJson(policyForHash(policy)) !== canonicalJson(r.policy)) throw malformed(where, 'at policy: not in normalized form');
  if (policyId(policy) !== r.policyId) throw malformed(where, 'at policyId: it is not the id of the policy');
  if (describePolicy(policy) !== r.policySummary) throw malformed(where, 'at policySummary: it does not describe the policy');
  if (r.custodians.length !== policy.custodians.length) throw malformed(where, 'at custodians: not one entry per custodian of the policy');
  r.custodians.forEach((c, i) => {
    const p = policy.custodians[i]!;
    if (c.index !== i + 1 || c.name !== p.name || c.group !== (p.group ?? null)) throw malformed(where, `at custodians.${i}: not custodian ${i + 1} of the policy`);
  });
  const pair = r.key.algorithm !== 'aes-256';
  if (pair !== (r.key.publicKeySpki !== null) || pair !== (r.key.fingerprint !== null) || pair === (r.key.checkValue !== null)) {
    throw malformed(where, `at key: ${pair ? 'a key pair records its public key and fingerprint, and no check value' : 'an AES key records its check value, and no public key'}`);
  }
  if (r.key.publicKeySpki !== null && createHash('sha256').update(Buffer.from(r.key.publicKeySpki, 'base64')).digest('hex') !== r.key.fingerprint) {
    throw malformed(where, 'at key.fingerprint: it is not the SHA-256 of key.publicKeySpki');
  }
  return { ...r, policy };
}

/** The record as canonical JSON (the file's exact bytes), checked with the parser first. */
export function serializeBackupRecord(record: BackupRecord): string {
  const value = { ...record, policy: policyForHash(record.policy) };
  parseBackupRecord(JSON.parse(JSON.stringify(value)), '(being written)');
  return canonicalJson(value);
}

/** Reads and parses a record file; also returns its SHA-256 for the transcript. */
export async function readBackupRecord(path: string): Promise<{ record: BackupRecord; sha256: string }> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_RECORD_BYTES) throw new Error(info.isFile() ? 'too large' : 'not a file');
    bytes = await readFile(path);
  } catch (error) {
    throw engineError(
      'BACKUP_RECORD_UNREADABLE',
      `The key-backup record ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      "Give the backup ceremony's folder (answers: backup.folder) and the backup step's sharesFolder in the restore script.",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformed(path, 'it is not JSON');
  }
  return { record: parseBackupRecord(value, path), sha256: createHash('sha256').update(bytes).digest('hex') };
}

