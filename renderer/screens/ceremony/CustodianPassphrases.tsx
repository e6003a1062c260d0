// Custodians type their passphrases for a quorum step: at setup every custodian chooses
// one (typed twice, with the minimum said up front); at a login a quorum of them presents
// (a custodian who does not present leaves the field empty). The passphrases live in this
// form's state only until the button is pressed: the fields are emptied before anything
// is sent, and main overwrites its copy after the one step that uses them.
import { useState, type FormEvent } from 'react';
import type { CeremonyStepInputs, CustodianInput } from '../../../preload/contract';
import { Button, TextField, cx } from '../../design';
import { passphraseHint } from '../quorum/shared/passphrase-hint';
import { isAbsolutePath } from './words';

type CustodianInputs = Extract<CeremonyStepInputs, { kind: 'custodian-passphrases' }>;

interface Entry {
  passphrase: string;
  repeat: string;
  envelope: string;
}

const empty = (): Entry => ({ passphrase: '', repeat: '', envelope: '' });

export interface CustodianPassphrasesProps {
  inputs: CustodianInputs;
  submitLabel: string;
  busy: boolean;
  disabled: boolean;
  onSubmit: (custodians: CustodianInput[], quorumRecordPath: string | undefined) => Promise<boolean>;
}

export function CustodianPassphrases({ inputs, submitLabel, busy, disabled, onSubmit }: CustodianPassphrasesProps) {
  // A key backup seals one envelope per custodian, exactly as the quorum setup does.
  const setup = inputs.purpose !== 'login';
  const [entries, setEntries] = useState<Record<string, Entry>>(() => Object.fromEntries(inputs.custodians.map((name) => [name, empty()])));
  const [recordPath, setRecordPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const update = (name: string, change: Partial<Entry>) => setEntries((all) => ({ ...all, [name]: { ...(all[name] ?? empty()), ...change } }));
  const clear = () => setEntries(Object.fromEntries(inputs.custodians.map((name) => [name, empty()])));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const given = inputs.custodians.filter((name) => (entries[name]?.passphrase ?? '') !== '');
    if (setup) {
      const missing = inputs.custodians.filter((name) => !given.includes(name));
      if (missing.length > 0) return setProblem(`Every custodian chooses a passphrase; still missing: ${missing.join(', ')}.`);
      const differing = inputs.custodians.filter((name) => entries[name]!.passphrase !== entries[name]!.repeat);
      if (differing.length > 0) {
        for (const name of differing) update(name, { passphrase: '', repeat: '' });
        return setProblem(`The two entries of ${differing.join(', ')} differed, so they were cleared. Type the passphrase again, twice.`);
      }
    } else {
      if (given.length < inputs.needed) return setProblem(`${inputs.policy} is needed: ${inputs.needed - given.length} more custodian${inputs.needed - given.length === 1 ? '' : 's'} type their passphrase.`);
      const badEnvelope = given.find((name) => entries[name]!.envelope !== '' && !isAbsolutePath(entries[name]!.envelope));
      if (badEnvelope) return setProblem(`The envelope file of ${badEnvelope} is not a full path (it starts with "/").`);
      if (inputs.recordPathNeeded && !isAbsolutePath(recordPath)) return setProblem('Give the full path of the quorum record (quorum-record.json), starting with "/".');
    }
    setProblem(null);
    const custodians: CustodianInput[] = given.map((name) => {
      const e = entries[name]!;
      return {
        name,
        passphrase: e.passphrase,
        ...(setup ? { passphraseRepeat: e.repeat } : {}),
        ...(!setup && e.envelope ? { envelopePath: e.envelope } : {}),
      };
    });
    clear();
    await onSubmit(custodians, inputs.recordPathNeeded && recordPath ? recordPath : undefined);
  };

  return (
    <form className="custodian-inputs" onSubmit={(e) => void submit(e)} noValidate data-testid={`custodian-form-${inputs.purpose}`}>
      <p className="step-card__note">
        {setup
          ? `Each custodian in turn comes to the keyboard and chooses a passphrase (typed twice) for their ${inputs.purpose === 'backup' ? 'backup-key envelope' : 'share envelope'}. Everyone else looks away. Policy: ${inputs.policy}.`
          : `A quorum (${inputs.policy}) presents: each presenting custodian types their passphrase; leave the fields of custodians who do not present empty. Envelopes are taken from the ceremony folder unless a file is given.`}
      </p>
      <ol className="custodian-inputs__list">
        {inputs.custodians.map((name, i) => {
          const e = entries[name] ?? empty();
          const hint = setup ? passphraseHint(e.passphrase, e.repeat, name) : null;
          return (
            <li key={name} className="custodian-inputs__item">
              <fieldset className="custodian-inputs__fieldset">
                <legend className="custodian-inputs__name">{name}</legend>
                <TextField
                  label={setup ? `Passphrase of ${name}` : `Passphrase of ${name} (empty: does not present)`}
                  type="password"
                  value={e.passphrase}
                  onChange={(ev) => update(name, { passphrase: ev.target.value })}
                  autoComplete="off"
                  spellCheck={false}
                  disabled={disabled}
                  data-testid={`custodian-passphrase-${i + 1}`}
                />
                {setup ? (
                  <>
                    <TextField
                      label={`${name}: the same passphrase again`}
                      type="password"
                      value={e.repeat}
                      onChange={(ev) => update(name, { repeat: ev.target.value })}
                      autoComplete="off"
                      spellCheck={false}
                      disabled={disabled}
                      data-testid={`custodian-repeat-${i + 1}`}
                    />
                    {hint && e.passphrase ? (
                      <p className={cx('strength', `strength--${hint.tone}`)} aria-live="polite">
                        {hint.text}
                      </p>
                    ) : null}
                  </>
                ) : e.passphrase ? (
                  <TextField
                    label={`Envelope file of ${name} (only if it is not in the ceremony folder)`}
                    value={e.envelope}
                    onChange={(ev) => update(name, { envelope: ev.target.value })}
                    spellCheck={false}
                    disabled={disabled}
                    data-testid={`custodian-envelope-${i + 1}`}
                  />
                ) : null}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {inputs.recordPathNeeded ? (
        <TextField label="Quorum record (quorum-record.json)" value={recordPath} onChange={(e) => setRecordPath(e.target.value)} spellCheck={false} disabled={disabled} data-testid="quorum-record-path" />
      ) : null}
      {problem ? (
        <p className="field__error" role="alert" data-testid="custodian-problem">
          {problem}
        </p>
      ) : null}
      <div className="step__actions">
        <Button type="submit" variant="primary" icon="lock" busy={busy} busyLabel="Working: see the HSM activity" disabled={disabled && !busy} data-testid="custodian-submit">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
