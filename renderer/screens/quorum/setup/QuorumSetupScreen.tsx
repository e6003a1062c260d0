// Quorum setup: the administrator sets the policy and the token, then each custodian in
// turn seals, saves and proves their envelope; the setup completes once all have.
import { useQuorumSetup } from '../../../stores/quorum-context';
import { SetupFinished } from './SetupFinished';
import { SetupInProgress } from './SetupInProgress';
import { SetupStartForm } from './SetupStartForm';

export function QuorumSetupScreen() {
  const view = useQuorumSetup((s) => s.view);
  const finished = view !== null && (view.phase === 'complete' || view.phase === 'failed' || view.phase === 'cancelled');
  return (
    <div className="quorum-screen" data-testid="quorum-setup-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Quorum setup</h1>
          <p className="page-header__meta">
            {!view
              ? 'Split the token’s PINs among custodians, so that only a quorum of them can unlock the HSM.'
              : view.phase === 'complete'
                ? `Done: the quorum ${view.policySummary} now guards the token’s PINs.`
                : finished
                  ? 'This setup has ended.'
                  : `${view.policySummary}: each custodian seals, saves and proves their own envelope.`}
          </p>
        </div>
      </div>
      {!view ? <SetupStartForm /> : finished ? <SetupFinished view={view} /> : <SetupInProgress view={view} />}
    </div>
  );
}
