import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { branchView, isContinuation } from '../chat/branches.ts';
import type { ChatItem, SessionChat } from '../chat/types.ts';
import { useStores } from '../stores/context.tsx';
import { AssistantTurn } from './AssistantTurn.tsx';
import { UserMessage } from './UserMessage.tsx';

/** Within this distance of the bottom, new content keeps the view pinned to the end. */
const STICKY_PX = 80;

/** The newest question this tab is sending: the view goes to it even when scrolled up. */
const sendingKey = (items: ChatItem[]) => {
  const last = items.at(-1);
  return last?.kind === 'user' && last.state === 'sending' ? last.key : null;
};

/**
 * The conversation. Follows new content (also content that grows after a
 * render: a card expanding, an answer re-rendered later) unless the reader
 * scrolled up; then a "jump to latest" button counts the messages that came.
 */
export function MessageList({ chat }: { chat: SessionChat }) {
  const { chat: chatStore, ui } = useStores();
  const ref = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const [away, setAway] = useState(false);
  const seenCount = useRef(0);
  const view = useMemo(() => branchView(chat), [chat]);

  const toBottom = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    pinned.current = true;
    setAway(false);
  }, []);

  // Anything that changes the content's height while pinned keeps the end in view.
  useEffect(() => {
    const content = inner.current;
    if (!content || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, [toBottom]);

  const sending = sendingKey(view.items);
  useLayoutEffect(() => {
    if (sending) pinned.current = true;
    if (pinned.current) {
      toBottom();
      seenCount.current = view.items.length;
    }
  }, [view.items, sending, toBottom]);

  const unseen = away ? Math.max(0, view.items.length - seenCount.current) : 0;

  return (
    <div className="messages-wrap">
      <div
        ref={ref}
        className="messages"
        role="log"
        aria-label="Conversation"
        tabIndex={-1}
        onScroll={(e) => {
          const el = e.currentTarget;
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
          pinned.current = atEnd;
          if (atEnd) seenCount.current = view.items.length;
          setAway(!atEnd);
        }}
      >
        <div ref={inner} className="messages-inner">
          {view.items.map((item, i) =>
            // Continue after Stop: no bubble (unless it failed and can be retried); its answer reads as the stopped one's continuation.
            item.kind === 'user' && isContinuation(item) && item.state !== 'failed' ? null : item.kind === 'user' ? (
              <UserMessage
                key={item.key}
                item={item}
                siblings={item.id ? view.siblings[item.id] : undefined}
                onRetry={() => void chatStore.getState().retry(item.key)}
                onEditFailed={() => {
                  chatStore.getState().discard(item.key);
                  ui.getState().setDraft(item.content);
                }}
              />
            ) : chat.turns[item.runId] ? (
              <AssistantTurn
                key={item.key}
                turn={chat.turns[item.runId]!}
                continuation={i > 0 && isContinuation(view.items[i - 1]!)}
                continued={i + 1 < view.items.length && isContinuation(view.items[i + 1]!)}
              />
            ) : null,
          )}
        </div>
      </div>
      {away ? (
        <button type="button" className="jump-latest" onClick={toBottom} data-unseen={unseen}>
          ↓ {unseen > 0 ? `${unseen} new message${unseen === 1 ? '' : 's'}` : 'Jump to latest'}
        </button>
      ) : null}
    </div>
  );
}
