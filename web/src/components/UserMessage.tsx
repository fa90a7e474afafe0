import { useEffect, useRef, useState } from 'react';
import type { ErrorBody } from '../../../shared/errors.ts';
import type { SiblingInfo } from '../chat/branches.ts';
import type { UserItem } from '../chat/types.ts';
import { describeError, fromErrorBody } from '../lib/errors.ts';
import { formatDateTime, formatTime, langOf } from '../lib/format.ts';
import { useChat, useStores } from '../stores/context.tsx';
import { selectStreaming } from '../stores/chatStore.ts';
import { BranchSwitcher } from './BranchSwitcher.tsx';
import { CopyButton } from './CopyButton.tsx';

/** The server's own words for a message it would not run (busy says why: a reply in progress, or a restart). */
const failureText = (error: ErrorBody) => (error.type === 'busy' ? error.message : describeError(fromErrorBody(error)).title);

const STATE_NOTES = {
  sending: 'Sending…',
  queued: 'Queued — the assistant answers it after the current reply.',
} as const;

function EditForm({ item, onDone }: { item: UserItem & { id: string }; onDone: () => void }) {
  const { chat } = useStores();
  const [text, setText] = useState(item.content);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.setSelectionRange(text.length, text.length);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const save = async () => {
    if (!text.trim()) return;
    onDone();
    await chat.getState().editMessage(item.id, text);
  };
  return (
    <form
      className="edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="visually-hidden" htmlFor={`edit-${item.key}`}>
        Edit your message
      </label>
      <textarea
        id={`edit-${item.key}`}
        ref={ref}
        value={text}
        rows={Math.min(8, text.split('\n').length + 1)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            void save();
          }
        }}
        lang={langOf(text)}
      />
      <div className="edit-actions">
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          Send as a new branch
        </button>
      </div>
    </form>
  );
}

export function UserMessage({
  item,
  siblings,
  onRetry,
  onEditFailed,
}: {
  item: UserItem;
  siblings?: SiblingInfo;
  onRetry: () => void;
  onEditFailed: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const streaming = useChat((s) => selectStreaming(s) !== null);
  const stored = item.id !== null && item.state === 'sent' ? (item as UserItem & { id: string }) : null;
  const closeEditor = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton.current?.focus());
  };
  return (
    <div className={`user-message user-${item.state}`} data-state={item.state} data-message-id={item.id ?? undefined}>
      <h3 className="visually-hidden">You said</h3>
      {editing && stored ? (
        <EditForm item={stored} onDone={closeEditor} />
      ) : (
        <div className="bubble" lang={langOf(item.content)}>
          {/* Only a failed Continue after Stop is shown (to retry it): it has no text of its own. */}
          {item.continueRun ? <em>Continue after Stop</em> : item.content}
        </div>
      )}
      {item.state === 'sending' || item.state === 'queued' ? <p className="message-note">{STATE_NOTES[item.state]}</p> : null}
      {item.state === 'failed' ? (
        <div className="message-note message-failed" role="alert">
          <span>Not sent. {item.error ? failureText(item.error) : ''}</span>
          <button type="button" className="link-button" onClick={onRetry}>
            Retry
          </button>
          <button type="button" className="link-button" onClick={onEditFailed}>
            Edit
          </button>
        </div>
      ) : null}
      {stored && !editing ? (
        <div className="message-actions">
          <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
            {formatTime(item.createdAt)}
          </time>
          {siblings ? <BranchSwitcher siblings={siblings} current={stored.id} /> : null}
          <CopyButton text={item.content} what="your message" />
          <button
            ref={editButton}
            type="button"
            className="action-button"
            onClick={() => setEditing(true)}
            disabled={streaming}
            title={streaming ? 'Wait for the answer to finish, or stop it' : 'Edit and send as a new branch'}
          >
            Edit
          </button>
        </div>
      ) : null}
    </div>
  );
}
