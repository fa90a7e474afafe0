/**
 * A stand-in for the realtime gateway, for store tests: a real Socket.IO
 * server (so reconnects, connect_error and acks behave as in production)
 * whose answers each test scripts, and the token endpoints the auth store
 * calls. The real gateway is exercised by tests/e2e.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  JoinSessionAck,
  ServerToClientEvents,
  UserMessageAck,
  UserMessagePayload,
} from '../../../shared/protocol.ts';
import type { FetchFn } from '../api/http.ts';

export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface FakeGateway {
  url: string;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Access tokens the gateway accepts. */
  validTokens: Set<string>;
  /** Every token presented on a connection attempt, in order. */
  presented: string[];
  /** May answer later (a slow server). */
  onJoin: (sessionId: string, socket: GatewaySocket) => JoinSessionAck | Promise<JoinSessionAck>;
  onMessage: (payload: UserMessagePayload, socket: GatewaySocket) => UserMessageAck;
  onCancel: (sessionId: string, socket: GatewaySocket) => void;
  /** The current server-side socket (the latest connection). */
  socket(): GatewaySocket;
  nextConnection(): Promise<GatewaySocket>;
  close(): Promise<void>;
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  let latest: GatewaySocket | undefined;
  let waiters: Array<(s: GatewaySocket) => void> = [];

  const gateway: FakeGateway = {
    url: '',
    io,
    validTokens: new Set(),
    presented: [],
    onJoin: () => ({ ok: true, messages: [], active_run: null }),
    onMessage: () => ({ ok: true, run_id: 'run-1', message_id: 'msg-1', queued: false }),
    onCancel: () => undefined,
    socket: () => {
      if (!latest) throw new Error('no connection yet');
      return latest;
    },
    nextConnection: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };

  io.use((socket, next) => {
    const token = String(socket.handshake.auth.token ?? '');
    gateway.presented.push(token);
    next(gateway.validTokens.has(token) ? undefined : new Error('authentication_required'));
  });
  io.on('connection', (socket) => {
    latest = socket;
    socket.emit('connection_established', { sid: socket.id, user: { id: 'u1', email: 'a@b.c', name: 'A' }, serverTime: Date.now() });
    socket.on('join_session', ({ session_id }, ack) => {
      void socket.join(session_id);
      void Promise.resolve(gateway.onJoin(session_id, socket)).then(ack);
    });
    socket.on('leave_session', ({ session_id }, ack) => {
      void socket.leave(session_id);
      ack({ ok: true });
    });
    socket.on('user_message', (payload, ack) => ack(gateway.onMessage(payload, socket)));
    socket.on('cancel', ({ session_id }, ack) => {
      gateway.onCancel(session_id, socket);
      ack({ ok: true, run_id: null });
    });
    const ready = waiters;
    waiters = [];
    for (const w of ready) w(socket);
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  gateway.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return gateway;
}

/**
 * The token endpoints, in memory: refresh rotates (an old refresh token stops
 * working) and makes the new access token valid at the gateway.
 */
export function fakeAuthServer(gateway: FakeGateway) {
  let generation = 0;
  const server = {
    refreshToken: 'refresh-0',
    refreshCalls: 0,
    /** When set, refresh answers 503 (the server is unreachable for a moment). */
    down: false,
    fetch: (async (path, init) => {
      const json = (status: number, body?: unknown) =>
        new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/refresh') {
        server.refreshCalls += 1;
        if (server.down) return json(503, { error: { type: 'processing_error', message: 'down' } });
        const { refreshToken } = JSON.parse(String(init?.body));
        if (refreshToken !== server.refreshToken) {
          return json(401, { error: { type: 'authentication_required', message: 'Your session has expired. Please sign in again.' } });
        }
        generation += 1;
        server.refreshToken = `refresh-${generation}`;
        const accessToken = `access-${generation}`;
        gateway.validTokens.add(accessToken);
        return json(200, { accessToken, refreshToken: server.refreshToken, expiresIn: 900 });
      }
      if (path === '/api/auth/logout') return json(204);
      if (path === '/api/sessions') return json(200, { items: [] });
      return json(404, { error: { type: 'not_found', message: `${path} not found` } });
    }) as FetchFn,
  };
  return server;
}
