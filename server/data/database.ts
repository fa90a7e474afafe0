import path from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embeddedPostgres.ts';
import { migrate } from './migrate.ts';
import { createPrisma, type Db } from './prisma.ts';
import { retryWhileUnreachable } from './transient.ts';

export interface OpenDatabase {
  url: string;
  db: Db;
  embedded: boolean;
  /** Whether this process runs the embedded PostgreSQL (false: another process does, or DATABASE_URL). */
  ownsEmbedded: boolean;
  close(): Promise<void>;
}

/** An external server may be restarting or failing over: keep trying this long before giving up on start. */
const EXTERNAL_START_RETRY_MS = 60_000;

const APP_DATABASE = 'agentwire';

/** Creates a database on a server if it does not exist yet (`CREATE DATABASE` has no IF NOT EXISTS). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile by a concurrent start
      });
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * DATABASE_URL when configured; otherwise an embedded PostgreSQL under
 * DATA_DIR, started now and stopped by close(). Migrations are applied before
 * the client is handed out.
 */
export async function openDatabase(config: Config, log: Logger): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url: string;
  if (config.databaseUrl) {
    url = config.databaseUrl;
  } else {
    embedded = await startEmbeddedPostgres({
      clusterDir: path.join(config.dataDir, 'postgres'),
      passwordFile: path.join(config.dataDir, 'postgres-password'),
      log: log.child({ component: 'embedded-postgres' }),
    });
    try {
      url = await ensureDatabase(embedded.url, APP_DATABASE);
    } catch (err) {
      await embedded.stop();
      throw err;
    }
  }
  try {
    await retryWhileUnreachable(() => migrate(url, log.child({ component: 'migrate' })), {
      log,
      what: 'applying migrations',
      maxMs: embedded ? 10_000 : EXTERNAL_START_RETRY_MS,
    });
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  const db = createPrisma(url, { poolMax: config.databasePoolMax, onPoolError: (err) => log.warn({ err: { message: err.message } }, 'database connection lost') });
  return {
    url,
    db,
    embedded: embedded !== undefined,
    get ownsEmbedded() {
      return embedded?.owner ?? false;
    },
    async close() {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
