// Strict reading of the JSON that Conclave's passphrase-sealed files share (share
// envelopes, witness key files): the exact field set of an object, canonical base64 of
// a bounded length, the Argon2id "kdf" object and the XChaCha20-Poly1305 "aead" object,
// and the canonical-JSON check. Each format names its own error, so the reader is built
// with that format's `malformed` function; every message names the JSON path.
import type { DomainError } from '../../native/errors';
import { fromBase64Strict, toBase64 } from '../quorum/bytes';
import { canonicalJson } from '../quorum/canonical-json';
import { kdfProblem } from '../quorum/kdf';
import { KDF_MINIMUM, type KdfParams } from '../quorum/types';
import { BOX_AEAD_ALGORITHM, BOX_NONCE_BYTES } from './passphrase-box';

export type Json = Record<string, unknown>;

/** The format's error for a problem at a JSON path, e.g. ENVELOPE_MALFORMED. */
export type Malformed = (path: string, problem: string) => DomainError;

/** Largest salt accepted from a file (the KDF rules' maximum). */
export const SALT_MAX_BYTES = 64;

/** A short, safe description of a value found where something else was expected. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return value.length <= 40 ? JSON.stringify(value) : `a text of ${value.length} characters`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function expected(what: string, value: unknown): string {
  return `expected ${what}, found ${describe(value)}`;
}

export interface SealedFieldReader {
  /** The top-level object of `text`: non-empty, at most `maxChars`, JSON, an object. `what` names the text for the empty case. */
  document(text: unknown, maxChars: number, what: string): Json;
  /** `value` as an object with exactly `keys` (top level at path "$"). */
  object(value: unknown, path: string, keys: string[]): Json;
  /** Canonical standard base64 decoding to `min`..`max` bytes. */
  bytes(value: unknown, path: string, min: number, max: number, what: string): Uint8Array;
  /** The "kdf" object: Argon2id parameters at or above the minimum, with a salt. */
  kdf(value: unknown): KdfParams;
  /** The "aead" object: XChaCha20-Poly1305 and a 24-byte nonce. */
  aead(value: unknown): { algorithm: typeof BOX_AEAD_ALGORITHM; nonce: Uint8Array };
  /** Throws unless `text` is exactly the canonical JSON of `json`. */
  canonical(json: unknown, text: string): void;
}

/** A reader whose errors are `malformed(path, problem)`; `documentName` (e.g. "an envelope") is used for unknown top-level fields. */
export function sealedFieldReader(malformed: Malformed, documentName: string): SealedFieldReader {
  const join = (path: string, key: string) => (path === '$' ? key : `${path}.${key}`);

  function object(value: unknown, path: string, keys: string[]): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(path, expected(`an object with ${keys.join(', ')}`, value));
    const record = value as Json;
    for (const key of Object.keys(record)) {
      if (!keys.includes(key)) throw malformed(join(path, key), `unknown field (${path === '$' ? documentName : path} has only ${keys.join(', ')})`);
    }
    for (const key of keys) if (!(key in record)) throw malformed(join(path, key), 'the field is missing');
    return record;
  }

  function bytes(value: unknown, path: string, min: number, max: number, what: string): Uint8Array {
    if (typeof value !== 'string') throw malformed(path, expected(`${what} as base64 text`, value));
    const decoded = fromBase64Strict(value);
    if (!decoded) throw malformed(path, `expected ${what} as standard padded base64, found text that is not canonical base64`);
    if (decoded.length < min || decoded.length > max) {
      throw malformed(path, `expected ${what} of ${min === max ? `exactly ${min}` : `${min} to ${max}`} bytes, found ${decoded.length} bytes`);
    }
    return decoded;
  }

  return {
    document(text, maxChars, what) {
      if (typeof text !== 'string' || text.length === 0) throw malformed('$', expected(what, text));
      if (text.length > maxChars) throw malformed('$', `expected at most ${maxChars} characters, found ${text.length}`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        // The parser's message may quote the text; pasted text could be anything, so it is not repeated.
        throw malformed('$', 'expected JSON text, found text that is not JSON');
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('$', expected('a JSON object', json));
      return json as Json;
    },
    object,
    bytes,
    kdf(value) {
      const k = object(value, 'kdf', ['algorithm', 'iterations', 'memoryKiB', 'parallelism', 'salt', 'version']);
      if (k.algorithm !== 'argon2id') throw malformed('kdf.algorithm', expected('"argon2id" (the only supported KDF)', k.algorithm));
      const salt = bytes(k.salt, 'kdf.salt', KDF_MINIMUM.saltBytes, SALT_MAX_BYTES, 'a salt');
      const params = { algorithm: 'argon2id', version: k.version, memoryKiB: k.memoryKiB, iterations: k.iterations, parallelism: k.parallelism, salt } as KdfParams;
      const problem = kdfProblem(params);
      if (problem) throw malformed(`kdf.${problem.field}`, expected(problem.expected, k[problem.field]));
      return params;
    },
    aead(value) {
      const a = object(value, 'aead', ['algorithm', 'nonce']);
      if (a.algorithm !== BOX_AEAD_ALGORITHM) throw malformed('aead.algorithm', expected(`"${BOX_AEAD_ALGORITHM}" (the only supported AEAD)`, a.algorithm));
      return { algorithm: BOX_AEAD_ALGORITHM, nonce: bytes(a.nonce, 'aead.nonce', BOX_NONCE_BYTES, BOX_NONCE_BYTES, 'a nonce') };
    },
    canonical(json, text) {
      if (canonicalJson(json) !== text) {
        throw malformed('$', 'expected canonical JSON (sorted keys, no whitespace, ASCII only) exactly as Conclave wrote it, found reformatted text');
      }
    },
  };
}

/** The "kdf" object as written into a file (and bound into the associated data). */
export function kdfJson(kdf: KdfParams): Json {
  return {
    algorithm: kdf.algorithm,
    version: kdf.version,
    memoryKiB: kdf.memoryKiB,
    iterations: kdf.iterations,
    parallelism: kdf.parallelism,
    salt: toBase64(kdf.salt),
  };
}

/** The "aead" object as written into a file. */
export function aeadJson(nonce: Uint8Array): Json {
  return { algorithm: BOX_AEAD_ALGORITHM, nonce: toBase64(nonce) };
}
