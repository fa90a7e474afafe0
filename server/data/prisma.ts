import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma } from './generated/prisma/client.ts';
export type { PrismaClient };
export type Db = PrismaClient;

/** The node-postgres pool under each client createPrisma made (see sqlOf), and the settings it was made with. */
const pools = new WeakMap<PrismaClient, { pool: pg.Pool; config: pg.PoolConfig }>();

/** How the main pool's connections are named in pg_stat_activity (the other pools name theirs too). */
const MAIN_POOL_APPLICATION_NAME = 'agentwire';

/**
 * Prisma Client over node-postgres. Connections come from the pool and go
 * back after each query (or each transaction), so no request or run holds
 * one between its queries. The pool is also what sqlOf uses for the hot
 * path's statements.
 */
export function createPrisma(databaseUrl: string, opts: { poolMax?: number; onPoolError?: (err: Error) => void } = {}): PrismaClient {
  const config: pg.PoolConfig = { connectionString: databaseUrl };
  const pool = new pg.Pool({ ...config, application_name: MAIN_POOL_APPLICATION_NAME, max: opts.poolMax ?? 20 });
  // A connection that dies while idle (the database restarted) is dropped from the pool; the next query opens a new one.
  const onError = opts.onPoolError ?? (() => undefined);
  // Until Prisma connects and listens itself, an idle connection's error must not go unhandled.
  pool.on('error', (err) => {
    if (pool.listenerCount('error') === 1) onError(err);
  });
  const adapter = new PrismaPg(pool, { onPoolError: onError, onConnectionError: onError, disposeExternalPool: true });
  const client = new PrismaClient({ adapter });
  pools.set(client, { pool, config });
  return client;
}

/**
 * Plain SQL for the statements every run executes (run log, run start and
 * end, leases): straight on the pool, without Prisma's query engine, which
 * cost as much CPU per statement as the statement's whole round trip (the
 * streaming bench's profile). Rows come back as node-postgres parses them:
 * json and jsonb parsed, timestamptz as Date, int8 as string (cast counts to
 * int). Errors are node-postgres's (SQLSTATE in `code`; see
 * isTransientDbError). A client not made by createPrisma goes through Prisma.
 */
export interface Sql {
  rows<R>(text: string, values: readonly unknown[]): Promise<R[]>;
  /** Runs a statement; the number of rows it touched. */
  exec(text: string, values: readonly unknown[]): Promise<number>;
}

const statementNames = new Map<string, string>();

/**
 * A named (prepared) statement: each connection parses and plans it once, not
 * on every execution — for the run log's INSERT, a third of PostgreSQL's CPU
 * per statement. The name is the text's hash, so one text always has one name.
 */
