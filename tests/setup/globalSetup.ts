/**
 * One PostgreSQL server for the whole run: DATABASE_URL's server when set
 * (CI's production path), else an embedded one in a temp dir. Migrations are
 * applied once to a template database; each test file clones it (see
 * tests/helpers/database.ts), so files never share state.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/data/embeddedPostgres.ts';
import { ensureDatabase } from '../../server/data/database.ts';
import { migrate } from '../../server/data/migrate.ts';
import { createLogger } from '../../server/logger.ts';
import { createPrisma } from '../../server/data/prisma.ts';
import { seedDemoData } from '../../server/mail/demo/seed.ts';
import { DEMO } from '../helpers/demo.ts';

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
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let serverUrl: string;
  if (process.env.DATABASE_URL) {
    serverUrl = process.env.DATABASE_URL;
  } else {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-test-pg-'));
    await fs.chmod(tmp, 0o755);
    embedded = await startEmbeddedPostgres({
      clusterDir: path.join(tmp, 'cluster'),
      passwordFile: path.join(tmp, 'password'),
      log,
      persistent: false,
    });
    serverUrl = embedded.url;
  }
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
    await embedded?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
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
    await seedDemoData(db, {
      email: DEMO.email,
      password: DEMO.password,
      name: DEMO.name,
      timeZone: DEMO.timeZone,
      now: DEMO.anchor,
      seed: DEMO.seed,
    });
  } finally {
    // A template must have no open connections when it is cloned.
    await db.$disconnect();
  }
  return name;
}
