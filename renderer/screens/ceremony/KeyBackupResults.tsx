// The checked results of a key backup and a restore, on their step cards. A backup shows
// the values a restore script pins (the wrapped file's SHA-256 and the public key's
// fingerprint, exactly as the script takes them) and the envelopes the custodians took
// away; a restore shows the key as read back from the token — its CKA_ID, its attributes
// — and whether its public key is the one the script pins, in words as well as hex.
import type { CeremonyBackupResult, CeremonyRestoreResult, CeremonyStepInputs } from '../../../preload/contract';
import { Fingerprint, KeyValueList, StatusBadge } from '../../design';

const compactHex = (hex: string) => hex.replace(/\s+/g, '').toLowerCase();

export function BackupResultView({ result }: { result: CeremonyBackupResult }) {
  return (
    <div className="key-result" data-testid="backup-result">
      <KeyValueList
        items={[
          { key: 'key', label: 'Key backed up', value: `${result.label} (${result.algorithm}, CKA_ID ${result.id})`, mono: true },
          { key: 'wrapped', label: `Wrapped key ${result.wrappedKey.file} (${result.wrappedKey.bytes} bytes), SHA-256`, value: <span data-testid="backup-wrapped-sha256">{result.wrappedKey.sha256}</span>, mono: true },
          { key: 'record', label: `Backup record ${result.backupRecord.file}, SHA-256`, value: result.backupRecord.sha256, mono: true },
          { key: 'policy', label: 'Custodians needed to restore', value: result.policy },
          ...(result.checkValue ? [{ key: 'kcv', label: 'Key check value', value: result.checkValue, mono: true }] : []),
          ...(result.check ? [{ key: 'check', label: 'Checked', value: result.check }] : []),
        ]}
      />
      {result.fingerprint ? <Fingerprint label={`Public key of ${result.label}, SHA-256`} hex={result.fingerprint.hex} words={result.fingerprint.words} /> : null}
      <div className="key-result__pins">
        <p className="step-card__note">A restore script pins these two values, copied from this transcript:</p>
        <pre className="mono key-result__pin" data-testid="backup-pins">
          {`wrappedKeySha256: ${result.wrappedKey.sha256}${result.fingerprint ? `\nfingerprint: ${compactHex(result.fingerprint.hex)}` : ''}`}
        </pre>
      </div>
      <ul className="key-result__envelopes" aria-label="Backup-key envelopes">
        {result.envelopes.map((e) => (
          <li key={e.name}>
            <strong>{e.name}</strong>: envelope <span className="mono">{e.fingerprint}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RestoreResultView({ result, inputs }: { result: CeremonyRestoreResult; inputs: CeremonyStepInputs }) {
  const pinned = inputs.kind === 'restore' ? inputs.fingerprint : null;
  return (
    <div className="key-result" data-testid="restore-result">
      <KeyValueList
        items={[
          { key: 'key', label: 'Key on this token', value: `${result.label} (${result.algorithm}, role ${result.role})${result.adopted ? ', adopted after a restart' : ''}`, mono: true },
          { key: 'id', label: "CKA_ID (the original's)", value: <span data-testid="restore-key-id">{result.id}</span>, mono: true },
          ...(result.backupCeremonyId ? [{ key: 'from', label: 'Restored from the backup', value: result.backupCeremonyId, mono: true }] : []),
          ...(result.wrappedKeySha256 ? [{ key: 'sha', label: 'Wrapped key SHA-256 (as pinned)', value: result.wrappedKeySha256, mono: true }] : []),
          ...(result.custodians.length > 0 ? [{ key: 'custodians', label: 'Custodians who presented', value: result.custodians.join(', ') }] : []),
          ...(result.checkValue ? [{ key: 'kcv', label: 'Key check value', value: result.checkValue, mono: true }] : []),
          ...(result.identityCheck ? [{ key: 'identity', label: 'Identity checked', value: result.identityCheck }] : []),
        ]}
      />
      <table className="key-result__attributes" data-testid="restore-attributes">
        <caption>Attributes read back from the token</caption>
        <thead>
          <tr>
            <th scope="col">Attribute</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {result.attributes.map((a) => (
            <tr key={a.name} data-attribute={a.name}>
              <th scope="row" className="mono">
                {a.name}
              </th>
              <td className="mono">{a.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.fingerprint ? (
        <div className="key-result__match" data-testid="restore-fingerprint-match" data-match={String(result.fingerprintMatchesPin)}>
          <StatusBadge tone={result.fingerprintMatchesPin ? 'pass' : 'fail'} label={result.fingerprintMatchesPin ? 'The fingerprint words match the pinned ones' : 'The fingerprint does NOT match the pinned one'} />
          <Fingerprint label="Public key of the restored key, SHA-256" hex={result.fingerprint.hex} words={result.fingerprint.words} />
          {pinned ? <Fingerprint label="Pinned by the script" hex={pinned.hex} words={pinned.words} /> : null}
        </div>
      ) : null}
    </div>
  );
}
