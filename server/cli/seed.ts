/**
 * `npm run seed [-- --reset] [--seed <n>]`: creates the demo user, its
 * generated mailbox and every day's report in the configured database
 * (DATABASE_URL, or the embedded one under DATA_DIR) and prints the
 * credentials. Running it again changes nothing; --reset deletes the demo
 * user and everything it owns first, and seeds a fresh mailbox ending now.
 * Stop `npm start` first when using the embedded database: both would run
 * PostgreSQL on the same DATA_DIR.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../data/database.ts';
import { createLogger } from '../logger.ts';
import { DEFAULT_DEMO_SEED, seedDemoData } from '../mail/demo/seed.ts';
import { dayOf, shiftDay } from '../time/calendar.ts';
import { DEMO_DAYS } from '../mail/demo/generate.ts';

async function main() {
  const { values } = parseArgs({
    options: { reset: { type: 'boolean', default: false }, seed: { type: 'string' } },
    strict: true,
  });
  const seed = values.seed === undefined ? DEFAULT_DEMO_SEED : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`--seed must be an integer, not ${values.seed}`);

  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const database = await openDatabase(config, log);
  try {
    if (values.reset) {
      const { count } = await database.db.user.deleteMany({ where: { email: config.demo.email } });
      if (count) process.stdout.write(`Deleted the demo user ${config.demo.email} and all its data.\n`);
    }
    const r = await seedDemoData(database.db, {
      email: config.demo.email,
      password: config.demo.password,
      timeZone: config.demo.timezone,
      now: new Date(),
      seed,
      log,
    });
    const emails = await database.db.email.count({ where: { userId: r.userId } });
    const last = dayOf(r.anchor, r.timeZone);
    process.stdout.write(
      (r.userCreated || r.emailsInserted > 0
        ? `Demo data ready: ${emails} emails and ${r.reportsBuilt} daily reports`
        : `Demo data was already there (${emails} emails, ${r.reportsBuilt} daily reports); nothing changed`) +
        ` for ${shiftDay(last, 1 - DEMO_DAYS)} … ${last} (${r.timeZone}).\n` +
        `Sign in with ${config.demo.email} / ${config.demo.password}\n`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Seeding failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
