// After a resume or a restart of the HSM worker the token's login is gone: a quorum of
// custodians logs in again before the next step that needs it. Recorded like any login.
import type { CeremonyView } from '../../../preload/contract';
import { Banner } from '../../design';
import { useCeremony } from '../../stores/ceremony-context';
import { CustodianPassphrases } from './CustodianPassphrases';

export function ReloginForm({ view }: { view: CeremonyView }) {
  const relogin = useCeremony((s) => s.relogin);
  const pending = useCeremony((s) => s.pending);
  const { quorum } = view;
  const recordPathNeeded = !view.steps.some((s) => s.action === 'quorum-setup');
  return (
    <section className="step-card__section" aria-labelledby="relogin-title" data-testid="relogin">
      <h3 id="relogin-title">The quorum logs in again</h3>
      <Banner tone="warn" title="The token is not logged in">
        <p>The login did not survive the restart. The next step needs it: a quorum of custodians presents again.</p>
      </Banner>
      <CustodianPassphrases
        inputs={{ kind: 'custodian-passphrases', purpose: 'login', custodians: quorum.custodians.map((c) => c.name), needed: quorum.threshold, policy: quorum.policy, recordPathNeeded }}
        submitLabel="Log in again"
        busy={pending === 'relogin'}
        disabled={pending !== null}
        onSubmit={(custodians, recordPath) => relogin(custodians, recordPath)}
      />
    </section>
  );
}
