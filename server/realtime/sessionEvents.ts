import {
  SelectBranchPayloadSchema,
  SessionRefPayloadSchema,
  type UserEventPayloads,
  type UserEventType,
  UserMessagePayloadSchema,
  type ActiveRun,
  type MultitaskStrategy,
} from '../../shared/protocol.ts';
import type { HistoryMessage } from '../../shared/api.ts';
import { isUserMessageOf } from '../data/branches.ts';
import { activeLeafOf, findOwnedSession, loadHistory } from '../data/conversations.ts';
import type { Db } from '../data/prisma.ts';
import type { AgentRegistry } from '../agent/registry.ts';
import { AppError, notFound, parseOrThrow } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ensureGuestSession } from './guests.ts';
import type { HandlerCache } from './handlerCache.ts';
import type { Metrics } from './metrics.ts';
import type { MessageRateLimiter } from './rateLimit.ts';
import { respond } from './respond.ts';
import { sessionRoom, type AppSocket } from './types.ts';

export interface SessionEventsDeps {
  db: Db;
  handlers: HandlerCache;
  rateLimiter: MessageRateLimiter;
  metrics: Metrics;
  defaultStrategy: MultitaskStrategy;
  development: boolean;
  /** False once shutdown has begun: new messages are refused. */
  accepting(): boolean;
  /** The served agents (a guest's new session gets the default one). */
  agents: AgentRegistry;
  notifyUser<K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]): void;
}

export const RESTARTING_MESSAGE = 'The server is restarting. Send your message again in a moment.';

// join_session re-reads the history when a run starts or ends during the read; past this, it answers anyway.
const JOIN_ATTEMPTS = 5;

/** user_message, cancel, join_session and leave_session of one socket. */
export function registerSessionEvents(socket: AppSocket, deps: SessionEventsDeps, log: Logger): void {
  const { db, handlers } = deps;
  const user = () => socket.data.user;

  /** The session if this socket's user owns it; anything else is not_found (never forbidden: ids are not confirmed). */
  async function ownedSession(sessionId: string) {
    const session = socket.data.guest
      ? await ensureGuestSession(db, user().id, sessionId, deps.agents.defaultAgent.name)
      : await findOwnedSession(db, user().id, sessionId);
    if (!session) throw notFound('Session');
    return session;
  }

  socket.on(
    'user_message',
    respond<{ run_id: string; message_id: string; queued: boolean }>(socket, log, deps.development, 'user_message', async (raw, ok) => {
      try {
        if (!deps.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        const message = parseOrThrow(UserMessagePayloadSchema, raw, 'Message');
        // A guest's identity is its address: a new socket (a new guest account) gets no new budget.
        await deps.rateLimiter.consume(socket.data.guest ? `guest:${socket.handshake.address}` : user().id);
        const session = await ownedSession(message.session_id);
        if (!deps.agents.get(session.agentName)) throw new AppError('not_found', `This session's agent (${session.agentName}) is not served here`);
        if (message.parent_id && !(await isUserMessageOf(db, session.id, message.parent_id))) {
          throw new AppError('validation_error', 'parent_id is not a message of this chat');
        }
        if (!deps.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        // The sender watches the session it writes to, like any tab that joined it.
        await socket.join(sessionRoom(session.id));
        const submitted = handlers.get(user().id, session.id).submit({
          content: message.content,
          clientMessageId: message.client_message_id,
          strategy: message.multitask_strategy ?? deps.defaultStrategy,
          ...(message.parent_id !== undefined ? { parentId: message.parent_id } : {}),
        });
        // Acknowledge before the run can emit anything, so the sender learns its run id first.
        ok({ run_id: submitted.runId, message_id: submitted.userMessageId, queued: submitted.queued });
        if (submitted.queued) {
          deps.notifyUser(user().id, 'message_queued', {
            session_id: session.id,
            run_id: submitted.runId,
            message_id: submitted.userMessageId,
            content: message.content,
            ...(message.client_message_id ? { client_message_id: message.client_message_id } : {}),
            created_at: new Date().toISOString(),
          });
        }
      } catch (err) {
        deps.metrics.rejectedMessages.inc({ type: err instanceof AppError ? err.type : 'processing_error' });
        throw err;
      }
    }),
  );

  socket.on(
    'cancel',
    respond(socket, log, deps.development, 'cancel', async (raw) => {
      const { session_id } = parseOrThrow(SessionRefPayloadSchema, raw, 'Cancel request');
      const session = await ownedSession(session_id);
      const runId = handlers.peek(user().id, session.id)?.cancel() ?? null;
      return { run_id: runId };
    }),
  );

  socket.on(
    'join_session',
    respond<{ messages: HistoryMessage[]; active_run: ActiveRun | null; active_leaf_id: string | null }>(socket, log, deps.development, 'join_session', async (raw, ok) => {
      const { session_id } = parseOrThrow(SessionRefPayloadSchema, raw, 'Join request');
      const session = await ownedSession(session_id);
      const state = () => {
        const runs = handlers.peek(user().id, session.id);
        return { runs, generation: runs?.generation };
      };
      for (let attempt = 1; ; attempt++) {
        const before = state();
        const messages = await loadHistory(db, session.id);
        const leaf = await activeLeafOf(db, (await findOwnedSession(db, session.userId, session.id)) ?? session);
        const after = state();
        const settled = before.runs === after.runs && before.generation === after.generation;
        if (!settled && attempt < JOIN_ATTEMPTS) continue;
        // Join, snapshot and acknowledge in one synchronous step: every event after the
        // snapshot reaches this socket after the acknowledgement, none is missed.
        void socket.join(sessionRoom(session.id));
        const activeRun: ActiveRun | null = after.runs?.snapshot() ?? null;
        ok({
          // The active run's rows are in its events; sending both would show them twice.
          messages: activeRun ? messages.filter((m) => m.run_id !== activeRun.run_id) : messages,
          active_run: activeRun,
          active_leaf_id: leaf,
        });
        return;
      }
    }),
  );

  socket.on(
    'select_branch',
    respond(socket, log, deps.development, 'select_branch', async (raw) => {
      const { session_id, leaf_id } = parseOrThrow(SelectBranchPayloadSchema, raw, 'Branch');
      const session = await ownedSession(session_id);
      if (!(await isUserMessageOf(db, session.id, leaf_id))) throw notFound('Message');
      // Raw: switching branches is not activity; Prisma's @updatedAt would move the chat to the top of the sidebar.
      await db.$executeRaw`UPDATE chat_sessions SET active_leaf_id = ${leaf_id}::uuid WHERE id = ${session.id}::uuid`;
      socket.to(sessionRoom(session.id)).emit('branch_selected', { session_id: session.id, leaf_id });
      return {};
    }),
  );

  socket.on(
    'leave_session',
    respond(socket, log, deps.development, 'leave_session', async (raw) => {
      const { session_id } = parseOrThrow(SessionRefPayloadSchema, raw, 'Leave request');
      await socket.leave(sessionRoom(session_id));
      return {};
    }),
  );
}
