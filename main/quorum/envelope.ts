// Share envelopes: one custodian's shares of both token secrets, encrypted under a key
// that Argon2id derives from the custodian's passphrase, with the metadata, the KDF
// parameters and the AEAD nonce bound as associated data. The file is canonical JSON
// (docs/share-envelope.md); parsing is strict and names the field that is wrong.
// A key-backup envelope is the same format holding one share of a backup key instead
// (docs/ceremony-key-backup.md); the set of commitments tells the two kinds apart, and
// each reader accepts only its own kind.
import { DomainError } from '../../native/errors';
import type { EnvelopeInfo } from '../../preload/contract';
import { BOX_AEAD_ALGORITHM, BOX_NONCE_BYTES, BOX_SALT_BYTES, BOX_TAG_BYTES, boxRandomness, kdfWithSalt, openWithPassphrase, sealWithPassphrase } from '../crypto/passphrase-box';
import { aeadJson, expected, kdfJson, sealedFieldReader, type Json } from '../crypto/sealed-fields';
import { equalBytes, plainCopy, toBase64, utf8 } from './bytes';
import { canonicalJson } from './canonical-json';
import { shareCommitment } from './commitments';
import { fingerprintOf } from './fingerprint';
import { type KdfCost, assertKdfParams } from './kdf';
import { describePolicy, minimumPeople, policyId as policyIdOf } from './policy';
import {
  BACKUP_SECRET_IDS,
  SECRET_IDS,
  type BackupSecretId,
  type EnvelopeMetadata,
  type EnvelopeSecretId,
  type Fingerprint,
  type GroupSpec,
  type KdfParams,
  type OpenedShares,
  type QuorumPolicy,
  type SecretId,
} from './types';

export const ENVELOPE_FORMAT = 'conclave-share-envelope';
export const ENVELOPE_VERSION = 1;
export const AEAD_ALGORITHM = BOX_AEAD_ALGORITHM;
export const NONCE_BYTES = BOX_NONCE_BYTES;
export const SALT_BYTES = BOX_SALT_BYTES;
/** Largest envelope text accepted (also the contract's limit for pasted text). */
export const MAX_ENVELOPE_CHARS = 64 * 1024;
const MAX_CIPHERTEXT_BYTES = 8192;
const MAX_SHARE_BYTES = 2048;
const PLAINTEXT_ENCODING_VERSION = 1;
const TAG_BYTES = BOX_TAG_BYTES;

export const CEREMONY_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

export interface ParsedEnvelope<S extends EnvelopeSecretId = SecretId> {
  /** The envelope text exactly as presented (canonical JSON). */
  text: string;
  metadata: EnvelopeMetadata<S>;
  kdf: KdfParams;
  aead: { algorithm: typeof AEAD_ALGORITHM; nonce: Uint8Array };
  ciphertext: Uint8Array;
  /** The associated data the AEAD authenticates: canonical JSON of everything but the ciphertext. */
  associatedData: Uint8Array;
  /** SHA-256 of the text's bytes. */
  fingerprint: Fingerprint;
}

// ---- strict reading -----------------------------------------------------------------

/** ENVELOPE_MALFORMED naming the JSON path and the problem there. */
export function malformed(path: string, problem: string): DomainError {
  return new DomainError({
    code: 'ENVELOPE_MALFORMED',
    message: `The share envelope is malformed at "${path}": ${problem}.`,
    action:
      "Present the custodian's original envelope (file, QR code or text) unchanged, and compare its fingerprint with the ceremony record. If the original is damaged, the quorum must re-share.",
  });
}

const fields = sealedFieldReader(malformed, 'an envelope');
const object = fields.object;

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw malformed(path, expected(min === max ? `exactly ${min}` : `a whole number from ${min} to ${max}`, value));
  }
  return value;
}

function str(value: unknown, path: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw malformed(path, expected(what, value));
  return value;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function name(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || [...value].length > 64 || value !== value.normalize('NFC').trim() || CONTROL.test(value)) {
    throw malformed(path, expected('a name of 1 to 64 characters, NFC-normalized, without surrounding spaces or control characters', value));
  }
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw malformed(path, expected('true or false', value));
  return value;
}

