/**
 * Runs and conversation messages in PostgreSQL: the one copy of every
 * conversation. The agent's graph state for a run is rebuilt from these rows
 * (server/agent/history.ts); the web app reads the same rows.
 */
import type { MessagePart, Usage } from '../../shared/protocol.ts';
import type { ToolCallDto } from '../../shared/api.ts';
import type { AssistantMetadata, ToolMetadata } from '../../shared/messageMetadata.ts';
import { jsonForPostgres } from '../data/jsonb.ts';
import { NO_ROW_ID as NO_ID, Prisma, sqlOf, type Db, type WarmStatement } from '../data/prisma.ts';
import { HISTORY_WINDOW, type StoredMessage } from './history.ts';
import { DEFAULT_SESSION_TITLE, titleFromMessage } from './sessionTitle.ts';

type FinalStatus = 'completed' | 'interrupted' | 'failed';

export interface BeganRun {
  userMessage: { id: string; content: string; createdAt: Date; parentId: string | null };
  user: { timezone: string; name: string };
  /** The model's context: the newest stored messages of the branch the message continues, then the message itself. */
  history: StoredMessage[];
}

/*
 * One statement, one round trip before the model is called: lock the
 * session row (concurrent runs of one session queue here), choose the parent
 * (given, or the end of the branch in view), bump updatedAt and the title,
 * insert the run and the user's message, and read the branch's newest
 * messages. The reads see the database as it was before this statement, so
 * the history is the branch up to the parent; the new message is appended in
 * memory rather than read back.
 */
const BEGIN_RUN_SQL = `
WITH RECURSIVE
s AS (
  SELECT cs.id, cs.title, cs.active_leaf_id, u.timezone, u.name
  FROM chat_sessions cs JOIN users u ON u.id = cs.user_id
  WHERE cs.id = $1::uuid AND cs.user_id = $2::uuid
  FOR UPDATE OF cs
),
parent AS (
  SELECT CASE WHEN $7::boolean THEN $8::uuid ELSE COALESCE(
    (SELECT m.id FROM conversation_messages m WHERE m.id = s.active_leaf_id AND m.session_id = s.id AND m.role = 'user'),
    (SELECT m.id FROM conversation_messages m WHERE m.session_id = s.id AND m.role = 'user' ORDER BY m.position DESC LIMIT 1)
  ) END AS id
  FROM s
),
upd AS (
  UPDATE chat_sessions cs
  SET updated_at = $6::timestamptz, active_leaf_id = $4::uuid, title = CASE WHEN s.title = $10 THEN $9 ELSE cs.title END
  FROM s WHERE cs.id = s.id
  RETURNING cs.id
),
run AS (
  INSERT INTO runs (id, session_id, user_id, status, started_at)
  SELECT $3::uuid, s.id, $2::uuid, 'running'::run_status, $6::timestamptz FROM s
  RETURNING id
),
msg AS (
  INSERT INTO conversation_messages (id, session_id, run_id, role, content, parent_id, continue_run, position, created_at)
  SELECT $4::uuid, s.id, run.id, 'user'::message_role, $5, parent.id, $12::boolean,
         (SELECT COALESCE(MAX(c.position), 0) + 1 FROM conversation_messages c WHERE c.session_id = s.id), $6::timestamptz
  FROM s, run, parent
  RETURNING id
),
chain AS (
  SELECT m.id, m.parent_id, m.run_id, 1 AS depth FROM conversation_messages m, parent WHERE m.id = parent.id AND m.session_id = $1::uuid
  UNION ALL
  SELECT m.id, m.parent_id, m.run_id, c.depth + 1
  FROM conversation_messages m JOIN chain c ON m.id = c.parent_id
  WHERE m.session_id = $1::uuid AND c.depth < 100000
),
hist AS (
  SELECT h.id, h.role::text AS role, h.content, h.status::text AS status, h.tool_calls AS "toolCalls",
         h.tool_call_id AS "toolCallId", h.tool_name AS "toolName", h.continue_run AS "continueRun", h.position
  FROM conversation_messages h
  WHERE h.session_id = $1::uuid AND h.run_id IN (SELECT run_id FROM chain WHERE run_id IS NOT NULL)
  ORDER BY h.position DESC
  LIMIT $11
)
SELECT s.timezone, s.name, parent.id::text AS parent_id,
       (SELECT count(*) FROM msg)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated,
       COALESCE((SELECT json_agg(hist ORDER BY hist.position) FROM hist), '[]'::json) AS history
FROM s, parent`;

