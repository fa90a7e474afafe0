/**
 * Logout and password change revoke what was issued before (HTTP and open
 * sockets), login limits per address, guest caps and concurrent first
 * messages, and the security headers every response carries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectError, connectSocket, connectUser, established, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
const sockets: ClientSocket[] = [];
const track = <S extends ClientSocket>(s: S) => (sockets.push(s), s);

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db);
  api = apiClient(srv.url);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await srv.close();
  await t.drop();
});

const closed = (socket: ClientSocket) => new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

describe('logout', () => {
  it('revokes the access tokens issued before it at once, and closes open sockets with authentication_required', async () => {
    const reg = await api.register('leaving@example.com');
    const other = await api.post('/api/auth/login', { email: 'leaving@example.com', password: 'correct horse battery' });
    const socket = track(await connectUser(srv.url, reg.accessToken));
    const log = new EventLog(socket);
    const gone = closed(socket);
    expect((await api.get('/api/me', reg.accessToken)).status).toBe(200);

    expect((await api.post('/api/auth/logout', { refreshToken: reg.refreshToken })).status).toBe(204);

    expect((await api.get('/api/me', reg.accessToken)).body.error.type).toBe('authentication_required');
    expect((await api.get('/api/sessions', other.body.accessToken)).status).toBe(401);
    expect((await log.waitFor((e) => e.type === 'error')).payload).toMatchObject({ type: 'authentication_required' });
    await gone;
    expect((await connectError(track(connectSocket(srv.url, { token: reg.accessToken })))).message).toBe('authentication_required');
    // The logged-out family is gone; another device's family refreshes and carries on.
    expect((await api.post('/api/auth/refresh', { refreshToken: reg.refreshToken })).status).toBe(401);
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: other.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await api.get('/api/me', refreshed.body.accessToken)).status).toBe(200);
  });
});

describe('password change', () => {
  it('revokes every refresh family and older access token; this device gets a new pair', async () => {
    const reg = await api.register('changer@example.com', 'first password!');
    const elsewhere = await api.post('/api/auth/login', { email: 'changer@example.com', password: 'first password!' });
    const wrong = await api.post('/api/auth/password', { currentPassword: 'nope nope', newPassword: 'second password!' }, reg.accessToken);
    expect(wrong.status).toBe(400);
    const changed = await api.post('/api/auth/password', { currentPassword: 'first password!', newPassword: 'second password!' }, reg.accessToken);
    expect(changed.status).toBe(200);
    expect((await api.get('/api/me', reg.accessToken)).status).toBe(401);
    expect((await api.get('/api/me', changed.body.accessToken)).status).toBe(200);
    expect((await api.post('/api/auth/refresh', { refreshToken: elsewhere.body.refreshToken })).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: 'changer@example.com', password: 'first password!' })).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: 'changer@example.com', password: 'second password!' })).status).toBe(200);
  });
});

describe('login limits', () => {
  it('limit failed logins per address across many emails (password spraying)', async () => {
    const own = await startTestServer(t.db);
    try {
      const http = apiClient(own.url);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push((await http.post('/api/auth/login', { email: `victim-${i}@example.com`, password: 'Summer2026!' })).status);
      }
      expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    } finally {
      await own.close();
    }
  });
});

describe('guests', () => {
  it('are capped per address, share one message budget per address, and concurrent first messages all find the new session', async () => {
    const guests = await startTestServer(t.db, {
      env: { ALLOW_GUESTS: '1', GUESTS_PER_ADDRESS_PER_HOUR: '3', RATE_LIMIT_MESSAGES: '12', RATE_LIMIT_WINDOW_S: '60' },
    });
    try {
      const first = track(connectSocket(guests.url));
      await established(first);
      const sessionId = crypto.randomUUID();
      const acks = await Promise.all(
        Array.from({ length: 10 }, (_, i) => sendMessage(first, { session_id: sessionId, content: `hello ${i}`, multitask_strategy: 'enqueue' })),
      );
      expect(acks.filter((a) => !a.ok)).toEqual([]);

      const second = track(connectSocket(guests.url));
      await established(second);
      const more = await Promise.all(
        Array.from({ length: 4 }, () => sendMessage(second, { session_id: crypto.randomUUID(), content: 'hi' })),
      );
      // 12 per address: 10 spent by the first guest, 2 left for the second.
      expect(more.filter((a) => a.ok).length).toBe(2);
      expect(more.filter((a) => !a.ok).every((a) => !a.ok && a.error.type === 'rate_limit')).toBe(true);

      track(connectSocket(guests.url));
      await established(sockets.at(-1)!);
      const refused = await connectError(track(connectSocket(guests.url)));
      expect(refused.message).toBe('rate_limit');
    } finally {
      await guests.close();
    }
  });
});

describe('security headers', () => {
  it('every response carries a strict CSP, no framing, nosniff and no referrer', async () => {
    for (const path of ['/', '/api/me', '/health']) {
      const r = await fetch(srv.url + path);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      await r.arrayBuffer();
    }
  });
});