const HEX64 = /^[0-9a-f]{64}$/;

const SECRET_NAMES: Record<EnvelopeSecretId, string> = { 'user-pin': 'user PIN', 'so-pin': 'SO PIN', 'backup-key': 'backup key' };

/** The other kind of envelope, said plainly: a quorum envelope where a backup envelope is wanted, or the reverse. */
function wrongKind(value: unknown, ids: readonly EnvelopeSecretId[], path: string): DomainError | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const keys = Object.keys(value).sort().join(',');
  const backupWanted = ids === BACKUP_SECRET_IDS;
  const isOther = backupWanted ? keys === [...SECRET_IDS].sort().join(',') : keys === [...BACKUP_SECRET_IDS].sort().join(',');
  if (!isOther) return null;
  return new DomainError({
    code: 'ENVELOPE_WRONG_KIND',
    message: backupWanted
      ? `This is a quorum share envelope (shares of the token PINs, see ${path}), not a key-backup envelope.`
      : `This is a key-backup envelope (a share of a backup key, see ${path}), not a quorum share envelope.`,
    action: backupWanted
      ? 'Present the envelope the custodian received at the key backup (conclave-backup-share-…), not their quorum envelope.'
      : 'Present the envelope the custodian received at the quorum setup (conclave-share-…), not their key-backup envelope.',
  });
}

/** Strictly validates envelope metadata; returns a fresh copy. Throws ENVELOPE_MALFORMED naming the field. */
export function parseMetadata<S extends EnvelopeSecretId = SecretId>(value: unknown, path = 'metadata', ids: readonly S[] = SECRET_IDS as readonly EnvelopeSecretId[] as readonly S[]): EnvelopeMetadata<S> {
  const m = object(value, path, [
    'ceremonyId',
    'commitments',
    'createdAt',
    'custodian',
    'groupThreshold',
    'groups',
    'policyId',
    'policySummary',
    'rehearsal',
    'reshareNonce',
    'threshold',
    'total',
  ]);
  const ceremonyId = str(m.ceremonyId, `${path}.ceremonyId`, CEREMONY_ID_PATTERN, 'a ceremony id of 1 to 128 letters, digits, ".", "_" or "-"');
  const policyId = str(m.policyId, `${path}.policyId`, HEX64, '64 lower-case hex digits');
  if (typeof m.policySummary !== 'string' || m.policySummary.length < 1 || m.policySummary.length > 512 || CONTROL.test(m.policySummary)) {
    throw malformed(`${path}.policySummary`, expected('a summary of 1 to 512 characters', m.policySummary));
  }
  const total = int(m.total, `${path}.total`, 2, 255);
  const c = object(m.custodian, `${path}.custodian`, ['group', 'index', 'name']);
  const custodian = {
    name: name(c.name, `${path}.custodian.name`),
    index: int(c.index, `${path}.custodian.index`, 1, total),
    group: c.group === null ? null : name(c.group, `${path}.custodian.group`),
  };
  let groups: GroupSpec[] | null = null;
  let groupThreshold: number | null = null;
  let threshold: number;
  if (m.groups === null) {
    if (m.groupThreshold !== null) throw malformed(`${path}.groupThreshold`, expected('null, since groups is null', m.groupThreshold));
    if (custodian.group !== null) throw malformed(`${path}.custodian.group`, expected('null, since groups is null', custodian.group));
    threshold = int(m.threshold, `${path}.threshold`, 2, total);
  } else {
    if (!Array.isArray(m.groups) || m.groups.length < 1 || m.groups.length > 16) throw malformed(`${path}.groups`, expected('null or a list of 1 to 16 groups', m.groups));
    const seen = new Set<string>();
    groups = m.groups.map((raw, i) => {
      const g = object(raw, `${path}.groups[${i}]`, ['name', 'threshold']);
      const groupName = name(g.name, `${path}.groups[${i}].name`);
      if (seen.has(groupName.toLocaleLowerCase('en-US'))) throw malformed(`${path}.groups[${i}].name`, `the group "${groupName}" is listed twice`);
      seen.add(groupName.toLocaleLowerCase('en-US'));
      return { name: groupName, threshold: int(g.threshold, `${path}.groups[${i}].threshold`, 1, total) };
    });
    groupThreshold = int(m.groupThreshold, `${path}.groupThreshold`, 1, groups.length);
    if (custodian.group === null || !groups.some((g) => g.name === custodian.group)) {
      throw malformed(`${path}.custodian.group`, expected(`one of the groups (${groups.map((g) => g.name).join(', ')})`, custodian.group));
    }
    const minimum = minimumPeople(groups, groupThreshold);
    if (minimum < 2) throw malformed(`${path}.groups`, 'one custodian could satisfy these groups alone; every quorum needs at least two');
    threshold = int(m.threshold, `${path}.threshold`, minimum, minimum);
  }
  const kind = wrongKind(m.commitments, ids, `${path}.commitments`);
  if (kind) throw kind;
  const cm = object(m.commitments, `${path}.commitments`, [...ids]);
  const commitments = {} as Record<S, string>;
  for (const id of ids) commitments[id] = str(cm[id], `${path}.commitments.${id}`, HEX64, '64 lower-case hex digits');
  const reshareNonce = m.reshareNonce === null ? null : str(m.reshareNonce, `${path}.reshareNonce`, HEX64, 'null or 64 lower-case hex digits');
  const createdAt = str(m.createdAt, `${path}.createdAt`, ISO_UTC, 'a UTC time such as 2025-01-31T12:00:00.000Z');
  if (Number.isNaN(Date.parse(createdAt))) throw malformed(`${path}.createdAt`, expected('a real date and time', createdAt));
  return {
    ceremonyId,
    policyId,
    policySummary: m.policySummary,
    custodian,
    threshold,
    total,
    groups,
    groupThreshold,
    commitments,
    reshareNonce,
    createdAt,
    rehearsal: bool(m.rehearsal, `${path}.rehearsal`),
  };
}

