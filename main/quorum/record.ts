// The public quorum record: policy, commitments, secret digests, envelope fingerprints
// and token identity, as the ceremony keeps it. It never holds a share, passphrase or
// PIN. Written as canonical JSON; read strictly (RECORD_MALFORMED naming the field).
import { DomainError } from '../../native/errors';
import { sha256Hex, utf8 } from './bytes';
import { canonicalJson } from './canonical-json';
import { CEREMONY_ID_PATTERN } from './envelope';
import { kdfProblem } from './kdf';
import { parsePolicy, policyForHash, policyId } from './policy';
import { SECRET_IDS, type QuorumRecord, type RecordCustodian, type SecretId } from './types';

export const RECORD_FORMAT = 'conclave-quorum-record';
export const RECORD_VERSION = 1;
const MAX_RECORD_CHARS = 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;
/** Fingerprint.hex: 64 lower-case hex digits in 16 groups of 4, separated by single spaces. */
const GROUPED_HEX = /^[0-9a-f]{4}(?: [0-9a-f]{4}){15}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

function malformed(path: string, problem: string): DomainError {
  return new DomainError({
    code: 'RECORD_MALFORMED',
    message: `The quorum record is malformed at "${path}": ${problem}.`,
    action: "Use the quorum record this ceremony wrote, unchanged (the copy in the ceremony folder); a record that was edited cannot be trusted.",
  });
}

function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : `a text of ${value.length} characters`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

type Json = Record<string, unknown>;

function object(value: unknown, path: string, keys: string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(path, `expected an object, found ${found(value)}`);
  const record = value as Json;
  const at = (key: string) => (path === '$' ? key : `${path}.${key}`);
  for (const key of Object.keys(record)) if (!keys.includes(key)) throw malformed(at(key), `unknown field (allowed: ${keys.join(', ')})`);
  for (const key of keys) if (!(key in record)) throw malformed(at(key), 'the field is missing');
  return record;
}

function text(value: unknown, path: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw malformed(path, `expected ${what}, found ${found(value)}`);
  return value;
}

function plain(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) throw malformed(path, `expected a text of at most ${max} characters, found ${found(value)}`);
  return value;
}

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw malformed(path, `expected a whole number from ${min} to ${max}, found ${found(value)}`);
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw malformed(path, `expected true or false, found ${found(value)}`);
  return value;
}

function perSecret(value: unknown, path: string): Record<SecretId, string> {
  const o = object(value, path, [...SECRET_IDS]);
  const out = {} as Record<SecretId, string>;
  for (const id of SECRET_IDS) out[id] = text(o[id], `${path}.${id}`, HEX64, '64 lower-case hex digits');
  return out;
}

