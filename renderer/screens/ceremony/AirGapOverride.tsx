// The room check found the air gap does not hold: the administrator either fixes it and
// checks again, or records an override with a written reason, which the transcript keeps.
import { useState, type FormEvent } from 'react';
import { Banner, Button } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

const MIN_REASON = 10;

export function AirGapOverride({ status }: { status: 'pass' | 'warn' | 'fail' | null }) {
  const override = useCeremony((s) => s.overrideAirGap);
  const pending = useCeremony((s) => s.pending);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < MIN_REASON) return setProblem(`Write why the ceremony may continue (at least ${MIN_REASON} characters); it is recorded in the transcript.`);
    setProblem(null);
    if (await override(reason.trim())) setReason('');
  };

  return (
    <form className="step-card__section" onSubmit={(e) => void submit(e)} noValidate data-testid="air-gap-override">
      <Banner tone="warn" title={`The air-gap check reported "${status ?? 'not checked'}"`}>
        <p>Disconnect every network and radio and check the room again, or record why the ceremony continues anyway.</p>
      </Banner>
      <div className="field">
        <label className="field__label" htmlFor="air-gap-reason">
          Reason for the override (recorded)
        </label>
        {problem ? (
          <p className="field__error" id="air-gap-reason-error">
            {problem}
          </p>
        ) : null}
        <textarea
          id="air-gap-reason"
          className="field__input field__textarea"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={3}
          maxLength={2000}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'air-gap-reason-error' : undefined}
          data-testid="air-gap-reason"
        />
      </div>
      <div className="step__actions">
        <Button type="submit" busy={pending === 'override'} disabled={pending !== null && pending !== 'override'} data-testid="air-gap-override-submit">
          Record the override
        </Button>
      </div>
    </form>
  );
}
