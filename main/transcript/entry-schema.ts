// One transcript entry: the common envelope {v, seq, prev, at, ceremonyId, type, actor,
// data} with the type-specific data, as a zod discriminated union on `type`.
import { z } from 'zod';
import { ActorSchema, DATA_SCHEMAS, type EntryData, type EntryType } from './data-schemas';
import { count, hex64, isoUtcMs } from './fields';

export const TRANSCRIPT_VERSION = 1;

/** The ceremony id pattern share envelopes use (main/quorum/envelope.ts), repeated so the verifier core stays free of the KDF code. */
export const CEREMONY_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export const ceremonyIdSchema = z.string().regex(CEREMONY_ID_PATTERN, 'expected a ceremony id of 1 to 128 letters, digits, ".", "_" or "-"');

const envelope = {
  v: z.literal(TRANSCRIPT_VERSION),
  seq: count,
  prev: hex64,
  at: isoUtcMs,
  ceremonyId: ceremonyIdSchema,
  actor: ActorSchema,
};

function entrySchema<T extends EntryType>(type: T) {
  return z.strictObject({ ...envelope, type: z.literal(type), data: DATA_SCHEMAS[type] });
}

const ENTRY_SCHEMAS = {
  'ceremony-opened': entrySchema('ceremony-opened'),
  'room-checked': entrySchema('room-checked'),
  'clock-confirmed': entrySchema('clock-confirmed'),
  'air-gap-override': entrySchema('air-gap-override'),
  'token-facts': entrySchema('token-facts'),
  'step-started': entrySchema('step-started'),
  'step-acknowledged': entrySchema('step-acknowledged'),
  'step-completed': entrySchema('step-completed'),
  'exception-opened': entrySchema('exception-opened'),
  'exception-resolved': entrySchema('exception-resolved'),
  'confirmation-typed': entrySchema('confirmation-typed'),
  'quorum-established': entrySchema('quorum-established'),
  'key-generated': entrySchema('key-generated'),
  'media-written': entrySchema('media-written'),
  'file-written': entrySchema('file-written'),
  checkpoint: entrySchema('checkpoint'),
  signature: entrySchema('signature'),
  seal: entrySchema('seal'),
  sealed: entrySchema('sealed'),
  resumed: entrySchema('resumed'),
  'torn-entry-cut': entrySchema('torn-entry-cut'),
} as const satisfies { [T in EntryType]: unknown };

export const TranscriptEntrySchema = z.discriminatedUnion('type', Object.values(ENTRY_SCHEMAS) as unknown as [
  (typeof ENTRY_SCHEMAS)[EntryType],
  ...(typeof ENTRY_SCHEMAS)[EntryType][],
]);

/** One entry of a given type. */
export type EntryOf<T extends EntryType> = z.infer<(typeof ENTRY_SCHEMAS)[T]>;

/** Any transcript entry, discriminated by `type`. */
export type TranscriptEntry = { [T in EntryType]: EntryOf<T> }[EntryType];

/** The envelope fields every entry has. */
export type EntryEnvelope = Omit<TranscriptEntry, 'type' | 'data'>;

export function isEntryType(value: unknown): value is EntryType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DATA_SCHEMAS, value);
}

/** Where and what a schema problem is, for messages: "data.signer.keyFingerprint: expected ...". */
export function describeIssue(error: z.ZodError, root = ''): string {
  const issue = error.issues[0];
  if (!issue) return `${root || '(the entry)'}: does not match its schema`;
  const path = [root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '');
  return `${path || '(the entry)'}: ${issue.message}`;
}

/** Parses an entry strictly; returns the entry or a description of the first problem. */
export function parseEntry(value: unknown): { ok: true; entry: TranscriptEntry } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the line is not a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (!isEntryType(type)) return { ok: false, problem: `type: ${JSON.stringify(type) ?? 'nothing'} is not an entry type (expected one of ${Object.keys(DATA_SCHEMAS).join(', ')})` };
  const result = ENTRY_SCHEMAS[type].safeParse(value);
  if (!result.success) return { ok: false, problem: describeIssue(result.error) };
  return { ok: true, entry: result.data as TranscriptEntry };
}

/** Checks `data` against the schema of `type`; returns the parsed data or the first problem. */
export function parseData<T extends EntryType>(type: T, data: unknown): { ok: true; data: EntryData<T> } | { ok: false; problem: string } {
  const result = DATA_SCHEMAS[type].safeParse(data);
  if (!result.success) return { ok: false, problem: describeIssue(result.error, 'data') };
  return { ok: true, data: result.data as EntryData<T> };
}
