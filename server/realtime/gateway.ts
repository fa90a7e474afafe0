import type http from 'node:http';
import { Server } from 'socket.io';
import type { HealthResponse } from '../../shared/api.ts';
import { userRoom, type RunEvent, type UserEventPayloads, type UserEventType } from '../../shared/protocol.ts';
import type { AgentRegistry } from '../agent/registry.ts';
import type { ConversationRunner } from '../agent/types.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { TokenVersions } from '../auth/tokenVersions.ts';
import { ClusterNode } from '../cluster/clusterNode.ts';
import { NodeBus } from '../cluster/nodeBus.ts';
import { countAdapterBroadcasts, RoomRelay } from '../cluster/roomRelay.ts';
import { RUN_LOG_STATEMENTS, RunLog } from '../cluster/runLog.ts';
import { LEASE_STATEMENTS } from '../cluster/sessionLeases.ts';
import type { Config } from '../config.ts';
import { ownConnections, warmConnections, type Db, type WarmStatement } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { batchFramesPerWrite } from './batchedFrames.ts';
import { createGuestAccounts } from './guests.ts';
import { HandlerCache } from './handlerCache.ts';
import { KnownSessions } from './knownSessions.ts';
import type { Metrics } from './metrics.ts';
import { createMessageRateLimiter } from './rateLimit.ts';
import { createRunService, type RunService } from './runService.ts';
import { registerSessionEvents } from './sessionEvents.ts';
import { ANNOUNCE_STATEMENTS, SessionAnnouncer } from './sessionAnnouncer.ts';
import { SessionRuns } from './sessionRuns.ts';
import { closeRevokedSockets, enforceTokenExpiry, enforceTokenVersion, socketAuth } from './socketAuth.ts';
import { sessionRoom, type AppServer } from './types.ts';

/** The run log's connections, beside the main pool: one is enough, it has one write in flight at a time. */
export const RUN_LOG_CONNECTIONS = 1;

/** What the gateway needs from the run store (server/agent) besides the runner itself. */
export interface GatewayRunStore {
  /** Deletes a run with its messages (multitask `rollback`). */
  discardRun(runId: string): Promise<void>;
  /** Gives a run whose stream threw (a runtime bug) its final `failed` state. */
  failRun(runId: string, message: string): Promise<void>;
  /** What every run executes (its start and end), for warming the pool's connections. */
  statements: readonly WarmStatement[];
}

export interface GatewayDeps {
  httpServer: http.Server;
  config: Config;
  db: Db;
  /** For the node's liveness lock (see ClusterNode); without it a crashed node is noticed when its lease runs out. */
  databaseUrl?: string;
  log: Logger;
  signer: TokenSigner;
  versions: TokenVersions;
  now(): number;
  metrics: Metrics;
  createRunner(userId: string, sessionId: string): ConversationRunner;
  /** Tells the runner side a session's agent the gateway read with the session (it then needs no read of its own). */
  knowSessionAgent?(sessionId: string, agentName: string): void;
  /** The served agents: a guest's new session gets the default one; a session of another agent cannot run here. */
  agents: AgentRegistry;
  runStore: GatewayRunStore;
  /** Socket.IO adapter factory: the Redis streams adapter with REDIS_URL, the cluster adapter between WORKERS. */
  adapter?: Parameters<AppServer['adapter']>[0];
  /**
   * The adapter is the node:cluster one (WORKERS without REDIS_URL): room broadcasts go only to the workers
   * with a socket in the room (server/cluster/roomRelay.ts).
   */
  clusterWorker?: boolean;
  /** Redis client for a shared rate-limit budget across nodes. */
  rateLimitStore?: unknown;
}

/** What the gateway tells other transports about the sessions it runs. */
export type SessionNotice =
  | { kind: 'run'; event: RunEvent }
  | { kind: 'dropped'; sessionId: string; runId: string; message: string }
  | { kind: 'discarded'; sessionId: string; runId: string };

/** How long a dropped client may come back and receive what it missed. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;
/** After the grace period, how long aborted runs get to store their interrupted state. */
const ABORT_WAIT_MS = 5_000;

/**
 * The Socket.IO side of the server: authenticated sockets, session rooms, and
 * the run service (handler cache, leases, run log) they call.
 */
