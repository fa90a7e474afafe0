/**
 * The plain WebSocket transport (shared/wsProtocol.ts) at ws://host:port/,
 * beside Socket.IO on the same HTTP server. It drives the gateway's own
 * session handlers, so a session has one run at a time and one history
 * whichever transport its clients use; it only translates messages.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  WS_CLIENT_EVENTS,
  WS_MAX_FRAME_BYTES,
  WsClientMessageSchemas,
  WsEnvelopeSchema,
  type WsClientMessage,
  type WsServerMessage,
} from '../../../shared/wsProtocol.ts';
import type { AgentRegistry } from '../../agent/registry.ts';
import { bearerToken, TokenError, type TokenSigner } from '../../auth/tokens.ts';
import { tokenStillValid } from '../../auth/tokenVersions.ts';
import { findOwnedSession } from '../../data/conversations.ts';
import type { Db } from '../../data/prisma.ts';
import { AppError, describeZodError, notFound } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { Gateway, SessionNotice } from '../gateway.ts';
import { ensureGuestSession } from '../guests.ts';
import { GuestLimitError } from '../socketAuth.ts';
import { RESTARTING_MESSAGE } from '../sessionEvents.ts';
import { isoTime, translateRunEvent } from './translate.ts';

export interface WsTransportDeps {
  httpServer: http.Server;
  db: Db;
  log: Logger;
  signer: TokenSigner;
  now(): number;
  runs: Gateway['runs'];
  agents: AgentRegistry;
  /** Token-less clients chat as guests (ALLOW_GUESTS, or `serve` on a loopback host). */
  allowGuests: boolean;
  /** Whether the server reports details of unexpected errors (development). */
  development: boolean;
}

interface WsUser {
  id: string;
  name: string;
  guest: boolean;
  /** Epoch ms; guests never expire. */
  expiresAt: number;
  /** The token's version: a logout or password change revokes it (server/auth/tokenVersions.ts). */
  tokenVersion?: number;
}

interface Connection {
  id: string;
  /** The client's address (guest accounts and a guest's message budget are per address). */
  address: string;
  ws: WebSocket;
  user: WsUser | null;
  watching: Set<string>;
  /**
   * Per watched session, the run and last seq sent: an event can reach a joiner both in a snapshot and live
   * (a session run by another node), and is sent once.
   */
  sent: Map<string, { runId: string; seq: number }>;
  /** Sessions being joined: their live messages wait here until the join's answer and snapshot are out. */
  holding: Map<string, WsServerMessage[]>;
  /** Messages are handled one after another, in the order they arrived. */
  queue: Promise<void>;
  alive: boolean;
}

