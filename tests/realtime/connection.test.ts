import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema } from '../../shared/api.ts';
import { ManualClock } from '../helpers/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../helpers/server.ts';
import { connectError, connectSocket, connectUser, established, joinSession, type ClientSocket } from '../helpers/socket.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let alice: { id: string; email: string; name: string; token: string };
const sockets: ClientSocket[] = [];

function track<S extends ClientSocket>(s: S): S {
  sockets.push(s);
  return s;
}

function accessToken(claims: Record<string, unknown>, secret = TEST_JWT_SECRET, options: jwt.SignOptions = {}) {
  return jwt.sign({ typ: 'access', email: alice.email, name: alice.name, ...claims }, secret, {
    algorithm: 'HS256',
    subject: alice.id,
    ...options,
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db);
  api = apiClient(srv.url);
  const r = await api.register('alice@example.com', 'correct horse battery', 'Alice');
  alice = { id: r.user.id, email: r.user.email, name: r.user.name, token: r.accessToken };
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await srv.close();
  await t.drop();
});

describe('authentication on connect', () => {
  it('accepts a token in handshake auth and answers connection_established', async () => {
    const before = Date.now();
    const socket = track(connectSocket(srv.url, { token: alice.token }));
    const hello = await established(socket);
    expect(hello).toEqual({
      sid: socket.id,
      user: { id: alice.id, email: 'alice@example.com', name: 'Alice' },
      serverTime: expect.any(Number),
    });
    expect(hello.serverTime).toBeGreaterThanOrEqual(before);
    expect(hello.serverTime).toBeLessThanOrEqual(Date.now());
  });

  it('accepts an Authorization: Bearer header', async () => {
    const socket = track(connectSocket(srv.url, { extraHeaders: { authorization: `Bearer ${alice.token}` } }));
    expect((await established(socket)).user.id).toBe(alice.id);
  });

  const refusals: Array<[string, () => Record<string, unknown>]> = [
    ['no token at all', () => ({})],
    ['an empty token', () => ({ token: '' })],
    ['a malformed token', () => ({ token: 'not.a.jwt' })],
    ['a token signed with another secret', () => ({ token: accessToken({}, 'another-secret-that-is-long-enough-for-hs256') })],
    ['an expired token', () => ({ token: accessToken({ exp: Math.floor(Date.now() / 1000) - 10 }) })],
    ['a token that is not an access token', () => ({ token: accessToken({ typ: 'refresh' }) })],
    ['an unsigned token (alg none)', () => ({ token: jwt.sign({ typ: 'access', email: 'x', name: 'x', sub: alice.id }, '', { algorithm: 'none' }) })],
    ['a bearer header with a forged token', () => ({ extraHeaders: { authorization: `Bearer ${accessToken({}, 'forged-secret-forged-secret-forged-secret')}` } })],
  ];
  for (const [what, opts] of refusals) {
    it(`refuses ${what} with connect_error authentication_required`, async () => {
      const o = opts();
      const socket = track(
        o.extraHeaders
          ? connectSocket(srv.url, { extraHeaders: o.extraHeaders as Record<string, string> })
          : connectSocket(srv.url, { auth: o }),
      );
      const err = await connectError(socket);
      expect(err.message).toBe('authentication_required');
      expect(err.data).toMatchObject({ type: 'authentication_required', message: expect.any(String) });
      expect(socket.connected).toBe(false);
    });
  }

  it('ends a socket whose token expires while connected with error authentication_required', async () => {
    // A token with one to two seconds left; the server must notice on its own, without any client traffic.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const socket = track(connectSocket(srv.url, { token: accessToken({ exp }) }));
    await established(socket);
    const outcome = await new Promise<{ error: unknown; reason: string }>((resolve) => {
      let error: unknown;
      socket.on('error', (e) => (error = e));
      socket.on('disconnect', (reason) => resolve({ error, reason }));
    });
    expect(outcome.error).toEqual({ type: 'authentication_required', message: expect.stringMatching(/expired/) });
    expect(outcome.reason).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
  });
});

