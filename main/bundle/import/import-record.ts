// The import record (docs/bundle-import.md, "The import record"): one JSON file per
// completed import, in the records folder, written atomically and never overwritten.
// It names the bundle by its SHA-256, summarizes the verified manifest, names the pinned
// root key and how the operator confirmed it, who imported when, and what came out: the
// target token's facts and the imported key's attributes read back, or the KMS files'
// hashes. It never holds a PIN or key material (the wrapped key is left out too).
import { randomBytes } from 'node:crypto';
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, type WrittenFile } from '../../files/atomic-write';
import type { VerifiedBundle } from '../format/verify';
import { importError } from './errors';
import type { BundleOrigin } from './bundle-source';
import type { ImportedKey } from './unwrap-into-token';
import type { KmsFiles } from './kms-files';
import type { PinnedRoot, RootConfirmation } from './root-pin';
import type { TargetModule, TargetToken } from './target-token';

export const IMPORT_RECORD_FORMAT = 'conclave-import-record';
export const IMPORT_RECORD_VERSION = 1;
export const RECORD_SUFFIX = '.import.json';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const text = z.string().max(4096);
const nullableBool = z.boolean().nullable();

const OriginSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: text }),
  z.strictObject({ kind: z.literal('qr-images'), images: z.array(text), framesUsed: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('camera'), framesUsed: z.number().int().nonnegative(), framesRead: z.number().int().nonnegative() }),
]);

const ManifestSummarySchema = z.strictObject({
  ceremonyId: text,
  transcriptHead: z.strictObject({ seq: z.number().int().nonnegative(), hash: hex64 }),
  exportedAt: text,
  expiresAt: text,
  rehearsal: z.boolean(),
  issuer: hex64,
  recipient: z.strictObject({ name: text, kind: z.enum(['rsa', 'ec', 'transport-kek', 'aws-kms']), keyFingerprint: text }),
  key: z.strictObject({ id: text, label: text, algorithm: text, usage: text, version: z.number().int(), publicKeyFingerprint: hex64.nullable() }),
  wrapMethod: text,
});

const KeyAttributesSchema = z.strictObject({
  class: text,
  keyType: text.nullable(),
  token: nullableBool,
  private: nullableBool,
  sensitive: nullableBool,
  extractable: nullableBool,
  alwaysSensitive: nullableBool,
  neverExtractable: nullableBool,
  modifiable: nullableBool,
  encrypt: nullableBool,
  decrypt: nullableBool,
  sign: nullableBool,
  verify: nullableBool,
  wrap: nullableBool,
  unwrap: nullableBool,
  derive: nullableBool,
  curve: text.nullable(),
  modulusBits: z.number().int().nullable(),
});

const OutcomeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('token'),
    module: z.strictObject({ path: text, description: text, manufacturer: text, libraryVersion: text }),
    token: z.strictObject({ slotId: text, label: text, manufacturer: text, model: text, serial: text, firmwareVersion: text }),
    key: z.strictObject({ label: text, id: text, attributes: KeyAttributesSchema }),
  }),
  z.strictObject({
    kind: z.literal('aws-kms'),
    directory: text,
    wrappingAlgorithm: text,
    kmsKeyId: text.nullable(),
    files: z.array(z.strictObject({ name: text, sha256: hex64, size: z.number().int().nonnegative() })),
    command: text,
  }),
]);

export const ImportRecordSchema = z.strictObject({
  format: z.literal(IMPORT_RECORD_FORMAT),
  version: z.literal(IMPORT_RECORD_VERSION),
  importedAt: text,
  operator: z.strictObject({ user: text, host: text }),
  tool: z.strictObject({ name: z.literal('conclave'), version: text, via: z.enum(['command-line', 'app']) }),
  bundle: z.strictObject({ sha256: hex64, bytes: z.number().int().positive(), origin: OriginSchema }),
  manifest: ManifestSummarySchema,
  root: z.strictObject({ keyFile: text, fingerprint: hex64, words: z.array(text).length(6), confirmation: z.enum(['fingerprint-given', 'confirmed-at-terminal', 'confirmed-on-screen']) }),
  rehearsalAllowed: z.boolean(),
  outcome: OutcomeSchema,
});
export type ImportRecord = z.output<typeof ImportRecordSchema>;
export type ImportOutcomeRecord = ImportRecord['outcome'];

export interface RecordContext {
  importedAt: Date;
  operator: { user: string; host: string };
  toolVersion: string;
  via: 'command-line' | 'app';
  origin: BundleOrigin;
  root: PinnedRoot;
  confirmation: RootConfirmation;
  rehearsalAllowed: boolean;
}

