// The checked results of the key backup and restore steps, for their step cards: what a
// backup wrote (the values a restore script pins: the wrapped file's SHA-256, the public
// key's fingerprint) and what a restore put on the token (its id and attributes as read
// back, and whether its public key is the one the script pins). The restore's key comes
// from its key-generated entry, so it shows whatever the transcript proves, also after a
// restart; the rest from the result the engine returned in this session.
import type { CeremonyBackupResult, CeremonyRestoreResult } from '../../../preload/contract';
import type { ChainEntry, JsonObject } from '../../transcript';
import { hashForPeople } from '../folder/hash-words';
import type { StepOf } from '../script';

type Json = JsonObject[string];

const str = (v: Json | undefined, max = 600): string | null => (typeof v === 'string' ? v.slice(0, max) : null);
const num = (v: Json | undefined): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
const obj = (v: Json | undefined): JsonObject | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null);
const compact = (hex: string) => hex.replace(/\s+/g, '').toLowerCase();

function fingerprintOf(v: Json | undefined): CeremonyBackupResult['fingerprint'] {
  const f = obj(v);
  const hex = str(f?.hex, 200);
  const words = Array.isArray(f?.words) ? f.words.filter((w): w is string => typeof w === 'string').slice(0, 32) : null;
  if (!hex || !words) return null;
  return { hex, words: words.map((w) => w.slice(0, 16)) };
}

export function backupResultOf(result: JsonObject | undefined): CeremonyBackupResult | null {
  if (!result) return null;
  const wrapped = obj(result.wrappedKey);
  const record = obj(result.backupRecord);
  const label = str(result.label, 128);
  const wrappedSha = str(wrapped?.sha256, 64);
  const recordSha = str(record?.sha256, 64);
  if (!label || !wrapped || !wrappedSha || !record || !recordSha) return null;
  const custodians = Array.isArray(result.custodians) ? result.custodians : [];
  return {
    label,
    id: str(result.id, 130) ?? '',
    algorithm: str(result.algorithm, 32) ?? '',
    fingerprint: fingerprintOf(result.fingerprint),
    checkValue: str(result.checkValue, 16),
    wrappedKey: { file: str(wrapped.file, 255) ?? '', sha256: wrappedSha, bytes: num(wrapped.bytes) ?? 0 },
    backupRecord: { file: str(record.file, 255) ?? '', sha256: recordSha },
    policy: str(result.policy, 512) ?? '',
    envelopes: custodians.slice(0, 255).flatMap((c) => {
      const o = obj(c);
      const name = str(o?.name, 128);
      const fingerprint = str(o?.envelopeFingerprint, 100);
      return name && fingerprint ? [{ name, fingerprint }] : [];
    }),
    check: str(result.check),
  };
}

/** Attributes shown for a restored key, in the order people check them: storage and protection first, then usages. */
const SHOWN_ATTRIBUTES = ['class', 'keyType', 'curve', 'token', 'private', 'sensitive', 'extractable', 'alwaysSensitive', 'neverExtractable', 'local', 'sign', 'verify', 'decrypt', 'encrypt', 'wrap', 'unwrap', 'derive'];

export function restoreResultOf(step: StepOf<'restore-key'>, entries: readonly ChainEntry[], result: JsonObject | undefined): CeremonyRestoreResult | null {
  const p = step.params;
  let latest: Extract<ChainEntry['entry'], { type: 'key-generated' }>['data'] | null = null;
  for (const { entry } of entries) {
    if (entry.type === 'key-generated' && entry.data.label === p.label) latest = entry.data;
  }
  if (!latest) return null;
  const recorded = latest;
  const from = obj(result?.restoredFrom);
  const wrapped = obj(from?.wrappedKey);
  const attributes = SHOWN_ATTRIBUTES.flatMap((name) => {
    const value = recorded.attributes[name];
    return value === undefined || value === null ? [] : [{ name, value: String(value).slice(0, 64) }];
  });
  const fingerprint = recorded.fingerprint ? { hex: hashForPeople(recorded.fingerprint.hex).grouped, words: [...recorded.fingerprint.words] } : null;
  return {
    label: recorded.label,
    id: recorded.id,
    algorithm: recorded.algorithm,
    role: recorded.hsmRole,
    adopted: recorded.adopted,
    attributes,
    fingerprint,
    fingerprintMatchesPin: fingerprint ? p.fingerprint !== undefined && compact(fingerprint.hex) === compact(p.fingerprint) : null,
    checkValue: str(result?.checkValue, 16),
    identityCheck: str(result?.identityCheck),
    backupCeremonyId: str(from?.ceremonyId, 128),
    wrappedKeySha256: str(wrapped?.sha256, 64),
    custodians: Array.isArray(result?.custodians) ? result.custodians.filter((c): c is string => typeof c === 'string').slice(0, 255).map((c) => c.slice(0, 128)) : [],
  };
}