function associatedDataOf<S extends EnvelopeSecretId>(metadata: EnvelopeMetadata<S>, kdf: KdfParams, nonce: Uint8Array): { json: Json; bytes: Uint8Array } {
  const json: Json = {
    format: ENVELOPE_FORMAT,
    version: ENVELOPE_VERSION,
    metadata,
    kdf: kdfJson(kdf),
    aead: aeadJson(nonce),
  };
  return { json, bytes: utf8(canonicalJson(json)) };
}

/**
 * Parses envelope text strictly: the exact field set at every level, types, lengths,
 * supported format, version and algorithms, KDF parameters at or above the minimum, and
 * canonical form (so the fingerprint is well defined). Throws ENVELOPE_MALFORMED naming
 * the JSON path and what was expected.
 */
export function parseEnvelope(text: string): ParsedEnvelope {
  return parseEnvelopeOf(text, SECRET_IDS);
}

/** parseEnvelope for a key-backup envelope: the same checks, with the backup key's commitment. */
export function parseBackupEnvelope(text: string): ParsedEnvelope<BackupSecretId> {
  return parseEnvelopeOf(text, BACKUP_SECRET_IDS);
}

function parseEnvelopeOf<S extends EnvelopeSecretId>(text: string, ids: readonly S[]): ParsedEnvelope<S> {
  const top = fields.document(text, MAX_ENVELOPE_CHARS, 'envelope text');
  if (top.format !== ENVELOPE_FORMAT) {
    throw malformed('format', expected(`"${ENVELOPE_FORMAT}" (this is not a Conclave share envelope, or a format this version does not read)`, top.format));
  }
  if (top.version !== ENVELOPE_VERSION) throw malformed('version', expected(`${ENVELOPE_VERSION} (the only envelope version this Conclave reads)`, top.version));
  const o = object(top, '$', ['aead', 'ciphertext', 'format', 'kdf', 'metadata', 'version']);
  const metadata = parseMetadata(o.metadata, 'metadata', ids);
  const kdf = fields.kdf(o.kdf);
  const { nonce } = fields.aead(o.aead);
  const ciphertext = fields.bytes(o.ciphertext, 'ciphertext', TAG_BYTES + 1, MAX_CIPHERTEXT_BYTES, 'the ciphertext');
  fields.canonical(top, text);
  const ad = associatedDataOf(metadata, kdf, nonce);
  return {
    text,
    metadata,
    kdf,
    aead: { algorithm: AEAD_ALGORITHM, nonce },
    ciphertext,
    associatedData: ad.bytes,
    fingerprint: fingerprintOf(utf8(text)),
  };
}

