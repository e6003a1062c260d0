// The typed confirmation of an irreversible step: the exact phrase is shown, typed by the
// administrator, and checked by main (a mismatch is refused with the phrase to type).
import { useState, type FormEvent } from 'react';
import type { CeremonyStepCard } from '../../../preload/contract';
import { Button, TextField } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

export function ConfirmPhrase({ card }: { card: CeremonyStepCard }) {
  const confirm = useCeremony((s) => s.confirm);
  const pending = useCeremony((s) => s.pending);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const phrase = card.confirmationPhrase ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!typed) return setProblem(`Type ${phrase} to confirm.`);
    setProblem(null);
    if (await confirm(card.id, typed)) setTyped('');
  };

  return (
    <form className="step-card__section confirm-phrase" onSubmit={(e) => void submit(e)} noValidate data-testid="confirm-form">
      <h3>This step cannot be undone</h3>
      <p className="step-card__note">
        The administrator confirms by typing <strong className="confirm-phrase__phrase mono">{phrase}</strong> exactly.
      </p>
      <TextField label="Confirmation" value={typed} onChange={(e) => setTyped(e.target.value)} error={problem} autoComplete="off" spellCheck={false} data-testid="confirm-phrase" />
      <div className="step__actions">
        <Button type="submit" variant="primary" busy={pending === 'confirm'} disabled={pending !== null && pending !== 'confirm'} data-testid="confirm-submit">
          Confirm the irreversible step
        </Button>
      </div>
    </form>
  );
}