export function createGateway(deps: GatewayDeps) {
  const { config, log } = deps;
  const socketLog = log.child({ component: 'socket' });
  const startedAt = performance.now();
  let accepting = true;
  let stopping: Promise<void> | undefined;
  let hurryNow: () => void = () => undefined;
  const hurried = new Promise<false>((resolve) => (hurryNow = () => resolve(false)));

  const io: AppServer = new Server(deps.httpServer, {
    serveClient: false,
    // Upgrades outside /socket.io/ belong to the plain WebSocket transport.
    destroyUpgrade: false,
    maxHttpBufferSize: config.maxHttpBufferBytes,
    // A recovered socket skips the (async) middlewares: Socket.IO does not deliver room broadcasts to a
    // socket still in its middlewares, nor replays them, so a database round trip there loses events.
    // Its token stays checked: expiry and revocation are enforced per socket and per packet (socketAuth.ts).
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

  batchFramesPerWrite(io);

  // Set once the node exists (below); until then no run can send anything.
  let relay: RoomRelay | undefined;
  /*
   * Room broadcasts (never per-socket emits): what connection-state recovery replays. With the Redis adapter
   * every one goes through its stream (recovery reads it back); between WORKERS of one machine (the cluster
   * adapter has no recovery) only to the workers with a socket in the room; in one process, to this one.
   */
  const broadcast = (rooms: string[], event: string, payload: unknown) => {
    if (relay) return relay.emit(rooms, event, payload);
    (io.to(rooms) as unknown as { emit(name: string, payload: unknown): boolean }).emit(event, payload);
  };
  const sendToSession = (sessionId: string, event: string, payload: unknown) => broadcast([sessionRoom(sessionId)], event, payload);

  // Other transports on this node (the plain WebSocket one) watch the same runs.
  const watchers = new Set<(notice: SessionNotice) => void>();
  const notify = (notice: SessionNotice) => {
    for (const watcher of watchers) {
      try {
        watcher(notice);
      } catch (err) {
        log.error({ err }, 'a run watcher failed');
      }
    }
  };
  const runLogLog = log.child({ component: 'run-log' });
  const runLogSql = ownConnections(deps.db, { max: RUN_LOG_CONNECTIONS, applicationName: 'agentwire-run-log', onError: (err) => runLogLog.warn({ err: { message: err.message } }, 'run log connection lost') });
  const runLog = new RunLog(runLogSql, runLogLog);

  function notifyUser<K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]) {
    broadcast([userRoom(userId)], type, payload);
  }

  /** The sidebar of every tab follows a session's title and activity, which a run's start changes (runStore.beginRun). */
  const announcer = new SessionAnnouncer(deps.db, (userId, session) => notifyUser(userId, 'session_updated', { session }), log.child({ component: 'announce' }));

  /**
   * Opens the connections runs use and prepares every run's statements on them (warmConnections), so that the
   * first burst of messages after a start does not pay that on every connection at once.
   */
  async function warmUp(): Promise<void> {
    const t0 = performance.now();
    try {
      await Promise.all([
        warmConnections(deps.db, [...LEASE_STATEMENTS, ...deps.runStore.statements, ...ANNOUNCE_STATEMENTS], config.databasePoolWarm),
        runLogSql.warm(RUN_LOG_STATEMENTS),
      ]);
      log.debug({ connections: config.databasePoolWarm, ms: Math.round(performance.now() - t0) }, 'database connections warmed');
    } catch (err) {
      // Only slower: the first runs open and prepare what they need themselves.
      log.warn({ err }, 'could not warm the database connections');
    }
  }

  /** A run event, once stored in the run log: to the session's watchers, and its start and end to the user's tabs. */
  function sendRunEvent(userId: string, event: RunEvent) {
    const { session_id: sessionId } = event.payload;
    sendToSession(sessionId, event.type, event.payload);
    notifyEverywhere({ kind: 'run', event });
    if (event.type === 'run_started') announcer.announce(userId, sessionId);
    // The run's end leaves the session's row as its start did: no session_updated, only run_finished.
    if (event.type === 'conversation_complete') {
      notifyUser(userId, 'run_finished', { session_id: sessionId, run_id: event.payload.run_id, status: event.payload.status });
    }
  }

  const known = new KnownSessions(Math.max(1000, config.handlerCache.max * 2));
  const handlers = new HandlerCache({
    max: config.handlerCache.max,
    idleTtlMs: config.handlerCache.idleTtlMs,
    create: (userId, sessionId, onBusyChange) => {
      const runLogger = log.child({ component: 'run', userId, sessionId });
      return new SessionRuns({
        runner: deps.createRunner(userId, sessionId),
        queue: service.queueOf(sessionId),
        publish: (event, sent) =>
          runLog.append(event, () => {
            sendRunEvent(userId, event);
            sent();
          }),
        discard: async (runId) => {
          await deps.runStore.discardRun(runId);
          sendToSession(sessionId, 'run_discarded', { session_id: sessionId, run_id: runId });
          notifyEverywhere({ kind: 'discarded', sessionId, runId });
        },
        recordCrash: (runId, err) => deps.runStore.failRun(runId, err instanceof Error ? err.message : String(err)),
        observe: () => deps.metrics.runObserver(),
        onBusyChange,
        now: deps.now,
        log: runLogger,
      });
    },
  });

  const node = new ClusterNode({
    db: deps.db,
    databaseUrl: deps.databaseUrl,
    leaseMs: config.cluster.leaseMs,
    log: log.child({ component: 'cluster' }),
    onLost: () => service.leaseLost(),
  });
  /*
   * Plain-WebSocket clients are no Socket.IO sockets: room broadcasts do not
   * reach them on other nodes. So every node tells the others which sessions
   * its ws clients watch, and the node that runs a session relays that
   * session's notices (over the same adapter, so in order) to them. Only
   * sessions watched elsewhere cost a relay: Socket.IO-only traffic is as before.
   */
  const relaying = deps.adapter !== undefined;
  /** Sessions this node's ws clients watch, with how many watch each. */
  const wsWatched = new Map<string, number>();
  /** Sessions other nodes' ws clients watch: session id -> node ids. */
  const remoteWatchers = new Map<string, Set<string>>();
  const setRemoteWatch = (nodeId: string, sessionId: string, on: boolean) => {
    let nodes = remoteWatchers.get(sessionId);
    if (on) {
      if (!nodes) remoteWatchers.set(sessionId, (nodes = new Set()));
      nodes.add(nodeId);
    } else if (nodes) {
      nodes.delete(nodeId);
      if (nodes.size === 0) remoteWatchers.delete(sessionId);
    }
  };
  function notifyEverywhere(notice: SessionNotice) {
    notify(notice);
    if (!relaying) return;
    const sessionId = notice.kind === 'run' ? notice.event.payload.session_id : notice.sessionId;
    if (remoteWatchers.has(sessionId)) io.serverSideEmit('session_notice', { from: node.id, notice });
  }
  if (relaying) {
    io.on('session_notice', (raw: unknown) => {
      const m = raw as { notice?: SessionNotice } | null;
      if (m && typeof m === 'object' && m.notice && typeof m.notice === 'object' && typeof m.notice.kind === 'string') notify(m.notice);
    });
    io.on('ws_watch', (raw: unknown) => {
      const m = raw as { node?: unknown; sessions?: unknown; on?: unknown } | null;
      if (!m || typeof m.node !== 'string' || m.node === node.id || !Array.isArray(m.sessions)) return;
      for (const sessionId of m.sessions) if (typeof sessionId === 'string') setRemoteWatch(m.node, sessionId, m.on === true);
    });
    io.on('ws_watch_sync', (raw: unknown) => {
      const m = raw as { node?: unknown } | null;
      if (!m || m.node === node.id || wsWatched.size === 0) return;
      io.serverSideEmit('ws_watch', { node: node.id, sessions: [...wsWatched.keys()], on: true });
    });
  }
  /** A ws client of this node watches a session: runs of it on any node reach this node from now on. */
  const watchSession = (sessionId: string) => {
    const n = wsWatched.get(sessionId) ?? 0;
    wsWatched.set(sessionId, n + 1);
    if (n === 0 && relaying) io.serverSideEmit('ws_watch', { node: node.id, sessions: [sessionId], on: true });
  };
  const unwatchSession = (sessionId: string) => {
    const n = wsWatched.get(sessionId) ?? 0;
    if (n > 1) return void wsWatched.set(sessionId, n - 1);
    wsWatched.delete(sessionId);
    if (n === 1 && relaying) io.serverSideEmit('ws_watch', { node: node.id, sessions: [sessionId], on: false });
  };

  let stopCounting: (() => void) | undefined;
  if (deps.clusterWorker) {
    deps.metrics.clusterNode.set({ node: node.id }, 1);
    relay = new RoomRelay(io, node.id, deps.metrics.clusterEventsReceived, log.child({ component: 'room-relay' }));
    stopCounting = countAdapterBroadcasts(deps.metrics.clusterEventsReceived);
  }

  const bus = new NodeBus(io, node.id, deps.adapter !== undefined, (command) => service.handleCommand(command), log.child({ component: 'node-bus' }));
  const service: RunService = createRunService({
    db: deps.db,
    node,
    handlers,
    bus,
    runLog,
    sendRunEvent,
    dropped: (userId, sessionId, runId, message, type) => {
      // To the user's room as well: a tab that left the session still holds the queued message.
      broadcast([sessionRoom(sessionId), userRoom(userId)], 'run_dropped', { session_id: sessionId, run_id: runId, type, message });
      notifyEverywhere({ kind: 'dropped', sessionId, runId, message });
    },
    subscribeSocket: (socketId, sessionId) => io.in(socketId).socketsJoin(sessionRoom(sessionId)),
    sweepMs: Math.min(2_000, Math.max(100, Math.floor(config.cluster.leaseMs / 3))),
    logRetentionS: config.cluster.runLogRetentionS,
    log: log.child({ component: 'runs' }),
  });

  const rateLimiter = createMessageRateLimiter(config.rateLimit, deps.rateLimitStore);
  const createGuest = createGuestAccounts(deps.db, { perAddressPerHour: config.guestsPerAddressPerHour });

  io.use((_socket, next) => (accepting ? next() : next(new Error('server_shutting_down'))));
  io.use(
    socketAuth({
      signer: deps.signer,
      versions: deps.versions,
      now: deps.now,
      allowGuests: config.allowGuests,
      createGuest,
      log: socketLog,
    }),
  );
  deps.versions.onBump((userId, version) => closeRevokedSockets(io.of('/').sockets.values(), userId, version));

  io.on('connection', (socket) => {
    const user = socket.data.user;
    const slog = socketLog.child({ sid: socket.id, userId: user.id });
    slog.info({ recovered: socket.recovered, transport: socket.conn.transport.name }, 'socket connected');
    handlers.socketOpened(user.id);
    deps.metrics.connections.inc();
    socket.on('disconnect', (reason) => {
      slog.info({ reason }, 'socket disconnected');
      deps.metrics.connections.dec();
      handlers.socketClosed(user.id);
    });
    enforceTokenExpiry(socket, deps.now, slog);
    enforceTokenVersion(socket, deps.versions, slog);
    void socket.join(userRoom(user.id));
    registerSessionEvents(
      socket,
      {
        db: deps.db,
        runs: service,
        rateLimiter,
        metrics: deps.metrics,
        defaultStrategy: config.doubleTextStrategy,
        development: config.isDevelopment,
        accepting: () => accepting,
        notifyUser,
        agents: deps.agents,
        ...(relay ? { holdRoom: (room: string) => relay!.hold(room) } : {}),
        known,
        knowSessionAgent: (sessionId, agentName) => deps.knowSessionAgent?.(sessionId, agentName),
      },
      slog,
    );
    socket.emit('connection_established', { sid: socket.id, user, serverTime: deps.now() });
  });

  return {
    io,
    notifyUser,

    /** Joins the cluster: registers this node, recovers what dead nodes left behind, starts the sweep. */
    start: async () => {
      await service.start();
      await warmUp();
      relay?.start();
      // A node that (re)starts learns what the others' ws clients watch.
      if (relaying) io.serverSideEmit('ws_watch_sync', { node: node.id });
    },

    health(): Omit<HealthResponse, 'status'> & { accepting: boolean } {
      return {
        accepting,
        connections: io.of('/').sockets.size,
        activeSessions: handlers.size,
        activeRuns: handlers.activeRuns,
        uptimeS: Math.round((performance.now() - startedAt) / 100) / 10,
      };
    },

    /** Cuts the shutdown grace period short (before or during shutdown). */
    hurry(): void {
      hurryNow();
    },

    /**
     * What another transport needs to serve the same sessions: the same run
     * service (leases, queue, run log: one run at a time per session whatever
     * the transport or node), the same rate budget, and every run event this
     * node sends.
     */
    runs: {
      submit: service.submit,
      cancel: service.cancel,
      join: service.join,
      rateLimiter,
      /** Guest accounts, capped per address across both transports. */
      createGuest,
      versions: deps.versions,
      accepting: () => accepting,
      watch(watcher: (notice: SessionNotice) => void): () => void {
        watchers.add(watcher);
        return () => watchers.delete(watcher);
      },
      /** A client of another transport watches a session: its notices then come from whichever node runs it. */
      watchSession,
      unwatchSession,
      connectionOpened: (userId: string) => handlers.socketOpened(userId),
      connectionClosed: (userId: string) => handlers.socketClosed(userId),
    },

    /** Sessions with a live handler (idle or running). */
    sessionIds(): string[] {
      return handlers.sessionIds();
    },

    /** Stops a session's runs (queued ones dropped) before the session is deleted. */
    stopSession: (sessionId: string) => {
      known.forget(sessionId);
      return service.stopSession(sessionId);
    },

    /**
     * Refuses new connections and messages, lets active runs finish for up to
     * `graceMs`, then aborts them (they store `interrupted`) and closes every
     * socket. Queued messages stay stored: another node, or the next start, runs them.
     */
    shutdown(graceMs: number): Promise<void> {
      stopping ??= (async () => {
        accepting = false;
        socketLog.info({ activeRuns: handlers.activeRuns, graceMs }, 'draining');
        await service.shutdown(graceMs, ABORT_WAIT_MS, hurried);
        await announcer.drained();
        await runLog.drained();
        await runLogSql.end();
        const closed = io.close();
        deps.httpServer.closeAllConnections();
        await closed;
        relay?.close();
        stopCounting?.();
        handlers.clear();
      })();
      return stopping;
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