// ---- plaintext encoding --------------------------------------------------------------

/** version (1) || count (u8) || per secret in `ids` order (SECRET_IDS, or BACKUP_SECRET_IDS): idLength (u8) || id (ASCII) || shareLength (u16be) || share. */
export function encodeShares<S extends EnvelopeSecretId = SecretId>(shares: OpenedShares<S>, ids: readonly S[] = SECRET_IDS as readonly EnvelopeSecretId[] as readonly S[]): Uint8Array {
  const parts: number[] = [PLAINTEXT_ENCODING_VERSION, ids.length];
  let size = 2;
  for (const id of ids) size += 1 + id.length + 2 + shares[id].length;
  const out = new Uint8Array(size);
  out.set(parts, 0);
  let at = 2;
  for (const id of ids) {
    const share = shares[id];
    if (!(share instanceof Uint8Array) || share.length < 1 || share.length > MAX_SHARE_BYTES) throw new RangeError(`encodeShares: the ${id} share must be 1..${MAX_SHARE_BYTES} bytes`);
    out[at++] = id.length;
    out.set(utf8(id), at);
    at += id.length;
    out[at++] = share.length >> 8;
    out[at++] = share.length & 0xff;
    out.set(share, at);
    at += share.length;
  }
  return out;
}

/** The inverse of encodeShares; null when the bytes are not exactly that encoding. */
export function decodeShares<S extends EnvelopeSecretId = SecretId>(plain: Uint8Array, ids: readonly S[] = SECRET_IDS as readonly EnvelopeSecretId[] as readonly S[]): OpenedShares<S> | null {
  if (plain.length < 2 || plain[0] !== PLAINTEXT_ENCODING_VERSION || plain[1] !== ids.length) return null;
  const out: Partial<OpenedShares<S>> = {};
  let at = 2;
  for (const id of ids) {
    const idLength = plain[at];
    if (idLength !== id.length || at + 1 + idLength + 2 > plain.length) return null;
    const idText = new TextDecoder().decode(plain.subarray(at + 1, at + 1 + idLength));
    if (idText !== id) return null;
    at += 1 + idLength;
    const length = (plain[at]! << 8) | plain[at + 1]!;
    at += 2;
    if (length < 1 || at + length > plain.length) return null;
    out[id] = plainCopy(plain.subarray(at, at + length));
    at += length;
  }
  if (at !== plain.length) {
    for (const s of Object.values<Uint8Array>(out as Record<string, Uint8Array>)) s.fill(0);
    return null;
  }
  return out as OpenedShares<S>;
}

// ---- sealing and opening ---------------------------------------------------------------

export interface SealInput<S extends EnvelopeSecretId = SecretId> {
  metadata: EnvelopeMetadata<S>;
  /** This custodian's share of each secret; must match metadata.commitments. */
  shares: OpenedShares<S>;
  /** The passphrase as bytes (encodePassphrase: NFC-normalized UTF-8). */
  passphrase: Uint8Array;
  kdf: KdfCost;
}

/** Fixed randomness, for test vectors only; production calls leave it out. */
export interface SealRandomness {
  salt?: Uint8Array;
  nonce?: Uint8Array;
}

function wrongCommitment<S extends EnvelopeSecretId>(metadata: EnvelopeMetadata<S>, id: S): DomainError {
  const what = SECRET_NAMES[id];
  return new DomainError({
    code: 'SHARE_COMMITMENT_MISMATCH',
    message: `The ${what} share in the envelope of ${metadata.custodian.name} (custodian ${metadata.custodian.index}) does not match its commitment.`,
    action: `Set this envelope aside: it does not hold the share recorded for ${metadata.custodian.name}. Present the original envelope, or re-share with the quorum.`,
  });
}

