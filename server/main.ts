import cluster from 'node:cluster';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { acquireServerLock, ServerLockError } from './serverLock.ts';
import type { AgentwireServer } from './createServer.ts';
import { DataDirError, postgresSystemUser, preparePostgresDirs } from './data/dataDirAccess.ts';
import type { OpenDatabase } from './data/database.ts';
import type { Db } from './data/prisma.ts';
import { createLogger, type Logger } from './logger.ts';

type DemoSignIn = 'ready' | 'password-differs' | 'none';

/** Whether the configured demo credentials actually sign in, so the banner never prints a stale password. */
async function demoSignIn(db: Db, config: Config): Promise<DemoSignIn> {
  if (!config.demo.enabled) return 'none';
  const { verifyPassword } = await import('./auth/passwords.ts');
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

/**
 * A terminal's Ctrl-C reaches every process of the foreground group, and
 * `npm start` forwards it to its child as well, so one key press arrives
 * here twice within milliseconds. Signals that close together are one.
 */
const SAME_SIGNAL_MS = 750;

interface Shutdown {
  /** Stop accepting, let active runs finish (SHUTDOWN_GRACE_MS), store everything, stop the database. */
  drain(signal: string): Promise<void>;
  /** A second Ctrl-C: interrupt active runs now; they are still stored with their partial answers. */
  hurry(): void;
}

/** SIGINT/SIGTERM: the first drains; a second (not a duplicate) hurries; a third exits at once. */
function onShutdownSignal(log: Logger, shutdown: Shutdown) {
  let lastAt: number | undefined;
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    // Each key press arrives twice (the group's and npm's copy): the second Ctrl-C's copy is not a third.
    if (lastAt !== undefined && now - lastAt < SAME_SIGNAL_MS) return;
    lastAt = now;
    count++;
    if (count === 1) {
      shutdown.drain(signal).then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
      return;
    }
    if (count === 2) {
      log.warn({ signal }, 'second signal: interrupting active runs and storing them now (again to exit at once)');
      shutdown.hurry();
      return;
    }
    log.warn({ signal }, 'third signal: exiting now');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let database: OpenDatabase | undefined;
  let server: AgentwireServer | undefined;
  let lock: Awaited<ReturnType<typeof acquireServerLock>> | undefined;
  // WORKERS > 1: this process (the primary) holds the port, the lock and the database; the workers serve.
  const worker = cluster.isWorker;
  const { workerCount } = await import('./cluster/primary.ts');
  const workers = worker ? 1 : workerCount(config);
  let primary: import('./cluster/primary.ts').Primary | undefined;
  onShutdownSignal(log, {
    async drain(signal) {
      log.info({ signal }, 'shutting down');
      await primary?.stop();
      await server?.close();
      await database?.close();
      await lock?.release();
      log.info('stopped');
    },
    hurry: () => server?.hurry(),
  });
  if (worker) return serveAsWorker(config, log, (s) => (server = s));
  // Before the database: a second start must not touch the live server's runs.
  lock = await acquireServerLock(config.dataDir);
  try {
    // Checked before loading the rest of the server, so a bad DATA_DIR is refused within moments.
    if (!config.databaseUrl) {
      await preparePostgresDirs(config.dataDir, path.join(config.dataDir, 'postgres'), await postgresSystemUser(), log);
    }
    const [{ openDatabase }, { seedDemoIfEmpty }, { backfillSearchIndex }, { loadOrCreateSecret }, { createServer }, { mailAssistant }, budget] = await Promise.all([
      import('./data/database.ts'),
      import('./mail/demo/seed.ts'),
      import('./mail/mailIndex.ts'),
      import('./auth/secret.ts'),
      import('./createServer.ts'),
      import('../agents/mail/agent.ts'),
      import('./connectionBudget.ts'),
    ]);
    database = await openDatabase(config, log);
    await budget.checkConnectionBudget(database.db, { processes: workers, perProcess: budget.connectionsPerProcess(config), log });
    await seedDemoIfEmpty(database.db, config.demo, { now: new Date(), log });
    // Mail stored before Chinese segmentation existed (a no-op afterwards).
    await backfillSearchIndex(database.db, log);
    const jwtSecret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
    if (workers > 1) {
      const { startPrimary } = await import('./cluster/primary.ts');
      primary = await startPrimary({ config, log, databaseUrl: database.url, workers });
      await lock.listening(primary.url);
      process.stdout.write(banner(primary.url, config, await demoSignIn(database.db, config)) + `  Workers: ${workers}\n\n`);
      return;
    }
    server = await createServer(config, { db: database.db, log, jwtSecret, agent: mailAssistant, databaseUrl: database.url });
    const { url } = await server.listen();
    await lock.listening(url);
    process.stdout.write(banner(url, config, await demoSignIn(database.db, config)) + '\n');
  } catch (err) {
    await primary?.stop().catch(() => undefined);
    await server?.close({ graceMs: 0 }).catch(() => undefined);
    await database?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw err;
  }
}

/** A worker of WORKERS > 1: the primary prepared the database (DATABASE_URL) and owns the port. */
async function serveAsWorker(config: Config, log: Logger, started: (server: AgentwireServer) => void): Promise<void> {
  const [{ openDatabase }, { loadOrCreateSecret }, { createServer }, { mailAssistant }, { setupWorker }, { workerReady }] = await Promise.all([
    import('./data/database.ts'),
    import('./auth/secret.ts'),
    import('./createServer.ts'),
    import('../agents/mail/agent.ts'),
    import('@socket.io/sticky'),
    import('./cluster/primary.ts'),
  ]);
  const database = await openDatabase(config, log);
  const jwtSecret = await loadOrCreateSecret(config.jwtSecret, config.dataDir);
  const server = await createServer(config, { db: database.db, log, jwtSecret, agent: mailAssistant, databaseUrl: database.url });
  started(server);
  process.on('exit', () => void database.close());
  // Connections arrive from the primary (sticky sessions), not from a port of our own.
  setupWorker(server.gateway.io);
  workerReady();
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof ServerLockError || err instanceof DataDirError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Agentwire failed to start: ${err?.stack ?? err}\n`);
  }
  process.exit(1);
});
