// The ceremony runner: the steps in order with their states, the current step's card,
// the HSM activity, the quorum, and the exception dialog whenever an exception holds the
// ceremony. A rehearsal is marked as one on the screen itself, whatever token is in use.
import type { CeremonyView } from '../../../preload/contract';
import { Button, KeyValueList, StatusBadge } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { ExceptionDialog } from './ExceptionDialog';
import { HsmActivity } from './HsmActivity';
import { KeysPanel } from './KeysPanel';
import { OpenCeremonyForm } from './OpenCeremonyForm';
import { QuorumPanel } from './QuorumPanel';
import { SealedSummary } from './SealedSummary';
import { StepCard } from './StepCard';
import { StepList } from './StepList';

function CeremonyHeader({ view }: { view: CeremonyView }) {
  const close = useCeremony((s) => s.close);
  const pending = useCeremony((s) => s.pending);
  const done = view.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  return (
    <section className="ceremony-header" aria-labelledby="ceremony-title" data-testid="ceremony-header">
      <div className="ceremony-header__titles">
        <h2 id="ceremony-title" className="ceremony-header__title">
          {view.title}
        </h2>
        {view.rehearsal ? (
          <p className="ceremony-rehearsal" data-testid="ceremony-rehearsal">
            REHEARSAL — everything this ceremony makes is marked as a rehearsal and refused by production imports
          </p>
        ) : null}
        <KeyValueList
          columns={2}
          items={[
            { key: 'id', label: 'Ceremony', value: view.ceremonyId, mono: true },
            { key: 'folder', label: 'Folder', value: view.directory, mono: true },
            { key: 'script', label: 'Script', value: view.scriptName, mono: true },
            { key: 'progress', label: 'Progress', value: `${done} of ${view.steps.length} steps` },
          ]}
        />
      </div>
      <div className="ceremony-header__actions">
        <StatusBadge tone={view.status === 'sealed' ? 'pass' : view.status === 'aborted' ? 'fail' : 'info'} label={view.status === 'sealed' ? 'Sealed' : view.status === 'aborted' ? 'Aborted' : 'Running'} size="large" />
        <Button variant="quiet" onClick={() => void close()} disabled={pending !== null} data-testid="close-ceremony">
          {view.status === 'running' ? 'Close (resume later)' : 'Close'}
        </Button>
      </div>
    </section>
  );
}

export function CeremonyScreen({ onOpenWitness }: { onOpenWitness: () => void }) {
  const view = useCeremony((s) => s.view);
  return (
    <div className="ceremony-screen" data-testid="ceremony-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Ceremony</h1>
          <p className="page-header__meta">Run a ceremony step by step. Conclave enforces the script: order, preconditions, confirmations, acknowledgements; every step is recorded before it is shown as done.</p>
        </div>
      </div>
      {view ? (
        <div className="runner">
          <CeremonyHeader view={view} />
          <div className="runner__layout">
            <StepList view={view} />
            <div className="runner__main">
              {view.status === 'running' ? <StepCard view={view} onOpenWitness={onOpenWitness} /> : <SealedSummary view={view} />}
              <HsmActivity view={view} />
              <QuorumPanel view={view} />
              <KeysPanel view={view} />
            </div>
          </div>
          {view.exception ? <ExceptionDialog key={view.exception.seq} view={view} exception={view.exception} /> : null}
        </div>
      ) : (
        <OpenCeremonyForm />
      )}
    </div>
  );
}
