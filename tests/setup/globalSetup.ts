/**
 * One PostgreSQL server for the whole run: DATABASE_URL's server when set
 * (CI's production path), else an embedded one in a temp dir. Migrations are
 * applied once to a template database; each test file clones it (see
 * tests/helpers/database.ts), so files never share state.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureDatabase } from '../../server/data/database.ts';
import { migrate } from '../../server/data/migrate.ts';
import { createLogger } from '../../server/logger.ts';
import { createPrisma } from '../../server/data/prisma.ts';
import { seedReferenceDemo } from '../../server/mail/demo/referenceDemo.ts';
import { startScratchPostgres } from '../../server/data/scratchPostgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection URL of the server (any database on it; tests replace the path). */
    pgServerUrl: string;
    /** Template database with every migration applied. */
    pgTemplate: string;
    /** Prefix of every database this run creates. */
    pgPrefix: string;
    /** Template database holding the seeded demo user and mailbox (tests/helpers/demo.ts). */
    pgDemoTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const scratch = await startScratchPostgres(log, process.env.DATABASE_URL);
  const { serverUrl } = scratch;
  const prefix = `aw_t${randomBytes(4).toString('hex')}`;
  const template = `${prefix}_template`;
  await migrate(await ensureDatabase(serverUrl, template), log);
  const demoTemplate = await createDemoTemplate(serverUrl, template, `${prefix}_demo`);

  project.provide('pgServerUrl', serverUrl);
  project.provide('pgTemplate', template);
  project.provide('pgPrefix', prefix);
  project.provide('pgDemoTemplate', demoTemplate);

  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '%'",
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
    await client.end();
    await scratch.stop();
  };
}

/** A clone of the migrated template with the demo seeded (fixed seed, anchor and time zone from tests/helpers/demo.ts). */
async function createDemoTemplate(serverUrl: string, template: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createPrisma(url.toString(), { poolMax: 4 });
  try {
    await seedReferenceDemo(db);
  } finally {
    // A template must have no open connections when it is cloned.
    await db.$disconnect();
  }
  return name;
}
