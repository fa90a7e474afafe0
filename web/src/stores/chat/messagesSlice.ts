/**
 * The messages of each session and their branches: sending (creating the
 * session first if needed), retrying or discarding a failed message, and
 * edit / regenerate / switch branch, which the server stores.
 */
import type { StateCreator } from 'zustand/vanilla';
import { MessageContentSchema, SelectBranchPayloadSchema } from '../../../../shared/protocol.ts';
import { newestLeafUnder, questionOf, ROOT_LEAF } from '../../chat/branches.ts';
import { emptySessionChat, type SessionChat, type UserItem } from '../../chat/types.ts';
import { fromErrorBody } from '../../lib/errors.ts';
import { checkEmptyAck, checkUserMessageAck } from '../../realtime/acks.ts';
import type { ChatContext, ChatState } from './context.ts';

export interface SendOptions {
  /** The stored user message this one follows: a new branch after it (edit, regenerate, continue). */
  parentId?: string | null;
  /** Continue after Stop: sent as the protocol's `continue_run`, without text. */
  continueRun?: boolean;
}

export interface MessagesSlice {
  /** Per session: its messages, turns and branches as this tab knows them. */
  chats: Record<string, SessionChat>;
  /**
   * Sends a message in the current session, creating one first if needed.
   * With `parentId` it starts a new branch after that message (edit, regenerate). False when refused before sending.
   */
  send(content: string, opts?: SendOptions): Promise<boolean>;
  /** Asks a run's question again, as a new branch beside it. */
  regenerate(runId: string): Promise<boolean>;
  /** Continue after Stop: the agent goes on from the stopped answer of `runId` (its continuation follows it). */
  continueAnswer(runId: string): Promise<boolean>;
  /** Sends a changed version of a stored message, as a new branch beside it. */
  editMessage(messageId: string, content: string): Promise<boolean>;
  /** Shows another branch: the newest conversation that follows `messageId`. */
  selectBranch(messageId: string): void;
  /** Sends a failed message again. */
  retry(key: string): Promise<void>;
  /** Takes a failed message off the list (the composer gets its text back). */
  discard(key: string): void;
}

export const initialMessagesState = { chats: {} as Record<string, SessionChat> };

export const createMessagesSlice =
  (ctx: ChatContext): StateCreator<ChatState, [], [], MessagesSlice> =>
  (set, get) => {
    const { connection, updateChat, updateItem } = ctx;

    async function deliver(sessionId: string, item: UserItem) {
      const sentAt = ctx.now();
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
            ...(item.continueRun ? { continue_run: true } : { content: item.content }),
            ...(item.clientMessageId ? { client_message_id: item.clientMessageId } : {}),
            ...(item.parentId !== undefined ? { parent_id: item.parentId } : {}),
          },
          ctx.ackTimeoutMs,
        );
      } catch {
        const error = { type: 'processing_error' as const, message: 'The server did not confirm this message. Check the connection and retry.' };
        updateItem(sessionId, item.key, (i) => (i.state === 'sending' ? { ...i, state: 'failed', error } : i));
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

    connection.on('branch_selected', (raw: unknown) => {
      // Another tab switched branches: this one follows.
      const p = SelectBranchPayloadSchema.safeParse(raw);
      if (p.success && get().chats[p.data.session_id]) updateChat(p.data.session_id, (c) => ({ ...c, leafId: p.data.leaf_id }));
    });

    return {
      ...initialMessagesState,

      async send(raw, opts = {}) {
        const parsed = opts.continueRun ? ({ success: true, data: '' } as const) : MessageContentSchema.safeParse(raw);
        if (!parsed.success) {
          set({ banner: { type: 'validation_error', message: parsed.error.issues[0]?.message ?? 'Invalid message' } });
          return false;
        }
        const content = parsed.data;
        let sessionId = get().currentSessionId;
        let joined: Promise<void> | undefined;
        if (!sessionId) {
          try {
            // Untitled: the server titles a session from its first message.
            const created = await ctx.api.createSession(undefined, get().newChatAgent ?? undefined);
            set((s) => ({ sessions: [created, ...s.sessions], chats: { ...s.chats, [created.id]: { ...emptySessionChat(), status: 'ready' } } }));
            sessionId = created.id;
            // The message goes once the join is answered: sent alongside it, its run could start before the join's
            // snapshot is taken and then reach this tab twice (live for the user's tabs, and in the snapshot).
            joined = get().openSession(created.id);
          } catch (err) {
            ctx.showError(err);
            return false;
          }
        }
        const clientMessageId = ctx.newId();
        const item: UserItem = {
          kind: 'user',
          key: clientMessageId,
          id: null,
          clientMessageId,
          content,
          state: 'sending',
          createdAt: new Date(ctx.now()).toISOString(),
          ...(opts.parentId !== undefined ? { parentId: opts.parentId } : {}),
          ...(opts.continueRun ? { continueRun: true } : {}),
        };
        // A new branch: what followed the parent leaves the view until the branches are switched back.
        const leaf = opts.parentId !== undefined ? { leafId: opts.parentId ?? ROOT_LEAF } : {};
        updateChat(sessionId, (c) => ({ ...c, ...leaf, items: [...c.items, item] }));
        ctx.touchSession(sessionId);
        const target = sessionId;
        if (joined) void joined.catch(() => undefined).then(() => deliver(target, item));
        else void deliver(sessionId, item);
        return true;
      },

      async retry(key) {
        const sessionId = get().currentSessionId;
        const item = sessionId && get().chats[sessionId]?.items.find((i) => i.kind === 'user' && i.key === key);
        if (!sessionId || !item || item.kind !== 'user' || item.state !== 'failed') return;
        if (item.error?.type === 'not_found') {
          // The chat is gone (deleted elsewhere): the message starts a new one instead of failing forever.
          ctx.forgetSession(sessionId);
          await get().send(item.content);
          return;
        }
        const again: UserItem = { ...item, state: 'sending', error: undefined, createdAt: new Date(ctx.now()).toISOString() };
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

      async regenerate(runId) {
        const sessionId = get().currentSessionId;
        const chat = sessionId ? get().chats[sessionId] : undefined;
        const question = chat && questionOf(chat, runId);
        if (!chat || !question?.id) return false;
        return get().send(question.content, { parentId: chat.parents[question.id] ?? null });
      },

      async continueAnswer(runId) {
        const sessionId = get().currentSessionId;
        const chat = sessionId ? get().chats[sessionId] : undefined;
        const question = chat && questionOf(chat, runId);
        if (!chat || !question?.id || chat.turns[runId]?.status !== 'interrupted') return false;
        // Follows the stopped answer's question, so the model's context ends with that partial answer.
        return get().send('', { parentId: question.id, continueRun: true });
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
          .request('select_branch', { session_id: sessionId, leaf_id: leaf }, ctx.ackTimeoutMs)
          .then((raw) => {
            const ack = checkEmptyAck(raw);
            if (!ack.ok) set({ banner: fromErrorBody(ack.error) });
          })
          .catch(() => undefined); // offline: the view switched here; the next join brings the stored choice
      },
    };
  };
