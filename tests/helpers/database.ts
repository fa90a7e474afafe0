import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrisma, type Db } from '../../server/data/prisma.ts';

const urls = new WeakMap<Db, string>();

/** The URL a test database's client was opened with (servers started over it take their liveness lock there). */
export function databaseUrlOf(db: Db): string | undefined {
  return urls.get(db);
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgServerUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database cloned from a template (default: the migrated, empty one). */
export async function createTestDatabase(template = inject('pgTemplate')): Promise<TestDatabase> {
  const name = `${inject('pgPrefix')}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = withDatabase(inject('pgServerUrl'), name);
  const db = createPrisma(url, { poolMax: 10 });
  urls.set(db, url);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** An empty database with no migrations (for migration tests). */
export async function createBlankDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${inject('pgPrefix')}_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: withDatabase(inject('pgServerUrl'), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
