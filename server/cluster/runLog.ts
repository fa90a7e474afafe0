import type { RunEvent } from '../../shared/protocol.ts';
import { jsonForPostgres } from '../data/jsonb.ts';
import { NO_ROW_ID as NO_ID, type Db, type Sql, type WarmStatement } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';

/**
 * The durable run stream: every run event is written to run_events before it
 * is sent, so whatever a client has seen can be replayed from any node and is
 * what recovery stores when the owning node dies. Writes are group-committed:
 * one INSERT carries everything appended in the same turn of the event loop
 * and while the previous one was in flight (across all runs of this node), so
 * an idle node adds one round trip per event and a busy one far less. It
 * writes through `sql`, which the gateway gives connections of its own
 * (ownConnections).
 */
export class RunLog {
  private pending: Array<{ event: RunEvent; sent: () => void }> = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
  ) {}

  /** Stores the event; `sent` is called (in append order) once it is stored, or could not be. */
  append(event: RunEvent, sent: () => void): void {
    this.pending.push({ event, sent });
    this.flushing ??= this.flush();
  }

  /** Resolves once everything appended so far is stored and sent. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      for (;;) {
        // Whatever the rest of this turn of the event loop appends (other runs' tokens read in the same poll) goes along.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.pending.length === 0) break;
        const batch = this.pending;
        this.pending = [];
        await this.store(batch.map((b) => b.event));
        for (const { event, sent } of batch) {
          try {
            sent();
          } catch (err) {
            this.log.error({ err, runId: event.payload.run_id, seq: event.payload.seq }, 'could not send a run event');
          }
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  /**
   * One INSERT for the batch; if it fails, one per run, so that what one run's events hold (or a constraint one
   * of them breaks) never costs the other runs of the batch their replay.
   */
  private async store(events: RunEvent[]): Promise<void> {
    try {
      await insertEvents(this.sql, events);
      return;
    } catch (err) {
      if (new Set(events.map((e) => e.payload.run_id)).size === 1) {
        // Availability first: the events still go out; only a later replay would miss them.
        this.log.error({ err, events: events.length }, 'could not store run events');
        return;
      }
    }
    const byRun = new Map<string, RunEvent[]>();
    for (const e of events) {
      const own = byRun.get(e.payload.run_id);
      if (own) own.push(e);
      else byRun.set(e.payload.run_id, [e]);
    }
    for (const [runId, own] of byRun) {
      await insertEvents(this.sql, own).catch((err) => this.log.error({ err, runId, events: own.length }, 'could not store run events'));
    }
  }
}

async function insertEvents(sql: Sql, events: RunEvent[]): Promise<void> {
  // Columns as arrays: one small JSON document per event (its payload), not a wrapper object per row.
  const runIds: string[] = [];
  const seqs: number[] = [];
  const sessionIds: string[] = [];
  const types: string[] = [];
  const payloads: string[] = [];
  for (const e of events) {
    runIds.push(e.payload.run_id);
    seqs.push(e.payload.seq);
    sessionIds.push(e.payload.session_id);
    types.push(e.type);
    payloads.push(jsonForPostgres(e.payload));
  }
  // A refused run (unknown session) has no session row to belong to: its events are not kept.
  await sql.exec(INSERT_EVENTS_SQL, [runIds, seqs, sessionIds, types, payloads.join(PAYLOAD_SEPARATOR)]);
}

/**
 * The payloads travel as one text joined by U+0001, which JSON never
 * contains raw (JSON.stringify writes it as \u0001): as a text[] literal
 * node-postgres would quote and escape every payload's quotes and
 * backslashes, and PostgreSQL unescape them, once per token.
 */
const PAYLOAD_SEPARATOR = '\u0001';

const INSERT_EVENTS_SQL = `
INSERT INTO run_events (run_id, seq, session_id, type, payload)
SELECT x.run_id, x.seq, x.session_id, x.type, x.payload::jsonb
FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], string_to_array($5::text, chr(1))) AS x(run_id, seq, session_id, type, payload)
WHERE EXISTS (SELECT 1 FROM chat_sessions s WHERE s.id = x.session_id)
ON CONFLICT DO NOTHING`;

/** The run log's INSERT, with an event of no session: for warming its connection. */
export const RUN_LOG_STATEMENTS: readonly WarmStatement[] = [{ text: INSERT_EVENTS_SQL, values: [[NO_ID], [1], [NO_ID], ['warm'], '{}'] }];

/** A run's stored events after `afterSeq`, in order. */
export async function readRunEvents(db: Db, runId: string, afterSeq = 0): Promise<RunEvent[]> {
  const rows = await db.$queryRaw<Array<{ type: string; payload: unknown }>>`
    SELECT type, payload FROM run_events WHERE run_id = ${runId}::uuid AND seq > ${afterSeq} ORDER BY seq`;
  return rows.map((r) => ({ type: r.type, payload: r.payload }) as RunEvent);
}

/** Forgets the events of runs that ended more than `retentionS` ago. */
export async function pruneRunEvents(db: Db, retentionS: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM run_events e
    WHERE e.created_at < now() - ${retentionS} * interval '1 second'
      AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = e.run_id AND r.status = 'running')`;
}
