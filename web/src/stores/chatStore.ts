/**
 * The chat: the sessions list, and per session the messages, the streaming
 * run and its tool calls. The socket, re-authentication and reconnects are
 * realtime/connection.ts's; this store only asks it for requests and events.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { UpdateSessionBodySchema, type ChatSessionDto } from '../../../shared/api.ts';
import {
  RUN_EVENT_TYPES,
  RunDiscardedSchema,
  RunDroppedSchema,
  SelectBranchPayloadSchema,
  USER_EVENT_TYPES,
  UserEventSchemas,
  UserMessagePayloadSchema,
  type UserEventPayloads,
  type UserEventType,
  type RunEvent,
  type RunEventType,
} from '../../../shared/protocol.ts';
import type { Api } from '../api/api.ts';
import { newestLeafUnder, parentsFromHistory, questionOf, ROOT_LEAF } from '../chat/branches.ts';
import { mergeJoin } from '../chat/history.ts';
import { discardRun, receiveRunEvent } from '../chat/runEvents.ts';
import { DEFAULT_SESSION_TITLE } from '../chat/titles.ts';
import { emptySessionChat, type SessionChat, type ToolCallView, type UserItem } from '../chat/types.ts';
import { fromErrorBody, toUiError, type UiError } from '../lib/errors.ts';
import { checkCancelAck, checkEmptyAck, checkJoinAck, checkUserMessageAck, parseRunEvent } from '../realtime/acks.ts';
import { createConnection, type ConnectionState } from '../realtime/connection.ts';
import type { SocketFactory } from '../realtime/socket.ts';
import type { AuthStore } from './authStore.ts';

export type { ConnectionState };

export interface ChatState {
  connection: ConnectionState;
  /** Socket id from connection_established. */
  sid: string | null;
  sessions: ChatSessionDto[];
  sessionsLoaded: boolean;
  currentSessionId: string | null;
  chats: Record<string, SessionChat>;
  banner: UiError | null;
  /** The agent a new chat will talk to (null: the server's default); see AgentPicker. */
  newChatAgent: string | null;
  /** Mail sync activity (web/src/mail): bumps on every mail event; `newMail` counts emails synced since last seen. */
  mail: { events: number; newMail: number };

  /** Connects and loads the sessions; safe to call twice. */
  start(): void;
  /** Removes every listener, disconnects and forgets all state (sign-out). */
  stop(): void;
  loadSessions(): Promise<void>;
  /** Shows a session (null: a new, not yet created chat) and subscribes to its events. */
  openSession(id: string | null): Promise<void>;
  renameSession(id: string, title: string): Promise<boolean>;
  deleteSession(id: string): Promise<boolean>;
  /**
   * Sends a message in the current session, creating one first if needed.
   * With `parentId` it starts a new branch after that message (edit, regenerate). False when refused before sending.
   */
  send(content: string, opts?: { parentId?: string | null }): Promise<boolean>;
  /** Asks a run's question again, as a new branch beside it. */
  regenerate(runId: string): Promise<boolean>;
  /** Sends a changed version of a stored message, as a new branch beside it. */
  editMessage(messageId: string, content: string): Promise<boolean>;
  /** Shows another branch: the newest conversation that follows `messageId`. */
  selectBranch(messageId: string): void;
  /** Sends a failed message again. */
  retry(key: string): Promise<void>;
  /** Takes a failed message off the list (the composer gets its text back). */
  discard(key: string): void;
  /** Stops the run streaming in the current session. */
  stopRun(): Promise<void>;
  dismissBanner(): void;
  chooseAgent(name: string | null): void;
  markMailSeen(): void;
  /** Entry point of the per-user events (sidebar sync across tabs and devices). */
  receiveUserEvent(type: UserEventType, payload: unknown): void;
  /** Entry point of every run event (socket listeners call it; tests too); applied in batches, see eventBatchMs. */
  receive(type: RunEventType, payload: unknown): void;
}

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

export type ChatStore = StoreApi<ChatState>;

const initialState = {
  connection: 'offline' as ConnectionState,
  sid: null,
  sessions: [],
  sessionsLoaded: false,
  currentSessionId: null,
  chats: {},
  banner: null,
  newChatAgent: null as string | null,
  mail: { events: 0, newMail: 0 },
};


const bySessionRecency = (a: ChatSessionDto, b: ChatSessionDto) => b.updatedAt.localeCompare(a.updatedAt);