function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `aw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: values as unknown[] };
}

export function sqlOf(db: Db): Sql {
  const pool = pools.get(db)?.pool;
  // Once Prisma disconnected (and ended the pool), a later query reconnects through Prisma.
  if (pool && !pool.ending && !pool.ended) return poolSql(pool);
  return prismaSql(db);
}

const poolSqls = new WeakMap<pg.Pool, Sql>();

// One per pool: sqlOf runs for every statement on the hot path, and new closures per call showed in its profile.
function poolSql(pool: pg.Pool): Sql {
  let sql = poolSqls.get(pool);
  if (!sql) {
    sql = {
      rows: async <R>(text: string, values: readonly unknown[]) => (await pool.query(prepared(text, values))).rows as R[],
      exec: async (text, values) => (await pool.query(prepared(text, values))).rowCount ?? 0,
    };
    poolSqls.set(pool, sql);
  }
  return sql;
}

/** A statement the hot path runs, with values that touch nothing (ids no row has), to prepare it on a connection. */
export interface WarmStatement {
  text: string;
  values: readonly unknown[];
}

/** An id no row has: what warm statements look up. */
export const NO_ROW_ID = '00000000-0000-0000-0000-000000000000';

/**
 * PostgreSQL plans a prepared statement afresh for each of its first five executions on a connection, then
 * settles on a generic plan when that is no costlier. Warming runs each statement one time more than that, so a
 * warmed connection is where a long-running one is: no planning per run (runStarts bench: database CPU per start
 * 4.8–5.5 ms after one run per connection, 3.2–3.5 ms after six).
 */
const CUSTOM_PLANS_BEFORE_GENERIC = 5;

/**
 * Opens `count` connections of the pool and runs every statement on each (see CUSTOM_PLANS_BEFORE_GENERIC), in a
 * transaction that is rolled back. A connection's first run of a statement costs PostgreSQL far more than the
 * later ones: the backend's start, then parsing and planning and loading the catalog entries of every table and
 * index the statement touches (a run's start, 100 at once on a new pool: 7–10 ms of database CPU per run, against
 * 1.5–2 ms on connections that had run it). Without this, the first burst after a start pays it on every
 * connection at once, and every message of that burst waits for it.
 */
async function warmPool(pool: pg.Pool, statements: readonly WarmStatement[], count: number): Promise<void> {
  // Every connection that opened is given back, even when others could not open (the server's connection limit).
  const opened = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  const warmed = await Promise.allSettled(
    opened.map(async (o) => {
      if (o.status === 'rejected') throw o.reason;
      const client = o.value;
      try {
        await client.query('BEGIN');
        for (const s of statements) {
          for (let run = 0; run <= CUSTOM_PLANS_BEFORE_GENERIC; run++) {
            await client.query('SAVEPOINT warm');
            // A statement that refuses its harmless values has still been parsed, planned and prepared.
            await client.query(prepared(s.text, s.values)).catch(() => client.query('ROLLBACK TO SAVEPOINT warm'));
          }
        }
        await client.query('ROLLBACK');
        client.release();
      } catch (err) {
        // A connection left in an unknown state is closed, not given back.
        client.release(err as Error);
        throw err;
      }
    }),
  );
  const failed = warmed.find((w): w is PromiseRejectedResult => w.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Warms `count` of the main pool's connections (at most its size) with `statements` (see warmPool), and keeps that
 * many open while idle: a burst after a quiet spell would otherwise meet connections the pool had closed. Only the
 * process that serves runs asks, so a WORKERS primary's pool still closes when idle.
 */
export async function warmConnections(db: Db, statements: readonly WarmStatement[], count: number): Promise<void> {
  const pool = pools.get(db)?.pool;
  if (!pool || pool.ending || pool.ended || count <= 0) return;
  // pg-pool reads `min` whenever a connection goes idle: connections up to it are never closed for idling.
  pool.options.min = Math.max(pool.options.min ?? 0, Math.min(count, pool.options.max));
  await warmPool(pool, statements, pool.options.min);
}

function prismaSql(db: Db): Sql {
  return {
    rows: <R>(text: string, values: readonly unknown[]) => db.$queryRawUnsafe<R[]>(text, ...values),
    exec: (text, values) => db.$executeRawUnsafe(text, ...values),
  };
}

/**
 * Statements on connections of their own, beside `db`'s pool (the same
 * database and settings): for a writer that others wait on and that must
 * never queue behind the pool's other users — the run log, which every event
 * a client sees waits for. When a hundred runs start at once their statements
 * fill the pool's queue, and a run log write queued behind them held every
 * run's events for half a second (the streaming bench, N = 100). Opened on
 * first use; once ended, or for a client createPrisma did not make, the
 * statements go through `db` as sqlOf's do.
 */
export function ownConnections(
  db: Db,
  opts: { max: number; applicationName: string; onError(err: Error): void },
): Sql & { warm(statements: readonly WarmStatement[]): Promise<void>; end(): Promise<void> } {
  const config = pools.get(db)?.config;
  let pool: pg.Pool | undefined;
  let ended = false;
  const open = (): pg.Pool | undefined => {
    if (ended || !config) return undefined;
    if (!pool) {
      // allowExitOnIdle: a client that never ends it still lets the process exit.
      // min: max — they stay open while idle, ready for the next burst (see warmPool).
      pool = new pg.Pool({ ...config, application_name: opts.applicationName, max: opts.max, min: opts.max, allowExitOnIdle: true });
      // A connection that dies while idle (the database restarted) is dropped; the next statement opens another.
      pool.on('error', opts.onError);
    }
    return pool;
  };
  const current = (): Sql => {
    const own = open();
    return own ? poolSql(own) : sqlOf(db);
  };
  return {
    rows: (text, values) => current().rows(text, values),
    exec: (text, values) => current().exec(text, values),
    async warm(statements) {
      const own = open();
      if (own) await warmPool(own, statements, opts.max);
    },
    async end() {
      ended = true;
      await pool?.end();
    },
  };
}
