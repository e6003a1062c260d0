// One custodian presents their envelope and types their passphrase. The share is checked
// at once against the record; a refusal names the envelope and what to do. The passphrase
// leaves this component's state the moment it is sent.
import type { FormEvent } from 'react';
import { Button, ErrorBanner, TextField } from '../../../design';
import { useQuorumLogin } from '../../../stores/quorum-context';
import { emptySource } from '../shared/envelope-source';
import { useEnvelopeEntry } from '../shared/use-envelope-entry';
import { EnvelopeSourceFields } from '../shared/EnvelopeSourceFields';

export function PresentShareForm() {
  const present = useQuorumLogin((s) => s.present);
  const presenting = useQuorumLogin((s) => s.pending.present);
  const failure = useQuorumLogin((s) => s.failure);
  const { source, setSource, passphrase, setPassphrase, problem, passphraseProblem, take, reset } = useEnvelopeEntry(
    () => emptySource('file'),
    'Type the passphrase of this envelope.',
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const entry = take();
    if (!entry) return;
    const accepted = await present(entry.source, entry.passphrase);
    // The next custodian starts from empty fields; after a refusal the envelope stays for another try.
    if (accepted) reset();
  };

  return (
    <form className="present" onSubmit={(e) => void submit(e)} noValidate data-testid="present-form">
      <h2 className="present__title">Present a share</h2>
      <p className="step__lead">The next custodian comes to the keyboard. Everyone else, please look away while the passphrase is typed.</p>
      <EnvelopeSourceFields value={source} onChange={setSource} problem={problem} testId="present" disabled={presenting} />
      <TextField
        label="Passphrase"
        type="password"
        value={passphrase}
        onChange={(e) => setPassphrase(e.target.value)}
        error={passphraseProblem}
        autoComplete="off"
        spellCheck={false}
        disabled={presenting}
        data-testid="present-passphrase"
      />
      {failure?.operation === 'present' ? (
        <ErrorBanner title={`The share from ${failure.envelope ?? 'this envelope'} was not accepted`} error={failure.error} className="present__error" />
      ) : null}
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={presenting} busyLabel="Opening and checking (about a second)" data-testid="present">
          Present share
        </Button>
      </div>
    </form>
  );
}
