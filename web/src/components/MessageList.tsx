import { useLayoutEffect, useRef } from 'react';
import type { SessionChat } from '../chat/types.ts';
import { useStores } from '../stores/context.tsx';
import { AssistantTurn } from './AssistantTurn.tsx';
import { UserMessage } from './UserMessage.tsx';

/** Within this distance of the bottom, new text keeps the view pinned to the end. */
const STICKY_PX = 80;

export function MessageList({ chat }: { chat: SessionChat }) {
  const { chat: chatStore, ui } = useStores();
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  });

  return (
    <div
      ref={ref}
      className="messages"
      role="log"
      aria-label="Conversation"
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
      }}
    >
      <div className="messages-inner">
        {chat.items.map((item) =>
          item.kind === 'user' ? (
            <UserMessage
              key={item.key}
              item={item}
              onRetry={() => void chatStore.getState().retry(item.key)}
              onEdit={() => {
                chatStore.getState().discard(item.key);
                ui.getState().setDraft(item.content);
              }}
            />
          ) : chat.turns[item.runId] ? (
            <AssistantTurn key={item.key} turn={chat.turns[item.runId]!} />
          ) : null,
        )}
      </div>
    </div>
  );
}
