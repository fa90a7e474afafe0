/**
 * `npm run import -- <path> --user <email>`: imports a .eml file, a directory
 * (every .eml and .mbox under it) or an mbox file into an existing user's
 * mailbox, in the configured database (DATABASE_URL, or the embedded one
 * under DATA_DIR: stop `npm start` first), and rebuilds the daily reports of
 * the days that received mail. Re-importing adds nothing.
 * Exit status: 0 done, 1 nothing imported because of an error (unknown
 * user, missing path), 2 done but some messages could not be imported.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase } from '../data/database.ts';
import { createLogger } from '../logger.ts';
import { ImportError, importMail } from '../mail/importer.ts';

const USAGE = 'Usage: npm run import -- <file.eml | directory | file.mbox> --user <email>';

class UsageError extends Error {}

function parseCommandLine() {
  try {
    const { values, positionals } = parseArgs({ options: { user: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1 || !values.user) throw new UsageError(USAGE);
    return { path: positionals[0]!, user: values.user };
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const args = parseCommandLine();
  const config = loadConfig();
  const log = createLogger(process.env.LOG_LEVEL ?? 'error');
  const database = await openDatabase(config, log);
  try {
    const s = await importMail(database.db, { path: args.path, userEmail: args.user, log });
    for (const f of s.failures) process.stderr.write(`skipped ${f.source}: ${f.reason}\n`);
    const days = s.reportDays;
    process.stdout.write(
      `Imported ${s.imported} new emails for ${args.user} (${s.duplicates} duplicates skipped, ${s.failed} failed)` +
        (days.length ? `; rebuilt ${days.length} daily reports (${days[0]} … ${days[days.length - 1]}).\n` : '.\n'),
    );
    return s.failed > 0 ? 2 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    const known = err instanceof ImportError || err instanceof ConfigError || err instanceof UsageError;
    process.stderr.write(known ? `${err.message}\n` : `Import failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
