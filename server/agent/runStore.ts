/**
 * Runs and conversation messages in PostgreSQL: the one copy of every
 * conversation. The agent's graph state for a run is rebuilt from these rows
 * (server/agent/history.ts); the web app reads the same rows.
 */
import type { MessagePart, Usage } from '../../shared/protocol.ts';
import type { ToolCallDto } from '../../shared/api.ts';
import type { AssistantMetadata, ToolMetadata } from '../../shared/messageMetadata.ts';
import { currentLeaf } from '../data/branches.ts';
import { Prisma, type Db } from '../data/prisma.ts';
import { DEFAULT_SESSION_TITLE, titleFromMessage } from './sessionTitle.ts';

type Tx = Prisma.TransactionClient;
type FinalStatus = 'completed' | 'interrupted' | 'failed';

export interface BeganRun {
  userMessage: { id: string; content: string; createdAt: Date; parentId: string | null };
  user: { timezone: string; name: string };
}

/**
 * Opens a run: the run row (status running), the user's message, and the
 * session's title (from its first message) and updatedAt, in one transaction.
 * Null when the session does not exist or is not the user's.
 */
export async function beginRun(
  db: Db,
  r: {
    runId: string;
    sessionId: string;
    userId: string;
    userMessageId: string;
    content: string;
    now: Date;
    /** The user message this one follows (edit/regenerate: a branch); undefined: the end of the branch in view. */
    parentId?: string | null;
  },
): Promise<BeganRun | null> {
  return db.$transaction(async (tx) => {
    const session = await tx.chatSession.findFirst({
      where: { id: r.sessionId, userId: r.userId },
      select: { title: true, activeLeafId: true, user: { select: { timezone: true, name: true } } },
    });
    if (!session) return null;
    const parentId = r.parentId !== undefined ? r.parentId : await currentLeaf(tx, r.sessionId, session.activeLeafId);
    // Updating the session row first also locks it: concurrent runs of one session queue here.
    await tx.chatSession.update({
      where: { id: r.sessionId },
      data: {
        updatedAt: r.now,
        activeLeafId: r.userMessageId,
        ...(session.title === DEFAULT_SESSION_TITLE ? { title: titleFromMessage(r.content) } : {}),
      },
    });
    await tx.run.create({ data: { id: r.runId, sessionId: r.sessionId, userId: r.userId, status: 'running', startedAt: r.now } });
    const position = await nextPosition(tx, r.sessionId);
    await tx.conversationMessage.create({
      data: { id: r.userMessageId, sessionId: r.sessionId, runId: r.runId, role: 'user', content: r.content, parentId, position, createdAt: r.now },
    });
    return { userMessage: { id: r.userMessageId, content: r.content, createdAt: r.now, parentId }, user: session.user };
    // Generous: under load many runs start at once and wait for a pooled connection.
  }, { maxWait: 10_000, timeout: 10_000 });
}

export type NewRunMessage =
  | {
      role: 'assistant';
      id: string;
      /** The turn's text, as the model reads it back. */
      content: string;
      /** The turn in the order it was written. */
      parts: MessagePart[];
      toolCalls?: ToolCallDto[];
      status: FinalStatus;
      metadata: AssistantMetadata;
    }
  | {
      role: 'tool';
      id: string;
      content: string;
      toolCallId: string;
      toolName: string;
      status: FinalStatus;
      metadata: ToolMetadata;
    };

/** Appends messages of a run, in order, at the end of its session (two round trips however many). */
export async function appendRunMessages(
  db: Db,
  r: { sessionId: string; runId: string; now: Date },
  messages: NewRunMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    try {
      const first = await nextPosition(db, r.sessionId);
      await db.conversationMessage.createMany({
        data: messages.map((m, i) => ({
          id: m.id,
          sessionId: r.sessionId,
          runId: r.runId,
          role: m.role,
          content: m.content,
          status: m.status,
          metadata: m.metadata as Prisma.InputJsonValue,
          position: first + i,
          createdAt: r.now,
          ...(m.role === 'assistant' ? { parts: m.parts as Prisma.InputJsonValue } : {}),
          ...(m.role === 'assistant' && m.toolCalls?.length ? { toolCalls: m.toolCalls as Prisma.InputJsonValue } : {}),
          ...(m.role === 'tool' ? { toolCallId: m.toolCallId, toolName: m.toolName } : {}),
        })),
      });
      return;
    } catch (err) {
      // Another writer took the position (a second process on the same session): take the next ones.
      if (attempt < 3 && isUniqueViolation(err, 'position')) continue;
      throw err;
    }
  }
}

export async function finishRun(
  db: Db,
  runId: string,
  r: { status: FinalStatus; finishedAt: Date; firstChunkMs: number | null; totalMs: number; usage?: Usage; error?: string },
): Promise<void> {
  await db.run.update({
    where: { id: runId },
    data: {
      status: r.status,
      finishedAt: r.finishedAt,
      firstChunkMs: r.firstChunkMs === null ? null : Math.round(r.firstChunkMs),
      totalMs: Math.round(r.totalMs),
      usage: r.usage ? (r.usage as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
      error: r.error ?? null,
    },
  });
}

/** Deletes a run and every message it wrote (the `rollback` multitask strategy). Returns whether it existed. */
export async function deleteRun(db: Db, runId: string): Promise<boolean> {
  // conversation_messages.run_id cascades.
  const { count } = await db.run.deleteMany({ where: { id: runId } });
  return count > 0;
}

async function nextPosition(db: Db | Tx, sessionId: string): Promise<number> {
  const { _max } = await db.conversationMessage.aggregate({ where: { sessionId }, _max: { position: true } });
  return (_max.position ?? 0) + 1;
}

function isUniqueViolation(err: unknown, field: string): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') return false;
  return JSON.stringify(err.meta ?? {}).includes(field);
}

/** Ends a run the runtime could not end itself (its stream threw): status failed with the reason. */
export async function failRun(db: Db, runId: string, error: string, now: Date): Promise<void> {
  await db.run.updateMany({ where: { id: runId, status: 'running' }, data: { status: 'failed', error, finishedAt: now } });
}
