// The custodians' part of the setup: who is done, the one custodian at the keyboard now,
// and "Complete setup" once every custodian has proven receipt.
import { useState } from 'react';
import type { QuorumSetupView } from '../../../../preload/contract';
import { Banner, Button, ErrorBanner, KeyValueList } from '../../../design';
import { useQuorumSetup } from '../../../stores/quorum-context';
import { CustodianCard } from './CustodianCard';
import { CustodianProgress } from './CustodianProgress';

export function firstOpen(view: QuorumSetupView): number {
  return (view.custodians.find((c) => !c.proven) ?? view.custodians[0])?.index ?? 1;
}

function CancelSetup() {
  const cancel = useQuorumSetup((s) => s.cancel);
  const cancelling = useQuorumSetup((s) => s.pending.cancel);
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button variant="quiet" onClick={() => setAsking(true)} data-testid="cancel-setup">
        Cancel setup
      </Button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm cancelling the setup">
      <p className="confirm__text">Cancel this setup? Envelopes made so far become useless; the token keeps its current PINs.</p>
      <Button variant="primary" busy={cancelling} busyLabel="Cancelling" onClick={() => void cancel()} data-testid="confirm-cancel-setup">
        Yes, cancel the setup
      </Button>
      <Button onClick={() => setAsking(false)}>Keep going</Button>
    </div>
  );
}

export function SetupInProgress({ view }: { view: QuorumSetupView }) {
  const [selected, setSelected] = useState(() => firstOpen(view));
  const complete = useQuorumSetup((s) => s.complete);
  const completing = useQuorumSetup((s) => s.pending.complete);
  const failure = useQuorumSetup((s) => s.failure);
  const allProven = view.custodians.every((c) => c.proven);
  const next = view.custodians.find((c) => !c.proven && c.index !== selected) ?? null;
  const remaining = view.custodians.filter((c) => !c.proven).length;

  return (
    <div className="setup-run">
      <div className="setup-run__facts">
        <KeyValueList
          columns={2}
          items={[
            { key: 'policy', label: 'Policy', value: <span data-testid="setup-policy">{view.policySummary}</span> },
            { key: 'ceremony', label: 'Ceremony', value: view.ceremonyId, mono: true },
            { key: 'output', label: 'Record folder', value: view.outputDirectory, mono: true },
            { key: 'kdf', label: 'Passphrase hardening', value: `Argon2id, ${Math.round(view.kdf.memoryKiB / 1024)} MiB, ${view.kdf.iterations} passes, ${view.kdf.parallelism} lanes` },
          ]}
        />
        <CancelSetup />
      </div>
      {failure && failure.index === null && failure.operation === 'cancel' ? <ErrorBanner title="The setup could not be cancelled" error={failure.error} /> : null}

      <div className="setup-run__body">
        <CustodianProgress view={view} selected={selected} onSelect={setSelected} />
        <CustodianCard key={selected} view={view} index={selected} next={next} onNext={setSelected} />
      </div>

      <section className="setup-run__complete" aria-labelledby="complete-title">
        <h2 id="complete-title">Complete the setup</h2>
        {allProven ? (
          <Banner tone="pass" title="Every custodian has proven receipt">
            <p>Completing sets the token’s new PINs and writes the quorum record to {view.outputDirectory}.</p>
          </Banner>
        ) : (
          <p className="muted">
            Possible once every custodian has opened their own envelope: {remaining} still to prove.
          </p>
        )}
        {failure && failure.operation === 'complete' ? <ErrorBanner title="The setup could not be completed" error={failure.error} /> : null}
        <Button variant="primary" disabled={!allProven} busy={completing} busyLabel="Completing" onClick={() => void complete()} data-testid="complete-setup">
          Complete setup
        </Button>
      </section>
    </div>
  );
}
