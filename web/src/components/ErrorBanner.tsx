import { useState } from 'react';
import { describeError, type UiError } from '../lib/errors.ts';
import { RetryCountdown } from './Countdown.tsx';

/** An error in words a person understands, with the server's detail when it helps. */
export function ErrorBanner({ error, onDismiss }: { error: UiError; onDismiss?: () => void }) {
  const { title, detail } = describeError(error);
  // A wait counts down from when the error was shown.
  const [until] = useState(() => (error.retryAfterMs !== undefined ? Date.now() + error.retryAfterMs : null));
  return (
    <div className={`banner banner-${error.type}`} role="alert" data-error-type={error.type}>
      <div className="banner-text">
        <strong>{until !== null && error.type === 'rate_limit' ? "You're sending messages too quickly." : title}</strong>
        {until !== null ? (
          <span className="countdown" role="timer" aria-live="off">
            {' '}
            <RetryCountdown until={until} />
          </span>
        ) : null}
        {detail && detail !== title ? <span> {detail}</span> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}
