/**
 * The run log stores every event before it is sent, as it was sent: what a
 * tab that reconnects (join_session after_seq) or another node reads back.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunLog, readRunEvents } from '../../server/cluster/runLog.ts';
import { ownConnections, sqlOf, type Sql } from '../../server/data/prisma.ts';
import type { RunEvent } from '../../shared/protocol.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createSession, createUser, silentLog } from '../agent/support.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

function chunk(sessionId: string, runId: string, seq: number, delta: string): RunEvent {
  return {
    type: 'agent_response_chunk',
    payload: { message_id: 'm1', part: 0, delta, session_id: sessionId, run_id: runId, seq, timestamp: 1_700_000_000_000 + seq },
  } as RunEvent;
}

describe('the run log', () => {
  it('reads back every event as sent, whatever its text holds, in order; events of an unknown session are not kept', async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const runId = randomUUID();
    const deltas = ['plain ', 'say "hi" \\ then \\"', 'control \u0001 \u001f \n\t', '李伟 📬 ', '{"not":"json"}', ''];
    const log = new RunLog(sqlOf(t.db), silentLog);
    const sent: number[] = [];
    const events = deltas.map((d, i) => chunk(session.id, runId, i + 1, d));
    const orphan = chunk(randomUUID(), randomUUID(), 1, 'nobody');
    for (const e of [...events.slice(0, 2), orphan, ...events.slice(2)]) log.append(e, () => sent.push(e.payload.seq));
    await log.drained();

    expect(sent).toEqual([1, 2, 1, 3, 4, 5, 6]);
    expect(await readRunEvents(t.db, runId)).toEqual(events);
    expect(await readRunEvents(t.db, runId, 4)).toEqual(events.slice(4));
    expect(await readRunEvents(t.db, orphan.payload.run_id)).toEqual([]);
  });

  it('stores what one turn of the event loop appends, across runs, with one INSERT; later events with the next', async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const sql = sqlOf(t.db);
    // Rows each INSERT of the log stored.
    const writes: number[] = [];
    const counting: Sql = {
      rows: (text, values) => sql.rows(text, values),
      exec: async (text, values) => {
        const stored = await sql.exec(text, values);
        writes.push(stored);
        return stored;
      },
    };
    const log = new RunLog(counting, silentLog);
    const sent: string[] = [];
    const append = (e: RunEvent) => log.append(e, () => sent.push(`${e.payload.run_id === a ? 'a' : e.payload.run_id === b ? 'b' : 'c'}${e.payload.seq}`));
    // Three runs' tokens as one poll of their sockets delivers them, one more from a promise continuation.
    append(chunk(session.id, a, 1, 'one'));
    append(chunk(session.id, b, 1, 'uno'));
    append(chunk(session.id, a, 2, ' two'));
    await Promise.resolve();
    append(chunk(session.id, c, 1, 'eins'));
    await log.drained();
    append(chunk(session.id, b, 2, ' dos'));
    append(chunk(session.id, c, 2, ' zwei'));
    await log.drained();

    expect(writes).toEqual([4, 2]);
    expect(sent).toEqual(['a1', 'b1', 'a2', 'c1', 'b2', 'c2']);
    expect((await readRunEvents(t.db, c)).map((e) => (e.payload as { delta: string }).delta)).toEqual(['eins', ' zwei']);
  });

  it("stores a NUL, which jsonb cannot hold, as U+FFFD, and never loses the other runs' events of the same write", async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const [a, b] = [randomUUID(), randomUUID()];
    const log = new RunLog(sqlOf(t.db), silentLog);
    const events = [chunk(session.id, a, 1, 'before '), chunk(session.id, b, 1, 'bad \u0000 byte'), chunk(session.id, a, 2, 'after'), chunk(session.id, b, 2, 'typed \\u0000')];
    for (const e of events) log.append(e, () => undefined);
    await log.drained();

    expect(await readRunEvents(t.db, a)).toEqual([events[0], events[2]]);
    const stored = await readRunEvents(t.db, b);
    expect(stored.map((e) => (e.payload as { delta: string }).delta)).toEqual(['bad \ufffd byte', 'typed \\u0000']);
  });

  it("on connections of its own, stores and sends while every connection of the server's pool waits", async () => {
    const user = await createUser(t.db);
    const session = await createSession(t.db, user.id);
    const runId = randomUUID();
    const holder = new pg.Client({ connectionString: t.url });
    const reader = new pg.Client({ connectionString: t.url });
    await Promise.all([holder.connect(), reader.connect()]);
    const own = ownConnections(t.db, { max: 1, applicationName: 'agentwire-run-log-test', onError: () => undefined });
    try {
      // Every connection of the pool (10: createTestDatabase) blocked on a lock another client holds.
      await holder.query('SELECT pg_advisory_lock(4242)');
      const waiting = Array.from({ length: 10 }, () => sqlOf(t.db).rows('SELECT pg_advisory_xact_lock(4242)', []));
      let poolFreed = false;
      const freed = Promise.all(waiting).then(() => (poolFreed = true));
      // The pool's connections are all taken once the lock has ten waiters.
      for (;;) {
        const { rows } = await reader.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        if (rows[0]!.n === 10) break;
        await new Promise((r) => setImmediate(r));
      }

      const log = new RunLog(own, silentLog);
      const event = chunk(session.id, runId, 1, 'on time');
      const sent = new Promise<string>((resolve) => log.append(event, () => resolve('sent')));
      // Queued behind the pool it would wait until the lock is released below: never, within the test.
      const late = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000).unref());
      expect(await Promise.race([sent, late])).toBe('sent');
      expect(poolFreed).toBe(false);
      const stored = await reader.query('SELECT seq FROM run_events WHERE run_id = $1', [runId]);
      expect(stored.rows).toEqual([{ seq: 1 }]);
      // Named apart in pg_stat_activity: the pool's ten, and the run log's one.
      const named = await reader.query<{ application_name: string; n: number }>(
        `SELECT application_name, count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE 'agentwire%' GROUP BY 1 ORDER BY 1`,
      );
      expect(named.rows).toEqual([
        { application_name: 'agentwire', n: 10 },
        { application_name: 'agentwire-run-log-test', n: 1 },
      ]);

      await holder.query('SELECT pg_advisory_unlock(4242)');
      await freed;
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      await own.end();
      await Promise.all([holder.end(), reader.end()]);
    }
  });
});
