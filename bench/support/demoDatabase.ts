/**
 * A PostgreSQL database holding the seeded demo, for benchmarks: a fresh
 * database on DATABASE_URL's server when set (dropped afterwards), else an
 * embedded PostgreSQL in a temporary directory (removed afterwards). The demo
 * is the one the tests use: same seed, anchor and time zone.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase } from '../../server/data/database.ts';
import { migrate } from '../../server/data/migrate.ts';
import { createPrisma, type Db } from '../../server/data/prisma.ts';
import { startScratchPostgres } from '../../server/data/scratchPostgres.ts';
import type { Logger } from '../../server/logger.ts';
import { seedReferenceDemo } from '../../server/mail/demo/referenceDemo.ts';


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
  const scratch = await startScratchPostgres(log, process.env.DATABASE_URL);
  const name = `aw_bench_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(scratch.serverUrl, name);
  await migrate(url, log);
  const db = createPrisma(url, { poolMax: 10 });
  const seeded = await seedReferenceDemo(db);
  // Fresh statistics, as autovacuum would have gathered on a database in use.
  await db.$executeRawUnsafe('ANALYZE');
  const [version] = await db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  return {
    url,
    db,
    userId: seeded.userId,
    emailCount: await db.email.count({ where: { userId: seeded.userId } }),
    where: scratch.where,
    serverVersion: version?.server_version ?? 'unknown',
    async close() {
      await db.$disconnect();
      const admin = new pg.Client({ connectionString: scratch.serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
      await scratch.stop();
    },
  };
}
