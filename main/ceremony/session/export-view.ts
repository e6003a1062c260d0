// The export-bundle step card: before it runs, who the bundle is for and what leaves the
// token (the recipient's public key as hex and words, or the transport KEK's label; the
// key, its usage, version and validity), as the script names them; once performed, the
// bundle as the engine wrote and checked it — its file and SHA-256, expiry, rehearsal
// flag and the media it was copied to. Pure functions over the script, the transcript and
// the engine's result, so the card shows what a fresh derivation from them would.
import type { CeremonyExportResult, CeremonyStepInputs } from '../../../preload/contract';
import { spkiFingerprint, spkiFromInput } from '../../bundle/wrap';
import type { ChainEntry, JsonObject } from '../../transcript';
import { hashForPeople } from '../folder/hash-words';
import type { StepOf } from '../script';

type ExportInputs = Extract<CeremonyStepInputs, { kind: 'export-bundle' }>;
type Json = JsonObject[string];

const str = (v: Json | undefined, max = 600): string | null => (typeof v === 'string' ? v.slice(0, max) : null);
const obj = (v: Json | undefined): JsonObject | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null);
const count = (v: Json | undefined): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
const isSha256 = (v: string | null): v is string => v !== null && /^[0-9a-f]{64}$/.test(v);

function people(hex: string): { hex: string; words: string[] } {
  const p = hashForPeople(hex);
  return { hex: p.grouped, words: p.words };
}

/** The recipient's public key fingerprint, or why the script's key cannot be read. */
function recipientKey(step: StepOf<'export-bundle'>): Pick<ExportInputs['recipient'], 'fingerprint' | 'problem'> {
  const r = step.params.recipient;
  if (r.kind === 'transport-kek') return { fingerprint: null, problem: null };
  try {
    return { fingerprint: people(spkiFingerprint(spkiFromInput(r.publicKey, `The public key of the recipient "${r.name}"`))), problem: null };
  } catch (error) {
    return { fingerprint: null, problem: (error instanceof Error ? error.message : String(error)).slice(0, 600) };
  }
}

/** The algorithm of the key to export: as the ceremony generated it, else as the step states it. */
function algorithmOf(step: StepOf<'export-bundle'>, entries: readonly ChainEntry[]): string | null {
  let found: string | null = null;
  for (const { entry } of entries) {
    if (entry.type === 'key-generated' && entry.data.label === step.params.label) found = entry.data.algorithm;
  }
  return found ?? step.params.type ?? null;
}

export function exportInputsOf(step: StepOf<'export-bundle'>, entries: readonly ChainEntry[]): ExportInputs {
  const p = step.params;
  const r = p.recipient;
  return {
    kind: 'export-bundle',
    recipient: {
      name: r.name.slice(0, 128),
      kind: r.kind,
      ...recipientKey(step),
      kekLabel: r.kind === 'transport-kek' ? r.kekLabel.slice(0, 128) : null,
      awsKms: r.kind === 'aws-kms' ? { wrappingAlgorithm: r.awsKms.wrappingAlgorithm, keyId: r.awsKms.keyId?.slice(0, 2048) ?? null } : null,
    },
    key: { label: p.label, algorithm: algorithmOf(step, entries), usage: p.usage, version: p.version, existing: p.existing },
    signingKey: p.signingKey,
    validityDays: p.validityDays,
    qr: p.qr,
    mediaAllowList: p.mediaAllowList ? p.mediaAllowList.map((s) => s.slice(0, 128)) : null,
  };
}

/** The engine's result of a performed export-bundle step, for its card; null when it is not one. */
export function exportResultOf(result: JsonObject | undefined): CeremonyExportResult | null {
  if (!result) return null;
  const sha256 = str(result.bundleSha256, 64);
  const file = str(result.file, 1024);
  const recipient = obj(result.recipient);
  const key = obj(result.key);
  const version = count(key?.version);
  if (!isSha256(sha256) || !file || !recipient || !key || version === null || version < 1) return null;
  const files = Array.isArray(result.files) ? result.files.filter((f): f is string => typeof f === 'string') : [];
  const media = Array.isArray(result.media) ? result.media : [];
  return {
    file,
    sha256: people(sha256),
    bytes: count(result.bytes) ?? 0,
    exportedAt: str(result.exportedAt, 64) ?? '',
    expiresAt: str(result.expiresAt, 64) ?? '',
    rehearsal: result.rehearsal === true,
    recipient: { name: str(recipient.name, 128) ?? '', kind: str(recipient.kind, 32) ?? '', keyFingerprint: str(recipient.keyFingerprint, 64) ?? '' },
    key: { label: str(key.label, 128) ?? '', id: str(key.id, 130) ?? '', algorithm: str(key.algorithm, 32) ?? '', usage: str(key.usage, 16) ?? '', version },
    wrapMethod: str(result.wrapMethod, 32) ?? '',
    qrFolder: files.find((f) => f.endsWith('/'))?.slice(0, 1024) ?? null,
    adopted: result.adopted === true,
    media: media.slice(0, 8).flatMap((m) => {
      const o = obj(m);
      const path = str(o?.path, 4096);
      const medium = str(o?.medium, 256);
      const copied = str(o?.sha256, 64);
      return path && medium && copied ? [{ path, medium, sha256: copied }] : [];
    }),
  };
}
