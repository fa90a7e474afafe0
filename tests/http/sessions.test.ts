import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db);
  api = apiClient(srv.url);
  alice = (await api.register('alice@example.com')).accessToken;
  bob = (await api.register('bob@example.com')).accessToken;
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

describe('chat sessions', () => {
  it('creates, lists (most recent first), renames and deletes', async () => {
    const a = await api.post('/api/sessions', {}, alice);
    expect(a.status).toBe(201);
    expect(a.body.title).toBe('New chat');
    const b = await api.post('/api/sessions', { title: 'Budget questions' }, alice);
    expect(b.body.title).toBe('Budget questions');

    const list = await api.get('/api/sessions', alice);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([b.body.id, a.body.id]);

    const renamed = await api.patch(`/api/sessions/${a.body.id}`, { title: '  Reports  ' }, alice);
    expect(renamed.status).toBe(200);
    expect(renamed.body.title).toBe('Reports');
    expect((await api.get('/api/sessions', alice)).body.items[0].id).toBe(a.body.id);

    expect((await api.get(`/api/sessions/${a.body.id}/messages`, alice)).body).toEqual({ items: [], active_leaf_id: null });
    expect((await api.del(`/api/sessions/${a.body.id}`, alice)).status).toBe(204);
    expect((await api.get(`/api/sessions/${a.body.id}`, alice)).status).toBe(404);
  });

  it('keeps users apart: another user’s session is not found, for every verb', async () => {
    const s = (await api.post('/api/sessions', { title: 'Private' }, alice)).body;
    expect((await api.get('/api/sessions', bob)).body.items).toEqual([]);
    for (const r of [
      await api.get(`/api/sessions/${s.id}`, bob),
      await api.get(`/api/sessions/${s.id}/messages`, bob),
      await api.patch(`/api/sessions/${s.id}`, { title: 'Hijacked' }, bob),
      await api.del(`/api/sessions/${s.id}`, bob),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.type).toBe('not_found');
    }
    expect((await api.get(`/api/sessions/${s.id}`, alice)).body.title).toBe('Private');
  });

  it('validates ids and titles', async () => {
    expect((await api.get('/api/sessions/not-a-uuid', alice)).status).toBe(400);
    const s = (await api.post('/api/sessions', {}, alice)).body;
    const empty = await api.patch(`/api/sessions/${s.id}`, { title: '   ' }, alice);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/title/i);
    expect((await api.post('/api/sessions', { title: 'x'.repeat(201) }, alice)).status).toBe(400);
  });
});