function manifestSummary(verified: VerifiedBundle): ImportRecord['manifest'] {
  const m = verified.manifest;
  return {
    ceremonyId: m.ceremonyId,
    transcriptHead: { seq: m.transcriptHead.seq, hash: m.transcriptHead.hash },
    exportedAt: m.exportedAt,
    expiresAt: m.expiresAt,
    rehearsal: m.rehearsal,
    issuer: m.issuer.keyFingerprint,
    recipient: { name: m.recipient.name, kind: m.recipient.kind, keyFingerprint: m.recipient.keyFingerprint },
    key: { id: m.key.id, label: m.key.label, algorithm: m.key.algorithm, usage: m.key.usage, version: m.key.version, publicKeyFingerprint: m.key.publicKeyFingerprint },
    wrapMethod: m.wrap.method,
  };
}

export function tokenOutcome(module: TargetModule, token: TargetToken, key: ImportedKey): ImportOutcomeRecord {
  const a = key.attributes;
  return {
    kind: 'token',
    module,
    token: { slotId: token.slotId, label: token.label, manufacturer: token.manufacturer, model: token.model, serial: token.serial, firmwareVersion: token.firmwareVersion },
    key: {
      label: key.label,
      id: key.id,
      attributes: {
        class: a.class,
        keyType: a.keyType,
        token: a.token,
        private: a.private,
        sensitive: a.sensitive,
        extractable: a.extractable,
        alwaysSensitive: a.alwaysSensitive,
        neverExtractable: a.neverExtractable,
        modifiable: a.modifiable,
        encrypt: a.encrypt,
        decrypt: a.decrypt,
        sign: a.sign,
        verify: a.verify,
        wrap: a.wrap,
        unwrap: a.unwrap,
        derive: a.derive,
        curve: a.curve,
        modulusBits: a.modulusBits,
      },
    },
  };
}

export function kmsOutcome(verified: VerifiedBundle, written: KmsFiles): ImportOutcomeRecord {
  const kms = verified.manifest.recipient.awsKms;
  return {
    kind: 'aws-kms',
    directory: written.directory,
    wrappingAlgorithm: kms?.wrappingAlgorithm ?? '',
    kmsKeyId: kms?.keyId ?? null,
    files: written.files.map((f) => ({ name: f.path.slice(written.directory.length + 1), sha256: f.sha256, size: f.size })),
    command: written.command,
  };
}

export function buildImportRecord(verified: VerifiedBundle, context: RecordContext, outcome: ImportOutcomeRecord): ImportRecord {
  return ImportRecordSchema.parse({
    format: IMPORT_RECORD_FORMAT,
    version: IMPORT_RECORD_VERSION,
    importedAt: context.importedAt.toISOString(),
    operator: context.operator,
    tool: { name: 'conclave', version: context.toolVersion, via: context.via },
    bundle: { sha256: verified.sha256, bytes: verified.bytes.length, origin: context.origin },
    manifest: manifestSummary(verified),
    root: { keyFile: context.root.path, fingerprint: context.root.fingerprint, words: context.root.words, confirmation: context.confirmation },
    rehearsalAllowed: context.rehearsalAllowed,
    outcome,
  });
}

/**
 * Makes the records folder if needed and checks that a record can be written there, before
 * anything is unwrapped: an import whose record cannot be kept does not start.
 */
export async function prepareRecordsFolder(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await access(directory, constants.W_OK);
  } catch (error) {
    throw importError(
      'IMPORT_RECORDS_UNWRITABLE',
      `The import records folder ${directory} cannot be made or written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Nothing was imported.`,
      'Choose a records folder you may write to (--records DIR), then import again.',
    );
  }
}

function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/gu, '-').replace(/^[-.]+|[-.]+$/gu, '').slice(0, 48) || 'key';
}

/** "<UTC time>-<key label>-<bundle sha256 prefix>.import.json", e.g. 20250301T101500Z-payments-dek-2025-4fac8eac62fd.import.json. */
export function recordFileName(record: ImportRecord): string {
  const stamp = record.importedAt.replace(/[-:]/gu, '').replace(/\.\d{3}Z$/u, 'Z');
  return `${stamp}-${slug(record.manifest.key.label)}-${record.bundle.sha256.slice(0, 12)}${RECORD_SUFFIX}`;
}

/** Writes the record into `directory` (new file, fsync, rename); a name already taken gets a random suffix. */
export async function writeImportRecord(directory: string, record: ImportRecord): Promise<WrittenFile> {
  const text = `${JSON.stringify(ImportRecordSchema.parse(record), null, 2)}\n`;
  const name = recordFileName(record);
  try {
    return await writeFileAtomic(join(directory, name), text, { mode: 0o644 });
  } catch (error) {
    if ((error as { code?: string }).code !== 'FILE_EXISTS') throw error;
    return writeFileAtomic(join(directory, name.replace(RECORD_SUFFIX, `-${randomBytes(3).toString('hex')}${RECORD_SUFFIX}`)), text, { mode: 0o644 });
  }
}
