// What the app's import screen is shown: the pinned root key and its confirmation, the
// camera scan's progress, the verified manifest, and the record of a finished import.
// Views carry fingerprints, facts and paths only; the PIN and key material never appear.
import type { ImportManifest, ImportRecordView, ImportScan, ImportView } from '../../../preload/contract';
import type { VerifiedBundle } from '../format/verify';
import { digestWords, groupedHex } from '../../quorum/fingerprint';
import type { BundleOrigin } from './bundle-source';
import { targetKindOf, type ImportResult } from './import-bundle';
import type { ScanProgress } from './qr-scan';
import type { PinnedRoot } from './root-pin';

export function scanView(progress: ScanProgress): ImportScan {
  return {
    framesRead: progress.framesRead,
    used: progress.used,
    redundant: progress.redundant,
    refused: progress.refused,
    fragmentsKnown: progress.fragmentsKnown,
    fragmentsTotal: progress.fragmentsTotal,
    complete: progress.complete,
    lastRefusal: progress.lastRefusal,
  };
}

export function originText(origin: BundleOrigin): string {
  switch (origin.kind) {
    case 'file':
      return `the file ${origin.path}`;
    case 'qr-images':
      return `${origin.images.length} QR frame image(s), ${origin.framesUsed} of them used`;
    case 'camera':
      return `the camera: ${origin.framesRead} frame(s) read, ${origin.framesUsed} used`;
  }
}

export function manifestView(verified: VerifiedBundle): ImportManifest {
  const m = verified.manifest;
  return {
    ceremonyId: m.ceremonyId,
    transcriptHead: { seq: m.transcriptHead.seq, hash: m.transcriptHead.hash },
    exportedAt: m.exportedAt,
    expiresAt: m.expiresAt,
    rehearsal: m.rehearsal,
    key: { label: m.key.label, id: m.key.id, algorithm: m.key.algorithm, usage: m.key.usage, version: m.key.version, publicKeyFingerprint: m.key.publicKeyFingerprint },
    recipient: {
      name: m.recipient.name,
      kind: m.recipient.kind,
      keyFingerprint: m.recipient.keyFingerprint,
      awsKms: m.recipient.awsKms ? { wrappingAlgorithm: m.recipient.awsKms.wrappingAlgorithm, keyId: m.recipient.awsKms.keyId ?? null } : null,
    },
    wrapMethod: m.wrap.method,
    target: targetKindOf(m),
  };
}

const USAGE_FLAGS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrap', 'unwrap', 'derive'] as const;

export function recordView(result: ImportResult): ImportRecordView {
  const { record, recordFile } = result;
  const o = record.outcome;
  return {
    path: recordFile.path,
    sha256: recordFile.sha256,
    importedAt: record.importedAt,
    outcome:
      o.kind === 'token'
        ? {
            kind: 'token',
            tokenLabel: o.token.label,
            tokenModel: o.token.model,
            tokenSerial: o.token.serial,
            keyLabel: o.key.label,
            keyId: o.key.id,
            sensitive: o.key.attributes.sensitive,
            extractable: o.key.attributes.extractable,
            usage: USAGE_FLAGS.filter((flag) => o.key.attributes[flag] === true),
          }
        : { kind: 'aws-kms', directory: o.directory, files: o.files.map((f) => ({ name: f.name, sha256: f.sha256 })), command: o.command },
  };
}

export interface ViewState {
  root: PinnedRoot | null;
  rootConfirmed: boolean;
  scan: ScanProgress | null;
  loaded: { verified: VerifiedBundle; origin: BundleOrigin; allowRehearsal: boolean } | null;
  record: ImportRecordView | null;
  defaultRecordsDirectory: string;
}

export function importView(state: ViewState): ImportView {
  const { root, loaded } = state;
  return {
    root: root ? { path: root.path, fingerprint: { hex: root.groupedHex, words: root.words }, curve: root.curve, confirmed: state.rootConfirmed } : null,
    scan: state.scan ? scanView(state.scan) : null,
    bundle: loaded
      ? {
          origin: originText(loaded.origin),
          sha256: { hex: groupedHex(Buffer.from(loaded.verified.sha256, 'hex')), words: digestWords(Buffer.from(loaded.verified.sha256, 'hex')) },
          bytes: loaded.verified.bytes.length,
          rehearsalAllowed: loaded.allowRehearsal,
          manifest: manifestView(loaded.verified),
        }
      : null,
    record: state.record,
    defaultRecordsDirectory: state.defaultRecordsDirectory,
  };
}
