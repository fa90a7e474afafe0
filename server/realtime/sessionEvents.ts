import {
  JoinSessionPayloadSchema,
  SelectBranchPayloadSchema,
  SessionRefPayloadSchema,
  UserMessagePayloadSchema,
  type JoinSessionAck,
  type MultitaskStrategy,
  type UserEventPayloads,
  type UserEventType,
} from '../../shared/protocol.ts';
import { isUserMessageOf } from '../data/branches.ts';
import { activeLeafOf, findOwnedSession } from '../data/conversations.ts';
import type { Db } from '../data/prisma.ts';
import type { AgentRegistry } from '../agent/registry.ts';
import { AppError, notFound, parseOrThrow } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ensureGuestSession } from './guests.ts';
import type { KnownSessions } from './knownSessions.ts';
import type { Metrics } from './metrics.ts';
import type { MessageRateLimiter } from './rateLimit.ts';
import { respond } from './respond.ts';
import type { RunService } from './runService.ts';
import { sessionRoom, type AppSocket } from './types.ts';

export interface SessionEventsDeps {
  db: Db;
  runs: Pick<RunService, 'submit' | 'cancel' | 'join'>;
  rateLimiter: MessageRateLimiter;
  metrics: Metrics;
  defaultStrategy: MultitaskStrategy;
  development: boolean;
  /** False once shutdown has begun: new messages are refused. */
  accepting(): boolean;
  /** The served agents (a guest's new session gets the default one). */
  agents: AgentRegistry;
  notifyUser<K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]): void;
  /**
   * Between WORKERS (server/cluster/roomRelay.ts): announces a room to the other workers before a socket is in
   * it; `ready` once they know, so a run that starts on another worker after that sends it its events.
   */
  holdRoom?(room: string): { ready: Promise<void>; release(): void };
  /** Sessions already seen owned (a message then reads none). */
  known: KnownSessions;
  /** Tells the agent runtime a session's agent it read (the runtime then reads none either). */
  knowSessionAgent(sessionId: string, agentName: string): void;
}

export const RESTARTING_MESSAGE = 'The server is restarting. Send your message again in a moment.';

type JoinResult = Extract<JoinSessionAck, { ok: true }> extends infer T ? Omit<T, 'ok'> : never;

/** user_message, cancel, join_session and leave_session of one socket. */
export function registerSessionEvents(socket: AppSocket, deps: SessionEventsDeps, log: Logger): void {
  const { db, runs } = deps;
  const user = () => socket.data.user;

  /** The session if this socket's user owns it; anything else is not_found (never forbidden: ids are not confirmed). */
  async function ownedSession(sessionId: string) {
    const session = socket.data.guest
      ? await ensureGuestSession(db, user().id, sessionId, deps.agents.defaultAgent.name)
      : await findOwnedSession(db, user().id, sessionId);
    if (!session) throw notFound('Session');
    deps.known.remember(session);
    deps.knowSessionAgent(session.id, session.agentName);
    return session;
  }

  socket.on(
    'user_message',
    respond<{ run_id: string; message_id: string; queued: boolean }>(socket, log, deps.development, 'user_message', async (raw, ok) => {
      let sessionId: string | undefined;
      try {
        if (!deps.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        const message = parseOrThrow(UserMessagePayloadSchema, raw, 'Message');
        sessionId = message.session_id;
        // A guest's identity is its address: a new socket (a new guest account) gets no new budget.
        await deps.rateLimiter.consume(socket.data.guest ? `guest:${socket.handshake.address}` : user().id);
        const session = deps.known.owned(user().id, message.session_id) ?? (await ownedSession(message.session_id));
        if (!deps.agents.get(session.agentName)) throw new AppError('not_found', `This session's agent (${session.agentName}) is not served here`);
        if (message.parent_id && !(await isUserMessageOf(db, session.id, message.parent_id))) {
          throw new AppError('validation_error', 'parent_id is not a message of this chat');
        }
        if (!deps.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        // The sender watches the session it writes to, like any tab that joined it (and its run may start elsewhere).
        const hold = deps.holdRoom?.(sessionRoom(session.id));
        await socket.join(sessionRoom(session.id));
        hold?.release();
        await hold?.ready;
        const continueRun = message.continue_run === true;
        const submitted = await runs.submit(user().id, session.id, {
          content: continueRun ? '' : message.content!,
          ...(continueRun ? { continueRun } : {}),
          ...(message.client_message_id !== undefined ? { clientMessageId: message.client_message_id } : {}),
          strategy: message.multitask_strategy ?? deps.defaultStrategy,
          ...(message.parent_id !== undefined ? { parentId: message.parent_id } : {}),
        });
        // Acknowledged once the run is this node's or the message is stored; its first event follows the store of the run.
        ok({ run_id: submitted.runId, message_id: submitted.userMessageId, queued: submitted.queued });
        if (submitted.queued) {
          deps.notifyUser(user().id, 'message_queued', {
            session_id: session.id,
            run_id: submitted.runId,
            message_id: submitted.userMessageId,
            content: continueRun ? '' : message.content!,
            ...(continueRun ? { continue_run: true } : {}),
            ...(message.client_message_id ? { client_message_id: message.client_message_id } : {}),
            created_at: new Date().toISOString(),
          });
        }
      } catch (err) {
        // Deleted meanwhile (maybe on another node): the next message reads the session again.
        if (err instanceof AppError && err.type === 'not_found' && sessionId !== undefined) deps.known.forget(sessionId);
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
      return { run_id: await runs.cancel(user().id, session.id) };
    }),
  );

  socket.on(
    'join_session',
    respond<JoinResult>(socket, log, deps.development, 'join_session', async (raw, ok) => {
      const request = parseOrThrow(JoinSessionPayloadSchema, raw, 'Join request');
      const session = await ownedSession(request.session_id);
      // Known to the other workers before the join looks for the session's run: one that starts later sends here too.
      const hold = deps.holdRoom?.(sessionRoom(session.id));
      try {
        await hold?.ready;
        const leaf = await activeLeafOf(db, session);
        const answer = await runs.join(user().id, session.id, {
          ...(request.run_id !== undefined ? { runId: request.run_id } : {}),
          ...(request.after_seq !== undefined ? { afterSeq: request.after_seq } : {}),
          subscribe: () => void socket.join(sessionRoom(session.id)),
          socketId: socket.id,
        });
        ok({ ...answer, active_leaf_id: leaf });
      } finally {
        hold?.release();
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
