import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { checkConnectionBudget, connectionsPerProcess } from '../../server/connectionBudget.ts';
import { openDatabase, type OpenDatabase } from '../../server/data/database.ts';
import { randomBytes } from 'node:crypto';
import { createPrisma, sqlOf, warmConnections } from '../../server/data/prisma.ts';
import { capturedLogger } from '../imap/support.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer } from '../helpers/server.ts';

describe('PostgreSQL connections', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('DATABASE_POOL_MAX bounds the main pool: statements beyond it wait for a connection and still run', async () => {
    const config = loadConfig({ DATABASE_URL: t.url, DATABASE_POOL_MAX: '3' });
    const { log } = capturedLogger();
    const database: OpenDatabase = await openDatabase(config, log);
    try {
      // Six at once on a pool with no connection open yet: the pool opens one per statement, up to its maximum.
      const results = await Promise.all(
        Array.from({ length: 6 }, () => sqlOf(database.db).rows<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)', [])),
      );
      expect(results).toHaveLength(6);
      expect(new Set(results.map(([row]) => row!.pid)).size).toBe(3);
    } finally {
      await database.close();
    }
  });

  it('a server opens its pool at start with every run statement prepared on each connection, and stores nothing doing it', async () => {
    const own = await createTestDatabase();
    const server = await startTestServer(own.db, { env: { DATABASE_POOL_MAX: '10', DATABASE_POOL_WARM: '10' } });
    try {
      // As many statements at once as the pool has connections (each sleeps, so each holds one): every one is warm.
      const seen = await Promise.all(
        Array.from({ length: 10 }, () =>
          sqlOf(own.db).rows<{ pid: number; statements: string[] }>(
            // Each with how often it ran: past PostgreSQL's five custom plans, a connection plans it no more.
            `SELECT pg_backend_pid() AS pid, array_agg((generic_plans + custom_plans) || ' ' || statement) AS statements, pg_sleep(0.2)::text
             FROM pg_prepared_statements`,
            [],
          ),
        ),
      );
      expect(new Set(seen.map(([row]) => row!.pid)).size).toBe(10);
      for (const [row] of seen) {
        const runs = (table: string) => row!.statements.filter((st) => st.includes(`INSERT INTO ${table}`)).map((st) => Number(st.split(' ')[0]));
        expect(runs('session_leases')).toEqual([6]);
        expect(runs('runs')).toEqual([6]);
        expect(runs('conversation_messages')).toEqual([6, 6]);
      }
      // The run log's connection was opened too, before any run.
      const [log] = await sqlOf(own.db).rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'agentwire-run-log'`,
        [],
      );
      expect(log!.n).toBe(1);
      const [rows] = await sqlOf(own.db).rows<{ n: number }>(
        `SELECT (SELECT count(*) FROM session_leases) + (SELECT count(*) FROM runs) + (SELECT count(*) FROM conversation_messages) + (SELECT count(*) FROM run_events) AS n`,
        [],
      );
      expect(Number(rows!.n)).toBe(0);
    } finally {
      await server.close();
      await own.drop();
    }
  });

  it('a warm-up the database partly refuses (a connection limit) gives back the connections that opened, which then serve', async () => {
    const role = `aw_warm_${randomBytes(4).toString('hex')}`;
    await sqlOf(t.db).exec(`CREATE ROLE ${role} LOGIN PASSWORD 'warm-test' CONNECTION LIMIT 2`, []);
    const url = new URL(t.url);
    url.username = role;
    url.password = 'warm-test';
    const limited = createPrisma(url.toString(), { poolMax: 5 });
    try {
      await expect(warmConnections(limited, [{ text: 'SELECT 1', values: [] }], 5)).rejects.toThrow(/too many connections/);
      // The two that opened are the pool's again: a statement runs on one of them, where a third could not open.
      expect(await sqlOf(limited).rows<{ one: number }>('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
      const [open] = await sqlOf(t.db).rows<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1`, [role]);
      expect(open!.n).toBe(2);
    } finally {
      await limited.$disconnect();
      await sqlOf(t.db).exec(`DROP ROLE ${role}`, []);
    }
  });

  it('warns at start when the database allows fewer connections than the server processes may open', async () => {
    const perProcess = connectionsPerProcess(loadConfig({ DATABASE_POOL_MAX: '20' }));
    const short = capturedLogger();
    const budget = await checkConnectionBudget(t.db, { processes: 1000, perProcess, log: short.log });
    expect(budget).toMatchObject({ needed: 1000 * perProcess });
    expect(budget!.allowed).toBeLessThan(budget!.needed);
    const warning = short.text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; needed: number; allowed: number });
    expect(warning).toEqual([expect.objectContaining({ level: 40, needed: 1000 * perProcess, allowed: budget!.allowed })]);
    expect(warning[0]!.msg).toMatch(/DATABASE_POOL_MAX/);

    const enough = capturedLogger();
    expect(await checkConnectionBudget(t.db, { processes: 1, perProcess: 2, log: enough.log })).toMatchObject({ needed: 2 });
    expect(enough.text()).toBe('');
  });
});
