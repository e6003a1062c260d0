// The step card: what to do at the current step, in the order the engine enforces it —
// preconditions, start, the typed confirmation of an irreversible step, the inputs and
// perform, the checked result with any key fingerprints, the acknowledgements by role,
// and completion. Another step can be looked at too; starting it is main's to refuse
// when it is out of order, and the refusal is shown as main words it.
import type { CeremonyStepCard, CeremonyStepView, CeremonyView } from '../../../preload/contract';
import { Button, Card, ErrorBanner, Fingerprint, StatusBadge } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { Acknowledgements } from './Acknowledgements';
import { AirGapOverride } from './AirGapOverride';
import { ConfirmPhrase } from './ConfirmPhrase';
import { ExportSummary } from './ExportInputs';
import { ExportResultView } from './ExportResult';
import { BackupResultView, RestoreResultView } from './KeyBackupResults';
import { PerformSection } from './PerformSection';
import { Preconditions } from './Preconditions';
import { ReloginForm } from './ReloginForm';
import { stepStatusView } from './words';

function Failure() {
  const failure = useCeremony((s) => s.failure);
  const dismiss = useCeremony((s) => s.dismissFailure);
  // Refusals with a place of their own: the exception dialog, the witness screen, the restore's folder.
  if (!failure || failure.operation === 'resolve' || failure.operation === 'sign' || failure.operation === 'review' || failure.operation === 'inspect') return null;
  return (
    <div data-testid="ceremony-error">
      <ErrorBanner
        title="Conclave refused that"
        error={failure.error}
        actions={
          <Button variant="quiet" onClick={dismiss}>
            Dismiss
          </Button>
        }
      />
    </div>
  );
}

function Keys({ card }: { card: CeremonyStepCard }) {
  if (card.keys.length === 0) return null;
  return (
    <div className="step-card__keys" data-testid="step-keys">
      {card.keys.map((key) =>
        key.fingerprint ? (
          <Fingerprint key={key.label} label={`Public key of ${key.label} (${key.algorithm}), SHA-256${key.adopted ? ', adopted after a restart' : ''}`} hex={key.fingerprint.hex} words={key.fingerprint.words} />
        ) : (
          <p key={key.label} className="step-card__note">
            {key.label} ({key.algorithm}) is a secret key: it has no public key to compare, and never leaves the token.
          </p>
        ),
      )}
    </div>
  );
}

function CurrentStep({ view, card, onOpenWitness }: { view: CeremonyView; card: CeremonyStepCard; onOpenWitness: () => void }) {
  const startStep = useCeremony((s) => s.startStep);
  const complete = useCeremony((s) => s.complete);
  const pending = useCeremony((s) => s.pending);
  const started = card.started;
  const status = stepStatusView[card.status];
  const missing = card.acknowledgements.reduce((n, a) => n + a.missing, 0);
  const readyToPerform = started && (!card.irreversible || card.confirmed) && !card.performed;

  return (
    <Card
      title={`Step ${card.index} of ${view.steps.length}: ${card.title}`}
      subtitle={<span className="mono">{card.action}</span>}
      actions={
        <>
          {card.irreversible ? <StatusBadge tone="warn" label="Irreversible" /> : null}
          <StatusBadge tone={status.tone} label={status.label} />
        </>
      }
      className="step-card"
    >
      <div data-testid="step-card" data-step={card.id}>
        {card.instructions ? <p className="step-card__instructions">{card.instructions}</p> : null}
        {/* Compared before the irreversible confirmation is typed, not only once it has been. */}
        {card.inputs.kind === 'export-bundle' && !card.performed ? <ExportSummary inputs={card.inputs} /> : null}
        <Failure />
        {started ? null : <Preconditions card={card} />}
        {view.airGap.canOverride ? <AirGapOverride status={view.airGap.status} /> : null}
        {view.reloginNeeded ? <ReloginForm view={view} /> : null}
        {!started ? (
          <div className="step__actions">
            <Button variant="primary" busy={pending === 'start'} disabled={pending !== null && pending !== 'start'} onClick={() => void startStep(card.id)} data-testid="start-step">
              Start this step
            </Button>
          </div>
        ) : null}
        {started && card.irreversible && !card.confirmed ? <ConfirmPhrase key={card.id} card={card} /> : null}
        {readyToPerform && !view.reloginNeeded ? <PerformSection card={card} onOpenWitness={onOpenWitness} /> : null}
        {card.performed ? (
          <section className="step-card__section" aria-labelledby="result-title" data-testid="step-result">
            <h3 id="result-title">Result, checked</h3>
            {/* The backup, restore and export results are shown in full below; their one line would repeat them. */}
            {card.backup || card.restore || card.exportResult ? null : <p className="step-card__result">{card.result}</p>}
            {card.backup ? <BackupResultView result={card.backup} /> : null}
            {card.exportResult ? <ExportResultView step={card.id} result={card.exportResult} /> : null}
            {card.restore ? <RestoreResultView result={card.restore} inputs={card.inputs} /> : <Keys card={card} />}
          </section>
        ) : null}
        {started ? <Acknowledgements card={card} /> : null}
        {card.performed ? (
          <div className="step__actions">
            <Button variant="primary" icon="pass" busy={pending === 'complete'} disabled={missing > 0 || (pending !== null && pending !== 'complete')} onClick={() => void complete(card.id)} data-testid="complete-step">
              Complete the step
            </Button>
            {missing > 0 ? <p className="step-card__note">Completing needs every acknowledgement first ({missing} still needed).</p> : null}
          </div>
        ) : null}
      </div>
    </Card>
  );
}

function OtherStep({ view, step }: { view: CeremonyView; step: CeremonyStepView }) {
  const startStep = useCeremony((s) => s.startStep);
  const select = useCeremony((s) => s.select);
  const pending = useCeremony((s) => s.pending);
  const status = stepStatusView[step.status];
  return (
    <Card title={`Step ${step.index} of ${view.steps.length}: ${step.title}`} subtitle={<span className="mono">{step.action}</span>} actions={<StatusBadge tone={status.tone} label={status.label} />} className="step-card">
      <div data-testid="step-card" data-step={step.id}>
        <Failure />
        {step.status === 'pending' ? (
          <>
            <p className="step-card__note">
              This step comes later. {view.current ? `The ceremony is at step ${view.current.index}: ${view.current.title}.` : ''} Conclave runs the steps in the script&apos;s order and refuses any other.
            </p>
            <div className="step__actions">
              <Button busy={pending === 'start'} disabled={pending !== null && pending !== 'start'} onClick={() => void startStep(step.id)} data-testid="start-step">
                Start this step
              </Button>
            </div>
          </>
        ) : (
          <p className="step-card__note">This step is {status.label.toLowerCase()}; the transcript holds what it recorded.</p>
        )}
        <div className="step__actions">
          <Button variant="quiet" onClick={() => select(null)} data-testid="back-to-current">
            Back to the current step
          </Button>
        </div>
      </div>
    </Card>
  );
}

export function StepCard({ view, onOpenWitness }: { view: CeremonyView; onOpenWitness: () => void }) {
  const selected = useCeremony((s) => s.selected);
  const other = selected ? view.steps.find((s) => s.id === selected && !s.current) : undefined;
  if (other) return <OtherStep view={view} step={other} />;
  if (!view.current) return null;
  return <CurrentStep view={view} card={view.current} onOpenWitness={onOpenWitness} />;
}
