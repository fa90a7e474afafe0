import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../helpers/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
const clock = new ManualClock();

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { clock, env: { ACCESS_TOKEN_TTL_S: '60' } });
  api = apiClient(srv.url);
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

function expectError(r: { status: number; body: any }, status: number, type: string) {
  expect(r.status).toBe(status);
  expect(r.body.error.type).toBe(type);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

describe('registration', () => {
  it('creates an account and returns tokens that work', async () => {
    const r = await api.post('/api/auth/register', { email: 'Ada@Example.com', password: 'analytical-engine', name: 'Ada' });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
    expect(r.body.accessToken).toEqual(expect.any(String));
    expect(r.body.refreshToken).toEqual(expect.any(String));
    const me = await api.get('/api/me', r.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('ada@example.com');
    const stored = await t.db.user.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain('analytical-engine');
  });

  it('refuses a duplicate email (any case) with 409 conflict', async () => {
    await api.register('grace@example.com');
    const r = await api.post('/api/auth/register', { email: 'GRACE@example.com', password: 'another-password', name: 'G' });
    expectError(r, 409, 'conflict');
  });

  it('refuses a short password, a bad email and missing fields with 400 validation_error', async () => {
    expectError(await api.post('/api/auth/register', { email: 'x@example.com', password: 'short', name: 'X' }), 400, 'validation_error');
    const r = await api.post('/api/auth/register', { email: 'not-an-email', password: 'long-enough-pw', name: 'X' });
    expectError(r, 400, 'validation_error');
    expect(r.body.error.message).toMatch(/email/i);
    expectError(await api.post('/api/auth/register', { email: 'y@example.com' }), 400, 'validation_error');
    expectError(await api.post('/api/auth/register'), 400, 'validation_error');
    expect(await t.db.user.count({ where: { email: { in: ['x@example.com', 'y@example.com'] } } })).toBe(0);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const r = await api.request('POST', '/api/auth/register', { rawBody: '{"email": "a@b.c", "password": ' });
    expectError(r, 400, 'validation_error');
    expect(r.body.error.message).toMatch(/JSON/);
  });

  it('refuses an oversized body with 413', async () => {
    const r = await api.request('POST', '/api/auth/login', { rawBody: JSON.stringify({ email: 'a'.repeat(200_000) }) });
    expect(r.status).toBe(413);
    expect(r.body.error.type).toBe('validation_error');
  });
});

describe('login', () => {
  it('signs in with the right password and refuses a wrong one without saying which part was wrong', async () => {
    await api.register('linus@example.com', 'penguins-are-great');
    const ok = await api.post('/api/auth/login', { email: 'Linus@example.com', password: 'penguins-are-great' });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe('linus@example.com');

    const wrong = await api.post('/api/auth/login', { email: 'linus@example.com', password: 'penguins-are-bad' });
    const unknown = await api.post('/api/auth/login', { email: 'nobody@example.com', password: 'penguins-are-bad' });
    expectError(wrong, 401, 'authentication_required');
    expectError(unknown, 401, 'authentication_required');
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('slows down repeated failures with rate_limit and a Retry-After header', async () => {
    await api.register('target@example.com', 'the-real-password');
    let last;
    for (let i = 0; i < 11; i++) last = await api.post('/api/auth/login', { email: 'target@example.com', password: `guess-${i}` });
    expectError(last!, 429, 'rate_limit');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('access tokens', () => {
  it('refuses missing, malformed, forged and expired tokens', async () => {
    const { user, accessToken } = await api.register('tokens@example.com');
    expectError(await api.get('/api/me'), 401, 'authentication_required');
    expectError(await api.get('/api/me', 'not.a.jwt'), 401, 'authentication_required');
    const forged = jwt.sign({ email: user.email, name: user.name, typ: 'access' }, 'some-other-secret-of-enough-length', {
      subject: user.id,
      expiresIn: 60,
    });
    expectError(await api.get('/api/me', forged), 401, 'authentication_required');
    const noneAlg = jwt.sign({ email: user.email, name: user.name, typ: 'access', sub: user.id }, '', { algorithm: 'none' });
    expectError(await api.get('/api/me', noneAlg), 401, 'authentication_required');

    expect((await api.get('/api/me', accessToken)).status).toBe(200);
    clock.advance(61_000);
    const expired = await api.get('/api/me', accessToken);
    expectError(expired, 401, 'authentication_required');
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('refuses a well-signed token for an account that no longer exists', async () => {
    const token = jwt.sign({ email: 'ghost@example.com', name: 'Ghost', typ: 'access' }, TEST_JWT_SECRET, {
      subject: '00000000-0000-4000-8000-000000000000',
      expiresIn: 60,
    });
    expectError(await api.get('/api/me', token), 401, 'authentication_required');
  });
});

describe('refresh tokens', () => {
  it('rotates: the new pair works, the old refresh token is refused afterwards', async () => {
    const first = await api.register('rotate@example.com');
    const r1 = await api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first.refreshToken);
    expect((await api.get('/api/me', r1.body.accessToken)).status).toBe(200);

    expectError(await api.post('/api/auth/refresh', { refreshToken: first.refreshToken }), 401, 'authentication_required');
  });

  it('revokes the whole family when a spent token is replayed (theft detection)', async () => {
    const first = await api.register('stolen@example.com');
    const r1 = await api.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    await api.post('/api/auth/refresh', { refreshToken: first.refreshToken }); // replay by the thief
    expectError(await api.post('/api/auth/refresh', { refreshToken: r1.body.refreshToken }), 401, 'authentication_required');
  });

  it('stores refresh tokens hashed', async () => {
    const { refreshToken, user } = await api.register('hashed@example.com');
    const rows = await t.db.refreshToken.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(refreshToken);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('logout revokes the refresh token', async () => {
    const { refreshToken } = await api.register('logout@example.com');
    expect((await api.post('/api/auth/logout', { refreshToken })).status).toBe(204);
    expectError(await api.post('/api/auth/refresh', { refreshToken }), 401, 'authentication_required');
  });

  it('refuses garbage refresh tokens with 401 and an empty body with 400', async () => {
    expectError(await api.post('/api/auth/refresh', { refreshToken: "' OR 1=1 --" }), 401, 'authentication_required');
    expectError(await api.post('/api/auth/refresh', {}), 400, 'validation_error');
  });
});

describe('unknown routes', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const r = await api.get('/api/nope');
    expectError(r, 404, 'not_found');
  });
});
