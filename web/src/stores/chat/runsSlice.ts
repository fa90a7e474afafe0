/**
 * The runs: run events applied in batches (a fast stream renders once per
 * batch, not once per chunk), Stop — sent at once, or when the connection is
 * back if pressed while reconnecting — and the server's word that a queued
 * run was dropped or discarded.
 */
import type { StateCreator } from 'zustand/vanilla';
import {
  RUN_EVENT_TYPES,
  RunDiscardedSchema,
  RunDroppedSchema,
  type RunEvent,
  type RunEventType,
} from '../../../../shared/protocol.ts';
import { discardRun, receiveRunEvent } from '../../chat/runEvents.ts';
import { DEFAULT_SESSION_TITLE } from '../../chat/titles.ts';
import { emptySessionChat } from '../../chat/types.ts';
import { fromErrorBody } from '../../lib/errors.ts';
import { checkCancelAck, parseRunEvent } from '../../realtime/acks.ts';
import type { ChatContext, ChatState } from './context.ts';

export interface RunsSlice {
  /** Stops the run streaming in the current session. */
  stopRun(): Promise<void>;
  /** Entry point of every run event (socket listeners call it; tests too); applied in batches, see eventBatchMs. */
  receive(type: RunEventType, payload: unknown): void;
}

export const createRunsSlice =
  (ctx: ChatContext): StateCreator<ChatState, [], [], RunsSlice> =>
  (set, get) => {
    const { connection, updateChat } = ctx;
    let inbox: Array<{ event: RunEvent; receivedAt: number }> = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;

    /** Applies the events received since the last flush in one state update. */
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
        ctx.touchSession(sessionId);
        // The server has just titled the session from this first message.
        if (untitled) void get().loadSessions();
      }
    }
    ctx.flushRunEvents = flushInbox;
    let holds = 0;
    ctx.holdRunEvents = () => {
      flushInbox();
      holds += 1;
    };
    ctx.releaseRunEvents = () => {
      holds = Math.max(0, holds - 1);
      if (holds === 0) flushInbox();
    };
    ctx.onStop.push(() => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      inbox = [];
      holds = 0;
    });

    async function sendCancel(sessionId: string) {
      if (!connection.started) return;
      try {
        const ack = checkCancelAck(await connection.request('cancel', { session_id: sessionId }, ctx.ackTimeoutMs));
        if (!ack.ok) set({ banner: fromErrorBody(ack.error) });
        // Nothing was running any more: there is nothing to wait for.
        else if (ack.value.run_id === null) updateChat(sessionId, (c) => ({ ...c, stopRequested: false }));
      } catch {
        set({ banner: { type: 'network', message: 'The stop request did not reach the server.' } });
      }
    }

    ctx.onConnected.push(() => {
      // Stop pressed while offline: the run may still be going on the server.
      for (const [id, c] of Object.entries(get().chats)) if (c.stopRequested) void sendCancel(id);
    });

    connection.on('run_discarded', (raw: unknown) => {
      const p = RunDiscardedSchema.safeParse(raw);
      if (p.success) updateChat(p.data.session_id, (c) => discardRun(c, p.data.run_id));
    });
    connection.on('run_dropped', (raw: unknown) => {
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
    });
    // `error` comes through the connection's onError (a run's error, or something for the banner).
    for (const type of RUN_EVENT_TYPES) {
      if (type !== 'error') connection.on(type, ((payload: unknown) => get().receive(type, payload)) as never);
    }

    return {
      async stopRun() {
        const sessionId = get().currentSessionId;
        if (!sessionId || !connection.started) return;
        if (!connection.connected) {
          // Said at once, sent when the connection is back (see onConnected); the answer must not finish regardless.
          updateChat(sessionId, (c) => ({ ...c, stopRequested: true }));
          return;
        }
        await sendCancel(sessionId);
      },

      receive(type, payload) {
        const event = parseRunEvent(type, payload);
        if (!event) {
          console.warn(`Ignored a malformed ${type} event`, payload);
          return;
        }
        inbox.push({ event, receivedAt: ctx.now() });
        if (holds > 0) return;
        if (ctx.eventBatchMs <= 0) flushInbox();
        else flushTimer ??= setTimeout(flushInbox, ctx.eventBatchMs);
      },
    };
  };
