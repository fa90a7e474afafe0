/**
 * The per-user events (every tab and device of the user gets them): the
 * sidebar's sessions created, renamed or deleted elsewhere, a message queued
 * in another tab, and mail sync activity. Applied to the chat store's state.
 */
import type { ChatSessionDto } from '../../../../shared/api.ts';
import type { UserEventPayloads, UserEventType } from '../../../../shared/protocol.ts';
import type { UserItem } from '../../chat/types.ts';
import type { ChatContext } from './context.ts';

export type UserEvent = { [K in UserEventType]: { type: K; payload: UserEventPayloads[K] } }[UserEventType];

const bySessionRecency = (a: ChatSessionDto, b: ChatSessionDto) => b.updatedAt.localeCompare(a.updatedAt);

function upsertSession(ctx: ChatContext, session: ChatSessionDto) {
  ctx.set((s) => ({ sessions: [session, ...s.sessions.filter((x) => x.id !== session.id)].sort(bySessionRecency) }));
}

export function applyUserEvent(ctx: ChatContext, e: UserEvent): void {
  const { set, get, updateChat } = ctx;
  switch (e.type) {
    case 'session_created':
    case 'session_updated':
      upsertSession(ctx, e.payload.session);
      return;
    case 'session_deleted':
      if (get().currentSessionId === e.payload.session_id) {
        set({ banner: { type: 'not_found', message: 'This chat was deleted in another tab or device.' } });
      }
      ctx.forgetSession(e.payload.session_id);
      return;
    case 'message_queued': {
      // Queued in another tab: shown here too before it starts.
      const { session_id: sessionId, run_id: runId, message_id: id, content, client_message_id: cid, created_at } = e.payload;
      const chat = get().chats[sessionId];
      if (!chat) return;
      const known = chat.items.some(
        (i) => i.kind === 'user' && (i.runId === runId || (cid !== undefined && i.clientMessageId === cid)),
      );
      if (known) return;
      const item: UserItem = {
        kind: 'user',
        key: id,
        id,
        content,
        state: 'queued',
        runId,
        createdAt: created_at,
        ...(e.payload.continue_run ? { continueRun: true } : {}),
      };
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
