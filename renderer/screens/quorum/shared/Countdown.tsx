// Time left until a moment main told us about (a presented share's expiry), in minutes
// and seconds, with a bar. Ticks once a second from the renderer clock; main is the one
// that actually expires the share and says so with an event.
import { useEffect, useState } from 'react';

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

export function Countdown({ until, lifetimeSeconds, now, label }: { until: string; lifetimeSeconds: number; now: number; label: string }) {
  const end = Date.parse(until);
  // The clock ticks once a second, so `now` may lag a moment behind a share just presented.
  const remaining = Number.isNaN(end) ? 0 : Math.min(end - now, lifetimeSeconds * 1000);
  const fraction = lifetimeSeconds > 0 ? Math.min(1, Math.max(0, remaining / (lifetimeSeconds * 1000))) : 0;
  const text = remaining > 0 ? `${formatRemaining(remaining)} left` : 'expiring';
  return (
    <span className="countdown" data-testid="countdown">
      <progress className="countdown__bar" max={1000} value={Math.round(fraction * 1000)} aria-label={`${label}: ${text}`} />
      <span className="countdown__text" aria-hidden="true">
        {text}
      </span>
    </span>
  );
}
