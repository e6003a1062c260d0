// Who is present, how long each presented share stays, and the wrong passphrases so far.
import type { QuorumLoginView } from '../../../../preload/contract';
import { StatusBadge } from '../../../design';
import { Countdown, useNow } from '../shared/Countdown';

export function QuorumProgress({ view }: { view: QuorumLoginView }) {
  const now = useNow();
  const wrong = view.failedAttempts.filter((f) => f.count > 0);
  return (
    <section className="quorum-progress" aria-labelledby="quorum-progress-title" data-testid="quorum-progress">
      <h2 id="quorum-progress-title" className="visually-hidden">
        Who is present
      </h2>
      <p className="quorum-progress__headline" data-testid="login-progress">
        {view.progress}
      </p>
      <p className="quorum-progress__policy">
        Needed: {view.policySummary}. Token: <strong>{view.tokenLabel}</strong> (slot {view.slotId}).
      </p>
      {view.present.length > 0 ? (
        <ul className="present-list">
          {view.present.map((p) => (
            <li key={p.index} className="present-list__item" data-testid={`present-${p.index}`}>
              <StatusBadge tone="pass" label="Present" />
              <span className="present-list__name">
                {p.name}
                {p.group ? <span className="muted"> ({p.group})</span> : null}
              </span>
              <Countdown until={p.expiresAt} lifetimeSeconds={view.shareLifetimeSeconds} now={now} label={`${p.name}'s share`} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No share presented yet. Each presented share is held for {Math.round(view.shareLifetimeSeconds / 60)} minutes, then forgotten.</p>
      )}
      {wrong.length > 0 ? (
        <ul className="wrong-list" aria-label="Wrong passphrases so far" data-testid="wrong-passphrases">
          {wrong.map((f) => (
            <li key={f.name}>
              <StatusBadge tone="warn" label={`${f.name}: ${f.count} wrong passphrase${f.count === 1 ? '' : 's'}`} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