/**
 * Opens a run: the run row (status running), the user's message, the
 * session's title (from its first message), updatedAt and branch in view,
 * and the history the model will read — in one statement. Null when the
 * session does not exist or is not the user's.
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
    /** How many stored messages the model sees at most, the new one included. */
    historyWindow?: number;
    /** Continue after Stop: stored flagged (and without text). */
    continueRun?: boolean;
  },
): Promise<BeganRun | null> {
  const window = r.historyWindow ?? HISTORY_WINDOW;
  for (let attempt = 0; ; attempt++) {
    try {
      const rows = await sqlOf(db).rows<{ timezone: string; name: string; parent_id: string | null; inserted: number; history: StoredMessage[] }>(
        BEGIN_RUN_SQL,
        [
        r.sessionId,
        r.userId,
        r.runId,
        r.userMessageId,
        r.content,
        r.now,
        r.parentId !== undefined,
        r.parentId ?? null,
        titleFromMessage(r.content),
        DEFAULT_SESSION_TITLE,
        Math.max(0, window - 1),
        r.continueRun === true,
        ],
      );
      const row = rows[0];
      if (!row) return null;
      const userMessage = { id: r.userMessageId, content: r.content, createdAt: r.now, parentId: row.parent_id };
      const asked: StoredMessage = {
        id: r.userMessageId,
        role: 'user',
        content: r.content,
        status: 'completed',
        toolCalls: null,
        toolCallId: null,
        toolName: null,
        ...(r.continueRun ? { continueRun: true } : {}),
      };
      return { userMessage, user: { timezone: row.timezone, name: row.name }, history: [...row.history, asked] };
    } catch (err) {
      // Another process wrote to the session between this statement's snapshot and its insert: try again.
      if (attempt < 3 && isUniqueViolation(err, 'position')) continue;
      throw err;
    }
  }
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

/*
 * Appends a run's messages after the session's last position and, with a
 * final state, finishes the run row: one statement, one round trip.
 */
const APPEND_SQL = `
WITH pos AS (SELECT COALESCE(MAX(position), 0) AS p FROM conversation_messages WHERE session_id = $1::uuid),
ins AS (
  INSERT INTO conversation_messages (id, session_id, run_id, role, content, status, metadata, position, created_at, tool_calls, tool_call_id, tool_name, parts)
  SELECT x.id, $1::uuid, $2::uuid, x.role::message_role, x.content, x.status::message_status, x.metadata, pos.p + x.ord,
         $3::timestamptz, x.tool_calls, x.tool_call_id, x.tool_name, x.parts
  FROM pos, jsonb_to_recordset($4::jsonb) AS x(id uuid, ord int, role text, content text, status text, metadata jsonb,
                                               tool_calls jsonb, tool_call_id text, tool_name text, parts jsonb)
  RETURNING 1
),
fin AS (
  UPDATE runs SET status = ($5::jsonb->>'status')::run_status, finished_at = ($5::jsonb->>'finishedAt')::timestamptz,
         first_chunk_ms = ($5::jsonb->>'firstChunkMs')::int, total_ms = ($5::jsonb->>'totalMs')::int,
         usage = NULLIF($5::jsonb->'usage', 'null'::jsonb), error = $5::jsonb->>'error'
  WHERE id = $2::uuid AND $5::jsonb IS NOT NULL
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM fin)::int AS finished`;

export interface RunEnd {
  status: FinalStatus;
  finishedAt: Date;
  firstChunkMs: number | null;
  totalMs: number;
  usage?: Usage;
  error?: string;
}

/** The start and the end of a run, with ids no row has: for warmConnections. */
export const RUN_STORE_STATEMENTS: readonly WarmStatement[] = [
  { text: BEGIN_RUN_SQL, values: [NO_ID, NO_ID, NO_ID, NO_ID, '', new Date(0), false, null, '', '', 0, false] },
  { text: APPEND_SQL, values: [NO_ID, NO_ID, new Date(0), '[]', null] },
];

/**
 * Appends messages of a run, in order, at the end of its session; with
 * `finish`, also gives the run row its final state. One round trip however
 * many messages.
 */
export async function appendRunMessages(
  db: Db,
  r: { sessionId: string; runId: string; now: Date },
  messages: NewRunMessage[],
  finish?: RunEnd,
): Promise<void> {
  if (messages.length === 0 && !finish) return;
  const rows = messages.map((m, i) => ({
    id: m.id,
    ord: i + 1,
    role: m.role,
    content: m.content,
    status: m.status,
    metadata: m.metadata,
    tool_calls: m.role === 'assistant' && m.toolCalls?.length ? m.toolCalls : null,
    tool_call_id: m.role === 'tool' ? m.toolCallId : null,
    tool_name: m.role === 'tool' ? m.toolName : null,
    parts: m.role === 'assistant' ? m.parts : null,
  }));
  const end = finish
    ? jsonForPostgres({
        status: finish.status,
        finishedAt: finish.finishedAt.toISOString(),
        firstChunkMs: finish.firstChunkMs === null ? null : Math.round(finish.firstChunkMs),
        totalMs: Math.round(finish.totalMs),
        usage: finish.usage ?? null,
        error: finish.error ?? null,
      })
    : null;
  for (let attempt = 0; ; attempt++) {
    try {
      const [result] = await sqlOf(db).rows<{ inserted: number; finished: number }>(APPEND_SQL, [r.sessionId, r.runId, r.now, jsonForPostgres(rows), end]);
      if (finish && result?.finished === 0) throw new Error(`run ${r.runId} no longer exists`);
      return;
    } catch (err) {
      // Another writer took the position (a second process on the same session): take the next ones.
      if (attempt < 3 && isUniqueViolation(err, 'position')) continue;
      throw err;
    }
  }
}

/** Deletes a run and every message it wrote (the `rollback` multitask strategy). Returns whether it existed. */
export async function deleteRun(db: Db, runId: string): Promise<boolean> {
  // conversation_messages.run_id cascades.
  const { count } = await db.run.deleteMany({ where: { id: runId } });
  return count > 0;
}

/** A row with this id exists already (a retried write whose first attempt went through). */
export function isDuplicateRow(err: unknown): boolean {
  const v = uniqueViolation(err);
  return v !== null && !v.includes('position');
}

/** A unique violation on `field`. */
function isUniqueViolation(err: unknown, field: string): boolean {
  return uniqueViolation(err)?.includes(field) ?? false;
}

/**
 * What a unique violation names (constraint, detail, message), or null when
 * `err` is not one: from node-postgres (SQLSTATE 23505, see sqlOf), a Prisma
 * model query (P2002) or a raw one (P2010 carrying 23505).
 */
function uniqueViolation(err: unknown): string | null {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const detail = JSON.stringify(err.meta ?? {}) + err.message;
    return err.code === 'P2002' || (err.code === 'P2010' && detail.includes('23505')) ? detail : null;
  }
  const e = err as { code?: unknown; constraint?: unknown; detail?: unknown; message?: unknown } | null;
  if (e?.code !== '23505') return null;
  return `${String(e.constraint ?? '')} ${String(e.detail ?? '')} ${String(e.message ?? '')}`;
}

/** Ends a run the runtime could not end itself (its stream threw): status failed with the reason. */
export async function failRun(db: Db, runId: string, error: string, now: Date): Promise<void> {
  await db.run.updateMany({ where: { id: runId, status: 'running' }, data: { status: 'failed', error, finishedAt: now } });
}
