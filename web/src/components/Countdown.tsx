import { useEffect, useState } from 'react';
import { formatWait } from '../lib/errors.ts';

/** Seconds left until `until` (ms since epoch), ticking; "now" once it has passed. */
export function useRemainingMs(until: number | null): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, until - now);
}

/** "Try again in 6 min 27 s" counting down; "You can try again now." at the end. */
export function RetryCountdown({ until }: { until: number }) {
  const left = useRemainingMs(until);
  return <>{left > 0 ? `Try again in ${formatWait(left)}.` : 'You can try again now.'}</>;
}
