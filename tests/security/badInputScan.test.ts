/**
 * Hundreds of malformed requests over every HTTP route and socket event: NUL
 * bytes, impossible dates, broken encodings, wrong types, oversized and
 * hostile values. None may get a 500 (or an unexpected processing_error ack);
 * the inputs the issue names must get 400 validation_error; and the server
 * keeps serving everyone afterwards.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';

let t: TestDatabase;
let srv: TestServer;
let token: string;
let refreshToken: string;
let sessionId: string;
let socket: ClientSocket;

beforeAll(async () => {
  t = await createTestDatabase();
  // A generous budget: the scan is about malformed input, not about limits.
  srv = await startTestServer(t.db, { env: { RATE_LIMIT_MESSAGES: '10000' } });
  const api = apiClient(srv.url);
  const reg = await api.register('scanner@example.com');
  token = reg.accessToken;
  refreshToken = reg.refreshToken;
  sessionId = (await api.post('/api/sessions', { title: 'scan' }, token)).body.id;
  socket = await connectUser(srv.url, token);
});
afterAll(async () => {
  socket?.disconnect();
  await srv.close();
  await t.drop();
});

const NUL = '\u0000';
const HOSTILE_STRINGS = [
  NUL,
  `a${NUL}b`,
  'x'.repeat(20_000),
  '\ud800',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '0000-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '9999-99-99',
  '',
  '   ',
];
const WRONG_TYPES: unknown[] = [null, 0, -1, 1e309, true, [], {}, ['a'], { $gt: '' }];

interface HttpCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  auth?: boolean;
  /** The named inputs: these must be 400 validation_error. */
  mustBe400?: boolean;
}

const uuid = '00000000-0000-4000-8000-000000000000';

const BODY_ROUTES: Array<{ method: string; path: string; fields: Record<string, unknown>; auth: boolean }> = [
  { method: 'POST', path: '/api/auth/register', fields: { email: 'new@example.com', password: 'long enough password', name: 'N' }, auth: false },
  { method: 'POST', path: '/api/auth/login', fields: { email: 'scanner@example.com', password: 'wrong password' }, auth: false },
  { method: 'POST', path: '/api/auth/refresh', fields: { refreshToken: 'x' }, auth: false },
  { method: 'POST', path: '/api/auth/logout', fields: { refreshToken: 'not-a-real-token' }, auth: false },
  { method: 'POST', path: '/api/auth/password', fields: { currentPassword: 'wrong one', newPassword: 'a new password' }, auth: true },
  { method: 'POST', path: '/api/sessions', fields: { title: 'T' }, auth: true },
  { method: 'PATCH', path: '/api/sessions/:session', fields: { title: 'T' }, auth: true },
  { method: 'POST', path: '/api/mail-accounts', fields: { host: 'imap.invalid', port: 993, tls: true, username: 'u', password: 'p', label: 'L', mailboxes: ['INBOX'] }, auth: true },
  { method: 'PATCH', path: `/api/mail-accounts/${uuid}`, fields: { label: 'L' }, auth: true },
];

const QUERY_ROUTES: Array<{ path: string; params: string[] }> = [
  { path: '/api/emails', params: ['q', 'from', 'after', 'before', 'limit', 'offset'] },
  { path: '/api/reports', params: ['from', 'to'] },
  { path: '/api/sessions/search', params: ['q'] },
];

const PATH_ROUTES: Array<{ method: string; path: string }> = [
  { method: 'GET', path: '/api/sessions/:p' },
  { method: 'GET', path: '/api/sessions/:p/messages' },
  { method: 'PATCH', path: '/api/sessions/:p' },
  { method: 'DELETE', path: '/api/sessions/:p' },
  { method: 'GET', path: '/api/emails/:p' },
  { method: 'GET', path: '/api/reports/:p' },
  { method: 'GET', path: '/api/mail-accounts/:p' },
  { method: 'DELETE', path: '/api/mail-accounts/:p' },
  { method: 'POST', path: '/api/mail-accounts/:p/sync' },
];
const BAD_PATH_PARAMS = ['%00', 'a%00b', '%E0%A4%A', '%', 'not-a-uuid', '0000-01-01', '2026-02-30', '..%2F..%2Fetc', 'x'.repeat(3000), `${uuid}%00`];

