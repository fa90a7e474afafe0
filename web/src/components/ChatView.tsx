import { useEffect } from 'react';
import { selectCurrentChat, selectStreaming } from '../stores/chatStore.ts';
import { useChat, useStores } from '../stores/context.tsx';
import { Composer } from './Composer.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { MessageList } from './MessageList.tsx';

export function ChatView() {
  const { chat: chatStore } = useStores();
  const sessionId = useChat((s) => s.currentSessionId);
  const chat = useChat(selectCurrentChat);
  const streaming = useChat((s) => selectStreaming(s) !== null);
  const banner = useChat((s) => s.banner);

  // Escape stops the answer being written, wherever the focus is; panels that close on Escape handle it first.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (selectStreaming(chatStore.getState())) void chatStore.getState().stopRun();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [chatStore]);

  const empty = !sessionId || (chat?.status === 'ready' && chat.items.length === 0);
  return (
    <main className="chat" aria-label="Chat">
      {banner ? <ErrorBanner error={banner} onDismiss={() => chatStore.getState().dismissBanner()} /> : null}
      {empty ? (
        <EmptyState onPick={(q) => void chatStore.getState().send(q)} />
      ) : chat && chat.items.length > 0 ? (
        <MessageList chat={chat} />
      ) : chat?.status === 'error' ? (
        <p className="loading">This conversation could not be loaded.</p>
      ) : (
        <p className="loading" role="status">
          Loading the conversation…
        </p>
      )}
      <Composer streaming={streaming} focusKey={sessionId} />
    </main>
  );
}
