/**
 * The sidebar's sessions and which one is open: loading, opening (joining its
 * room, with the stored history), renaming, deleting, and the per-user events
 * that keep every tab's sidebar in sync.
 */
import type { StateCreator } from 'zustand/vanilla';
import { UpdateSessionBodySchema, type ChatSessionDto } from '../../../../shared/api.ts';
import { USER_EVENT_TYPES, UserEventSchemas, type UserEventType } from '../../../../shared/protocol.ts';
import { parentsFromHistory } from '../../chat/branches.ts';
import { mergeJoin } from '../../chat/history.ts';
import { fromErrorBody } from '../../lib/errors.ts';
import { checkJoinAck } from '../../realtime/acks.ts';
import type { ChatContext, ChatState } from './context.ts';
import { applyUserEvent, type UserEvent } from './userEvents.ts';

export interface SessionsSlice {
  sessions: ChatSessionDto[];
  sessionsLoaded: boolean;
  currentSessionId: string | null;
  /** The agent a new chat will talk to (null: the server's default); see AgentPicker. */
  newChatAgent: string | null;
  /** Mail sync activity (web/src/mail): bumps on every mail event; `newMail` counts emails synced since last seen. */
  mail: { events: number; newMail: number };
  loadSessions(): Promise<void>;
  /** Shows a session (null: a new, not yet created chat) and subscribes to its events. */
  openSession(id: string | null): Promise<void>;
  renameSession(id: string, title: string): Promise<boolean>;
  deleteSession(id: string): Promise<boolean>;
  chooseAgent(name: string | null): void;
  markMailSeen(): void;
  /** Entry point of the per-user events (sidebar sync across tabs and devices). */
  receiveUserEvent(type: UserEventType, payload: unknown): void;
}

export const initialSessionsState = {
  sessions: [] as ChatSessionDto[],
  sessionsLoaded: false,
  currentSessionId: null as string | null,
  newChatAgent: null as string | null,
  mail: { events: 0, newMail: 0 },
};


export const createSessionsSlice =
  (ctx: ChatContext): StateCreator<ChatState, [], [], SessionsSlice> =>
  (set, get) => {
    const { connection, updateChat } = ctx;

    /**
     * The run this tab is following in a session and the last seq it applied: a rejoin (reconnect without
     * recovery, after the recovery window, or on another node after the owner died) asks only for what
     * came after, and gets the run's end even when it ended meanwhile (resumed_run).
     */
    function resumePoint(sessionId: string): { run_id: string; after_seq: number } | undefined {
      ctx.flushRunEvents();
      const chat = get().chats[sessionId];
      const turn = chat?.activeRunId ? chat.turns[chat.activeRunId] : undefined;
      if (!turn || turn.fromHistory || turn.status !== 'running' || turn.appliedSeq === 0) return undefined;
      return { run_id: turn.runId, after_seq: turn.appliedSeq };
    }

    async function join(sessionId: string, resume = true) {
      ctx.joined.add(sessionId);
      if (!connection.connected) return; // the connect listener joins it
      updateChat(sessionId, (c) => (c.status === 'ready' ? c : { ...c, status: 'loading' }));
      const from = resume ? resumePoint(sessionId) : undefined;
      let raw: unknown;
      try {
        // What the server sent after its answer waits until the answer is applied (see holdRunEvents).
        raw = await connection.request('join_session', { session_id: sessionId, ...from }, ctx.ackTimeoutMs, ctx.holdRunEvents);
      } catch {
        return; // disconnected or no answer: the next connect joins again
      }
      try {
        await applyJoin(sessionId, raw);
      } finally {
        ctx.releaseRunEvents();
      }
    }

    async function applyJoin(sessionId: string, raw: unknown) {
      const ack = checkJoinAck(raw);
      const gone = ack.ok && ack.value.resumed_run;
      if (gone && gone.status !== 'running' && !gone.events.some((e) => e.type === 'conversation_complete')) {
        // Ended so long ago its events are no longer kept: the stored history is what there is.
        return join(sessionId, false);
      }
      if (!ack.ok) {
        if (ack.error.type === 'not_found' || ack.error.type === 'forbidden') ctx.forgetSession(sessionId);
        else updateChat(sessionId, (c) => ({ ...c, status: 'error', error: ack.error }));
        set({ banner: fromErrorBody(ack.error) });
        return;
      }
      if (!ctx.joined.has(sessionId)) return;
      updateChat(sessionId, (c) => ({
        ...mergeJoin(c, ack.value, ctx.now()),
        parents: { ...c.parents, ...parentsFromHistory(ack.value.messages) },
        leafId: ack.value.active_leaf_id ?? c.leafId,
      }));
    }

    /** When the socket cannot connect yet, the stored history still shows. */
    async function loadHistoryOverRest(sessionId: string) {
      try {
        const messages = await ctx.api.sessionMessages(sessionId);
        if (get().chats[sessionId]?.status === 'ready') return; // the join answered first
        updateChat(sessionId, (c) => ({
          ...mergeJoin(c, { messages, active_run: null }, ctx.now()),
          parents: { ...c.parents, ...parentsFromHistory(messages) },
          status: 'loading',
        }));
      } catch (err) {
        if (connection.connected) return;
        ctx.showError(err);
      }
    }

    function leave(sessionId: string) {
      ctx.joined.delete(sessionId);
      if (connection.connected) connection.request('leave_session', { session_id: sessionId }, ctx.ackTimeoutMs).catch(() => undefined);
    }

    ctx.onConnected.push((recovered) => {
      // With connection-state recovery the server replayed what we missed; otherwise ask again.
      if (!recovered) for (const id of ctx.joined) void join(id);
    });
    for (const type of USER_EVENT_TYPES) connection.on(type, ((payload: unknown) => get().receiveUserEvent(type, payload)) as never);

    return {
      ...initialSessionsState,

      async loadSessions() {
        try {
          const sessions = await ctx.api.listSessions();
          set({ sessions, sessionsLoaded: true });
        } catch (err) {
          ctx.showError(err);
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
          const updated = await ctx.api.renameSession(id, body.data.title);
          set((s) => ({ sessions: s.sessions.map((x) => (x.id === id ? updated : x)) }));
          return true;
        } catch (err) {
          ctx.showError(err);
          return false;
        }
      },

      async deleteSession(id) {
        try {
          await ctx.api.deleteSession(id);
        } catch (err) {
          ctx.showError(err);
          return false;
        }
        ctx.forgetSession(id);
        return true;
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
        applyUserEvent(ctx, { type, payload: parsed.data } as UserEvent);
      },
    };
  };
