/**
 * The chat: the sessions list, and per session the messages, the streaming
 * run and its tool calls. One zustand store composed from slices, as
 * zustand's slices pattern shows (chat/sessionsSlice.ts, chat/messagesSlice.ts,
 * chat/runsSlice.ts; what they share is chat/context.ts). The socket,
 * re-authentication and reconnects are realtime/connection.ts's; the store
 * only asks it for requests and events.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionChat, ToolCallView } from '../chat/types.ts';
import { fromErrorBody } from '../lib/errors.ts';
import { createConnection, type ConnectionState } from '../realtime/connection.ts';
import { createChatContext, type ChatContext, type ChatDeps, type ChatState } from './chat/context.ts';
import { createMessagesSlice, initialMessagesState } from './chat/messagesSlice.ts';
import { createRunsSlice } from './chat/runsSlice.ts';
import { createSessionsSlice, initialSessionsState } from './chat/sessionsSlice.ts';

export type { ChatDeps, ChatState, ConnectionState };

export type ChatStore = StoreApi<ChatState>;

const initialState = {
  connection: 'offline' as ConnectionState,
  sid: null,
  banner: null,
  ...initialSessionsState,
  ...initialMessagesState,
};

export function createChatStore(deps: ChatDeps): ChatStore {
  return createStore<ChatState>()((set, get, store) => {
    const connection = createConnection({
      auth: deps.auth,
      connectSocket: deps.connectSocket,
      now: deps.now ?? Date.now,
      offlineAfterAttempts: deps.offlineAfterAttempts ?? 3,
      onState: (state) => set({ connection: state }),
      onSid: (sid) => set({ sid }),
      onConnected(recovered) {
        set({ banner: get().banner?.type === 'network' ? null : get().banner });
        for (const hook of ctx.onConnected) hook(recovered);
        if (!get().sessionsLoaded) void get().loadSessions();
      },
      onError(p) {
        if (p.run_id !== undefined && p.seq !== undefined) get().receive('error', p);
        else set({ banner: fromErrorBody(p) });
      },
    });
    const ctx: ChatContext = createChatContext(set, get, deps, connection);

    return {
      ...createSessionsSlice(ctx)(set, get, store),
      ...createMessagesSlice(ctx)(set, get, store),
      ...createRunsSlice(ctx)(set, get, store),
      connection: initialState.connection,
      sid: initialState.sid,
      banner: initialState.banner,

      start() {
        if (connection.started) return;
        connection.start();
        void get().loadSessions();
      },

      stop() {
        for (const hook of ctx.onStop) hook();
        connection.stop();
        ctx.joined.clear();
        set({ ...initialState });
      },

      dismissBanner() {
        set({ banner: null });
      },
    };
  });
}

// ------------------------------------------------------------ selectors

export const selectCurrentChat = (s: ChatState): SessionChat | undefined =>
  s.currentSessionId ? s.chats[s.currentSessionId] : undefined;

/** The answer streaming in the current session, if any. */
export function selectStreaming(s: ChatState): { sessionId: string; runId: string; messageId: string | null } | null {
  const chat = selectCurrentChat(s);
  const runId = chat?.activeRunId;
  if (!chat || !runId || !s.currentSessionId) return null;
  return { sessionId: s.currentSessionId, runId, messageId: chat.turns[runId]?.messageId ?? null };
}

/** Tool calls of the current session's streaming run that have not finished, by id. */
export function selectPendingToolCalls(s: ChatState): Record<string, ToolCallView> {
  const streaming = selectStreaming(s);
  const turn = streaming && s.chats[streaming.sessionId]?.turns[streaming.runId];
  if (!turn) return {};
  return Object.fromEntries(Object.entries(turn.toolCalls).filter(([, t]) => t.state === 'running'));
}
