// The witness key file (docs/witness-key.md): canonical JSON holding an Ed25519 public
// key and its fingerprint in the clear, and the 32-byte seed encrypted with
// XChaCha20-Poly1305 under an Argon2id key from the witness's passphrase. Every field but
// the ciphertext is the AEAD's associated data. Parsing is strict and names the field
// that is wrong; what it returns is readable without the passphrase.
import { DomainError } from '../../native/errors';
import { BOX_AEAD_ALGORITHM, BOX_NONCE_BYTES, BOX_SALT_BYTES, BOX_TAG_BYTES } from '../crypto/passphrase-box';
import { aeadJson, expected, kdfJson, sealedFieldReader, type Json } from '../crypto/sealed-fields';
import { sha256Hex, toBase64, utf8 } from '../quorum/bytes';
import { canonicalJson } from '../quorum/canonical-json';
import { compactFingerprint, fingerprintOf } from '../quorum/fingerprint';
import type { Fingerprint, KdfParams } from '../quorum/types';
import { isEd25519Spki, ED25519_SPKI_BYTES, SEED_BYTES, spkiToPem } from './ed25519-keys';

export const WITNESS_KEY_FORMAT = 'conclave-witness-key';
export const WITNESS_KEY_VERSION = 1;
export const WITNESS_AEAD_ALGORITHM = BOX_AEAD_ALGORITHM;
export const NONCE_BYTES = BOX_NONCE_BYTES;
export const SALT_BYTES = BOX_SALT_BYTES;
const TAG_BYTES = BOX_TAG_BYTES;
/** The plaintext is the 32-byte Ed25519 seed; the ciphertext adds the 16-byte tag. */
export const CIPHERTEXT_BYTES = SEED_BYTES + TAG_BYTES;
/** Largest key file text accepted (a real one is under 1 KiB). */
export const MAX_WITNESS_KEY_CHARS = 16 * 1024;
export const MAX_NAME_CHARS = 64;

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX64 = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const TOP_KEYS = ['aead', 'ciphertext', 'createdAt', 'fingerprint', 'format', 'kdf', 'name', 'publicKey', 'version'];

export interface ParsedWitnessKey {
  /** The file's text exactly as read (canonical JSON). */
  text: string;
  name: string;
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string;
  /** Ed25519 SubjectPublicKeyInfo DER (44 bytes). */
  publicKeySpki: Uint8Array;
  /** Lower-case hex SHA-256 of publicKeySpki (64 characters). */
  fingerprint: string;
  kdf: KdfParams;
  aead: { algorithm: typeof WITNESS_AEAD_ALGORITHM; nonce: Uint8Array };
  ciphertext: Uint8Array;
  /** What the AEAD authenticates: canonical JSON of every field except ciphertext. */
  associatedData: Uint8Array;
}

/** Everything about a witness key that needs no passphrase (`conclave witness show`). */
export interface WitnessPublicInfo {
  format: typeof WITNESS_KEY_FORMAT;
  version: typeof WITNESS_KEY_VERSION;
  name: string;
  createdAt: string;
  algorithm: 'ed25519';
  /** SubjectPublicKeyInfo DER as standard base64. */
  publicKey: string;
  publicKeyPem: string;
  /** SHA-256 of the SPKI DER: hex in groups of four, and six words. */
  fingerprint: Fingerprint;
  /** The same SHA-256 as 64 lower-case hex digits (what a ceremony script lists). */
  fingerprintHex: string;
  kdf: { algorithm: 'argon2id'; version: 19; memoryKiB: number; iterations: number; parallelism: number };
}

/** WITNESS_KEY_MALFORMED naming the JSON path and the problem there. */
export function witnessKeyMalformed(path: string, problem: string): DomainError {
  return new DomainError({
    code: 'WITNESS_KEY_MALFORMED',
    message: `The witness key file is malformed at "${path}": ${problem}.`,
    action:
      'Use the key file exactly as "conclave witness new" wrote it (from its original medium or a backup), and compare its fingerprint with the one the ceremony script lists for this witness.',
  });
}

const fields = sealedFieldReader(witnessKeyMalformed, 'a witness key file');

/** Null when `name` is a valid witness name, else what is expected. */
export function witnessNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0 || [...name].length > MAX_NAME_CHARS || name !== name.normalize('NFC').trim() || CONTROL.test(name)) {
    return `a name of 1 to ${MAX_NAME_CHARS} characters, NFC-normalized, without surrounding spaces or control characters`;
  }
  return null;
}

/** Null when `text` is an ISO 8601 UTC time with milliseconds that names a real instant. */
export function createdAtProblem(text: unknown): string | null {
  if (typeof text !== 'string' || !ISO_UTC_MS.test(text) || Number.isNaN(Date.parse(text)) || new Date(text).toISOString() !== text) {
    return 'a UTC time with milliseconds such as 2025-01-31T12:00:00.000Z';
  }
  return null;
}