export const ALREADY_RUNNING = 'Agent is already running';
const REVOKED = 'You signed out or changed your password; sign in again';
/** Frames above this are cut off by the ws library itself (close 1009); below it, too-long frames get a validation_error. */
const HARD_MAX_PAYLOAD = 1024 * 1024;
/** A client that reads slower than its run writes is disconnected rather than buffered without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;

class ValidationError extends AppError {
  constructor(message: string) {
    super('validation_error', message);
  }
}

export function createWsTransport(deps: WsTransportDeps) {
  const log = deps.log.child({ component: 'ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MAX_PAYLOAD });
  const connections = new Set<Connection>();
  const watchers = new Map<string, Set<Connection>>();
  const stamp = () => isoTime(deps.now());

  const send = (conn: Connection, message: WsServerMessage) => {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.warn({ connectionId: conn.id }, 'client reads too slowly; closing');
      conn.ws.close(1013, 'too slow');
      return;
    }
    conn.ws.send(JSON.stringify(message));
  };

  const sendError = (conn: Connection, sessionId: string | null, err: unknown) => {
    if (!(err instanceof AppError)) log.error({ err, connectionId: conn.id }, 'ws message failed');
    const body = err instanceof AppError ? err : new AppError('processing_error', 'Something went wrong on the server. Please try again.');
    send(conn, {
      event: 'agent.error',
      session_id: sessionId,
      timestamp: stamp(),
      error: body.message,
      type: body.type,
      ...(body.extra.retryAfterMs !== undefined ? { retry_after_ms: body.extra.retryAfterMs } : {}),
    });
  };

  const watch = (conn: Connection, sessionId: string) => {
    if (conn.watching.has(sessionId)) return;
    conn.watching.add(sessionId);
    deps.runs.watchSession(sessionId);
    let set = watchers.get(sessionId);
    if (!set) watchers.set(sessionId, (set = new Set()));
    set.add(conn);
  };

  const unwatchAll = (conn: Connection) => {
    for (const sessionId of conn.watching) {
      const set = watchers.get(sessionId);
      set?.delete(conn);
      if (set?.size === 0) watchers.delete(sessionId);
      deps.runs.unwatchSession(sessionId);
    }
    conn.watching.clear();
    conn.sent.clear();
    conn.holding.clear();
  };

  const onNotice = (notice: SessionNotice) => {
    const sessionId = notice.kind === 'run' ? notice.event.payload.session_id : notice.sessionId;
    const set = watchers.get(sessionId);
    if (!set || set.size === 0) return;
    let message: WsServerMessage | null;
    if (notice.kind === 'run') message = translateRunEvent(notice.event);
    else if (notice.kind === 'dropped') message = { event: 'agent.error', session_id: sessionId, timestamp: stamp(), error: notice.message, type: 'busy', run_id: notice.runId };
    else message = { event: 'agent.run_discarded', session_id: sessionId, timestamp: stamp(), run_id: notice.runId };
    if (message) for (const conn of set) sendRunMessage(conn, sessionId, message);
  };

  /** A session's run message, unless this connection already has it (see Connection.sent) or is still joining. */
  function sendRunMessage(conn: Connection, sessionId: string, message: WsServerMessage) {
    const held = conn.holding.get(sessionId);
    if (held) return void held.push(message);
    const m = message as { run_id?: string; seq?: number };
    if (m.run_id !== undefined && m.seq !== undefined) {
      const last = conn.sent.get(sessionId);
      if (last && last.runId === m.run_id && m.seq <= last.seq) return;
      conn.sent.set(sessionId, { runId: m.run_id, seq: m.seq });
    }
    send(conn, message);
  }
  const stopWatching = deps.runs.watch(onNotice);

  /** The token's user, or the reason to refuse it. */
  async function verify(token: string): Promise<WsUser | string> {
    try {
      const claims = deps.signer.verify(token);
      if (!(await tokenStillValid(deps.runs.versions, claims.sub, claims.ver))) return REVOKED;
      return { id: claims.sub, name: claims.name, guest: false, expiresAt: claims.exp * 1000, tokenVersion: claims.ver ?? 0 };
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      return err.reason === 'expired' ? 'Your access token has expired; refresh it' : 'Your access token is not valid';
    }
  }

  // A logout or password change closes this user's connections that use older tokens.
  deps.runs.versions.onBump((userId, version) => {
    for (const conn of connections) {
      if (conn.user && !conn.user.guest && conn.user.id === userId && (conn.user.tokenVersion ?? 0) < version) refuse(conn, REVOKED);
    }
  });

  function signIn(conn: Connection, user: WsUser) {
    if (conn.user && conn.user.id === user.id) {
      conn.user = user;
      return;
    }
    if (conn.user) {
      unwatchAll(conn);
      deps.runs.connectionClosed(conn.user.id);
    }
    conn.user = user;
    deps.runs.connectionOpened(user.id);
  }

  function refuse(conn: Connection, reason: string) {
    send(conn, { event: 'auth.error', session_id: null, timestamp: stamp(), error: reason });
    conn.ws.close(4401, 'authentication failed');
  }

  /** The connection's user; a token-less client becomes a guest on its first request, where guests are allowed. */
  async function userOf(conn: Connection): Promise<WsUser | null> {
    if (conn.user) {
      if (deps.now() >= conn.user.expiresAt) {
        refuse(conn, 'Your access token has expired; refresh it and reconnect');
        return null;
      }
      if (!conn.user.guest && !(await tokenStillValid(deps.runs.versions, conn.user.id, conn.user.tokenVersion))) {
        refuse(conn, REVOKED);
        return null;
      }
      return conn.user;
    }
    if (!deps.allowGuests) {
      refuse(conn, 'Sign in first: connect with a token (Authorization header or ?token=) or send {"event":"auth","token":"…"}');
      return null;
    }
    try {
      const guest = await deps.runs.createGuest(conn.address);
      signIn(conn, { id: guest.id, name: guest.name, guest: true, expiresAt: Number.MAX_SAFE_INTEGER });
    } catch (err) {
      if (err instanceof GuestLimitError) throw new AppError('rate_limit', err.message);
      throw err;
    }
    return conn.user;
  }

  async function ownedSession(user: WsUser, sessionId: string) {
    const session = user.guest
      ? await ensureGuestSession(deps.db, user.id, sessionId, deps.agents.defaultAgent.name)
      : await findOwnedSession(deps.db, user.id, sessionId);
    if (!session) throw notFound('Session');
    return session;
  }

  function parse(data: RawData, isBinary: boolean): { message?: WsClientMessage; sessionId: string | null; error?: AppError } {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (size > WS_MAX_FRAME_BYTES) return { sessionId: null, error: new ValidationError(`Message is too large (${size} bytes; at most ${WS_MAX_FRAME_BYTES})`) };
    if (isBinary) return { sessionId: null, error: new ValidationError('Send JSON as text frames, not binary') };
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    } catch (err) {
      return { sessionId: null, error: new ValidationError(`Invalid JSON: ${(err as Error).message}`) };
    }
    const sessionId = raw && typeof raw === 'object' && typeof (raw as { session_id?: unknown }).session_id === 'string' ? (raw as { session_id: string }).session_id : null;
    const envelope = WsEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      const message = raw === null || typeof raw !== 'object' || Array.isArray(raw) ? 'A message must be a JSON object with an "event"' : describeZodError(envelope.error);
      return { sessionId, error: new ValidationError(message) };
    }
    const schema = WsClientMessageSchemas[envelope.data.event as keyof typeof WsClientMessageSchemas];
    if (!schema || !Object.hasOwn(WsClientMessageSchemas, envelope.data.event)) {
      return { sessionId, error: new ValidationError(`Unknown event "${envelope.data.event.slice(0, 100)}"; expected one of ${WS_CLIENT_EVENTS.join(', ')}`) };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { sessionId, error: new ValidationError(`${envelope.data.event}: ${describeZodError(parsed.error)}`) };
    return { message: parsed.data as WsClientMessage, sessionId };
  }

  async function handle(conn: Connection, message: WsClientMessage): Promise<void> {
    if (message.event === 'auth') {
      const verified = await verify(message.token);
      if (typeof verified === 'string') return refuse(conn, verified);
      signIn(conn, verified);
      const user = verified;
      send(conn, { event: 'auth.ok', session_id: null, timestamp: stamp(), user: { id: user.id, name: user.name, guest: false } });
      return;
    }
    const user = await userOf(conn);
    if (!user) return;
    switch (message.event) {
      case 'user.create_session': {
        const agent = message.agent ?? deps.agents.defaultAgent.name;
        if (!deps.agents.get(agent)) {
          throw new ValidationError(`agent: no agent named ${agent} is served here (${deps.agents.list().map((a) => a.name).join(', ')})`);
        }
        const session = await deps.db.chatSession.create({ data: { userId: user.id, agentName: agent, ...(message.title ? { title: message.title } : {}) } });
        watch(conn, session.id);
        send(conn, { event: 'agent.session_created', session_id: session.id, timestamp: stamp(), agent });
        return;
      }
      case 'user.message': {
        if (!deps.runs.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        // A guest's identity is its address, as on Socket.IO: a new connection gets no new budget.
        await deps.runs.rateLimiter.consume(user.guest ? `guest:${conn.address}` : user.id);
        const session = await ownedSession(user, message.session_id);
        if (!deps.agents.get(session.agentName)) throw new AppError('not_found', `This session's agent (${session.agentName}) is not served here`);
        if (!deps.runs.accepting()) throw new AppError('busy', RESTARTING_MESSAGE);
        watch(conn, session.id);
        const strategy = message.multitask_strategy ?? 'reject';
        try {
          const continueRun = message.continue_run === true;
          await deps.runs.submit(user.id, session.id, {
            content: continueRun ? '' : message.content!,
            ...(continueRun ? { continueRun } : {}),
            ...(message.client_message_id !== undefined ? { clientMessageId: message.client_message_id } : {}),
            strategy,
          });
        } catch (err) {
          if (err instanceof AppError && err.type === 'busy' && strategy === 'reject') throw new AppError('busy', ALREADY_RUNNING);
          throw err;
        }
        return;
      }
      case 'user.cancel': {
        const session = await ownedSession(user, message.session_id);
        watch(conn, session.id);
        const runId = await deps.runs.cancel(user.id, session.id);
        if (!runId) throw new AppError('not_found', 'No run is active in this session');
        return;
      }
      case 'user.join_session': {
        const session = await ownedSession(user, message.session_id);
        // Live messages wait until the answer and the snapshot are out; those also in the snapshot are sent once.
        const held: WsServerMessage[] = [];
        conn.holding.set(session.id, held);
        try {
          // The run service watches, snapshots and answers in one step: no live event falls between them.
          const joined = await deps.runs.join(user.id, session.id, { subscribe: () => watch(conn, session.id) });
          const active = joined.active_run;
          send(conn, {
            event: 'agent.session_joined',
            session_id: session.id,
            timestamp: stamp(),
            agent: session.agentName,
            messages: joined.messages,
            active_run_id: active?.run_id ?? null,
          });
          conn.holding.delete(session.id);
          for (const event of active?.events ?? []) {
            if (message.after_seq !== undefined && event.payload.seq <= message.after_seq) {
              conn.sent.set(session.id, { runId: event.payload.run_id, seq: event.payload.seq });
              continue;
            }
            const translated = translateRunEvent(event);
            if (translated) sendRunMessage(conn, session.id, translated);
            else conn.sent.set(session.id, { runId: event.payload.run_id, seq: event.payload.seq });
          }
        } finally {
          if (conn.holding.get(session.id) === held) conn.holding.delete(session.id);
          for (const m of held) sendRunMessage(conn, session.id, m);
        }
        return;
      }
    }
  }

  function onConnection(ws: WebSocket, req: http.IncomingMessage, url: URL) {
    const conn: Connection = { id: randomUUID(), address: req.socket.remoteAddress ?? '', ws, user: null, watching: new Set(), sent: new Map(), holding: new Map(), queue: Promise.resolve(), alive: true };
    connections.add(conn);
    const clog = log.child({ connectionId: conn.id });
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', (err) => clog.warn({ err }, 'ws error'));
    ws.on('close', () => {
      connections.delete(conn);
      unwatchAll(conn);
      if (conn.user) deps.runs.connectionClosed(conn.user.id);
      clog.info('ws disconnected');
    });

    // Messages that arrive while the token is checked wait in the queue behind the check.
    ws.on('message', (data, isBinary) => {
      const { message, sessionId, error } = parse(data, isBinary);
      conn.queue = conn.queue.then(async () => {
        if (conn.ws.readyState !== conn.ws.OPEN) return;
        if (error) return sendError(conn, sessionId, error);
        try {
          await handle(conn, message!);
        } catch (err) {
          sendError(conn, sessionId, err);
        }
      });
    });

    const header = req.headers.authorization;
    const token = bearerToken(typeof header === 'string' ? header : undefined) ?? url.searchParams.get('token') ?? undefined;
    conn.queue = conn.queue.then(async () => {
      if (token) {
        const verified = await verify(token).catch((err) => {
          clog.error({ err }, 'token check failed');
          return 'The server could not check your token; try again';
        });
        if (typeof verified === 'string') return refuse(conn, verified);
        signIn(conn, verified);
      }
      greet(conn);
    });
  }

  function greet(conn: Connection) {
    const clog = log.child({ connectionId: conn.id });
    clog.info({ userId: conn.user?.id }, 'ws connected');
    send(conn, {
      event: 'system.connected',
      session_id: null,
      timestamp: stamp(),
      connection_id: conn.id,
      user: conn.user ? { id: conn.user.id, name: conn.user.name, guest: false } : null,
      agents: deps.agents.list().map((a) => a.name),
    });
  }

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/socket.io')) return; // Socket.IO's own upgrade handler
    if (url.pathname !== '/') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!deps.runs.accepting()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req, url));
  };
  deps.httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    get connections(): number {
      return connections.size;
    },
    /** Closes every connection (after the gateway has drained its runs) and stops accepting upgrades. */
    async close(): Promise<void> {
      clearInterval(heartbeat);
      stopWatching();
      deps.httpServer.off('upgrade', onUpgrade);
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            conn.ws.once('close', () => resolve());
            conn.ws.close(1001, 'server shutting down');
            setTimeout(() => {
              conn.ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type WsTransport = ReturnType<typeof createWsTransport>;
