// Step 3: what the verified bundle holds, for the operator to review before importing:
// the ceremony and transcript point it came from, the key, the recipient, the expiry,
// and, impossible to miss, whether it is a REHEARSAL bundle.
import type { ImportView } from '../../../preload/contract';
import { Banner, Card, Fingerprint, KeyValueList, RehearsalMark, type KeyValueItem } from '../../design';

type LoadedBundle = NonNullable<ImportView['bundle']>;

export function ManifestReview({ bundle }: { bundle: LoadedBundle }) {
  const m = bundle.manifest;
  const items: KeyValueItem[] = [
    { key: 'ceremony', label: 'Ceremony', value: m.ceremonyId, mono: true },
    { key: 'transcript', label: 'Transcript at export', value: `entry ${m.transcriptHead.seq}, hash ${m.transcriptHead.hash}`, mono: true },
    { key: 'exported', label: 'Exported', value: m.exportedAt, mono: true },
    { key: 'expires', label: 'Expires', value: m.expiresAt, mono: true },
    { key: 'key', label: 'Key', value: `${m.key.label} (id ${m.key.id}), ${m.key.algorithm}, usage ${m.key.usage}, version ${m.key.version}` },
    ...(m.key.publicKeyFingerprint ? [{ key: 'public', label: 'Public key SHA-256', value: m.key.publicKeyFingerprint, mono: true }] : []),
    { key: 'recipient', label: 'Recipient', value: `${m.recipient.name} (${m.recipient.kind}, key ${m.recipient.keyFingerprint})` },
    ...(m.recipient.awsKms ? [{ key: 'kms', label: 'AWS KMS', value: `${m.recipient.awsKms.wrappingAlgorithm}${m.recipient.awsKms.keyId ? `, key ${m.recipient.awsKms.keyId}` : ''}` }] : []),
    { key: 'wrap', label: 'Wrapped with', value: m.wrapMethod, mono: true },
    { key: 'target', label: 'Goes to', value: m.target === 'aws-kms' ? 'AWS KMS, as import files' : 'an HSM token, unwrapped inside it' },
    { key: 'rehearsal', label: 'Rehearsal', value: m.rehearsal ? 'YES: a REHEARSAL bundle, for practice only' : 'no' },
    { key: 'source', label: 'Read from', value: bundle.origin },
    { key: 'size', label: 'Size', value: `${bundle.bytes} bytes` },
  ];
  return (
    <Card title="3. What the bundle holds" icon="pass" subtitle="The signature by the pinned root key holds; review the rest before importing." className={m.rehearsal ? 'import-manifest--rehearsal' : undefined}>
      <div className="import-manifest" data-testid="import-manifest" data-rehearsal={m.rehearsal ? 'true' : 'false'}>
        {m.rehearsal ? (
          <div className="import-rehearsal" data-testid="import-rehearsal-banner">
            <RehearsalMark />
            <Banner tone="warn" title="REHEARSAL bundle">
              It was made on a throwaway token in a rehearsal. Import it only into a practice token; it must never protect anything real.
            </Banner>
          </div>
        ) : null}
        <Banner tone="pass" title={`Verified: ${m.key.label} for ${m.recipient.name}`}>
          Signed by the pinned root key, in its exact format, not expired.
        </Banner>
        <KeyValueList items={items} />
        <Fingerprint label="SHA-256 of the bundle (compare with the ceremony transcript)" hex={bundle.sha256.hex} words={bundle.sha256.words} />
      </div>
    </Card>
  );
}
