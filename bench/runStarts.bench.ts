/**
 * A burst of run starts on a server's database pool: 100 sessions asking at
 * once, each taking its lease and opening its run (acquireLease, beginRun:
 * what every message does before the model is called), on a pool just made
 * (the connections open and prepare the statements as the burst needs them:
 * a server just started, or a quiet spell after which the pool had closed its
 * idle connections), on one warmed as the server warms it at start
 * (warmConnections), and once more on the same pool (every connection
 * has run the statements). Baseline: 100 primary-key lookups at once on a
 * pool just made, in the same process.
 *
 *   npm run bench -- runStarts
 */
import { randomUUID } from 'node:crypto';
import { beginRun, RUN_STORE_STATEMENTS } from '../server/agent/runStore.ts';
import { acquireLease, LEASE_STATEMENTS } from '../server/cluster/sessionLeases.ts';
import { createPrisma, sqlOf, warmConnections, type Db } from '../server/data/prisma.ts';
import type { BenchContext } from './support/context.ts';
import { cpuMsBetween, postgresCpu } from './support/processCpu.ts';
import { formatTable, quantile } from './support/stats.ts';

const SESSIONS = 100;
const POOL = 20;

interface Burst {
  p50: number;
  last: number;
  databaseCpuMsPerRun: number;
}

export default async function runStarts(ctx: BenchContext): Promise<void> {
  const database = await ctx.demoDatabase();
  const [backend] = await database.db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const databaseCpu = backend ? postgresCpu(backend.pid) : null;
  const nodeId = randomUUID();

  async function burst(db: Db, one: (sessionId: string) => Promise<unknown>): Promise<Burst> {
    // The sessions are made through another pool, so this one's connections are only what the burst opens.
    const ids = Array.from({ length: SESSIONS }, () => randomUUID());
    await sqlOf(database.db).exec(`INSERT INTO chat_sessions (id, user_id, updated_at) SELECT unnest($1::uuid[]), $2::uuid, now()`, [ids, database.userId]);
    const before = databaseCpu?.();
    const t0 = performance.now();
    const done = await Promise.all(ids.map(async (id) => (await one(id), performance.now() - t0)));
    const after = databaseCpu?.();
    done.sort((a, b) => a - b);
    return { p50: quantile(done, 0.5), last: done.at(-1)!, databaseCpuMsPerRun: before && after ? cpuMsBetween(before, after) / SESSIONS : Number.NaN };
  }
  const start = (db: Db) => async (sessionId: string) => {
    await acquireLease(db, sessionId, nodeId);
    await beginRun(db, { runId: randomUUID(), sessionId, userId: database.userId, userMessageId: randomUUID(), content: 'What did Priya send me about the budget?', now: new Date() });
  };
  const lookup = (db: Db) => (sessionId: string) => sqlOf(db).rows(`SELECT id FROM chat_sessions WHERE id = $1::uuid`, [sessionId]);

  async function onNewPool<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = createPrisma(database.url, { poolMax: POOL });
    try {
      return await fn(db);
    } finally {
      await db.$disconnect();
    }
  }

  const baseline = await onNewPool((db) => burst(db, lookup(db)));
  const cold = await onNewPool(async (db) => ({ first: await burst(db, start(db)), again: await burst(db, start(db)) }));
  let warmMs = 0;
  const warmed = await onNewPool(async (db) => {
    const t0 = performance.now();
    await warmConnections(db, [...LEASE_STATEMENTS, ...RUN_STORE_STATEMENTS], POOL);
    warmMs = performance.now() - t0;
    return burst(db, start(db));
  });

  const f0 = (x: number) => x.toFixed(0);
  const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
  const row = (name: string, b: Burst) => [name, `${f0(b.p50)} / ${f0(b.last)}`, `${(b.last / baseline.last).toFixed(1)}×`, f1(b.databaseCpuMsPerRun)];
  ctx.print(`${SESSIONS} run starts at once (lease + beginRun), pool of ${POOL} (ms; database CPU per run from /proc when the database runs here)`);
  ctx.print(
    formatTable(
      ['pool', 'done p50 / last', 'last vs baseline', 'database CPU/run'],
      [
        row('baseline: 100 primary-key lookups, new pool', baseline),
        row('new pool', cold.first),
        row(`warmed at start (${f0(warmMs)} ms before)`, warmed),
        row('the same pool, next burst', cold.again),
      ],
    ),
  );
  ctx.print(`Database: ${database.where}.`);
}
