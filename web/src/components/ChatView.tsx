import { useEffect, useLayoutEffect } from 'react';
import { selectCurrentChat, selectStreaming } from '../stores/chatStore.ts';
import { useChat, useStores } from '../stores/context.tsx';
import { AgentPicker, chosenAgent, useAgents } from './AgentPicker.tsx';
import { Composer } from './Composer.tsx';
import { EmptyState } from './EmptyState.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { MessageList } from './MessageList.tsx';

export function ChatView() {
  const { chat: chatStore, ui } = useStores();
  const sessionId = useChat((s) => s.currentSessionId);
  const chat = useChat(selectCurrentChat);
  const streaming = useChat((s) => selectStreaming(s) !== null);
  const banner = useChat((s) => s.banner);
  const stopping = useChat((s) => selectCurrentChat(s)?.stopRequested === true);

  // Each chat keeps its own unsent draft.
  useLayoutEffect(() => ui.getState().switchDraft(sessionId), [ui, sessionId]);

  // Escape stops the answer being written, wherever the focus is; panels that close on Escape handle it first.
  useEffect(() => {
    const composer = () => document.getElementById('composer-input')?.focus();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const mod = e.ctrlKey || e.metaKey;
      // Ctrl/⌘+Shift+O: a new chat (as in ChatGPT).
      if (mod && e.shiftKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        void chatStore.getState().openSession(null);
        requestAnimationFrame(composer);
        return;
      }
      // Shift+Escape, or "/" outside a text field: to the message box.
      const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
      if ((e.key === 'Escape' && e.shiftKey) || (e.key === '/' && !typing && !mod)) {
        e.preventDefault();
        composer();
        return;
      }
      if (e.key !== 'Escape') return;
      if (selectStreaming(chatStore.getState())) void chatStore.getState().stopRun();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [chatStore]);

  const empty = !sessionId || (chat?.status === 'ready' && chat.items.length === 0);
  const agents = useAgents();
  const newChatAgent = chosenAgent(agents, useChat((s) => s.newChatAgent));
  // The mail product's own empty state (examples about mail) fits the mail assistant only.
  const generic = newChatAgent !== undefined && newChatAgent.name !== 'mail-assistant';
  return (
    <main className="chat" aria-label="Chat">
      {banner ? <ErrorBanner error={banner} onDismiss={() => chatStore.getState().dismissBanner()} /> : null}
      {!sessionId ? <AgentPicker agents={agents} /> : null}
      {empty && generic ? (
        <div className="empty-state">
          <h2>Ask {newChatAgent.name}</h2>
          {newChatAgent.description ? <p>{newChatAgent.description}</p> : null}
        </div>
      ) : empty ? (
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
      <Composer streaming={streaming} stopping={stopping} focusKey={sessionId} />
    </main>
  );
}
