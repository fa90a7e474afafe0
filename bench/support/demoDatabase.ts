/**
 * A PostgreSQL database holding the seeded demo, for benchmarks: a fresh
 * database on DATABASE_URL's server when set (dropped afterwards), else an
 * embedded PostgreSQL in a temporary directory (removed afterwards). The demo
 * is the one the tests use: same seed, anchor and time zone.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureDatabase } from '../../server/data/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/data/embeddedPostgres.ts';
import { migrate } from '../../server/data/migrate.ts';
import { createPrisma, type Db } from '../../server/data/prisma.ts';
import type { Logger } from '../../server/logger.ts';
import { seedDemoData } from '../../server/mail/demo/seed.ts';

/** Same values as tests/helpers/demo.ts (which cannot be imported outside vitest). */
export const BENCH_DEMO = {
  seed: 20261122,
  anchor: new Date('2026-11-20T18:00:00+08:00'),
  timeZone: 'Asia/Shanghai',
  email: 'demo@agentwire.local',
  password: 'agentwire-demo',
  name: 'Alex Chen',
} as const;

export interface BenchDatabase {
  url: string;
  db: Db;
  /** The demo user. */
  userId: string;
  emailCount: number;
  /** "embedded PostgreSQL" or the server's host. */
  where: string;
  serverVersion: string;
  close(): Promise<void>;
}

export async function startDemoDatabase(log: Logger): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-bench-pg-'));
    await fs.chmod(tmp, 0o755);
    embedded = await startEmbeddedPostgres({
      clusterDir: path.join(tmp, 'cluster'),
      passwordFile: path.join(tmp, 'password'),
      log,
      persistent: false,
    });
    serverUrl = embedded.url;
  }
  const name = `aw_bench_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, name);
  await migrate(url, log);
  const db = createPrisma(url, { poolMax: 10 });
  const seeded = await seedDemoData(db, {
    email: BENCH_DEMO.email,
    password: BENCH_DEMO.password,
    name: BENCH_DEMO.name,
    timeZone: BENCH_DEMO.timeZone,
    now: BENCH_DEMO.anchor,
    seed: BENCH_DEMO.seed,
  });
  // Fresh statistics, as autovacuum would have gathered on a database in use.
  await db.$executeRawUnsafe('ANALYZE');
  const [version] = await db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  return {
    url,
    db,
    userId: seeded.userId,
    emailCount: await db.email.count({ where: { userId: seeded.userId } }),
    where: embedded ? 'embedded PostgreSQL' : `PostgreSQL at ${new URL(serverUrl).host}`,
    serverVersion: version?.server_version ?? 'unknown',
    async close() {
      await db.$disconnect();
      if (embedded) {
        await embedded.stop();
      } else {
        const admin = new pg.Client({ connectionString: serverUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
      }
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}
