// Quorum login: custodians present their envelopes one at a time until the policy is met;
// then main combines the shares, checks the secret's digest and logs in to the token.
// A token with a PIN pad or PED is unlocked at the device instead. The session can end by
// itself (a share expired, the HSM was removed): main says so and the screen shows why.
import type { QuorumLoginView } from '../../../../preload/contract';
import { Banner, Button, ErrorBanner, Icon } from '../../../design';
import { useQuorumLogin } from '../../../stores/quorum-context';
import { LoginBeginForm } from './LoginBeginForm';
import { PresentShareForm } from './PresentShareForm';
import { QuorumProgress } from './QuorumProgress';

function CancelLogin({ loggedIn }: { loggedIn: boolean }) {
  const cancel = useQuorumLogin((s) => s.cancel);
  const cancelling = useQuorumLogin((s) => s.pending.cancel);
  return (
    <Button onClick={() => void cancel()} busy={cancelling} busyLabel="Ending" data-testid="cancel-login">
      {loggedIn ? 'Log out and end the session' : 'Cancel and forget the presented shares'}
    </Button>
  );
}

function AtDevice({ view }: { view: QuorumLoginView }) {
  const atDevice = useQuorumLogin((s) => s.atDevice);
  const pending = useQuorumLogin((s) => s.pending.atDevice);
  const failure = useQuorumLogin((s) => s.failure);
  return (
    <section className="present" aria-labelledby="at-device-title" data-testid="at-device">
      <h2 id="at-device-title" className="present__title">
        Authenticate at the device
      </h2>
      <p className="step__lead">
        {view.tokenLabel} has its own PIN pad or PED. The custodians enter their part there, not on this keyboard. Press the button, then follow the device’s prompts.
      </p>
      {failure?.operation === 'atDevice' ? <ErrorBanner title="The login at the device did not succeed" error={failure.error} /> : null}
      <div className="step__actions">
        <Button variant="primary" icon="lock" busy={pending} busyLabel="Waiting for the device" onClick={() => void atDevice()} data-testid="at-device-start">
          Start authentication at the device
        </Button>
      </div>
    </section>
  );
}

function LoggedIn({ view }: { view: QuorumLoginView }) {
  // Main's progress ends in "— logged in" once it is; the heading already says so.
  const who = view.progress.replace(/\s+—\s+logged in$/, '');
  const wrong = view.failedAttempts.filter((f) => f.count > 0);
  return (
    <section className="logged-in" aria-labelledby="logged-in-title" data-testid="logged-in">
      <Icon name="pass" className="logged-in__icon" />
      <div className="logged-in__text">
        <h2 id="logged-in-title" className="logged-in__title">
          Logged in to {view.tokenLabel}
        </h2>
        <p className="logged-in__who" data-testid="login-progress">
          {who}
        </p>
        <p>
          Quorum {view.policySummary}, token in slot {view.slotId}. The shares were combined, the secret checked against the record, and every copy of shares and
          PINs in memory overwritten.
        </p>
        {wrong.length > 0 ? (
          <p className="logged-in__wrong" data-testid="wrong-passphrases">
            Wrong passphrases during this login: {wrong.map((f) => `${f.name} ${f.count}`).join(', ')}.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function Ended({ view }: { view: QuorumLoginView }) {
  const reset = useQuorumLogin((s) => s.reset);
  return (
    <div className="login-ended" data-testid="login-ended">
      <Banner tone="warn" title="The login session ended">
        <p className="login-ended__reason">{view.ended}</p>
        <p>To log in, begin again; the custodians present their envelopes once more.</p>
      </Banner>
      <Button variant="primary" onClick={reset} data-testid="login-again">
        Begin a new login
      </Button>
    </div>
  );
}

export function QuorumLoginScreen() {
  const view = useQuorumLogin((s) => s.view);
  const failure = useQuorumLogin((s) => s.failure);

  let body;
  if (!view) body = <LoginBeginForm />;
  else if (view.ended) body = <Ended view={view} />;
  else
    body = (
      <div className="login-run">
        {view.loggedIn ? (
          <LoggedIn view={view} />
        ) : (
          <>
            <QuorumProgress view={view} />
            {view.protectedAuthenticationPath ? <AtDevice view={view} /> : <PresentShareForm />}
          </>
        )}
        {failure?.operation === 'cancel' ? <ErrorBanner title="The session could not be ended" error={failure.error} /> : null}
        <div className="login-run__actions">
          <CancelLogin loggedIn={view.loggedIn} />
        </div>
      </div>
    );

  return (
    <div className="quorum-screen" data-testid="quorum-login-screen">
      <div className="page-header">
        <div className="page-header__titles">
          <h1>Quorum login</h1>
          <p className="page-header__meta">
            {view ? `${view.policySummary} needed to unlock ${view.tokenLabel}.` : 'Unlock the HSM with a quorum of custodians: each presents their envelope and passphrase.'}
          </p>
        </div>
      </div>
      {body}
    </div>
  );
}
