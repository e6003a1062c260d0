// The restore-key step's inputs. First what the restore checks, as the script pins it: the
// wrapped key file's SHA-256 and the public key the restored key must sign for. Then the
// administrator gives the backup ceremony's folder and Conclave reads it — public files
// only — listing the backup's custodians, whose envelopes are there, and each check
// against the pins, before anyone types a passphrase. Then the custodians who present
// type their backup-envelope passphrase once; the fields are emptied as the button is
// pressed and main overwrites its copy after the one step that uses them.
import { useState, type FormEvent } from 'react';
import type { BackupPreview, CeremonyStepCard, CeremonyStepInputs, CustodianInput } from '../../../preload/contract';
import { Banner, Button, ErrorBanner, Fingerprint, KeyValueList, StatusBadge, TextField } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { isAbsolutePath } from './words';

type RestoreInputsView = Extract<CeremonyStepInputs, { kind: 'restore' }>;

interface Entry {
  passphrase: string;
  envelope: string;
}

const EMPTY: Entry = { passphrase: '', envelope: '' };

export function RestorePins({ inputs }: { inputs: RestoreInputsView }) {
  return (
    <div className="restore-pins" data-testid="restore-pins">
      <h4 className="restore__heading">What the restore checks, as the script pins it</h4>
      <KeyValueList
        items={[
          { key: 'key', label: 'Key restored', value: `${inputs.label} (${inputs.keyType}, role ${inputs.role})`, mono: true },
          { key: 'wrapped', label: 'Wrapped key file in the backup folder', value: inputs.wrappedKeyFile, mono: true },
          {
            key: 'sha',
            label: 'Its SHA-256 must be',
            value: inputs.wrappedKeySha256 ? <span data-testid="restore-pinned-sha256">{inputs.wrappedKeySha256}</span> : 'not pinned: the restore cannot run',
            mono: true,
          },
          { key: 'shares', label: 'Backup record and envelopes', value: `${inputs.sharesFolder}/`, mono: true },
        ]}
      />
      {inputs.fingerprint ? (
        <div data-testid="restore-pinned-fingerprint">
          <Fingerprint label="The restored key must sign for this public key (SHA-256, pinned by the script)" hex={inputs.fingerprint.hex} words={inputs.fingerprint.words} />
        </div>
      ) : (
        <p className="step-card__note">An AES key has no public key: the restored key must have the check value the backup recorded.</p>
      )}
    </div>
  );
}

function PreviewFacts({ preview, inputs }: { preview: BackupPreview; inputs: RestoreInputsView }) {
  const failing = preview.checks.filter((c) => !c.holds);
  return (
    <div className="restore-preview" data-testid="restore-preview" data-checks-hold={String(failing.length === 0)}>
      <h4 className="restore__heading">The backup folder</h4>
      <KeyValueList
        items={[
          { key: 'ceremony', label: 'Backup ceremony', value: `${preview.ceremonyId}${preview.rehearsal ? ' (rehearsal)' : ''}`, mono: true },
          { key: 'made', label: 'Made', value: preview.createdAt, mono: true },
          { key: 'key', label: 'Key backed up', value: `${preview.key.label} (${preview.key.algorithm}, CKA_ID ${preview.key.id})`, mono: true },
          { key: 'sha', label: `SHA-256 of ${preview.wrapped.file}`, value: preview.wrapped.sha256 ?? 'cannot be read', mono: true },
          { key: 'policy', label: 'Custodians needed', value: preview.policy },
        ]}
      />
      {preview.key.fingerprint && inputs.fingerprint ? (
        <Fingerprint label="Public key the backup record lists: compare its words with the pinned ones above" hex={preview.key.fingerprint.hex} words={preview.key.fingerprint.words} />
      ) : null}
      <ul className="preconditions" data-testid="restore-checks">
        {preview.checks.map((c) => (
          <li key={c.id} className="preconditions__item" data-testid={`restore-check-${c.id}`} data-holds={String(c.holds)}>
            <StatusBadge tone={c.holds ? 'pass' : 'fail'} label={c.holds ? 'Holds' : 'Does not hold'} />
            <span className="preconditions__label">{c.label}</span>
            {c.problem ? <span className="preconditions__problem">{c.problem}</span> : null}
          </li>
        ))}
      </ul>
      {failing.length > 0 ? (
        <Banner tone="warn" title="This folder is not the backup the script pins">
          <p>Performing the step now fails before anything touches the token, and the failure is recorded as an exception. Check the folder first.</p>
        </Banner>
      ) : null}
    </div>
  );
}

