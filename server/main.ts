import { verifyPassword } from './auth/passwords.ts';
import { loadOrCreateSecret } from './auth/secret.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createServer } from './createServer.ts';
import { openDatabase } from './data/database.ts';
import type { Db } from './data/prisma.ts';
import { createLogger, type Logger } from './logger.ts';
import { seedDemoIfEmpty } from './mail/demo/seed.ts';
import { backfillSearchIndex } from './mail/mailIndex.ts';
import { mailAssistant } from '../agents/mail/agent.ts';

type DemoSignIn = 'ready' | 'password-differs' | 'none';

/** Whether the configured demo credentials actually sign in, so the banner never prints a stale password. */
async function demoSignIn(db: Db, config: Config): Promise<DemoSignIn> {
  if (!config.demo.enabled) return 'none';
  const user = await db.user.findUnique({ where: { email: config.demo.email }, select: { passwordHash: true } });
  if (!user) return 'none';
  return (await verifyPassword(user.passwordHash, config.demo.password)) ? 'ready' : 'password-differs';
}

function banner(url: string, config: Config, demo: DemoSignIn): string {
  const lines = [``, `  Agentwire is running at ${url}`];
  if (demo === 'ready') lines.push(`  Demo sign-in: ${config.demo.email} / ${config.demo.password}`);
  if (demo === 'password-differs') {
    lines.push(`  Demo account: ${config.demo.email} (its password is not DEMO_PASSWORD; \`npm run seed -- --reset\` resets the demo)`);
  }
  lines.push(`  Model: ${config.llm.provider === 'local' ? 'built-in offline assistant (LLM_PROVIDER=local)' : `${config.llm.model} via OpenAI API`}`, ``);
  return lines.join('\n');
}

/** Runs `shutdown` once on SIGINT/SIGTERM; a second signal exits at once. */
function onShutdownSignal(log: Logger, shutdown: (signal: string) => Promise<void>) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      stopping = true;
      shutdown(signal).then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  await seedDemoIfEmpty(database.db, config.demo, { now: new Date(), log });
  // Mail stored before Chinese segmentation existed (a no-op afterwards).
  await backfillSearchIndex(database.db, log);
  const jwtSecret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
  const server = await createServer(config, { db: database.db, log, jwtSecret, agent: mailAssistant, databaseUrl: database.url });
  onShutdownSignal(log, async (signal) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    await database.close();
  });
  const { url } = await server.listen();
  process.stdout.write(banner(url, config, await demoSignIn(database.db, config)) + '\n');
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Agentwire failed to start: ${err?.stack ?? err}\n`);
  }
  process.exit(1);
});
