// Who acknowledges the step, by role: each person presses their own button (their name on
// it), and the transcript records who did. How many are still needed is said in words.
import type { CeremonyStepCard } from '../../../preload/contract';
import { Button, Icon, StatusBadge } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';

const ROLE_TITLES = { administrator: 'Administrator', custodian: 'Custodians', witness: 'Witnesses' } as const;

export function Acknowledgements({ card }: { card: CeremonyStepCard }) {
  const acknowledge = useCeremony((s) => s.acknowledge);
  const pending = useCeremony((s) => s.pending);
  if (card.acknowledgements.length === 0) return null;
  return (
    <section className="step-card__section" aria-labelledby="acks-title" data-testid="acknowledgements">
      <h3 id="acks-title">Acknowledgements</h3>
      <p className="step-card__note">Each person acknowledges that they watched this step and agree with what it shows.</p>
      <div className="acks">
        {card.acknowledgements.map((ack) => (
          <fieldset key={ack.role} className="acks__role" data-testid={`acks-${ack.role}`}>
            <legend className="acks__legend">
              {ROLE_TITLES[ack.role]}: {ack.label}
              {' '}
              <StatusBadge tone={ack.missing === 0 ? 'pass' : 'warn'} label={ack.missing === 0 ? 'Complete' : `${ack.missing} still needed`} />
            </legend>
            <ul className="acks__people">
              {ack.candidates.map((name) => {
                const done = ack.by.includes(name);
                return (
                  <li key={name} className="acks__person">
                    {done ? (
                      <span className="acks__done" data-testid={`acked-${ack.role}-${name}`}>
                        <Icon name="pass" />
                        <span>{name} acknowledged</span>
                      </span>
                    ) : (
                      <Button
                        onClick={() => void acknowledge(card.id, ack.role, name)}
                        disabled={pending !== null}
                        busy={pending === 'acknowledge'}
                        data-testid={`ack-${ack.role}-${name}`}
                      >
                        {`I, ${name}, acknowledge`}
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
      </div>
    </section>
  );
}
