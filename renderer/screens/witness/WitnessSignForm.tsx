// Each witness asked to sign enters their key file and passphrase. Signing is possible
// only after they confirm they read the entries shown, and it signs exactly what they
// read: the hash they reviewed goes with the request, and main refuses it if the
// transcript has moved on since. Passphrases leave this form's state when Sign is pressed.
import { useState, type FormEvent } from 'react';
import type { WitnessKeyInput, WitnessRequest } from '../../../preload/contract';
import { Button, ErrorBanner, TextField } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

interface Entry {
  keyFile: string;
  passphrase: string;
}

export function WitnessSignForm({ request, reviewedHash, entriesShown }: { request: WitnessRequest; reviewedHash: string; entriesShown: boolean }) {
  const sign = useCeremony((s) => s.sign);
  const pending = useCeremony((s) => s.pending);
  const failure = useCeremony((s) => s.failure);
  const signers = request.signers.filter((s) => !s.signed);
  const [entries, setEntries] = useState<Record<string, Entry>>({});
  const [reviewed, setReviewed] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const update = (name: string, change: Partial<Entry>) => setEntries((all) => ({ ...all, [name]: { keyFile: '', passphrase: '', ...all[name], ...change } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reviewed) return setProblem('Read the entries first, then confirm that you did.');
    const missing = signers.filter((s) => s.keyKind === 'file' && (!entries[s.name]?.keyFile.startsWith('/') || !entries[s.name]?.passphrase)).map((s) => s.name);
    if (missing.length > 0) return setProblem(`Key file (a full path) and passphrase are needed from: ${missing.join(', ')}.`);
    setProblem(null);
    const witnesses: WitnessKeyInput[] = signers.map((s) => ({ name: s.name, keyFile: entries[s.name]!.keyFile, passphrase: entries[s.name]!.passphrase }));
    setEntries((all) => Object.fromEntries(Object.entries(all).map(([name, e]) => [name, { keyFile: e.keyFile, passphrase: '' }])));
    await sign(request.step, reviewedHash, witnesses);
  };

  const what = request.kind === 'seal' ? 'the seal' : `the checkpoint (entry ${request.targetSeq ?? ''})`;
  return (
    <form className="witness-sign" onSubmit={(e) => void submit(e)} noValidate data-testid="witness-sign-form">
      <label className="choice witness-sign__reviewed">
        <input type="checkbox" checked={reviewed} onChange={(e) => setReviewed(e.target.checked)} disabled={!entriesShown} data-testid="witness-reviewed" />
        <span>
          I read entries 0 to {request.targetSeq ?? request.upTo} and they record what happened in the room. I sign {what}.
        </span>
      </label>
      {signers.map((signer, i) => (
        <fieldset key={signer.name} className="witness-sign__signer">
          <legend className="custodian-inputs__name">{signer.name}</legend>
          {signer.keyKind === 'file' ? (
            <>
              <TextField label={`Key file of ${signer.name}`} value={entries[signer.name]?.keyFile ?? ''} onChange={(e) => update(signer.name, { keyFile: e.target.value })} spellCheck={false} data-testid={`witness-key-file-${i + 1}`} />
              <TextField
                label={`Passphrase of ${signer.name}'s key`}
                type="password"
                value={entries[signer.name]?.passphrase ?? ''}
                onChange={(e) => update(signer.name, { passphrase: e.target.value })}
                autoComplete="off"
                spellCheck={false}
                data-testid={`witness-passphrase-${i + 1}`}
              />
            </>
          ) : (
            <p className="step-card__note">{signer.name} signs with a key on their own PKCS#11 token, which this screen cannot present.</p>
          )}
        </fieldset>
      ))}
      {problem ? (
        <p className="field__error" role="alert" data-testid="witness-problem">
          {problem}
        </p>
      ) : null}
      {failure && (failure.operation === 'sign' || failure.operation === 'review') ? <ErrorBanner title="Signing did not happen" error={failure.error} /> : null}
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={pending === 'sign'} busyLabel="Signing" disabled={!request.ready || (pending !== null && pending !== 'sign')} data-testid="witness-sign">
          Sign {what}
        </Button>
      </div>
    </form>
  );
}
