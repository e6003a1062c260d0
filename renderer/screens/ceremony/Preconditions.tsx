// What must hold before the step may start, checked by main against the token, the room
// and the transcript; each with whether it holds now and, if not, why.
import type { CeremonyStepCard } from '../../../preload/contract';
import { Button, StatusBadge } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

export function Preconditions({ card }: { card: CeremonyStepCard }) {
  const refresh = useCeremony((s) => s.refresh);
  const pending = useCeremony((s) => s.pending);
  if (card.preconditions.length === 0) return null;
  return (
    <section className="step-card__section" aria-labelledby="preconditions-title" data-testid="preconditions">
      <div className="step-card__section-head">
        <h3 id="preconditions-title">Before it may start</h3>
        <Button variant="quiet" icon="refresh" onClick={() => void refresh()} busy={pending === 'refresh'} busyLabel="Checking" disabled={pending !== null} data-testid="check-preconditions">
          Check again
        </Button>
      </div>
      <ul className="preconditions">
        {card.preconditions.map((p) => (
          <li key={p.id} className="preconditions__item" data-testid={`precondition-${p.id}`} data-holds={p.holds === null ? 'unknown' : String(p.holds)}>
            <StatusBadge tone={p.holds === null ? 'unknown' : p.holds ? 'pass' : 'fail'} label={p.holds === null ? 'Not checked' : p.holds ? 'Holds' : 'Does not hold'} />
            <span className="preconditions__label">{p.label}</span>
            {p.problem ? <span className="preconditions__problem">{p.problem}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
