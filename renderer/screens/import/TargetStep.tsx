// Step 4: where the key goes. For an HSM: the target token from the status screen's
// module and its user PIN, typed here and sent to main once for one login (it is cleared
// from the field as soon as it is sent, and never kept in a store); a refused PIN is not
// tried again. For AWS KMS: the folder the import files are written to.
import { useState, type FormEvent } from 'react';
import type { ImportView } from '../../../preload/contract';
import { Banner, Button, Card, TextField } from '../../design';
import { useImport } from '../../stores/import-context';
import { useStatus } from '../../stores/status-context';
import { isAbsolutePath } from '../quorum/shared/envelope-source';
import { SlotSelect } from '../quorum/shared/SlotSelect';
import { StepError } from './StepError';

type LoadedBundle = NonNullable<ImportView['bundle']>;

export function TargetStep({ bundle, defaultRecordsDirectory }: { bundle: LoadedBundle; defaultRecordsDirectory: string }) {
  const run = useImport((s) => s.run);
  const pending = useImport((s) => s.pending);
  const tokens = useStatus((s) => s.snapshot?.tokens ?? null);
  const slots = (tokens ?? []).filter((t) => t.token !== null);
  const kms = bundle.manifest.target === 'aws-kms';
  const [slotId, setSlotId] = useState('');
  const [pin, setPin] = useState('');
  const [label, setLabel] = useState('');
  const [records, setRecords] = useState('');
  const [outputDirectory, setOutputDirectory] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const recordsPath = records.trim();
    if (recordsPath && !isAbsolutePath(recordsPath)) found.records = `"${recordsPath}" is not a full path.`;
    if (kms) {
      const out = outputDirectory.trim();
      if (!out) found.out = 'Type the folder for the KMS import files.';
      else if (!isAbsolutePath(out)) found.out = `"${out}" is not a full path.`;
    } else {
      if (!slotId) found.slot = 'Choose the token to import into.';
      if (!pin) found.pin = 'Type the token\'s user PIN.';
    }
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const options = recordsPath ? { recordsDirectory: recordsPath } : {};
    if (kms) {
      await run({ kind: 'aws-kms', outputDirectory: outputDirectory.trim() }, options);
      return;
    }
    const typed = pin;
    setPin('');
    await run({ kind: 'token', slotId, pin: typed, ...(label.trim() ? { label: label.trim() } : {}) }, options);
  };

  const chosen = slots.find((s) => s.slotId === slotId);
  const lowPin = chosen && (chosen.state === 'user-pin-final-try' || chosen.state === 'user-pin-count-low');
  return (
    <Card title="4. Import" icon={kms ? 'module' : 'token'} subtitle={kms ? 'Writes EncryptedKeyMaterial.bin, ImportToken.bin and the aws kms command; nothing is overwritten.' : 'Unwrapped inside the token: sensitive, never extractable, with the usage the bundle names.'}>
      <form className="import-form" onSubmit={(e) => void submit(e)} noValidate data-testid="import-target-form">
        {kms ? (
          <TextField label="Folder for the KMS import files" hint="Made if missing. Run the aws kms command written there within 24 hours of fetching the import token." value={outputDirectory} onChange={(e) => setOutputDirectory(e.target.value)} error={problems.out ?? null} autoComplete="off" spellCheck={false} data-testid="import-kms-out" />
        ) : (
          <>
            <SlotSelect slots={slots} value={slotId} onChange={setSlotId} error={problems.slot ?? null} testId="import-slot" label="Target token" disabled={pending !== null} />
            {lowPin ? (
              <Banner tone="warn" title="Few PIN tries left">
                {chosen.stateDetail} Make sure of the PIN: a wrong one is not tried again, but it counts.
              </Banner>
            ) : null}
            <TextField label="User PIN of the token" hint="Sent once for one login and not kept." type="password" value={pin} onChange={(e) => setPin(e.target.value)} error={problems.pin ?? null} autoComplete="off" spellCheck={false} data-testid="import-pin" />
            <TextField label="Label of the imported key (optional)" hint={`Default: the bundle's label, ${bundle.manifest.key.label}. A label already on the token is refused.`} value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" spellCheck={false} maxLength={128} data-testid="import-label" />
          </>
        )}
        <TextField label="Import records folder (optional)" hint={`Default: ${defaultRecordsDirectory}`} value={records} onChange={(e) => setRecords(e.target.value)} error={problems.records ?? null} autoComplete="off" spellCheck={false} data-testid="import-records" />
        <div className="import-form__actions">
          <Button type="submit" variant="primary" icon="pass" busy={pending === 'run'} busyLabel={kms ? 'Writing the files' : 'Importing'} data-testid="import-run">
            {kms ? 'Write the KMS import files' : 'Import into the token'}
          </Button>
        </div>
      </form>
      <StepError steps={['run']} title="Nothing was imported" />
    </Card>
  );
}
