import { z } from 'zod';
import type { ChatSessionDto, HistoryMessage } from '../../shared/api.ts';
import { MessagePartSchema } from '../../shared/parts.ts';
import { currentLeaf } from './branches.ts';
import { sqlOf, type Db } from './prisma.ts';

const StoredPartsSchema = z.array(MessagePartSchema);

type SessionRow = { id: string; title: string; agentName?: string; createdAt: Date; updatedAt: Date };

export function toSessionDto(s: SessionRow): ChatSessionDto {
  return {
    id: s.id,
    title: s.title,
    ...(s.agentName !== undefined ? { agent: s.agentName } : {}),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OwnedSession {
  id: string;
  userId: string;
  title: string;
  agentName: string;
  activeLeafId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The session if the user owns it; null otherwise (the caller answers
 * not_found either way). Plain SQL (see sqlOf): every user_message reads it.
 */
export async function findOwnedSession(db: Db, userId: string, sessionId: string): Promise<OwnedSession | null> {
  // Not an id at all (the CLI's --session): no session, rather than the cast's error.
  if (!UUID.test(sessionId)) return null;
  const [row] = await sqlOf(db).rows<OwnedSession>(
    `SELECT id::text, user_id::text AS "userId", title, agent_name AS "agentName", active_leaf_id::text AS "activeLeafId",
            created_at AS "createdAt", updated_at AS "updatedAt"
     FROM chat_sessions WHERE id = $1::uuid AND user_id = $2::uuid`,
    [sessionId, userId],
  );
  return row ?? null;
}

type MessageRow = {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  status: 'completed' | 'interrupted' | 'failed';
  runId: string | null;
  toolCalls: unknown;
  toolCallId: string | null;
  toolName: string | null;
  parts: unknown;
  parentId?: string | null;
  continueRun?: boolean;
  metadata: unknown;
  createdAt: Date;
};

export function toHistoryMessage(m: MessageRow): HistoryMessage {
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    status: m.status,
    run_id: m.runId,
    ...(Array.isArray(m.toolCalls) && m.toolCalls.length ? { tool_calls: m.toolCalls as HistoryMessage['tool_calls'] } : {}),
    ...(m.toolCallId ? { tool_call_id: m.toolCallId } : {}),
    ...(m.toolName ? { tool_name: m.toolName } : {}),
    ...partsOf(m.parts),
    ...(m.role === 'user' && m.parentId !== undefined ? { parent_id: m.parentId } : {}),
    ...(m.continueRun ? { continue_run: true } : {}),
    ...(m.metadata && typeof m.metadata === 'object' ? { metadata: m.metadata as Record<string, unknown> } : {}),
    created_at: m.createdAt.toISOString(),
  };
}

function partsOf(raw: unknown): Pick<HistoryMessage, 'parts'> {
  if (raw === null || raw === undefined) return {};
  const parsed = StoredPartsSchema.safeParse(raw);
  return parsed.success ? { parts: parsed.data } : {};
}

/** The user message at the end of the session's branch in view. */
export async function activeLeafOf(db: Db, session: { id: string; activeLeafId: string | null }): Promise<string | null> {
  return currentLeaf(db, session.id, session.activeLeafId);
}

/** The whole stored conversation of a session (every branch), in order. */
export async function loadHistory(db: Db, sessionId: string): Promise<HistoryMessage[]> {
  const rows = await db.conversationMessage.findMany({ where: { sessionId }, orderBy: { position: 'asc' } });
  return rows.map(toHistoryMessage);
}
