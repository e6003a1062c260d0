// Choose the token slot: every slot with a token, named by its label and health, from
// the status snapshot main keeps current.
import { useEffect, useId } from 'react';
import type { TokenFacts } from '../../../../preload/contract';
import { Button } from '../../../design';
import { slotTitle, tokenStateView } from '../../../format';
import { useStatus } from '../../../stores/status-context';

export interface SlotSelectProps {
  slots: TokenFacts[];
  value: string;
  onChange: (slotId: string) => void;
  error?: string | null;
  testId: string;
  disabled?: boolean;
  label?: string;
}

export function SlotSelect({ slots, value, onChange, error, testId, disabled, label = 'Token' }: SlotSelectProps) {
  const id = useId();
  const refresh = useStatus((s) => s.refresh);
  const refreshing = useStatus((s) => s.pending.refresh);
  // Tokens change under a ceremony (a setup initializes one; SoftHSM2 then renumbers its
  // slots): list them afresh whenever a slot is to be chosen.
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // A slot that went away is no longer a choice.
  useEffect(() => {
    if (value && !slots.some((s) => s.slotId === value)) onChange('');
  }, [value, slots, onChange]);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <p className="field__hint" id={hintId}>
        {slots.length === 0 ? 'No token is present. Connect the HSM or insert the token, then list the tokens again.' : 'The tokens present now, as on the Status screen.'}
      </p>
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
      <div className="slot-select">
        <select
          id={id}
          className="field__input"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(' ')}
          disabled={disabled}
          data-testid={testId}
        >
          <option value="">Choose a token</option>
          {slots.map((slot) => (
            <option key={slot.slotId} value={slot.slotId}>
              {slotTitle(slot)} (slot {slot.slotId}, {tokenStateView[slot.state].label}
              {slot.token?.serial ? `, serial ${slot.token.serial}` : ''})
            </option>
          ))}
        </select>
        <Button variant="quiet" icon="refresh" busy={refreshing} busyLabel="Listing tokens" onClick={() => void refresh()} data-testid={`${testId}-refresh`}>
          List tokens again
        </Button>
      </div>
    </div>
  );
}
