// The script's steps in order, each with its state in words and an icon: done, in
// progress, pending, skipped, exception. The current step is marked as such; any step can
// be selected to look at it (starting a step out of order is main's to refuse, and it does).
import type { CeremonyView } from '../../../preload/contract';
import { StatusBadge, cx } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { stepStatusView } from './words';

export function StepList({ view }: { view: CeremonyView }) {
  const selected = useCeremony((s) => s.selected);
  const select = useCeremony((s) => s.select);
  const shown = selected ?? view.current?.id ?? null;
  return (
    <nav className="step-list" aria-label="Ceremony steps">
      <h2 className="step-list__title">Steps</h2>
      <ol className="step-list__items">
        {view.steps.map((step) => {
          const status = stepStatusView[step.status];
          return (
            <li key={step.id} className={cx('step-list__item', `step-list__item--${step.status}`, step.current && 'step-list__item--current')} data-testid={`step-item-${step.id}`} data-status={step.status}>
              <button
                type="button"
                className={cx('step-list__button', shown === step.id && 'step-list__button--shown')}
                aria-current={step.current ? 'step' : undefined}
                aria-pressed={shown === step.id}
                onClick={() => select(step.id)}
              >
                <span className="step-list__index" aria-hidden="true">
                  {step.index}
                </span>
                <span className="step-list__name">
                  {step.title}
                  {step.current ? <span className="visually-hidden"> (current step)</span> : null}
                  {step.irreversible ? <span className="step-list__irreversible"> · irreversible</span> : null}
                </span>
                <StatusBadge tone={status.tone} label={status.label} />
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