/** Parses a quorum record strictly and checks it against itself (policy id, custodians). */
export function parseQuorumRecord(input: string): QuorumRecord {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_RECORD_CHARS) throw malformed('$', 'expected the text of a quorum record');
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch {
    throw malformed('$', 'expected JSON text, found text that is not JSON');
  }
  const top = (typeof json === 'object' && json !== null ? json : {}) as Json;
  if (top.format !== RECORD_FORMAT) throw malformed('format', `expected "${RECORD_FORMAT}", found ${found(top.format)}`);
  if (top.version !== RECORD_VERSION) throw malformed('version', `expected ${RECORD_VERSION} (the only version this Conclave reads), found ${found(top.version)}`);
  const r = object(json, '$', [
    'ceremonyId', 'createdAt', 'custodians', 'format', 'kdf', 'policy', 'policyId', 'policySummary',
    'rehearsal', 'reshareNonce', 'secretDigests', 'supersedes', 'token', 'version',
  ]);
  const ceremonyId = text(r.ceremonyId, 'ceremonyId', CEREMONY_ID_PATTERN, 'a ceremony id of 1 to 128 letters, digits, ".", "_" or "-"');
  let policy;
  try {
    policy = parsePolicy(r.policy);
  } catch (error) {
    const inner = DomainError.is(error) ? /^The quorum policy is invalid at "([^"]*)": (.*)$/s.exec(error.message) : null;
    if (!inner) throw malformed('policy', 'expected a quorum policy');
    throw malformed(inner[1] === 'policy' ? 'policy' : `policy.${inner[1]}`, inner[2]!.replace(/\.$/, ''));
  }
  if (canonicalJson(policyForHash(policy)) !== canonicalJson(r.policy)) {
    throw malformed('policy', 'expected the policy in normalized form (names trimmed and NFC-normalized, no empty fields)');
  }
  const pid = text(r.policyId, 'policyId', HEX64, '64 lower-case hex digits');
  if (pid !== policyId(policy)) throw malformed('policyId', 'it does not match the policy in this record');
  const policySummary = plain(r.policySummary, 'policySummary', 512);
  const secretDigests = perSecret(r.secretDigests, 'secretDigests');
  if (!Array.isArray(r.custodians)) throw malformed('custodians', `expected a list, found ${found(r.custodians)}`);
  if (r.custodians.length !== policy.custodians.length) {
    throw malformed('custodians', `expected one entry per custodian of the policy (${policy.custodians.length}), found ${r.custodians.length}`);
  }
  const fingerprints = new Set<string>();
  const custodians: RecordCustodian[] = r.custodians.map((raw, i) => {
    const path = `custodians[${i}]`;
    const c = object(raw, path, ['commitments', 'envelopeFingerprint', 'group', 'index', 'name']);
    const spec = policy.custodians[i]!;
    const index = int(c.index, `${path}.index`, i + 1, i + 1);
    if (c.name !== spec.name) throw malformed(`${path}.name`, `expected "${spec.name}" (custodian ${i + 1} of the policy), found ${found(c.name)}`);
    if (c.group !== (spec.group ?? null)) throw malformed(`${path}.group`, `expected ${found(spec.group ?? null)} as in the policy, found ${found(c.group)}`);
    const envelopeFingerprint = text(c.envelopeFingerprint, `${path}.envelopeFingerprint`, GROUPED_HEX, 'an envelope fingerprint (64 hex digits in groups of 4)');
    if (fingerprints.has(envelopeFingerprint)) throw malformed(`${path}.envelopeFingerprint`, 'the same envelope fingerprint is listed for two custodians');
    fingerprints.add(envelopeFingerprint);
    return { name: spec.name, index, group: spec.group ?? null, envelopeFingerprint, commitments: perSecret(c.commitments, `${path}.commitments`) };
  });
  const t = object(r.token, 'token', ['label', 'serial']);
  const token = { serial: plain(t.serial, 'token.serial', 64), label: plain(t.label, 'token.label', 64) };
  const k = object(r.kdf, 'kdf', ['iterations', 'memoryKiB', 'parallelism']);
  const kdf = { memoryKiB: k.memoryKiB, iterations: k.iterations, parallelism: k.parallelism } as QuorumRecord['kdf'];
  const problem = kdfProblem({ algorithm: 'argon2id', version: 19, ...kdf });
  if (problem) throw malformed(`kdf.${problem.field}`, `expected ${problem.expected}, found ${found(k[problem.field])}`);
  const reshareNonce = r.reshareNonce === null ? null : text(r.reshareNonce, 'reshareNonce', HEX64, 'null or 64 lower-case hex digits');
  const supersedes = r.supersedes === null ? null : text(r.supersedes, 'supersedes', HEX64, 'null or 64 lower-case hex digits');
  const createdAt = text(r.createdAt, 'createdAt', ISO_UTC, 'a UTC time such as 2025-01-31T12:00:00.000Z');
  if (Number.isNaN(Date.parse(createdAt))) throw malformed('createdAt', 'expected a real date and time');
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    ceremonyId,
    policy,
    policyId: pid,
    policySummary,
    secretDigests,
    custodians,
    token,
    kdf,
    reshareNonce,
    supersedes,
    createdAt,
    rehearsal: bool(r.rehearsal, 'rehearsal'),
  };
}

/** The record as canonical JSON (what is written to disk and hashed). Checked with the parser first. */
export function serializeQuorumRecord(record: QuorumRecord): string {
  const text = canonicalJson({
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    ceremonyId: record.ceremonyId,
    policy: policyForHash(record.policy),
    policyId: record.policyId,
    policySummary: record.policySummary,
    secretDigests: { ...record.secretDigests },
    custodians: record.custodians.map((c) => ({
      name: c.name,
      index: c.index,
      group: c.group,
      envelopeFingerprint: c.envelopeFingerprint,
      commitments: { ...c.commitments },
    })),
    token: { serial: record.token.serial, label: record.token.label },
    kdf: { memoryKiB: record.kdf.memoryKiB, iterations: record.kdf.iterations, parallelism: record.kdf.parallelism },
    reshareNonce: record.reshareNonce,
    supersedes: record.supersedes,
    createdAt: record.createdAt,
    rehearsal: record.rehearsal,
  });
  parseQuorumRecord(text);
  return text;
}

/** Hex SHA-256 of a record's exact text: what a later record's `supersedes` names. */
export function recordHash(text: string): string {
  return sha256Hex(utf8(text));
}
