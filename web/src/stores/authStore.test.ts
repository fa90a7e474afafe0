import { afterEach, describe, expect, test, vi } from 'vitest';
import type { FetchFn } from '../api/http.ts';
import { ApiError } from '../api/http.ts';
import { AUTH_STORAGE_KEY, createAuthStore, SESSION_EXPIRED_NOTICE } from './authStore.ts';
import { keepTokenFresh } from './tokenRefresher.ts';

const user = { id: 'u1', email: 'li@example.com', name: 'Li', timezone: 'UTC', createdAt: '2026-11-01T00:00:00.000Z' };

/** The auth endpoints with rotation, as the server implements them. */
function authEndpoints(expiresIn = 900) {
  let generation = 0;
  const server: { valid: string; calls: string[]; fetch: ReturnType<typeof vi.fn<FetchFn>> } = {
    valid: 'r0',
    calls: [],
    fetch: vi.fn<FetchFn>(async (path: string, init?: RequestInit): Promise<Response> => {
      server.calls.push(path);
      const json = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
      const body = init?.body ? JSON.parse(String(init.body)) : {};
      if (path === '/api/auth/login') {
        if (body.password !== 'correct horse') return json(401, { error: { type: 'authentication_required', message: 'Email or password is incorrect' } });
        return json(200, { user, accessToken: 'a0', refreshToken: server.valid, expiresIn });
      }
      if (path === '/api/auth/refresh') {
        if (body.refreshToken !== server.valid) return json(401, { error: { type: 'authentication_required', message: 'expired' } });
        generation += 1;
        server.valid = `r${generation}`;
        return json(200, { accessToken: `a${generation}`, refreshToken: server.valid, expiresIn });
      }
      if (path === '/api/auth/logout') return json(204);
      return json(404, { error: { type: 'not_found', message: 'no' } });
    }),
  };
  return server;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('signing in', () => {
  test('login keeps the user and tokens, and a reload restores them from storage', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    expect(auth.getState()).toMatchObject({ user, accessToken: 'a0', refreshToken: 'r0' });
    expect(JSON.parse(localStorage.getItem(AUTH_STORAGE_KEY)!).state).toMatchObject({ accessToken: 'a0', refreshToken: 'r0' });

    const afterReload = createAuthStore({ fetch: server.fetch });
    expect(afterReload.getState()).toMatchObject({ user, accessToken: 'a0', refreshToken: 'r0' });
  });

  test('wrong credentials reject with the server’s message and sign nobody in', async () => {
    const auth = createAuthStore({ fetch: authEndpoints().fetch });
    const err = await auth.getState().login({ email: 'li@example.com', password: 'nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('Email or password is incorrect');
    expect(auth.getState().user).toBeNull();
  });

  test('logout forgets the tokens here and revokes them at the server', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    await auth.getState().logout();
    expect(auth.getState()).toMatchObject({ user: null, accessToken: null, refreshToken: null, notice: null });
    expect(server.calls).toContain('/api/auth/logout');
  });
});

describe('refreshing', () => {
  test('concurrent refreshes make one request, so rotation never presents a spent token', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    const tokens = await Promise.all([auth.getState().refresh(), auth.getState().refresh(), auth.getState().refresh()]);
    expect(tokens).toEqual(['a1', 'a1', 'a1']);
    expect(server.calls.filter((c) => c === '/api/auth/refresh')).toHaveLength(1);
    expect(auth.getState().refreshToken).toBe('r1');
  });

  test('a tab whose token another tab already rotated takes the new tokens instead of presenting the spent one', async () => {
    const server = authEndpoints();
    const tabA = createAuthStore({ fetch: server.fetch });
    await tabA.getState().login({ email: 'li@example.com', password: 'correct horse' });
    const tabB = createAuthStore({ fetch: server.fetch });
    expect(await tabA.getState().refresh()).toBe('a1');
    // Tab B still holds r0 in memory; a refresh there must not spend it again.
    expect(tabB.getState().refreshToken).toBe('r0');
    expect(await tabB.getState().refresh()).toBe('a1');
    expect(server.calls.filter((c) => c === '/api/auth/refresh')).toHaveLength(1);
    expect(tabB.getState()).toMatchObject({ user, refreshToken: 'r1' });
  });

  test('a refused refresh signs the user out with a clear message', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    server.valid = 'revoked-elsewhere';
    expect(await auth.getState().refresh()).toBeNull();
    expect(auth.getState()).toMatchObject({ user: null, accessToken: null, notice: SESSION_EXPIRED_NOTICE });
  });

  test('a refresh that cannot reach the server keeps the user signed in', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    server.fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(auth.getState().refresh()).rejects.toThrow("Can't reach the server");
    expect(auth.getState()).toMatchObject({ user, refreshToken: 'r0' });
  });

  test('the token is refreshed shortly before it expires, and again before the next expiry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const server = authEndpoints(20); // 20 s tokens: refreshed 5 s (a quarter) before expiry
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    const stop = keepTokenFresh(auth);
    await vi.advanceTimersByTimeAsync(14_000);
    expect(auth.getState().accessToken).toBe('a0');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(auth.getState().accessToken).toBe('a1');
    await vi.advanceTimersByTimeAsync(15_100);
    expect(auth.getState().accessToken).toBe('a2');
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(auth.getState().accessToken).toBe('a2');
  });

  test('freshAccessToken refreshes a token about to expire before handing it out', async () => {
    const server = authEndpoints();
    const auth = createAuthStore({ fetch: server.fetch });
    await auth.getState().login({ email: 'li@example.com', password: 'correct horse' });
    expect(await auth.getState().freshAccessToken()).toBe('a0');
    auth.setState({ expiresAt: Date.now() + 5_000 });
    expect(await auth.getState().freshAccessToken()).toBe('a1');
  });
});
