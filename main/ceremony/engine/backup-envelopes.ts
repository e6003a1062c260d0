// The custodians' side of a key backup: their envelopes of the backup key. At a backup,
// each custodian's share is sealed under their passphrase (the quorum envelope format,
// holding a backup-key share), written once into the ceremony folder, and re-opened from
// there as proof of receipt. At a restore, custodians present envelopes one at a time;
// each is checked against the backup record (ceremony, policy, fingerprint, commitment)
// before any share is combined, and the combined key against the record's digest.
// Passphrases and shares are overwritten as soon as they have served.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../../native/errors';
import { sha256Hex, writeFileAtomic } from '../../files/atomic-write';
import { equalBytes, utf8 } from '../../quorum/bytes';
import { secretDigest, shareCommitment } from '../../quorum/commitments';
import { backupEnvelopeMetadata, openBackupEnvelope, parseBackupEnvelope, sealBackupEnvelope, type ParsedEnvelope } from '../../quorum/envelope';
import { readEnvelopeSource } from '../../quorum/envelope-source';
import { compactFingerprint } from '../../quorum/fingerprint';
import { checkPassphrase } from '../../quorum/passphrase-policy';
import { isSatisfied } from '../../quorum/policy';
import { combineShares } from '../../quorum/sharing';
import type { BackupSecretId, QuorumPolicy } from '../../quorum/types';
import type { BackupRecord } from './backup-record';
import type { ActionContext } from './context';
import { engineError } from './errors';
import { custodianSlug } from '../../quorum/custodian-slug';

export const BACKUP_SECRET: BackupSecretId = 'backup-key';
const PREFIX = 'conclave-backup-share-';

export interface SealedBackupEnvelope {
  name: string;
  index: number;
  group: string | null;
  path: string;
  /** Grouped hex, as quorum records keep envelope fingerprints. */
  envelopeFingerprint: string;
  commitment: string;
}

export function backupEnvelopeFile(ceremonyId: string, index: number, name: string): string {
  return `${PREFIX}${ceremonyId}-${String(index).padStart(2, '0')}-${custodianSlug(name)}.json`;
}

/** Whether a file name is one of this module's envelopes (of any ceremony). */
export const isBackupEnvelopeFile = (file: string) => file.startsWith(PREFIX) && file.endsWith('.json');

/** A fresh copy of the custodian's backup-envelope passphrase: backupPassphrase, else their quorum passphrase. */
export function backupPassphraseOf(ctx: ActionContext, name: string): Uint8Array | null {
  return ctx.deps.inputs.backupPassphrase?.(name) ?? ctx.deps.inputs.custodianPassphrase(name);
}

function needPassphrase(ctx: ActionContext, name: string): Uint8Array {
  const passphrase = backupPassphraseOf(ctx, name);
  if (!passphrase) throw engineError('PASSPHRASE_MISSING', `No passphrase was given for ${name}'s backup-key envelope.`, `Add ${name}'s passphrase to the answers (custodians.${name}.backupPassphrase, or passphrase).`);
  return passphrase;
}

/**
 * Seals, saves and proves one custodian's envelope. Takes ownership of `share` (overwritten
 * once sealed). The passphrase is asked twice: once to seal, once to prove the saved file opens.
 */
export async function sealSaveProve(
  ctx: ActionContext,
  input: { policy: QuorumPolicy; index: number; share: Uint8Array; folder: string; createdAt: string },
): Promise<SealedBackupEnvelope> {
  const custodian = input.policy.custodians[input.index - 1]!;
  const ceremonyId = ctx.script.ceremony.id;
  const shares = { [BACKUP_SECRET]: input.share };
  let sealed: Awaited<ReturnType<typeof sealBackupEnvelope>>;
  const passphrase = needPassphrase(ctx, custodian.name);
  try {
    const strength = checkPassphrase(new TextDecoder().decode(passphrase), { custodianName: custodian.name });
    if (!strength.ok) throw engineError('PASSPHRASE_WEAK', `The backup-envelope passphrase for ${custodian.name} is too weak: ${strength.reason}`, `${custodian.name} chooses a stronger passphrase.`);
    const metadata = backupEnvelopeMetadata({ ceremonyId, policy: input.policy, index: input.index, shares, reshareNonce: null, createdAt: input.createdAt, rehearsal: ctx.script.ceremony.rehearsal });
    sealed = await sealBackupEnvelope({ metadata, shares, passphrase, kdf: ctx.deps.kdf });
  } finally {
    passphrase.fill(0);
    input.share.fill(0);
  }
  const path = join(input.folder, backupEnvelopeFile(ceremonyId, input.index, custodian.name));
  const written = await writeFileAtomic(path, sealed.text, { mode: 0o600 });
  if (written.sha256 !== compactFingerprint(sealed.fingerprint)) {
    throw engineError('WRITE_VERIFY_FAILED', `${path} does not hold the envelope sealed for ${custodian.name}.`, 'Use another medium: this one does not keep what is written to it.');
  }
  // Proof of receipt: the custodian opens the envelope as it is on disk, with their passphrase.
  const text = await readEnvelopeSource({ kind: 'file', path });
  if (sha256Hex(utf8(text)) !== written.sha256) {
    throw engineError('WRITE_VERIFY_FAILED', `${path} changed after it was written.`, 'Use another medium, and retry the step.');
  }
  const opened = await openBackupEnvelope(parseBackupEnvelope(text), needPassphrase(ctx, custodian.name));
  opened[BACKUP_SECRET].fill(0);
  return {
    name: custodian.name,
    index: input.index,
    group: custodian.group ?? null,
    path,
    envelopeFingerprint: sealed.fingerprint.hex,
    commitment: sealed.metadata.commitments[BACKUP_SECRET],
  };
}

