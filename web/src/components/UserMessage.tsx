import type { ErrorBody } from '../../../shared/errors.ts';
import type { UserItem } from '../chat/types.ts';
import { describeError, fromErrorBody } from '../lib/errors.ts';
import { langOf } from '../lib/format.ts';

/** The server's own words for a message it would not run (busy says why: a reply in progress, or a restart). */
const failureText = (error: ErrorBody) => (error.type === 'busy' ? error.message : describeError(fromErrorBody(error)).title);

const STATE_NOTES = {
  sending: 'Sending…',
  queued: 'Queued — the assistant answers it after the current reply.',
} as const;

export function UserMessage({ item, onRetry, onEdit }: { item: UserItem; onRetry: () => void; onEdit: () => void }) {
  return (
    <div className={`user-message user-${item.state}`} data-state={item.state}>
      <div className="bubble" lang={langOf(item.content)}>
        {item.content}
      </div>
      {item.state === 'sending' || item.state === 'queued' ? <p className="message-note">{STATE_NOTES[item.state]}</p> : null}
      {item.state === 'failed' ? (
        <div className="message-note message-failed" role="alert">
          <span>Not sent. {item.error ? failureText(item.error) : ''}</span>
          <button type="button" className="link-button" onClick={onRetry}>
            Retry
          </button>
          <button type="button" className="link-button" onClick={onEdit}>
            Edit
          </button>
        </div>
      ) : null}
    </div>
  );
}
