/**
 * What the chat store's slices share: the connection, the store's set/get,
 * and the few helpers more than one slice needs. The slices themselves
 * (sessionsSlice, messagesSlice, runsSlice) are composed in ../chatStore.ts,
 * as zustand's slices pattern shows: one store, one state, several files.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ChatSessionDto } from '../../../../shared/api.ts';
import type { Api } from '../../api/api.ts';
import { emptySessionChat, type SessionChat, type UserItem } from '../../chat/types.ts';
import { toUiError, type UiError } from '../../lib/errors.ts';
import type { Connection, ConnectionState } from '../../realtime/connection.ts';
import type { SocketFactory } from '../../realtime/socket.ts';
import type { AuthStore } from '../authStore.ts';
import type { MessagesSlice } from './messagesSlice.ts';
import type { RunsSlice } from './runsSlice.ts';
import type { SessionsSlice } from './sessionsSlice.ts';

/** What the composing store adds itself: the connection's state and the banner. */
export interface ConnectionSlice {
  connection: ConnectionState;
  /** Socket id from connection_established. */
  sid: string | null;
  banner: UiError | null;
  /** Connects and loads the sessions; safe to call twice. */
  start(): void;
  /** Removes every listener, disconnects and forgets all state (sign-out). */
  stop(): void;
  dismissBanner(): void;
}

export type ChatState = ConnectionSlice & SessionsSlice & MessagesSlice & RunsSlice;

export interface ChatDeps {
  auth: AuthStore;
  api: Api;
  connectSocket: SocketFactory;
  now?: () => number;
  newId?: () => string;
  /** How long to wait for an acknowledgement before calling a message failed. */
  ackTimeoutMs?: number;
  /** Reconnection attempts shown as "reconnecting" before the badge says "offline". */
  offlineAfterAttempts?: number;
  /** Run events arriving within this window are applied together (0: each at once). */
  eventBatchMs?: number;
}

type SetState = StoreApi<ChatState>['setState'];
type GetState = StoreApi<ChatState>['getState'];

export interface ChatContext {
  set: SetState;
  get: GetState;
  api: Api;
  connection: Connection;
  now: () => number;
  newId: () => string;
  ackTimeoutMs: number;
  eventBatchMs: number;
  /** Sessions whose events this tab wants; re-joined after a reconnect that lost server state. */
  joined: Set<string>;
  /** Run by the store on every (re)connect, in order; slices add theirs. `recovered`: the server replayed what we missed. */
  onConnected: Array<(recovered: boolean) => void>;
  /** Run by stop() (sign-out): slices drop what they hold outside the state. */
  onStop: Array<() => void>;
  /** Applies run events received but not yet applied (set by the runs slice). */
  flushRunEvents(): void;
  /**
   * Applies what was received so far, then keeps later run events unapplied until `releaseRunEvents`: a join's
   * answer (its snapshot) goes before the events the server sent after it, even when they are read in one go.
   */
  holdRunEvents(): void;
  releaseRunEvents(): void;
  updateChat(sessionId: string, fn: (c: SessionChat) => SessionChat): void;
  updateItem(sessionId: string, key: string, fn: (i: UserItem) => UserItem): void;
  showError(err: unknown): void;
  /** Moves a session to the top of the sidebar: something was just asked in it. */
  touchSession(sessionId: string): void;
  /** Drops a session from this tab (deleted here or elsewhere). */
  forgetSession(sessionId: string): void;
}

export function createChatContext(
  set: SetState,
  get: GetState,
  deps: ChatDeps,
  connection: Connection,
): ChatContext {
  const now = deps.now ?? Date.now;
  const ctx: ChatContext = {
    set,
    get,
    api: deps.api,
    connection,
    now,
    newId: deps.newId ?? (() => crypto.randomUUID()),
    ackTimeoutMs: deps.ackTimeoutMs ?? 20_000,
    eventBatchMs: deps.eventBatchMs ?? 25,
    joined: new Set<string>(),
    onConnected: [],
    onStop: [],
    flushRunEvents: () => undefined,
    holdRunEvents: () => undefined,
    releaseRunEvents: () => undefined,

    updateChat: (sessionId, fn) =>
      set((s) => ({ chats: { ...s.chats, [sessionId]: fn(s.chats[sessionId] ?? emptySessionChat()) } })),

    updateItem: (sessionId, key, fn) =>
      ctx.updateChat(sessionId, (c) => ({
        ...c,
        items: c.items.map((i) => (i.kind === 'user' && i.key === key ? fn(i) : i)),
      })),

    showError: (err) => set({ banner: toUiError(err) }),

    touchSession: (sessionId) =>
      set((s) => {
        const session = s.sessions.find((x) => x.id === sessionId);
        if (!session) return {};
        const updated: ChatSessionDto = { ...session, updatedAt: new Date(now()).toISOString() };
        return { sessions: [updated, ...s.sessions.filter((x) => x.id !== sessionId)] };
      }),

    forgetSession(sessionId) {
      ctx.joined.delete(sessionId);
      set((s) => {
        const chats = { ...s.chats };
        delete chats[sessionId];
        return {
          sessions: s.sessions.filter((x) => x.id !== sessionId),
          chats,
          currentSessionId: s.currentSessionId === sessionId ? null : s.currentSessionId,
        };
      });
    },
  };
  return ctx;
}
