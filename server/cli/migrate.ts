/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../data/database.ts';
import { createLogger } from '../logger.ts';

const config = loadConfig();
const log = createLogger(config.logLevel);
const database = await openDatabase(config, log);
const migrations = await database.db.$queryRaw<{ migration_name: string }[]>`
  SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at`;
process.stdout.write(`Database is up to date (${migrations.length} migrations applied).\n`);
await database.close();
