// The custodian quorum: the policy, whether it has been set up, whether the token is
// logged in now, and who presented at the latest login.
import type { CeremonyView } from '../../../preload/contract';
import { Card, KeyValueList, StatusBadge } from '../../design';

export function QuorumPanel({ view }: { view: CeremonyView }) {
  const { quorum } = view;
  return (
    <Card title="Quorum" icon="people" actions={<StatusBadge tone={quorum.loggedIn ? 'pass' : 'unknown'} label={quorum.loggedIn ? 'Logged in' : 'Not logged in'} />} className="quorum-panel">
      <div data-testid="quorum-panel" data-logged-in={String(quorum.loggedIn)}>
        <KeyValueList
          items={[
            { key: 'policy', label: 'Policy', value: <span data-testid="quorum-policy">{quorum.policy}</span> },
            { key: 'setup', label: 'Set up', value: quorum.setUp ? 'Yes' : 'Not yet (this ceremony sets it up)' },
            { key: 'presented', label: 'Presented at the latest login', value: <span data-testid="quorum-presented">{quorum.presented.length > 0 ? quorum.presented.join(', ') : 'Nobody yet'}</span> },
            { key: 'custodians', label: 'Custodians', value: quorum.custodians.map((c) => (c.group ? `${c.name} (${c.group})` : c.name)).join(', ') },
          ]}
        />
      </div>
    </Card>
  );
}
