import type { UserItem } from '../chat/types.ts';
import { describeError, fromErrorBody } from '../lib/errors.ts';
import { langOf } from '../lib/format.ts';

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
          <span>Not sent. {item.error ? describeError(fromErrorBody(item.error)).title : ''}</span>
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
