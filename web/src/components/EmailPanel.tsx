import { useEffect, useRef, useState } from 'react';
import type { EmailDetail } from '../../../shared/api.ts';
import { describeError, toUiError, type UiError } from '../lib/errors.ts';
import { formatDateTime, langOf } from '../lib/format.ts';
import { useStores, useUi } from '../stores/context.tsx';

/** The email a tool card pointed at, read from GET /api/emails/:id, beside the chat (full screen on a phone). */
export function EmailPanel() {
  const { api, ui } = useStores();
  const emailId = useUi((s) => s.openEmailId);
  const [email, setEmail] = useState<EmailDetail | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);

  useEffect(() => {
    if (!emailId) return;
    returnFocus.current = document.activeElement;
    closeButton.current?.focus();
    let current = true;
    setEmail(null);
    setError(null);
    api.getEmail(emailId).then(
      (e) => current && setEmail(e),
      (err) => current && setError(toUiError(err)),
    );
    return () => {
      current = false;
    };
  }, [api, emailId]);

  if (!emailId) return null;
  const close = () => {
    ui.getState().openEmail(null);
    if (returnFocus.current instanceof HTMLElement) returnFocus.current.focus();
  };
  return (
    <aside
      className="email-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="email-panel-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
        }
      }}
    >
      <header className="panel-header">
        <h2 id="email-panel-title" lang={email ? langOf(email.subject) : undefined}>
          {email ? email.subject || '(no subject)' : error ? 'Email unavailable' : 'Loading email…'}
        </h2>
        <button ref={closeButton} type="button" className="icon-button" onClick={close} aria-label="Close email">
          ×
        </button>
      </header>
      {error ? <p className="panel-error">{describeError(error).title}</p> : null}
      {email ? (
        <div className="email-body">
          <dl className="email-meta">
            <dt>From</dt>
            <dd lang={langOf(email.fromName)}>
              {email.fromName ? `${email.fromName} <${email.from}>` : email.from}
            </dd>
            <dt>To</dt>
            <dd>{email.to.join(', ') || '—'}</dd>
            {email.cc.length ? (
              <>
                <dt>Cc</dt>
                <dd>{email.cc.join(', ')}</dd>
              </>
            ) : null}
            <dt>Date</dt>
            <dd>{formatDateTime(email.receivedAt)}</dd>
            {email.labels.length ? (
              <>
                <dt>Labels</dt>
                <dd>{email.labels.join(', ')}</dd>
              </>
            ) : null}
          </dl>
          <pre className="email-text" lang={langOf(email.bodyText)}>
            {email.bodyText}
          </pre>
        </div>
      ) : null}
    </aside>
  );
}