function commitmentsHold<S extends EnvelopeSecretId>(metadata: EnvelopeMetadata<S>, shares: OpenedShares<S>, ids: readonly S[]): S | null {
  for (const id of ids) {
    const expected = shareCommitment({ ceremonyId: metadata.ceremonyId, policyId: metadata.policyId, secretId: id, index: metadata.custodian.index, share: shares[id] });
    if (!equalBytes(utf8(expected), utf8(metadata.commitments[id]))) return id;
  }
  return null;
}

/**
 * Seals one custodian's shares: derives the key with Argon2id (fresh 16-byte salt),
 * encrypts with XChaCha20-Poly1305 (fresh 24-byte nonce) over the canonical associated
 * data. Returns the envelope text (the file's exact bytes), its metadata and fingerprint.
 */
export async function sealEnvelope(input: SealInput, randomness: SealRandomness = {}): Promise<{ text: string; metadata: EnvelopeMetadata; fingerprint: Fingerprint }> {
  return sealEnvelopeOf(input, randomness, SECRET_IDS);
}

/** sealEnvelope for a key-backup envelope (one share of the backup key). */
export async function sealBackupEnvelope(
  input: SealInput<BackupSecretId>,
  randomness: SealRandomness = {},
): Promise<{ text: string; metadata: EnvelopeMetadata<BackupSecretId>; fingerprint: Fingerprint }> {
  return sealEnvelopeOf(input, randomness, BACKUP_SECRET_IDS);
}

async function sealEnvelopeOf<S extends EnvelopeSecretId>(
  input: SealInput<S>,
  randomness: SealRandomness,
  ids: readonly S[],
): Promise<{ text: string; metadata: EnvelopeMetadata<S>; fingerprint: Fingerprint }> {
  assertKdfParams(input.kdf);
  const metadata = parseMetadata(JSON.parse(JSON.stringify(input.metadata)), 'metadata', ids);
  const mismatch = commitmentsHold(metadata, input.shares, ids);
  if (mismatch) throw wrongCommitment(metadata, mismatch);
  const { salt, nonce } = boxRandomness(randomness);
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`sealEnvelope: the nonce must be ${NONCE_BYTES} bytes`);
  const kdf = kdfWithSalt(input.kdf, salt);
  assertKdfParams(kdf);
  const ad = associatedDataOf(metadata, kdf, nonce);
  const plaintext = encodeShares(input.shares, ids);
  let ciphertext: Uint8Array;
  try {
    ciphertext = await sealWithPassphrase(input.passphrase, { kdf, nonce, associatedData: ad.bytes }, plaintext);
  } finally {
    plaintext.fill(0);
  }
  const text = canonicalJson({ ...ad.json, ciphertext: toBase64(ciphertext) });
  // What Conclave writes, Conclave must read: check the result with the strict parser.
  const parsed = parseEnvelopeOf(text, ids);
  return { text, metadata: parsed.metadata, fingerprint: parsed.fingerprint };
}

/**
 * Opens a parsed envelope with the passphrase bytes. Throws ENVELOPE_WRONG_PASSPHRASE
 * when the AEAD does not authenticate (wrong passphrase, or an altered envelope), and
 * SHARE_COMMITMENT_MISMATCH when a share does not match its commitment. The caller
 * overwrites the returned shares after use.
 */
export async function openEnvelope(parsed: ParsedEnvelope, passphrase: Uint8Array): Promise<OpenedShares> {
  return openEnvelopeOf(parsed, passphrase, SECRET_IDS);
}

/** openEnvelope for a key-backup envelope. */
export async function openBackupEnvelope(parsed: ParsedEnvelope<BackupSecretId>, passphrase: Uint8Array): Promise<OpenedShares<BackupSecretId>> {
  return openEnvelopeOf(parsed, passphrase, BACKUP_SECRET_IDS);
}

