import { describeError, type UiError } from '../lib/errors.ts';

/** An error in words a person understands, with the server's detail when it helps. */
export function ErrorBanner({ error, onDismiss }: { error: UiError; onDismiss?: () => void }) {
  const { title, detail } = describeError(error);
  return (
    <div className={`banner banner-${error.type}`} role="alert" data-error-type={error.type}>
      <div className="banner-text">
        <strong>{title}</strong>
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
