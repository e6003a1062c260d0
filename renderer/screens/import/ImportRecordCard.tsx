// The finished import: where its record was written and what it says came out, the key
// on the token with its protection read back, or the KMS files with their hashes.
import type { ImportRecordView } from '../../../preload/contract';
import { Banner, Card, KeyValueList, type KeyValueItem } from '../../design';

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no');

export function ImportRecordCard({ record }: { record: ImportRecordView }) {
  const o = record.outcome;
  const items: KeyValueItem[] =
    o.kind === 'token'
      ? [
          { key: 'token', label: 'Token', value: `${o.tokenLabel} (${o.tokenModel}, serial ${o.tokenSerial})` },
          { key: 'key', label: 'Imported key', value: `${o.keyLabel} (id ${o.keyId})`, mono: true },
          { key: 'sensitive', label: 'Sensitive', value: yesNo(o.sensitive) },
          { key: 'extractable', label: 'Extractable', value: yesNo(o.extractable) },
          { key: 'usage', label: 'May', value: o.usage.join(', ') || 'nothing' },
        ]
      : [
          { key: 'directory', label: 'Folder', value: o.directory, mono: true },
          ...o.files.map((f) => ({ key: `file-${f.name}`, label: f.name, value: `SHA-256 ${f.sha256}`, mono: true })),
          { key: 'command', label: 'Then run', value: <pre className="import-command">{o.command}</pre> },
        ];
  return (
    <Card title="Import record" icon="pass" subtitle="Kept as a JSON file; it names the bundle by its SHA-256, the root key, who imported when, and the result.">
      <div className="import-record" data-testid="import-record" data-kind={o.kind}>
        <Banner tone="pass" title={o.kind === 'token' ? `Imported "${o.keyLabel}" into ${o.tokenLabel}` : 'The AWS KMS import files are written'} />
        <KeyValueList
          items={[
            { key: 'path', label: 'Record', value: <span data-testid="import-record-path">{record.path}</span>, mono: true },
            { key: 'sha', label: 'Record SHA-256', value: record.sha256, mono: true },
            { key: 'at', label: 'Imported at', value: record.importedAt, mono: true },
            ...items,
          ]}
        />
      </div>
    </Card>
  );
}