async function openEnvelopeOf<S extends EnvelopeSecretId>(parsed: ParsedEnvelope<S>, passphrase: Uint8Array, ids: readonly S[]): Promise<OpenedShares<S>> {
  const plaintext = await openWithPassphrase(passphrase, { kdf: parsed.kdf, nonce: parsed.aead.nonce, associatedData: parsed.associatedData }, parsed.ciphertext);
  if (!plaintext) {
    throw new DomainError({
      code: 'ENVELOPE_WRONG_PASSPHRASE',
      message: `The passphrase does not open the envelope of ${parsed.metadata.custodian.name} (custodian ${parsed.metadata.custodian.index}).`,
      action:
        'Type the passphrase again, checking Caps Lock and the keyboard layout. If it still does not open, the envelope may have been altered: compare its fingerprint with the ceremony record.',
    });
  }
  const shares = decodeShares(plaintext, ids);
  plaintext.fill(0);
  if (!shares) throw malformed('ciphertext', 'it decrypts, but not to the share encoding of docs/share-envelope.md');
  const mismatch = commitmentsHold(parsed.metadata, shares, ids);
  if (mismatch) {
    for (const id of ids) shares[id].fill(0);
    throw wrongCommitment(parsed.metadata, mismatch);
  }
  return shares;
}

/** What `conclave share inspect` and the inspectEnvelope channel show: everything readable without the passphrase. */
export function envelopeInfo(parsed: ParsedEnvelope): EnvelopeInfo {
  const m = parsed.metadata;
  return {
    ceremonyId: m.ceremonyId,
    custodian: m.custodian.name,
    index: m.custodian.index,
    group: m.custodian.group,
    policySummary: m.policySummary,
    threshold: m.threshold,
    total: m.total,
    kdf: { memoryKiB: parsed.kdf.memoryKiB, iterations: parsed.kdf.iterations, parallelism: parsed.kdf.parallelism },
    fingerprint: { hex: parsed.fingerprint.hex, words: [...parsed.fingerprint.words] },
    rehearsal: m.rehearsal,
    reshareNonce: m.reshareNonce,
  };
}

export interface MetadataInput<S extends EnvelopeSecretId = SecretId> {
  ceremonyId: string;
  policy: QuorumPolicy;
  /** Custodian index, 1-based. */
  index: number;
  /** This custodian's share of each secret, to compute the commitments from. */
  shares: OpenedShares<S>;
  reshareNonce: string | null;
  createdAt: string;
  rehearsal: boolean;
}

/** The metadata for custodian `index` of a (parsed) policy, with the commitments to its shares. */
export function envelopeMetadata(input: MetadataInput): EnvelopeMetadata {
  return envelopeMetadataOf(input, SECRET_IDS);
}

/** envelopeMetadata for a key-backup envelope: the commitment to the custodian's share of the backup key. */
export function backupEnvelopeMetadata(input: MetadataInput<BackupSecretId>): EnvelopeMetadata<BackupSecretId> {
  return envelopeMetadataOf(input, BACKUP_SECRET_IDS);
}

function envelopeMetadataOf<S extends EnvelopeSecretId>(input: MetadataInput<S>, ids: readonly S[]): EnvelopeMetadata<S> {
  const p = input.policy;
  const c = p.custodians[input.index - 1];
  if (!c) throw new RangeError(`envelopeMetadata: the policy has no custodian ${input.index}`);
  const pid = policyIdOf(p);
  const commitments = {} as Record<S, string>;
  for (const id of ids) {
    commitments[id] = shareCommitment({ ceremonyId: input.ceremonyId, policyId: pid, secretId: id, index: input.index, share: input.shares[id] });
  }
  return parseMetadata(
    {
      ceremonyId: input.ceremonyId,
      policyId: pid,
      policySummary: describePolicy(p),
      custodian: { name: c.name, index: input.index, group: c.group ?? null },
      threshold: p.threshold,
      total: p.custodians.length,
      groups: p.groups ? p.groups.map((g) => ({ name: g.name, threshold: g.threshold })) : null,
      groupThreshold: p.groupThreshold ?? null,
      commitments,
      reshareNonce: input.reshareNonce,
      createdAt: input.createdAt,
      rehearsal: input.rehearsal,
    },
    'metadata',
    ids,
  );
}