/** encodeURIComponent, except a lone surrogate goes out as the raw (invalid UTF-8) bytes it would be. */
function encodeQuery(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function httpCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const json = (v: unknown) => JSON.stringify(v);
  for (const route of BODY_ROUTES) {
    const path = route.path.replace(':session', () => sessionId);
    const base = { method: route.method, path, auth: route.auth, headers: { 'content-type': 'application/json' } };
    for (const [field] of Object.entries(route.fields)) {
      for (const value of HOSTILE_STRINGS) {
        const mustBe400 = value.includes(NUL);
        cases.push({ ...base, name: `${route.method} ${route.path} ${field}=${JSON.stringify(value).slice(0, 20)}`, body: json({ ...route.fields, [field]: value }), mustBe400 });
      }
      for (const value of WRONG_TYPES) {
        cases.push({ ...base, name: `${route.method} ${route.path} ${field}:${JSON.stringify(value)}`, body: json({ ...route.fields, [field]: value }) });
      }
    }
    for (const [label, body] of [
      ['invalid JSON', '{"a":'],
      ['JSON array', '[1,2]'],
      ['JSON null', 'null'],
      ['JSON string', '"text"'],
      ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
      ['200 kB', json({ ...route.fields, pad: 'x'.repeat(200_000) })],
    ] as const) {
      cases.push({ ...base, name: `${route.method} ${route.path} ${label}`, body });
    }
    cases.push({ ...base, name: `${route.method} ${route.path} gzip that is not gzip`, body: json(route.fields), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, mustBe400: true });
    cases.push({ ...base, name: `${route.method} ${route.path} deflate that is not deflate`, body: 'garbage', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, mustBe400: true });
    cases.push({ ...base, name: `${route.method} ${route.path} truncated gzip`, body: gzipSync(json(route.fields)).subarray(0, 12), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, mustBe400: true });
    cases.push({ ...base, name: `${route.method} ${route.path} unknown encoding`, body: json(route.fields), headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-ish' } });
    cases.push({ ...base, name: `${route.method} ${route.path} utf-7 charset`, body: json(route.fields), headers: { 'content-type': 'application/json; charset=utf-7' } });
    cases.push({ ...base, name: `${route.method} ${route.path} NUL inside JSON`, body: json(route.fields).replace(/"$/, '') + '\u0000' });
  }
  for (const route of QUERY_ROUTES) {
    for (const param of route.params) {
      for (const value of [...HOSTILE_STRINGS.slice(0, 10), '-1', 'abc', '1e309', '2026-13-01', '0000-01-01']) {
        const mustBe400 = value.includes(NUL) || (['after', 'before'].includes(param) && /^0000|2026-02-30|9999-99/.test(value));
        cases.push({ name: `GET ${route.path}?${param}=${JSON.stringify(value).slice(0, 20)}`, method: 'GET', path: `${route.path}?${param}=${encodeQuery(value)}`, auth: true, mustBe400 });
      }
      cases.push({ name: `GET ${route.path}?${param}[]=a&${param}[]=b`, method: 'GET', path: `${route.path}?${param}[]=a&${param}[]=b`, auth: true });
      cases.push({ name: `GET ${route.path}?${param}[$gt]=`, method: 'GET', path: `${route.path}?${param}[$gt]=`, auth: true });
    }
  }
  for (const route of PATH_ROUTES) {
    for (const p of BAD_PATH_PARAMS) {
      cases.push({ name: `${route.method} ${route.path} p=${p.slice(0, 20)}`, method: route.method, path: route.path.replace(':p', p), auth: true, headers: { 'content-type': 'application/json' }, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}' });
    }
  }
  for (const header of ['Bearer', 'Bearer \u00ff', 'Basic abc', `Bearer ${'x'.repeat(5000)}`, 'Bearer a.b.c']) {
    cases.push({ name: `GET /api/me authorization=${header.slice(0, 15)}`, method: 'GET', path: '/api/me', headers: { authorization: header } });
  }
  return cases;
}

describe('bad input over HTTP', () => {
  it('never gets a 500; NULs, impossible dates and broken encodings get 400 validation_error', async () => {
    const cases = httpCases();
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const failures: string[] = [];
    for (const c of cases) {
      const headers: Record<string, string> = { ...c.headers };
      if (c.auth) headers.authorization = `Bearer ${token}`;
      const res = await fetch(srv.url + c.path, { method: c.method, headers, body: c.body as BodyInit | undefined });
      const text = await res.text();
      if (res.status >= 500) failures.push(`${c.name}: ${res.status} ${text.slice(0, 120)}`);
      else if (c.mustBe400 && (res.status !== 400 || !text.includes('validation_error'))) failures.push(`${c.name}: expected 400 validation_error, got ${res.status} ${text.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  }, 240_000);
});

describe('bad input over Socket.IO', () => {
  it('every event answers a malformed payload with a client error, never processing_error, and never starts a run', async () => {
    const events = ['user_message', 'cancel', 'join_session', 'leave_session', 'select_branch'] as const;
    const valid = { session_id: sessionId, content: 'hello', leaf_id: uuid };
    const payloads: Array<{ name: string; payload: unknown; mustBe400?: boolean }> = [
      ...WRONG_TYPES.map((p) => ({ name: JSON.stringify(p), payload: p })),
      { name: 'string', payload: 'hello' },
      { name: 'session_id NUL', payload: { ...valid, session_id: NUL }, mustBe400: true },
      { name: 'session_id not uuid', payload: { ...valid, session_id: 'nope' }, mustBe400: true },
      { name: 'session_id number', payload: { ...valid, session_id: 42 }, mustBe400: true },
      { name: 'leaf_id NUL', payload: { ...valid, leaf_id: `${uuid}${NUL}` } },
      { name: 'extra keys', payload: { ...valid, __proto__: { admin: true }, constructor: 'x' } },
    ];
    const messagePayloads: Array<{ name: string; payload: unknown; mustBe400?: boolean }> = [
      { name: 'content NUL', payload: { session_id: sessionId, content: `hi${NUL}there` }, mustBe400: true },
      { name: 'content only NUL', payload: { session_id: sessionId, content: NUL }, mustBe400: true },
      { name: 'content empty', payload: { session_id: sessionId, content: '   ' }, mustBe400: true },
      { name: 'content huge', payload: { session_id: sessionId, content: 'x'.repeat(60_000) } },
      { name: 'content object', payload: { session_id: sessionId, content: { a: 1 } }, mustBe400: true },
      { name: 'client_message_id NUL', payload: { session_id: sessionId, content: 'hi', client_message_id: NUL }, mustBe400: true },
      { name: 'strategy bogus', payload: { session_id: sessionId, content: 'hi', multitask_strategy: 'yolo' }, mustBe400: true },
      { name: 'parent_id bogus', payload: { session_id: sessionId, content: 'hi', parent_id: 'nope' }, mustBe400: true },
      { name: 'lone surrogate', payload: { session_id: sessionId, content: 'hi \ud800' }, mustBe400: true },
    ];
    const log = new EventLog(socket);
    const failures: string[] = [];
    let count = 0;
    for (const event of events) {
      for (const p of [...payloads, ...(event === 'user_message' ? messagePayloads : [])]) {
        count++;
        let ack: any;
        try {
          ack = await (socket.timeout(10_000) as any).emitWithAck(event, p.payload);
        } catch (err) {
          failures.push(`${event} ${p.name}: no acknowledgement (${(err as Error).message})`);
          continue;
        }
        if (ack?.ok === false && ack.error?.type === 'processing_error') failures.push(`${event} ${p.name}: processing_error`);
        if (p.mustBe400 && !(ack?.ok === false && ack.error?.type === 'validation_error')) failures.push(`${event} ${p.name}: expected validation_error, got ${JSON.stringify(ack).slice(0, 150)}`);
      }
      // Without an acknowledgement callback the answer is an `error` event.
      socket.emit(event as any, NUL as any);
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(60);
    expect(failures).toEqual([]);
    expect(log.events.filter((e) => e.type === 'error').every((e) => e.payload.type !== 'processing_error')).toBe(true);
    // No malformed message became a (failed) run; only the valid one with extra keys ran.
    const ran = log.events.filter((e) => e.type === 'run_started').map((e) => e.payload.user_message.content);
    expect(ran.every((content) => content === 'hello')).toBe(true);
  }, 120_000);
});

describe('after the scan', () => {
  it('the server still serves: sign-in, listing, and a complete answer', async () => {
    const api = apiClient(srv.url);
    const other = await api.register('after-scan@example.com');
    expect((await api.get('/api/me', other.accessToken)).status).toBe(200);
    expect((await api.get('/api/emails?q=budget', other.accessToken)).status).toBe(200);
    expect((await api.post('/api/auth/refresh', { refreshToken })).status).toBe(200);
    const session = await api.post('/api/sessions', {}, other.accessToken);
    const s = await connectUser(srv.url, other.accessToken);
    const log = new EventLog(s);
    const ack = await sendMessage(s, { session_id: session.body.id, content: 'hello' });
    expect(ack.ok).toBe(true);
    const done = await log.waitFor((e) => e.type === 'conversation_complete', 30_000);
    expect(done.payload.status).toBe('completed');
    s.disconnect();
  });
});
