// The form state shared by every place a custodian hands over an envelope with its
// passphrase (proof of receipt at setup, presenting a share at login): the envelope
// source draft, the passphrase, and their problems. `take` checks both and, when they are
// usable, empties the passphrase field before anything is sent, so it never outlives the
// press of the button.
import { useState } from 'react';
import type { EnvelopeSource } from '../../../../preload/contract';
import { emptySource, toSource, type SourceDraft } from './envelope-source';

export function useEnvelopeEntry(initial: () => SourceDraft, missingPassphrase: string) {
  const [source, setSource] = useState<SourceDraft>(initial);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [passphraseProblem, setPassphraseProblem] = useState<string | null>(null);

  const take = (): { source: EnvelopeSource; passphrase: string } | null => {
    const checked = toSource(source);
    setProblem('problem' in checked ? checked.problem : null);
    setPassphraseProblem(passphrase ? null : missingPassphrase);
    if ('problem' in checked || !passphrase) return null;
    const typed = passphrase;
    setPassphrase('');
    return { source: checked.source, passphrase: typed };
  };

  /** Empty fields for the next custodian, keeping the chosen kind of source. */
  const reset = () => setSource(emptySource(source.kind));

  return { source, setSource, passphrase, setPassphrase, problem, passphraseProblem, take, reset };
}
