/**
 * The cluster-wide per-session mutex (session_leases) and the durable queue
 * of acknowledged messages waiting for a run (queued_messages).
 */
import type { MultitaskStrategy } from '../../shared/protocol.ts';
import { NO_ROW_ID as NO_ID, sqlOf, type Db, type WarmStatement } from '../data/prisma.ts';

export interface QueuedRun {
  runId: string;
  sessionId: string;
  userId: string;
  userMessageId: string;
  content: string;
  clientMessageId?: string;
  /** See StreamOptions.parentId (edit and regenerate start a branch). */
  parentId?: string | null;
  /** See StreamOptions.continueRun. */
  continueRun?: boolean;
  strategy: MultitaskStrategy;
  createdAt: Date;
}

// Interrupt and rollback jump ahead of enqueued messages: they mean "this, now".
export const PRIORITY: Record<MultitaskStrategy, number> = { reject: 0, enqueue: 0, interrupt: 1, rollback: 1 };

const ACQUIRE_SQL = `
WITH taken AS (
  INSERT INTO session_leases (session_id, node_id) VALUES ($1::uuid, $2::uuid)
  ON CONFLICT (session_id) DO UPDATE SET node_id = EXCLUDED.node_id, acquired_at = now()
  WHERE session_leases.node_id = EXCLUDED.node_id
     OR NOT EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.id = session_leases.node_id)
  RETURNING 1)
SELECT EXISTS (SELECT 1 FROM taken) AS acquired,
       EXISTS (SELECT 1 FROM queued_messages q WHERE q.session_id = $1::uuid) AS has_queue`;

/**
 * Takes the session for this node unless a node that is still registered
 * holds it. Also says whether messages are queued (left by a node that died
 * or stopped), which then go first.
 */
export async function acquireLease(db: Db, sessionId: string, nodeId: string): Promise<{ acquired: boolean; hasQueue: boolean }> {
  const [row] = await sqlOf(db).rows<{ acquired: boolean; has_queue: boolean }>(ACQUIRE_SQL, [sessionId, nodeId]);
  return { acquired: row!.acquired, hasQueue: row!.has_queue };
}

/** Gives the session up, whether or not messages wait (see nextOrRelease for the end of a run). */
export async function releaseLease(db: Db, sessionId: string, nodeId: string): Promise<void> {
  await sqlOf(db).exec(`DELETE FROM session_leases WHERE session_id = $1::uuid AND node_id = $2::uuid`, [sessionId, nodeId]);
}

/**
 * At the end of a run, in one round trip: the session's next waiting message
 * (the lease is kept for it), or, when none waits, the lease given up. Null
 * means given up (or no longer this node's).
 */
export async function nextOrRelease(db: Db, sessionId: string, nodeId: string): Promise<QueuedRun | null> {
  const [row] = await sqlOf(db).rows<QueueRow>(NEXT_OR_RELEASE_SQL, [sessionId, nodeId]);
  return row ? toQueued(row) : null;
}

export async function leaseOwner(db: Db, sessionId: string): Promise<string | null> {
  const [row] = await db.$queryRaw<Array<{ node_id: string }>>`
    SELECT node_id::text FROM session_leases WHERE session_id = ${sessionId}::uuid`;
  return row?.node_id ?? null;
}

export async function enqueueRun(db: Db, q: Omit<QueuedRun, 'createdAt'>): Promise<void> {
  await db.$executeRaw`
    INSERT INTO queued_messages (run_id, session_id, user_id, user_message_id, content, client_message_id, parent, continue_run, strategy, priority)
    VALUES (${q.runId}::uuid, ${q.sessionId}::uuid, ${q.userId}::uuid, ${q.userMessageId}::uuid, ${q.content},
            ${q.clientMessageId ?? null}, ${q.parentId === undefined ? null : JSON.stringify(q.parentId)}::jsonb, ${q.continueRun === true}, ${q.strategy}, ${PRIORITY[q.strategy]})`;
}

const QUEUE_COLUMNS =
  'run_id::text, session_id::text, user_id::text, user_message_id::text, content, client_message_id, parent::text, continue_run, strategy, created_at';

const NEXT_OR_RELEASE_SQL = `
WITH nxt AS (
  SELECT ${QUEUE_COLUMNS} FROM queued_messages WHERE session_id = $1::uuid ORDER BY priority DESC, position LIMIT 1),
released AS (
  DELETE FROM session_leases WHERE session_id = $1::uuid AND node_id = $2::uuid AND NOT EXISTS (SELECT 1 FROM nxt))
SELECT * FROM nxt`;

/** Taking and giving up a lease, with ids no row has: for warmConnections. */
export const LEASE_STATEMENTS: readonly WarmStatement[] = [
  { text: ACQUIRE_SQL, values: [NO_ID, NO_ID] },
  { text: NEXT_OR_RELEASE_SQL, values: [NO_ID, NO_ID] },
];

type QueueRow = {
  run_id: string;
  session_id: string;
  user_id: string;
  user_message_id: string;
  content: string;
  client_message_id: string | null;
  parent: string | null | undefined;
  continue_run: boolean;
  strategy: string;
  created_at: Date;
};

const toQueued = (r: QueueRow): QueuedRun => ({
  runId: r.run_id,
  sessionId: r.session_id,
  userId: r.user_id,
  userMessageId: r.user_message_id,
  content: r.content,
  ...(r.client_message_id !== null ? { clientMessageId: r.client_message_id } : {}),
  // jsonb: absent (SQL NULL) is "the end of the branch in view", JSON null is "a new root".
  ...(r.parent !== null && r.parent !== undefined ? { parentId: r.parent === 'null' ? null : (JSON.parse(r.parent) as string | null) } : {}),
  ...(r.continue_run ? { continueRun: true } : {}),
  strategy: r.strategy as MultitaskStrategy,
  createdAt: r.created_at,
});

/** A session's waiting messages, in the order they will run. */
export async function queuedRuns(db: Db, sessionId: string, limit = 1000): Promise<QueuedRun[]> {
  const rows = await sqlOf(db).rows<QueueRow>(
    `SELECT ${QUEUE_COLUMNS}
     FROM queued_messages WHERE session_id = $1::uuid ORDER BY priority DESC, position LIMIT $2`,
    [sessionId, limit],
  );
  return rows.map(toQueued);
}

export async function hasQueued(db: Db, sessionId: string): Promise<boolean> {
  const rows = await sqlOf(db).rows<unknown>(`SELECT 1 FROM queued_messages WHERE session_id = $1::uuid LIMIT 1`, [sessionId]);
  return rows.length > 0;
}

export async function removeQueued(db: Db, runId: string): Promise<void> {
  await sqlOf(db).exec(`DELETE FROM queued_messages WHERE run_id = $1::uuid`, [runId]);
}

/** Sessions with waiting messages that no node holds (its node stopped or died). */
export async function unownedQueues(db: Db, limit = 100): Promise<Array<{ sessionId: string; userId: string }>> {
  const rows = await db.$queryRaw<Array<{ session_id: string; user_id: string }>>`
    SELECT DISTINCT ON (q.session_id) q.session_id::text, q.user_id::text FROM queued_messages q
    WHERE NOT EXISTS (SELECT 1 FROM session_leases l WHERE l.session_id = q.session_id)
    ORDER BY q.session_id LIMIT ${limit}`;
  return rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id }));
}