describe('token expiry against the server clock', () => {
  let clockSrv: TestServer;
  const clock = new ManualClock();
  beforeAll(async () => {
    clockSrv = await startTestServer(t.db, { clock, env: { ACCESS_TOKEN_TTL_S: '60' } });
  });
  afterAll(() => clockSrv.close());

  it('refuses the first event sent after the token expired and closes the socket', async () => {
    const token = (await apiClient(clockSrv.url).post('/api/auth/login', { email: alice.email, password: 'correct horse battery' })).body
      .accessToken;
    const socket = track(await connectUser(clockSrv.url, token));
    clock.advance(61_000);
    const errors: unknown[] = [];
    socket.on('error', (e) => errors.push(e));
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    socket.emit('join_session', { session_id: crypto.randomUUID() }, () => errors.push('acknowledged'));
    expect(await disconnected).toBe('io server disconnect');
    expect(errors).toEqual([{ type: 'authentication_required', message: expect.stringMatching(/expired/) }]);
  });
});

describe('guests', () => {
  it('are refused unless ALLOW_GUESTS=1', async () => {
    const err = await connectError(track(connectSocket(srv.url)));
    expect(err.message).toBe('authentication_required');
  });

  it('with ALLOW_GUESTS=1 get an account of their own and sessions nobody else can join', async () => {
    const guestSrv = await startTestServer(t.db, { env: { ALLOW_GUESTS: '1' } });
    try {
      const g1 = track(connectSocket(guestSrv.url));
      const hello = await established(g1);
      expect(hello.user).toMatchObject({ name: 'Guest', id: expect.any(String) });
      expect(hello.user.id).not.toBe(alice.id);

      const sessionId = crypto.randomUUID();
      const joined = await joinSession(g1, sessionId);
      expect(joined).toEqual({ ok: true, messages: [], active_run: null, queued: [], active_leaf_id: null });
      expect(await t.db.chatSession.findUnique({ where: { id: sessionId } })).toMatchObject({ userId: hello.user.id });

      const g2 = track(connectSocket(guestSrv.url));
      expect((await established(g2)).user.id).not.toBe(hello.user.id);
      expect(await joinSession(g2, sessionId)).toMatchObject({ ok: false, error: { type: 'not_found' } });

      // A bad token is still refused: the client must refresh, not silently become a guest.
      expect((await connectError(track(connectSocket(guestSrv.url, { token: 'garbage' })))).message).toBe('authentication_required');
    } finally {
      await guestSrv.close();
    }
  });
});

describe('/health and /metrics', () => {
  it('reports connections, sessions, runs and uptime', async () => {
    const quiet = await startTestServer(t.db);
    try {
      const http = apiClient(quiet.url);
      const before = await http.get('/health');
      expect(before.status).toBe(200);
      expect(HealthResponseSchema.parse(before.body)).toEqual({
        status: 'ok',
        connections: 0,
        activeSessions: 0,
        activeRuns: 0,
        uptimeS: expect.any(Number),
        agents: [{ name: 'mail-assistant', activeSessions: 0, activeRuns: 0 }],
      });
      const a = track(await connectUser(quiet.url, alice.token));
      const b = track(await connectUser(quiet.url, alice.token));
      expect((await http.get('/health')).body.connections).toBe(2);
      const metrics = await http.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(metrics.body).toMatch(/^agentwire_socket_connections 2$/m);
      for (const name of [
        'agentwire_runs_total',
        'agentwire_first_chunk_latency_seconds',
        'agentwire_inter_chunk_gap_seconds',
        'agentwire_tool_duration_seconds',
      ]) {
        expect(metrics.body).toContain(`# TYPE ${name}`);
      }
      a.disconnect();
      b.disconnect();
      await expect.poll(async () => (await http.get('/health')).body.connections).toBe(0);
    } finally {
      await quiet.close();
    }
  });
});
