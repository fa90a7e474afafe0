import cluster from 'node:cluster';
import http from 'node:http';
import { createAdapter as createClusterAdapter } from '@socket.io/cluster-adapter';
import type { AddressInfo } from 'node:net';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Express } from 'express';
import { createAgentRuntime } from './agent/index.ts';
import { createAgentRegistry, type AgentRegistry } from './agent/registry.ts';
import type { AgentDefinition } from './agent/defineAgent.ts';
import type { ConversationRunner } from './agent/types.ts';
import { createAuthService } from './auth/authService.ts';
import { createTokenSigner } from './auth/tokens.ts';
import { createTokenVersions } from './auth/tokenVersions.ts';
import { clusterMetricsReader } from './cluster/clusterMetrics.ts';
import type { Config } from './config.ts';
import type { Db } from './data/prisma.ts';
import { createHttpApp } from './http/app.ts';
import { observabilityRoutes } from './http/routes/observability.ts';
import type { Logger } from './logger.ts';
import { systemClock, type Clock } from './time/clock.ts';
import { createGateway, type Gateway, type GatewayRunStore } from './realtime/gateway.ts';
import { createMetrics } from './realtime/metrics.ts';
import { createWsTransport } from './realtime/ws/wsTransport.ts';
import { connectRedis, type RedisScaleOut } from './realtime/redis.ts';
import { createJobQueue, type JobQueue } from './jobs/jobQueue.ts';
import type { MailEvents } from './mail/imap/accountSync.ts';
import { createKeyClaims } from './jobs/keyClaims.ts';
import { createMailSync, type MailSync } from './mail/imap/mailSync.ts';
import { createSecretBox, loadMailSecretKey } from './mail/imap/secretBox.ts';
import { scheduleNightlyReports } from './mail/reportSchedule.ts';


/** The agent side of the server: conversation handlers and the run store they write. */
export interface AgentRuntime {
  /** The runner of a session, answering with the agent the session recorded. */
  createRunner(userId: string, sessionId: string): ConversationRunner;
  /** A session's agent, read by the caller with the session: the runner then needs no read of its own. */
  knowSessionAgent(sessionId: string, agentName: string): void;
  /** Per served agent: how many of the given (cached) sessions it answers, and its runs in progress. */
  activity(sessionIds: string[]): AgentActivity[];
  runStore: GatewayRunStore;
}

export interface AgentActivity {
  name: string;
  activeSessions: number;
  activeRuns: number;
}

export interface ServerDeps {
  db: Db;
  /** Where the node's liveness lock connects (server/cluster/clusterNode.ts); default: databaseUrl. */
  nodeLockUrl?: string;
  log: Logger;
  jwtSecret: string;
  clock?: Clock;
  /** The agent this server serves (the product: agents/mail); or give `agents`. */
  agent?: AgentDefinition;
  /** The agents this server serves (`agentwire serve a.ts b.ts`); the first is the default for new sessions. */
  agents?: readonly AgentDefinition[];
  /** The chat model (tests: a scripted one); default: the agent's offline model or LLM_PROVIDER's. */
  chatModel?: BaseChatModel;
  /** Redis stream shared by the nodes of one deployment (with REDIS_URL). */
  redisStreamName?: string;
  /** The built web app to serve (default: web/dist). */
  webDist?: string;
  /** The database's URL: background jobs (mail sync, nightly reports) run only when it is given and JOBS is on. */
  databaseUrl?: string;
}

export interface AgentwireServer {
  app: Express;
  httpServer: http.Server;
  gateway: Gateway;
  agents: AgentRegistry;
  /** Background jobs, when this process runs them (reusable by other features: define, send, exclusive). */
  jobs?: JobQueue;
  mailSync?: MailSync;
  /** Starts listening on config.host:config.port (0 = a free port). */
  listen(): Promise<{ url: string; port: number }>;
  /**
   * Stops accepting, lets active runs finish for up to `graceMs` (default
   * SHUTDOWN_GRACE_MS), interrupts the rest, closes sockets, HTTP and Redis.
   * The database stays open: its owner closes it.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
  /** Ends the grace period now (a second Ctrl-C): active runs are interrupted and stored with what they wrote. */
  hurry(): void;
}