export function RestoreInputs({ card, inputs }: { card: CeremonyStepCard; inputs: RestoreInputsView }) {
  const inspect = useCeremony((s) => s.inspectBackup);
  const clearPreview = useCeremony((s) => s.clearBackupPreview);
  const perform = useCeremony((s) => s.perform);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const stored = useCeremony((s) => s.backupPreview);
  const preview = stored && stored.step === card.id ? stored.preview : null;
  const [folder, setFolder] = useState(() => preview?.directory ?? '');
  const [entries, setEntries] = useState<Record<string, Entry>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const busy = pending !== null;

  const read = async (event: FormEvent) => {
    event.preventDefault();
    if (!isAbsolutePath(folder)) return setProblem("Give the full path of the backup ceremony's folder, starting with \"/\".");
    setProblem(null);
    await inspect(card.id, folder);
  };

  const update = (name: string, change: Partial<Entry>) => setEntries((all) => ({ ...all, [name]: { ...(all[name] ?? EMPTY), ...change } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!preview) return;
    const presenting = preview.custodians.filter((c) => (entries[c.name]?.passphrase ?? '') !== '');
    if (presenting.length === 0 || (!preview.grouped && presenting.length < preview.threshold)) {
      const more = Math.max(1, preview.threshold - presenting.length);
      return setProblem(`${preview.policy} is needed: ${more} more custodian${more === 1 ? '' : 's'} type their backup-envelope passphrase.`);
    }
    const badEnvelope = presenting.find((c) => entries[c.name]!.envelope !== '' && !isAbsolutePath(entries[c.name]!.envelope));
    if (badEnvelope) return setProblem(`The envelope file of ${badEnvelope.name} is not a full path (it starts with "/").`);
    const unfound = presenting.find((c) => c.envelope !== 'found' && entries[c.name]!.envelope === '');
    if (unfound) return setProblem(`${unfound.name}'s envelope is not in the backup folder: give the envelope file.`);
    setProblem(null);
    const custodians: CustodianInput[] = presenting.map((c) => ({ name: c.name, passphrase: entries[c.name]!.passphrase, ...(entries[c.name]!.envelope ? { envelopePath: entries[c.name]!.envelope } : {}) }));
    setEntries((all) => Object.fromEntries(Object.entries(all).map(([name, e]) => [name, { ...e, passphrase: '' }])));
    await perform(card.id, { backupFolder: preview.directory, custodians });
  };

  return (
    <div className="restore" data-testid="restore-inputs">
      <RestorePins inputs={inputs} />
      <form className="restore__folder" onSubmit={(e) => void read(e)} noValidate data-testid="restore-folder-form">
        <TextField
          label="The backup ceremony's folder"
          hint="The folder its transcript is in: it holds the wrapped key file and the backup-shares folder. Nothing in it is changed."
          value={folder}
          onChange={(e) => {
            setFolder(e.target.value);
            if (preview) clearPreview();
          }}
          spellCheck={false}
          disabled={busy}
          data-testid="restore-folder"
        />
        <div className="step__actions">
          <Button type="submit" busy={pending === 'inspect'} busyLabel="Reading" disabled={busy && pending !== 'inspect'} data-testid="restore-inspect">
            Read the backup folder
          </Button>
        </div>
      </form>
      {failure?.operation === 'inspect' ? <ErrorBanner title="The backup folder could not be read" error={failure.error} /> : null}
      {preview ? (
        <>
          <PreviewFacts preview={preview} inputs={inputs} />
          <form className="custodian-inputs" onSubmit={(e) => void submit(e)} noValidate data-testid="custodian-form-restore">
            <p className="step-card__note">
              Custodians of the backup present their backup-key envelopes ({preview.policy}): each presenting custodian in turn types the passphrase of their envelope, once. Leave the field of a custodian who does not present empty.
            </p>
            <ol className="custodian-inputs__list">
              {preview.custodians.map((c) => {
                const e = entries[c.name] ?? EMPTY;
                return (
                  <li key={c.name} className="custodian-inputs__item" data-testid={`restore-custodian-${c.index}`} data-envelope={c.envelope}>
                    <fieldset className="custodian-inputs__fieldset">
                      <legend className="custodian-inputs__name">
                        {c.name}
                        {c.group ? ` (${c.group})` : ''}
                      </legend>
                      <p className="step-card__note">
                        {c.envelope === 'found' ? 'Envelope found in the backup folder.' : c.envelope === 'not-issued' ? 'The envelope in the backup folder is not the one the backup issued: give the original.' : 'No envelope in the backup folder: give the envelope file.'}
                      </p>
                      <TextField
                        label={`Backup-envelope passphrase of ${c.name} (empty: does not present)`}
                        type="password"
                        value={e.passphrase}
                        onChange={(ev) => update(c.name, { passphrase: ev.target.value })}
                        autoComplete="off"
                        spellCheck={false}
                        disabled={busy}
                        data-testid={`restore-passphrase-${c.index}`}
                      />
                      {e.passphrase || c.envelope !== 'found' ? (
                        <TextField
                          label={`Envelope file of ${c.name} (only if it is not in the backup folder)`}
                          value={e.envelope}
                          onChange={(ev) => update(c.name, { envelope: ev.target.value })}
                          spellCheck={false}
                          disabled={busy}
                          data-testid={`restore-envelope-${c.index}`}
                        />
                      ) : null}
                    </fieldset>
                  </li>
                );
              })}
            </ol>
            {problem ? (
              <p className="field__error" role="alert" data-testid="restore-problem">
                {problem}
              </p>
            ) : null}
            <div className="step__actions">
              <Button type="submit" variant="primary" icon="lock" busy={pending === 'perform'} busyLabel="Working: see the HSM activity" disabled={busy && pending !== 'perform'} data-testid="restore-submit">
                Restore the key onto this token
              </Button>
            </div>
          </form>
        </>
      ) : problem ? (
        <p className="field__error" role="alert" data-testid="restore-problem">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