export interface AssociatedFields {
  name: string;
  createdAt: string;
  publicKeySpki: Uint8Array;
  kdf: KdfParams;
  nonce: Uint8Array;
}

/** The JSON object of every field but the ciphertext, and its canonical bytes (the AEAD's associated data). */
export function associatedDataOf(fields: AssociatedFields): { json: Json; bytes: Uint8Array } {
  const json: Json = {
    format: WITNESS_KEY_FORMAT,
    version: WITNESS_KEY_VERSION,
    name: fields.name,
    createdAt: fields.createdAt,
    publicKey: toBase64(fields.publicKeySpki),
    fingerprint: sha256Hex(fields.publicKeySpki),
    kdf: kdfJson(fields.kdf),
    aead: aeadJson(fields.nonce),
  };
  return { json, bytes: utf8(canonicalJson(json)) };
}

/**
 * Parses a witness key file strictly: exact field set at every level, format and version,
 * a valid name and time, an Ed25519 public key whose SHA-256 is the fingerprint field,
 * Argon2id parameters at or above the minimum, a 24-byte nonce, a 48-byte ciphertext, and
 * canonical form. Throws WITNESS_KEY_MALFORMED naming the field.
 */
export function parseWitnessKey(text: string): ParsedWitnessKey {
  const top = fields.document(text, MAX_WITNESS_KEY_CHARS, 'the text of a witness key file');
  if (top.format !== WITNESS_KEY_FORMAT) {
    throw witnessKeyMalformed('format', expected(`"${WITNESS_KEY_FORMAT}" (this is not a Conclave witness key file, or a format this version does not read)`, top.format));
  }
  if (top.version !== WITNESS_KEY_VERSION) throw witnessKeyMalformed('version', expected(`${WITNESS_KEY_VERSION} (the only witness key version this Conclave reads)`, top.version));
  const o = fields.object(top, '$', TOP_KEYS);
  const nameProblem = witnessNameProblem(o.name);
  if (nameProblem) throw witnessKeyMalformed('name', expected(nameProblem, o.name));
  const createdProblem = createdAtProblem(o.createdAt);
  if (createdProblem) throw witnessKeyMalformed('createdAt', expected(createdProblem, o.createdAt));
  const publicKeySpki = fields.bytes(o.publicKey, 'publicKey', ED25519_SPKI_BYTES, ED25519_SPKI_BYTES, 'an Ed25519 SubjectPublicKeyInfo');
  if (!isEd25519Spki(publicKeySpki)) throw witnessKeyMalformed('publicKey', 'expected an Ed25519 SubjectPublicKeyInfo (RFC 8410), found other DER');
  if (typeof o.fingerprint !== 'string' || !HEX64.test(o.fingerprint)) throw witnessKeyMalformed('fingerprint', expected('64 lower-case hex digits', o.fingerprint));
  if (o.fingerprint !== sha256Hex(publicKeySpki)) throw witnessKeyMalformed('fingerprint', 'it is not the SHA-256 of the public key in the file');
  const kdf = fields.kdf(o.kdf);
  const { nonce } = fields.aead(o.aead);
  const ciphertext = fields.bytes(o.ciphertext, 'ciphertext', CIPHERTEXT_BYTES, CIPHERTEXT_BYTES, 'the encrypted seed');
  fields.canonical(top, text);
  const name = o.name as string;
  const createdAt = o.createdAt as string;
  return {
    text,
    name,
    createdAt,
    publicKeySpki,
    fingerprint: o.fingerprint,
    kdf,
    aead: { algorithm: WITNESS_AEAD_ALGORITHM, nonce },
    ciphertext,
    associatedData: associatedDataOf({ name, createdAt, publicKeySpki, kdf, nonce }).bytes,
  };
}

/** The public facts of a parsed key file: name, public key, fingerprint (hex and words), KDF cost. */
export function witnessPublicInfo(parsed: ParsedWitnessKey): WitnessPublicInfo {
  const fingerprint = fingerprintOf(parsed.publicKeySpki);
  return {
    format: WITNESS_KEY_FORMAT,
    version: WITNESS_KEY_VERSION,
    name: parsed.name,
    createdAt: parsed.createdAt,
    algorithm: 'ed25519',
    publicKey: toBase64(parsed.publicKeySpki),
    publicKeyPem: spkiToPem(parsed.publicKeySpki),
    fingerprint,
    fingerprintHex: compactFingerprint(fingerprint),
    kdf: {
      algorithm: parsed.kdf.algorithm,
      version: parsed.kdf.version,
      memoryKiB: parsed.kdf.memoryKiB,
      iterations: parsed.kdf.iterations,
      parallelism: parsed.kdf.parallelism,
    },
  };
}
