import { loadOrCreateSecret } from './auth/secret.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createServer } from './createServer.ts';
import { openDatabase } from './data/database.ts';
import { createLogger, type Logger } from './logger.ts';
import { seedDemoIfEmpty } from './mail/demo/seed.ts';

function banner(url: string, config: Config, demoReady: boolean): string {
  const lines = [``, `  Agentwire is running at ${url}`];
  if (demoReady) lines.push(`  Demo sign-in: ${config.demo.email} / ${config.demo.password}`);
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
  const jwtSecret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
  const server = await createServer(config, { db: database.db, log, jwtSecret });
  onShutdownSignal(log, async (signal) => {
    log.info({ signal }, 'shutting down');
    await server.close();
    await database.close();
  });
  const { url } = await server.listen();
  const demoReady = config.demo.enabled && (await database.db.user.count({ where: { email: config.demo.email } })) > 0;
  process.stdout.write(banner(url, config, demoReady) + '\n');
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Agentwire failed to start: ${err?.stack ?? err}\n`);
  }
  process.exit(1);
});
