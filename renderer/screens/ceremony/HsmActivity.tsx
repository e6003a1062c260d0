// What the HSM and the running step are doing now: the step's own account, the HSM call
// in flight, how long it has run (ticking here between updates from main), how many HSM
// calls so far and, where the step knows it, how far along it is.
import { useEffect, useState } from 'react';
import type { CeremonyView } from '../../../preload/contract';
import { Card, KeyValueList, Spinner, StatusBadge } from '../../design';
import { formatElapsed } from './words';

function useTicking(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function HsmActivity({ view }: { view: CeremonyView }) {
  const { activity, busy } = view;
  // Elapsed as main measured it when it sent the view, plus the time since it arrived.
  const [received, setReceived] = useState(() => ({ at: Date.now(), elapsed: activity?.elapsedMs ?? 0 }));
  useEffect(() => setReceived({ at: Date.now(), elapsed: activity?.elapsedMs ?? 0 }), [activity?.elapsedMs, activity?.startedAt]);
  const now = useTicking(activity !== null);
  const elapsed = activity ? received.elapsed + Math.max(0, now - received.at) : 0;

  return (
    <Card title="HSM activity" icon="token" level={2} actions={<StatusBadge tone={activity ? 'info' : 'unknown'} label={activity ? 'Working' : 'Idle'} />} className="activity">
      <div data-testid="hsm-activity" data-state={activity ? 'working' : 'idle'}>
        {activity ? (
          <>
            <p className="activity__label" role="status" aria-live="polite">
              <Spinner className="activity__spinner" />
              <span data-testid="activity-label">{activity.label}</span>
            </p>
            {activity.progress ? (
              <div className="activity__progress">
                <progress max={activity.progress.total} value={activity.progress.done} aria-label={`${activity.progress.done} of ${activity.progress.total} ${activity.progress.unit} done`} data-testid="activity-progress" />
                <span>
                  {activity.progress.done} of {activity.progress.total} {activity.progress.unit} done
                </span>
              </div>
            ) : null}
            <KeyValueList
              items={[
                { key: 'operation', label: 'The HSM is', value: activity.operation ?? 'between calls' },
                { key: 'elapsed', label: 'Running for', value: <span data-testid="activity-elapsed">{formatElapsed(elapsed)}</span> },
                { key: 'calls', label: 'HSM calls so far', value: String(activity.hsmCalls) },
              ]}
            />
          </>
        ) : (
          <p className="activity__idle">{busy ? `Conclave is busy ${busy}.` : 'Nothing is running on the HSM for the ceremony now.'}</p>
        )}
      </div>
    </Card>
  );
}
