/**
 * Runs whose node is gone: each is marked interrupted with the answer its
 * clients saw (rebuilt from the run's logged events) and ends with a logged
 * conversation_complete, exactly as if its node had stopped it.
 */
import { randomUUID } from 'node:crypto';
import { textOfParts, type RunEvent, type RunEventPayloads } from '../../shared/protocol.ts';
import { partsOfEvents } from '../../shared/runParts.ts';
import { Prisma, type Db } from '../data/prisma.ts';

type Tx = Prisma.TransactionClient;

export const NODE_GONE_ERROR = 'The server running this answer stopped';

export interface RecoveredRun {
  sessionId: string;
  userId: string;
  /** The run's closing event, stored in its log: to be sent to the session's watchers. */
  complete: RunEvent;
}

/**
 * Recovers a dead node once (whichever survivor locks its row first): its
 * sessions' running runs are interrupted, its leases and row deleted.
 * Returns null when another survivor got there first.
 */
export async function recoverDeadNode(db: Db, nodeId: string): Promise<RecoveredRun[] | null> {
  return db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM cluster_nodes WHERE id = ${nodeId}::uuid FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return null;
      const runs = await tx.$queryRaw<Array<{ id: string; session_id: string; user_id: string; started_at: Date }>>`
        SELECT r.id::text, r.session_id::text, r.user_id::text, r.started_at FROM runs r
        JOIN session_leases l ON l.session_id = r.session_id AND l.node_id = ${nodeId}::uuid
        WHERE r.status = 'running' ORDER BY r.started_at`;
      const recovered: RecoveredRun[] = [];
      for (const run of runs) recovered.push(await interruptRun(tx, run));
      await tx.$executeRaw`DELETE FROM session_leases WHERE node_id = ${nodeId}::uuid`;
      await tx.$executeRaw`DELETE FROM cluster_nodes WHERE id = ${nodeId}::uuid`;
      return recovered;
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

/**
 * Boot recovery of runs no node holds a lease for (left by a process older
 * than leases, or one that died while nothing else was running).
 */
export async function recoverUnleasedRuns(db: Db): Promise<RecoveredRun[]> {
  return db.$transaction(
    async (tx) => {
      const runs = await tx.$queryRaw<Array<{ id: string; session_id: string; user_id: string; started_at: Date }>>`
        SELECT r.id::text, r.session_id::text, r.user_id::text, r.started_at FROM runs r
        WHERE r.status = 'running'
          AND NOT EXISTS (SELECT 1 FROM session_leases l WHERE l.session_id = r.session_id)
        ORDER BY r.started_at FOR UPDATE SKIP LOCKED`;
      const recovered: RecoveredRun[] = [];
      for (const run of runs) recovered.push(await interruptRun(tx, run));
      return recovered;
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

async function interruptRun(tx: Tx, run: { id: string; session_id: string; user_id: string; started_at: Date }): Promise<RecoveredRun> {
  const rows = await tx.$queryRaw<Array<{ type: string; payload: Record<string, any> }>>`
    SELECT type, payload FROM run_events WHERE run_id = ${run.id}::uuid ORDER BY seq`;
  const started = rows.find((r) => r.type === 'run_started')?.payload;
  const messageId: string = started?.message_id ?? randomUUID();
  const chunks = rows.filter((r) => r.type === 'agent_response_chunk');
  // As the run itself would have ended: text of turns that chose tools is stored with those turns; the rest is the answer.
  const parts = partsOfEvents(rows.map((r) => ({ type: r.type, payload: r.payload }) as RunEvent));
  const storedRows = await tx.$queryRaw<Array<{ parts: unknown }>>`
    SELECT parts FROM conversation_messages WHERE run_id = ${run.id}::uuid AND role = 'assistant' ORDER BY position`;
  const stored = storedRows.reduce((n, r) => n + (Array.isArray(r.parts) ? r.parts.length : 0), 0);
  const lastParts = parts.slice(stored);
  const content = textOfParts(lastParts);
  const thoughts = rows
    .filter((r) => r.type === 'agent_thought')
    .map(({ payload: p }) => ({ step: p.step, kind: p.kind, content: p.content, ...(p.tool_name ? { tool_name: p.tool_name } : {}) }));
  const startedAt = run.started_at.getTime();
  const now = Date.now();
  const timings = {
    first_chunk_ms: chunks[0] ? Math.max(0, Number(chunks[0].payload.timestamp) - startedAt) : null,
    total_ms: Math.max(0, now - startedAt),
  };
  if (started) {
    await tx.$executeRaw`
      INSERT INTO conversation_messages (id, session_id, run_id, role, content, parts, status, metadata, position, created_at)
      SELECT ${messageId}::uuid, ${run.session_id}::uuid, ${run.id}::uuid, 'assistant', ${content}, ${JSON.stringify(lastParts)}::jsonb, 'interrupted',
             ${JSON.stringify({ thoughts, timings, recovered: true })}::jsonb, COALESCE(MAX(position), 0) + 1, now()
      FROM conversation_messages WHERE session_id = ${run.session_id}::uuid
      ON CONFLICT (id) DO NOTHING`;
  }
  await tx.$executeRaw`
    UPDATE runs SET status = 'interrupted', finished_at = now(), total_ms = ${Math.round(timings.total_ms)},
      first_chunk_ms = ${timings.first_chunk_ms === null ? null : Math.round(timings.first_chunk_ms)}, error = ${NODE_GONE_ERROR}
    WHERE id = ${run.id}::uuid AND status = 'running'`;
  const lastSeq = rows.length ? Math.max(...rows.map((r) => Number(r.payload.seq))) : 0;
  const payload: RunEventPayloads['conversation_complete'] = {
    session_id: run.session_id,
    run_id: run.id,
    seq: lastSeq + 1,
    timestamp: now,
    message_id: messageId,
    content,
    parts,
    status: 'interrupted',
    timings,
  };
  const complete = { type: 'conversation_complete', payload } as RunEvent;
  await tx.$executeRaw`
    INSERT INTO run_events (run_id, seq, session_id, type, payload)
    VALUES (${run.id}::uuid, ${payload.seq}, ${run.session_id}::uuid, 'conversation_complete', ${JSON.stringify(payload)}::jsonb)
    ON CONFLICT DO NOTHING`;
  return { sessionId: run.session_id, userId: run.user_id, complete };
}
