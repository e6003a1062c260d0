// What a ceremony records about a bundle it exported (a step result in the transcript)
// and the file name it suggests: public facts only, never the wrapped key itself.
import type { JsonObject } from '../../transcript/fields';
import type { ParsedBundle } from './parse';
import type { BundleManifest } from './schema';

export function bundleSummary(bundle: Pick<ParsedBundle, 'manifest' | 'sha256' | 'bytes'>): JsonObject {
  const m = bundle.manifest;
  return {
    bundleSha256: bundle.sha256,
    bytes: bundle.bytes.length,
    ceremonyId: m.ceremonyId,
    transcriptHead: { seq: m.transcriptHead.seq, hash: m.transcriptHead.hash },
    exportedAt: m.exportedAt,
    expiresAt: m.expiresAt,
    rehearsal: m.rehearsal,
    issuer: m.issuer.keyFingerprint,
    recipient: { name: m.recipient.name, kind: m.recipient.kind, keyFingerprint: m.recipient.keyFingerprint },
    key: { id: m.key.id, label: m.key.label, algorithm: m.key.algorithm, usage: m.key.usage, version: m.key.version },
    wrapMethod: m.wrap.method,
  };
}

function slugPart(value: string): string {
  const slug = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 48);
  return slug || 'x';
}

/** "<key label>-v<version>-for-<recipient>[-REHEARSAL].bundle.json", restricted to portable characters (FAT, NTFS, ext4). */
export interface BundleNaming {
  key: Pick<BundleManifest['key'], 'label' | 'version'>;
  recipient: Pick<BundleManifest['recipient'], 'name'>;
  rehearsal: boolean;
}

export function bundleFileName(manifest: BundleNaming): string {
  return `${slugPart(manifest.key.label)}-v${manifest.key.version}-for-${slugPart(manifest.recipient.name)}${manifest.rehearsal ? '-REHEARSAL' : ''}.bundle.json`;
}