export function createChatStore(deps: ChatDeps): ChatStore {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const ackTimeoutMs = deps.ackTimeoutMs ?? 20_000;
  const offlineAfter = deps.offlineAfterAttempts ?? 3;
  const eventBatchMs = deps.eventBatchMs ?? 25;

  /** Sessions whose events this tab wants; re-joined after a reconnect that lost server state. */
  const joined = new Set<string>();
  let inbox: Array<{ event: RunEvent; receivedAt: number }> = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  return createStore<ChatState>()((set, get) => {
    const connection = createConnection({
      auth: deps.auth,
      connectSocket: deps.connectSocket,
      now,
      offlineAfterAttempts: offlineAfter,
      onState: (state) => set({ connection: state }),
      onSid: (sid) => set({ sid }),
      onConnected(recovered) {
        set({ banner: get().banner?.type === 'network' ? null : get().banner });
        // With connection-state recovery the server replayed what we missed; otherwise ask again.
        if (!recovered) for (const id of joined) void join(id);
        // Stop pressed while offline: the run may still be going on the server.
        for (const [id, c] of Object.entries(get().chats)) if (c.stopRequested) void sendCancel(id);
        if (!get().sessionsLoaded) void get().loadSessions();
      },
      onError(p) {
        if (p.run_id !== undefined && p.seq !== undefined) get().receive('error', p);
        else set({ banner: fromErrorBody(p) });
      },
    });
    const updateChat = (sessionId: string, fn: (c: SessionChat) => SessionChat) =>
      set((s) => ({ chats: { ...s.chats, [sessionId]: fn(s.chats[sessionId] ?? emptySessionChat()) } }));

    const updateItem = (sessionId: string, key: string, fn: (i: UserItem) => UserItem) =>
      updateChat(sessionId, (c) => ({
        ...c,
        items: c.items.map((i) => (i.kind === 'user' && i.key === key ? fn(i) : i)),
      }));

    const showError = (err: unknown) => set({ banner: toUiError(err) });

    /**
     * Applies the events received since the last flush in one state update:
     * a fast stream (hundreds of chunks) renders once per batch, not once per chunk.
     */
    function flushInbox() {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      const batch = inbox;
      inbox = [];
      if (batch.length === 0) return;
      set((s) => {
        const chats = { ...s.chats };
        for (const { event, receivedAt } of batch) {
          const id = event.payload.session_id;
          chats[id] = receiveRunEvent(chats[id] ?? emptySessionChat(), event, receivedAt);
        }
        return { chats };
      });
      for (const { event } of batch) {
        if (event.type === 'conversation_complete') {
          updateChat(event.payload.session_id, (c) => (c.stopRequested ? { ...c, stopRequested: false } : c));
        }
        if (event.type !== 'run_started') continue;
        const sessionId = event.payload.session_id;
        const asked = event.payload.user_message;
        // The question just asked is the end of the branch in view, in every tab.
        if (asked.parent_id !== undefined) {
          updateChat(sessionId, (c) => ({ ...c, parents: { ...c.parents, [asked.id]: asked.parent_id ?? null }, leafId: asked.id }));
        }
        const untitled = get().sessions.find((x) => x.id === sessionId)?.title === DEFAULT_SESSION_TITLE;
        touchSession(sessionId);
        // The server has just titled the session from this first message.
        if (untitled) void get().loadSessions();
      }
    }

    const touchSession = (sessionId: string) =>
      set((s) => {
        const session = s.sessions.find((x) => x.id === sessionId);
        if (!session) return {};
        const updated = { ...session, updatedAt: new Date(now()).toISOString() };
        return { sessions: [updated, ...s.sessions.filter((x) => x.id !== sessionId)] };
      });

    function forgetSession(sessionId: string) {
      joined.delete(sessionId);
      set((s) => {
        const chats = { ...s.chats };
        delete chats[sessionId];
        return {
          sessions: s.sessions.filter((x) => x.id !== sessionId),
          chats,
          currentSessionId: s.currentSessionId === sessionId ? null : s.currentSessionId,
        };
      });
    }

    async function join(sessionId: string) {
      joined.add(sessionId);
      if (!connection.connected) return; // the connect listener joins it
      updateChat(sessionId, (c) => (c.status === 'ready' ? c : { ...c, status: 'loading' }));
      let raw: unknown;
      try {
        raw = await connection.request('join_session', { session_id: sessionId }, ackTimeoutMs);
      } catch {
        return; // disconnected or no answer: the next connect joins again
      }
      const ack = checkJoinAck(raw);
      if (!ack.ok) {
        if (ack.error.type === 'not_found' || ack.error.type === 'forbidden') forgetSession(sessionId);
        else updateChat(sessionId, (c) => ({ ...c, status: 'error', error: ack.error }));
        set({ banner: fromErrorBody(ack.error) });
        return;
      }
      if (!joined.has(sessionId)) return;
      flushInbox(); // what arrived before the answer is applied before it
      updateChat(sessionId, (c) => ({
        ...mergeJoin(c, ack.value, now()),
        parents: { ...c.parents, ...parentsFromHistory(ack.value.messages) },
        leafId: ack.value.active_leaf_id ?? c.leafId,
      }));
    }

    /** When the socket cannot connect yet, the stored history still shows. */
    async function loadHistoryOverRest(sessionId: string) {
      try {
        const messages = await deps.api.sessionMessages(sessionId);
        if (get().chats[sessionId]?.status === 'ready') return; // the join answered first
        updateChat(sessionId, (c) => ({
          ...mergeJoin(c, { messages, active_run: null }, now()),
          parents: { ...c.parents, ...parentsFromHistory(messages) },
          status: 'loading',
        }));
      } catch (err) {
        if (connection.connected) return;
        showError(err);
      }
    }

    function leave(sessionId: string) {
      joined.delete(sessionId);
      if (connection.connected) connection.request('leave_session', { session_id: sessionId }, ackTimeoutMs).catch(() => undefined);
    }

    async function deliver(sessionId: string, item: UserItem) {
      const sentAt = now();
      if (!connection.started) {
        updateItem(sessionId, item.key, (i) => ({ ...i, state: 'failed', error: { type: 'processing_error', message: 'Not connected' } }));
        return;
      }
      let raw: unknown;
      try {
        raw = await connection.request(
          'user_message',
          {
          session_id: sessionId,
          content: item.content,
          ...(item.clientMessageId ? { client_message_id: item.clientMessageId } : {}),
            ...(item.parentId !== undefined ? { parent_id: item.parentId } : {}),
          },
          ackTimeoutMs,
        );
      } catch {
        updateItem(sessionId, item.key, (i) =>
          i.state === 'sending'
            ? {
                ...i,
                state: 'failed',
                error: { type: 'processing_error', message: 'The server did not confirm this message. Check the connection and retry.' },
              }
            : i,
        );
        return;
      }
      const ack = checkUserMessageAck(raw);
      if (!ack.ok) {
        updateItem(sessionId, item.key, (i) => ({ ...i, state: 'failed', error: ack.error }));
        set({ banner: fromErrorBody(ack.error) });
        return;
      }
      const { run_id: runId, queued } = ack.value;
      // run_started may have come first; never step a message back.
      updateItem(sessionId, item.key, (i) => ({ ...i, runId, state: i.state === 'sending' ? (queued ? 'queued' : 'sent') : i.state }));
      updateChat(sessionId, (c) => ({ ...c, sentAt: { ...c.sentAt, [runId]: sentAt } }));
    }

    async function sendCancel(sessionId: string) {
      if (!connection.started) return;
      try {
        const ack = checkCancelAck(await connection.request('cancel', { session_id: sessionId }, ackTimeoutMs));
        if (!ack.ok) set({ banner: fromErrorBody(ack.error) });
        // Nothing was running any more: there is nothing to wait for.
        else if (ack.value.run_id === null) updateChat(sessionId, (c) => ({ ...c, stopRequested: false }));
      } catch {
        set({ banner: { type: 'network', message: 'The stop request did not reach the server.' } });
      }
    }

    type UserEvent = { [K in UserEventType]: { type: K; payload: UserEventPayloads[K] } }[UserEventType];

    function upsertSession(session: ChatSessionDto) {
      set((s) => ({ sessions: [session, ...s.sessions.filter((x) => x.id !== session.id)].sort(bySessionRecency) }));
    }

    function applyUserEvent(e: UserEvent) {
      switch (e.type) {
        case 'session_created':
        case 'session_updated':
          upsertSession(e.payload.session);
          return;
        case 'session_deleted':
          if (get().currentSessionId === e.payload.session_id) {
            set({ banner: { type: 'not_found', message: 'This chat was deleted in another tab or device.' } });
          }
          forgetSession(e.payload.session_id);
          return;
        case 'message_queued': {
          const { session_id: sessionId, run_id: runId, message_id: id, content, client_message_id: cid, created_at } = e.payload;
          const chat = get().chats[sessionId];
          if (!chat) return;
          const known = chat.items.some(
            (i) => i.kind === 'user' && (i.runId === runId || (cid !== undefined && i.clientMessageId === cid)),
          );
          if (known) return;
          const item: UserItem = { kind: 'user', key: id, id, content, state: 'queued', runId, createdAt: created_at };
          updateChat(sessionId, (c) => ({ ...c, items: [...c.items, item] }));
          return;
        }
        case 'run_finished':
          return; // session_updated carries what the sidebar shows
        case 'mail_received':
        case 'mail_account_status': {
          const added = e.type === 'mail_received' ? e.payload.count : 0;
          set((s) => ({ mail: { events: s.mail.events + 1, newMail: s.mail.newMail + added } }));
          return;
        }
      }
    }

    const listeners = {
      run_discarded(raw: unknown) {
        const p = RunDiscardedSchema.safeParse(raw);
        if (p.success) updateChat(p.data.session_id, (c) => discardRun(c, p.data.run_id));
      },
      branch_selected(raw: unknown) {
        const p = SelectBranchPayloadSchema.safeParse(raw);
        if (p.success && get().chats[p.data.session_id]) updateChat(p.data.session_id, (c) => ({ ...c, leafId: p.data.leaf_id }));
      },
      run_dropped(raw: unknown) {
        // A queued message the server dropped before running it (e.g. a restart): it can be sent again.
        const p = RunDroppedSchema.safeParse(raw);
        if (!p.success) return;
        const { run_id: runId, session_id: sessionId, type, message } = p.data;
        if (!get().chats[sessionId]) return;
        updateChat(sessionId, (c) => ({
          ...c,
          items: c.items.map((i) =>
            i.kind === 'user' && i.runId === runId && i.state !== 'sent' ? { ...i, state: 'failed', error: { type, message } } : i,
          ),
        }));
      },
    };
    connection.on('run_discarded', listeners.run_discarded);
    connection.on('run_dropped', listeners.run_dropped);
    connection.on('branch_selected', listeners.branch_selected);
    for (const type of USER_EVENT_TYPES) connection.on(type, ((payload: unknown) => get().receiveUserEvent(type, payload)) as never);
    for (const type of RUN_EVENT_TYPES) {
      if (type !== 'error') connection.on(type, ((payload: unknown) => get().receive(type, payload)) as never);
    }

    return {
      ...initialState,

      start() {
        if (connection.started) return;
        connection.start();
        void get().loadSessions();
      },

      stop() {
        clearTimeout(flushTimer);
        flushTimer = undefined;
        inbox = [];
        connection.stop();
        joined.clear();
        set({ ...initialState });
      },

      async loadSessions() {
        try {
          const sessions = await deps.api.listSessions();
          set({ sessions, sessionsLoaded: true });
        } catch (err) {
          showError(err);
        }
      },

      async openSession(id) {
        const previous = get().currentSessionId;
        set({ currentSessionId: id });
        // A session still streaming an answer this tab asked for keeps its subscription.
        if (previous && previous !== id && !get().chats[previous]?.activeRunId) leave(previous);
        if (!id) return;
        if (!get().chats[id]) updateChat(id, (c) => ({ ...c, status: 'loading' }));
        if (!connection.connected) void loadHistoryOverRest(id);
        await join(id);
      },

      async renameSession(id, title) {
        const body = UpdateSessionBodySchema.safeParse({ title });
        if (!body.success) {
          set({ banner: { type: 'validation_error', message: body.error.issues[0]?.message ?? 'Invalid title' } });
          return false;
        }
        try {
          const updated = await deps.api.renameSession(id, body.data.title);
          set((s) => ({ sessions: s.sessions.map((x) => (x.id === id ? updated : x)) }));
          return true;
        } catch (err) {
          showError(err);
          return false;
        }
      },

      async deleteSession(id) {
        try {
          await deps.api.deleteSession(id);
        } catch (err) {
          showError(err);
          return false;
        }
        forgetSession(id);
        return true;
      },

      async send(raw, opts = {}) {
        const parsed = UserMessagePayloadSchema.shape.content.safeParse(raw);
        if (!parsed.success) {
          set({ banner: { type: 'validation_error', message: parsed.error.issues[0]?.message ?? 'Invalid message' } });
          return false;
        }
        const content = parsed.data;
        let sessionId = get().currentSessionId;
        if (!sessionId) {
          try {
            // Untitled: the server titles a session from its first message.
            const created = await deps.api.createSession(undefined, get().newChatAgent ?? undefined);
            set((s) => ({ sessions: [created, ...s.sessions], chats: { ...s.chats, [created.id]: { ...emptySessionChat(), status: 'ready' } } }));
            sessionId = created.id;
            void get().openSession(created.id);
          } catch (err) {
            showError(err);
            return false;
          }
        }
        const clientMessageId = newId();
        const item: UserItem = {
          kind: 'user',
          key: clientMessageId,
          id: null,
          clientMessageId,
          content,
          state: 'sending',
          createdAt: new Date(now()).toISOString(),
          ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}),
        };
        // A new branch: what followed the parent leaves the view until the branches are switched back.
        const leaf = opts.parentId !== undefined ? { leafId: opts.parentId ?? ROOT_LEAF } : {};
        updateChat(sessionId, (c) => ({ ...c, ...leaf, items: [...c.items, item] }));
        touchSession(sessionId);
        void deliver(sessionId, item);
        return true;
      },

      async retry(key) {
        const sessionId = get().currentSessionId;
        const item = sessionId && get().chats[sessionId]?.items.find((i) => i.kind === 'user' && i.key === key);
        if (!sessionId || !item || item.kind !== 'user' || item.state !== 'failed') return;
        if (item.error?.type === 'not_found') {
          // The chat is gone (deleted elsewhere): the message starts a new one instead of failing forever.
          forgetSession(sessionId);
          await get().send(item.content);
          return;
        }
        const again: UserItem = { ...item, state: 'sending', error: undefined, createdAt: new Date(now()).toISOString() };
        // To the end: it is now the latest thing asked.
        updateChat(sessionId, (c) => ({ ...c, items: [...c.items.filter((i) => i.key !== key), again] }));
        await deliver(sessionId, again);
      },

      discard(key) {
        const sessionId = get().currentSessionId;
        if (!sessionId) return;
        updateChat(sessionId, (c) => ({
          ...c,
          items: c.items.filter((i) => !(i.kind === 'user' && i.key === key && i.state === 'failed')),
        }));
      },

      async stopRun() {
        const sessionId = get().currentSessionId;
        if (!sessionId || !connection.started) return;
        if (!connection.connected) {
          // Said at once, sent when the connection is back (see connect); the answer must not finish regardless.
          updateChat(sessionId, (c) => ({ ...c, stopRequested: true }));
          return;
        }
        await sendCancel(sessionId);
      },

      async regenerate(runId) {
        const sessionId = get().currentSessionId;
        const chat = sessionId ? get().chats[sessionId] : undefined;
        const question = chat && questionOf(chat, runId);
        if (!chat || !question?.id) return false;
        return get().send(question.content, { parentId: chat.parents[question.id] ?? null });
      },

      async editMessage(messageId, content) {
        const sessionId = get().currentSessionId;
        const chat = sessionId ? get().chats[sessionId] : undefined;
        if (!chat) return false;
        return get().send(content, { parentId: chat.parents[messageId] ?? null });
      },

      selectBranch(messageId) {
        const sessionId = get().currentSessionId;
        const chat = sessionId ? get().chats[sessionId] : undefined;
        if (!sessionId || !chat) return;
        const leaf = newestLeafUnder(chat, messageId);
        updateChat(sessionId, (c) => ({ ...c, leafId: leaf }));
        connection
          .request('select_branch', { session_id: sessionId, leaf_id: leaf }, ackTimeoutMs)
          .then((raw) => {
            const ack = checkEmptyAck(raw);
            if (!ack.ok) set({ banner: fromErrorBody(ack.error) });
          })
          .catch(() => undefined); // offline: the view switched here; the next join brings the stored choice
      },

      dismissBanner() {
        set({ banner: null });
      },

      chooseAgent(name) {
        set({ newChatAgent: name });
      },

      markMailSeen() {
        set((s) => ({ mail: { ...s.mail, newMail: 0 } }));
      },

      receiveUserEvent(type, raw) {
        const parsed = UserEventSchemas[type].safeParse(raw);
        if (!parsed.success) {
          console.warn(`Ignored a malformed ${type} event`, raw);
          return;
        }
        applyUserEvent({ type, payload: parsed.data } as UserEvent);
      },

      receive(type, payload) {
        const event = parseRunEvent(type, payload);
        if (!event) {
          console.warn(`Ignored a malformed ${type} event`, payload);
          return;
        }
        inbox.push({ event, receivedAt: now() });
        if (eventBatchMs <= 0) flushInbox();
        else flushTimer ??= setTimeout(flushInbox, eventBatchMs);
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
