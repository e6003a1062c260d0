// Field schemas shared by the transcript's entry types: hashes, timestamps, names, base64,
// fingerprints and free-form JSON objects. Every one is strict, so an entry holds exactly
// what docs/transcript.md describes and nothing a caller slipped in.
import { z } from 'zod';
import { fromBase64Strict } from '../quorum/bytes';
import { digestWords } from '../quorum/fingerprint';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** 64 lower-case hex digits: a SHA-256. */
export const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits (a SHA-256)');

/** A non-negative safe integer (sequence numbers, byte counts). */
export const count = z.int().min(0);

/** ISO 8601 UTC with milliseconds, exactly as Date.prototype.toISOString writes it. */
export const isoUtcMs = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'expected an ISO 8601 UTC time with milliseconds, e.g. 2025-01-31T12:00:00.000Z')
  .refine((value) => {
    const time = Date.parse(value);
    return Number.isFinite(time) && new Date(time).toISOString() === value;
  }, 'not a real calendar time');

/** Text a person reads: no control characters, no surrounding spaces, bounded length. */
export function text(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !CONTROL.test(value), 'control characters are not allowed')
    .refine((value) => value.trim() === value, 'leading or trailing spaces are not allowed');
}

/** Free text that may span lines (reasons, justifications): tabs and newlines allowed. */
export function prose(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(value), 'control characters other than tab and newline are not allowed')
    .refine((value) => value.trim().length >= min, 'must not be only spaces');
}

/** A person's name as the ceremony script lists it. */
export const personName = text(128);

/** A step, check or purpose identifier: lower-case letters, digits and dashes. */
export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected an identifier of lower-case letters, digits and "-" (at most 64)');

/** Canonical standard base64 (RFC 4648 section 4, padded, no whitespace). */
export function base64(maxBytes: number, minBytes = 1) {
  return z.string().refine((value) => {
    const bytes = fromBase64Strict(value);
    return bytes !== null && bytes.length >= minBytes && bytes.length <= maxBytes;
  }, `expected canonical base64 of ${minBytes} to ${maxBytes} bytes`);
}

/** SHA-256 shown to people: grouped hex and six words (docs/share-envelope.md, "Fingerprint"). */
export const fingerprint = z
  .strictObject({
    hex: z.string().regex(/^[0-9a-f]{4}(?: [0-9a-f]{4}){15}$/, 'expected 64 lower-case hex digits in 16 groups of 4'),
    words: z.array(z.string().regex(/^[a-z]{3,8}$/)).length(6),
  })
  .refine((value) => {
    const digest = Uint8Array.from(Buffer.from(value.hex.replace(/ /g, ''), 'hex'));
    return digestWords(digest).join(' ') === value.words.join(' ');
  }, 'the words do not spell the hex digest');

// Field names that carry secrets somewhere in Conclave (PINs, passphrases, shares, private
// key bytes). A free-form object in an entry may not use them: a value that came from such
// a field has no place in a transcript, whatever it holds.
const SECRET_FIELD = /^(?:pin|userpin|sopin|pins|passphrase|passphrases|password|passwords|secret|secrets|share|sharebytes|sharevalue|privatekey|privatekeypem|privatekeyder|pkcs8|seed|mnemonic|plaintext|keymaterial|keyvalue|answers)$/;

export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name.toLowerCase().replace(/[-_ .]/g, ''));
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Finds the first problem in a free-form JSON value: a non-JSON value or a secret-bearing field name. */
function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (depth > 16) return `${path} is nested deeper than 16 levels`;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? null : `${path} is ${value}; only whole numbers are allowed`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return `${path} is not a plain JSON object`;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretFieldName(key)) return `${path}.${key}: a field named "${key}" may hold a secret and is never written to a transcript`;
      const problem = jsonProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return `${path} has the type ${typeof value}, which JSON cannot hold`;
}

/** A free-form JSON object (step results, resume findings) without secret-bearing field names. */
export const jsonObject = z.custom<JsonObject>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected a JSON object',
).superRefine((value, ctx) => {
  const problem = jsonProblem(value, '$', 0);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