export async function createServer(config: Config, deps: ServerDeps): Promise<AgentwireServer> {
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const log = deps.log;
  const agents = createAgentRegistry(deps.agents ?? (deps.agent ? [deps.agent] : []));
  const agent = createAgentRuntime(config, { db: deps.db, log, clock, agents, ...(deps.chatModel ? { model: deps.chatModel } : {}) });

  const signer = createTokenSigner(deps.jwtSecret, config.accessTokenTtlS, now);
  const versions = createTokenVersions(deps.db, now);
  const auth = createAuthService({ db: deps.db, signer, versions, refreshTtlS: config.refreshTokenTtlS, now });
  const metrics = createMetrics({ processMetrics: config.env !== 'test' });
  let gateway: Gateway | undefined;
  const secretBox = createSecretBox(await loadMailSecretKey(config.mail.secretKey, config.dataDir));
  const mailEvents: MailEvents = {
    mailReceived: (userId, e) =>
      gateway?.notifyUser(userId, 'mail_received', {
        account_id: e.accountId,
        count: e.count,
        days: e.days,
        newest_received_at: e.newestReceivedAt.toISOString(),
      }),
    accountStatus: (userId, a) =>
      gateway?.notifyUser(userId, 'mail_account_status', {
        account_id: a.id,
        status: a.status,
        message_count: a.messageCount,
        last_error: a.lastError,
        last_synced_at: a.lastSyncedAt,
      }),
  };
  let jobs: JobQueue | undefined;
  let mailSync: MailSync | undefined;
  if (config.jobs && deps.databaseUrl) {
    jobs = createJobQueue({ databaseUrl: deps.databaseUrl, log });
    mailSync = createMailSync({
      db: deps.db,
      log,
      queue: jobs,
      secretBox,
      events: mailEvents,
      pollIntervalS: config.mail.pollIntervalS,
      retryDelayS: config.mail.retryDelayS,
      batchSize: config.mail.batchSize,
      claims: createKeyClaims({ databaseUrl: deps.databaseUrl, log }),
      watchStandbyMs: config.mail.watchStandbyMs,
    });
  }
  const app = createHttpApp({
    config,
    log,
    db: deps.db,
    auth,
    signer,
    versions,
    now,
    webDist: deps.webDist,
    agents,
    mailAccounts: { secretBox, sync: mailSync, connectTimeoutMs: config.mail.connectTimeoutMs },
    sessionHooks: {
      beforeDelete: async (sessionId) => gateway?.stopSession(sessionId),
      notifyUser: (userId, type, payload) => gateway?.notifyUser(userId, type, payload),
    },
    extraRoutes: (app) =>
      app.use(
        observabilityRoutes({
          db: deps.db,
          log,
          registry: metrics.registry,
          ...(cluster.isWorker ? { allWorkers: clusterMetricsReader(metrics.registry) } : {}),
          realtime: () => {
            const health = gateway!.health();
            return { ...health, connections: health.connections + plainWs.connections, agents: agent.activity(gateway!.sessionIds()) };
          },
        }),
      ),
  });
  const httpServer = http.createServer(app);

  let redis: RedisScaleOut | undefined;
  if (config.redisUrl) redis = await connectRedis(config.redisUrl, log.child({ component: 'redis' }), deps.redisStreamName);
  // Between WORKERS of one machine without Redis, the primary relays (server/cluster/primary.ts).
  const adapter = redis?.adapter ?? (cluster.isWorker ? createClusterAdapter() : undefined);
  gateway = createGateway({
    httpServer,
    config,
    db: deps.db,
    databaseUrl: deps.nodeLockUrl ?? deps.databaseUrl,
    log,
    signer,
    versions,
    now,
    metrics,
    createRunner: agent.createRunner,
    knowSessionAgent: agent.knowSessionAgent,
    agents,
    runStore: agent.runStore,
    adapter,
    clusterWorker: adapter !== undefined && redis === undefined,
    rateLimitStore: redis?.client,
  });
  const realtime = gateway;
  try {
    await realtime.start();
  } catch (err) {
    await redis?.close();
    throw err;
  }
  const plainWs = createWsTransport({
    httpServer,
    db: deps.db,
    log,
    signer,
    now,
    runs: gateway.runs,
    agents,
    allowGuests: config.allowGuests,
    development: config.isDevelopment,
  });
  if (jobs && mailSync) {
    await jobs.start();
    await scheduleNightlyReports(jobs, deps.db, now, log.child({ component: 'reports' }));
    await mailSync.start();
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    httpServer,
    gateway: realtime,
    agents,
    jobs,
    mailSync,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ url: `http://${host}:${port}`, port });
        });
      }),
    hurry: () => realtime.hurry(),
    close: (opts = {}) =>
      (closing ??= (async () => {
        // No new connections; open sockets keep streaming during the grace period.
        if (httpServer.listening) httpServer.close();
        httpServer.closeIdleConnections();
        // Refuse new messages at once; background mail jobs stop while active runs drain.
        const drained = realtime.shutdown(opts.graceMs ?? config.shutdownGraceMs);
        await mailSync?.stop();
        await jobs?.stop(Math.min(opts.graceMs ?? config.shutdownGraceMs, 5000));
        await drained;
        await plainWs.close();
        await redis?.close();
      })()),
  };
}