function envelopeFor(ctx: ActionContext, sharesDir: string, record: BackupRecord, name: string, index: number): string {
  const given = ctx.deps.inputs.backupEnvelope?.(name) ?? null;
  if (given) return given;
  const wanted = `${PREFIX}${record.ceremonyId}-${String(index).padStart(2, '0')}-`;
  let names: string[];
  try {
    names = readdirSync(sharesDir);
  } catch {
    names = [];
  }
  const match = names.find((n) => n.startsWith(wanted) && n.endsWith('.json'));
  if (!match) throw engineError('ENVELOPE_MISSING', `No backup-key envelope of ${name} was found in ${sharesDir}.`, `Give ${name}'s envelope file in the answers (custodians.${name}.backupEnvelope).`);
  return join(sharesDir, match);
}

/** The envelope must be the one the backup issued to this custodian: same ceremony and policy, and a fingerprint in the record. */
function checkIssued(parsed: ParsedEnvelope<BackupSecretId>, record: BackupRecord, custodian: BackupRecord['custodians'][number]): void {
  const m = parsed.metadata;
  const who = `The backup-key envelope presented for ${custodian.name}`;
  if (m.ceremonyId !== record.ceremonyId || m.policyId !== record.policyId) {
    throw engineError('ENVELOPE_FOREIGN', `${who} belongs to ${m.ceremonyId !== record.ceremonyId ? `ceremony ${m.ceremonyId}` : `another policy (${m.policySummary})`}, not to the backup ${record.ceremonyId} (${record.policySummary}).`, `${custodian.name} presents the envelope of this backup; set this one aside.`);
  }
  if (m.custodian.index !== custodian.index || parsed.fingerprint.hex !== custodian.envelopeFingerprint) {
    throw engineError(
      'ENVELOPE_NOT_ISSUED',
      `${who} (custodian ${m.custodian.index}, ${m.custodian.name}) has the fingerprint ${parsed.fingerprint.hex}, which the backup record does not list for ${custodian.name}: it was altered, or it is another custodian's.`,
      `Set it aside and record the exception; ${custodian.name} presents their own original envelope.`,
    );
  }
}

export interface CombinedBackupKey {
  key: Uint8Array;
  /** Who presented, in order. */
  custodians: string[];
  envelopeFingerprints: string[];
}

/**
 * Custodians present their envelopes (those the inputs name, else every custodian of the
 * backup who has a passphrase) until the policy holds. Each share is checked against the
 * record before combining; the combined key against the record's digest. The caller
 * overwrites the key.
 */
export async function presentBackupShares(ctx: ActionContext, record: BackupRecord, sharesDir: string): Promise<CombinedBackupKey> {
  const named = ctx.deps.inputs.backupCustodians?.() ?? null;
  const order = named ?? record.custodians.map((c) => c.name);
  const held = new Map<number, Uint8Array>();
  const used: string[] = [];
  const fingerprints: string[] = [];
  try {
    for (const name of order) {
      if (isSatisfied(record.policy, held.keys())) break;
      const custodian = record.custodians.find((c) => c.name === name);
      if (!custodian) {
        throw engineError('CUSTODIAN_UNKNOWN', `${name} is not a custodian of the backup ${record.ceremonyId} (${record.custodians.map((c) => c.name).join(', ')}).`, 'Name custodians of the backup in the answers (backup.custodians).');
      }
      if (held.has(custodian.index)) throw engineError('SHARE_DUPLICATE', `${name} is named twice to present a backup-key envelope.`, 'Each custodian presents once.');
      const passphrase = named ? needPassphrase(ctx, name) : backupPassphraseOf(ctx, name);
      // A custodian without a passphrase is not in the room; the others may still reach the policy.
      if (!passphrase) continue;
      let opened: Record<BackupSecretId, Uint8Array>;
      try {
        const text = await readEnvelopeSource({ kind: 'file', path: envelopeFor(ctx, sharesDir, record, name, custodian.index) });
        const parsed = parseBackupEnvelope(text);
        checkIssued(parsed, record, custodian);
        opened = await openBackupEnvelope(parsed, passphrase);
        fingerprints.push(parsed.fingerprint.hex);
      } catch (error) {
        if (DomainError.is(error) && !error.message.includes(name)) {
          throw engineError(error.code, `${name}'s backup-key envelope: ${error.message}`, error.action);
        }
        throw error;
      } finally {
        passphrase.fill(0);
      }
      const share = opened[BACKUP_SECRET];
      const commitment = shareCommitment({ ceremonyId: record.ceremonyId, policyId: record.policyId, secretId: BACKUP_SECRET, index: custodian.index, share });
      if (commitment !== custodian.commitment) {
        share.fill(0);
        throw engineError('SHARE_COMMITMENT_MISMATCH', `The share in ${name}'s backup-key envelope does not match the commitment in the backup record.`, `Set the envelope aside and record the exception; ${name} presents the original envelope.`);
      }
      held.set(custodian.index, share);
      used.push(name);
    }
    const key = await combineShares(record.policy, held);
    const digest = secretDigest({ ceremonyId: record.ceremonyId, secretId: BACKUP_SECRET, secret: key });
    if (!equalBytes(utf8(digest), utf8(record.backupKey.digest))) {
      key.fill(0);
      throw engineError('BACKUP_KEY_DIGEST_MISMATCH', `The shares of ${used.join(', ')} combine to a key whose digest differs from the backup record's, so nothing was unwrapped.`, 'Record an exception: the envelopes and the record do not belong together.');
    }
    return { key, custodians: used, envelopeFingerprints: fingerprints };
  } finally {
    for (const share of held.values()) share.fill(0);
  }
}
