import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from 'socket.io';
import type { HealthResponse } from '../../shared/api.ts';
import { userRoom, type RunEvent, type UserEventPayloads, type UserEventType } from '../../shared/protocol.ts';
import { toSessionDto } from '../data/conversations.ts';
import type { AgentRegistry } from '../agent/registry.ts';
import type { ConversationRunner } from '../agent/types.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { TokenVersions } from '../auth/tokenVersions.ts';
import type { Config } from '../config.ts';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { createGuestAccounts } from './guests.ts';
import { HandlerCache } from './handlerCache.ts';
import type { Metrics } from './metrics.ts';
import { createMessageRateLimiter } from './rateLimit.ts';
import { registerSessionEvents } from './sessionEvents.ts';
import { SessionRuns } from './sessionRuns.ts';
import { closeRevokedSockets, enforceTokenExpiry, enforceTokenVersion, socketAuth } from './socketAuth.ts';
import { sessionRoom, type AppServer } from './types.ts';

/** What the gateway needs from the run store (server/agent) besides the runner itself. */
export interface GatewayRunStore {
  /** Deletes a run with its messages (multitask `rollback`). */
  discardRun(runId: string): Promise<void>;
  /** Gives a run whose stream threw (a runtime bug) its final `failed` state. */
  failRun(runId: string, message: string): Promise<void>;
}

export interface GatewayDeps {
  httpServer: http.Server;
  config: Config;
  db: Db;
  log: Logger;
  signer: TokenSigner;
  versions: TokenVersions;
  now(): number;
  metrics: Metrics;
  createRunner(userId: string, sessionId: string): ConversationRunner;
  /** The served agents: a guest's new session gets the default one; a session of another agent cannot run here. */
  agents: AgentRegistry;
  runStore: GatewayRunStore;
  /** Socket.IO adapter factory (the Redis streams adapter when scaled out). */
  adapter?: Parameters<AppServer['adapter']>[0];
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
 * The Socket.IO side of the server: authenticated sockets, session rooms,
 * the handler cache and its runs, and their orderly shutdown.
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
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  });

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

  const publish = (event: RunEvent) => {
    // Room broadcasts (never per-socket emits) are what connection-state recovery replays.
    const room = io.to(sessionRoom(event.payload.session_id)) as unknown as { emit(name: string, payload: unknown): boolean };
    room.emit(event.type, event.payload);
    notify({ kind: 'run', event });
  };

  function notifyUser<K extends UserEventType>(userId: string, type: K, payload: UserEventPayloads[K]) {
    const room = io.to(userRoom(userId)) as unknown as { emit(name: string, payload: unknown): boolean };
    room.emit(type, payload);
  }

  /** The sidebar of every tab follows a session's title and activity. */
  async function announceSession(userId: string, sessionId: string) {
    const row = await deps.db.chatSession.findFirst({ where: { id: sessionId, userId } });
    if (row) notifyUser(userId, 'session_updated', { session: toSessionDto(row) });
  }

  const handlers = new HandlerCache({
    max: config.handlerCache.max,
    idleTtlMs: config.handlerCache.idleTtlMs,
    create: (userId, sessionId, onBusyChange) => {
      const runLog = log.child({ component: 'run', userId, sessionId });
      return new SessionRuns({
        runner: deps.createRunner(userId, sessionId),
        publish: (event) => {
          publish(event);
          if (event.type === 'run_started') void announceSession(userId, sessionId).catch((err) => runLog.warn({ err }, 'could not announce the session'));
          if (event.type === 'conversation_complete') {
            notifyUser(userId, 'run_finished', { session_id: sessionId, run_id: event.payload.run_id, status: event.payload.status });
            void announceSession(userId, sessionId).catch((err) => runLog.warn({ err }, 'could not announce the session'));
          }
        },
        dropped: (runId, message, type) => {
          // To the user's room as well: a tab that left the session still holds the queued message.
          const payload = { session_id: sessionId, run_id: runId, type, message };
          io.to(sessionRoom(sessionId)).to(userRoom(userId)).emit('run_dropped', payload);
          notify({ kind: 'dropped', sessionId, runId, message });
        },
        discard: async (runId) => {
          await deps.runStore.discardRun(runId);
          io.to(sessionRoom(sessionId)).emit('run_discarded', { session_id: sessionId, run_id: runId });
          notify({ kind: 'discarded', sessionId, runId });
        },
        recordCrash: (runId, err) => deps.runStore.failRun(runId, err instanceof Error ? err.message : String(err)),
        observe: () => deps.metrics.runObserver(),
        onBusyChange,
        now: deps.now,
        log: runLog,
      });
    },
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
        handlers,
        rateLimiter,
        metrics: deps.metrics,
        defaultStrategy: config.doubleTextStrategy,
        development: config.isDevelopment,
        accepting: () => accepting,
        notifyUser,
        agents: deps.agents,
      },
      slog,
    );
    socket.emit('connection_established', { sid: socket.id, user, serverTime: deps.now() });
  });

  const allIdle = () => Promise.all(handlers.busy().map((runs) => runs.idle())).then(() => true);
  const within = (p: Promise<boolean>, ms: number) => Promise.race([p, sleep(ms, false, { ref: false })]);

  return {
    io,
    notifyUser,

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
     * What another transport needs to serve the same sessions: the same
     * handlers (one mutex per session whatever the transport), the same rate
     * budget, and every run event as it is published.
     */
    runs: {
      of: (userId: string, sessionId: string) => handlers.get(userId, sessionId),
      peek: (userId: string, sessionId: string) => handlers.peek(userId, sessionId),
      rateLimiter,
      /** Guest accounts, capped per address across both transports. */
      createGuest,
      versions: deps.versions,
      accepting: () => accepting,
      watch(watcher: (notice: SessionNotice) => void): () => void {
        watchers.add(watcher);
        return () => watchers.delete(watcher);
      },
      connectionOpened: (userId: string) => handlers.socketOpened(userId),
      connectionClosed: (userId: string) => handlers.socketClosed(userId),
    },

    /** Sessions with a live handler (idle or running). */
    sessionIds(): string[] {
      return handlers.sessionIds();
    },

    /** Stops a session's runs (queued ones dropped) before the session is deleted. */
    async stopSession(sessionId: string): Promise<void> {
      await handlers.findSession(sessionId)?.stop('session_deleted');
      handlers.removeSession(sessionId);
    },

    /**
     * Refuses new connections and messages, lets active runs finish for up to
     * `graceMs`, then aborts them (they store `interrupted`) and closes every
     * socket. Queued messages never started, so they are dropped with a notice.
     */
    shutdown(graceMs: number): Promise<void> {
      stopping ??= (async () => {
        accepting = false;
        const busy = handlers.busy();
        socketLog.info({ activeRuns: handlers.activeRuns, graceMs }, 'draining');
        for (const runs of busy) runs.dropQueued('shutdown');
        if (!(await Promise.race([within(allIdle(), graceMs), hurried]))) {
          socketLog.warn({ activeRuns: handlers.activeRuns }, 'grace period over: interrupting active runs');
          for (const runs of handlers.busy()) runs.abortActive('shutdown');
          if (!(await within(allIdle(), ABORT_WAIT_MS))) socketLog.error('runs did not stop after abort');
        }
        const closed = io.close();
        deps.httpServer.closeAllConnections();
        await closed;
        handlers.clear();
      })();
      return stopping;
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
