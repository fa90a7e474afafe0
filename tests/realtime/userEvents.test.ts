/**
 * Sidebar changes reach every tab and device of the user (the user room),
 * whatever session each one shows, and never another user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, sendMessage } from '../helpers/socket.ts';
import { answer, modelByQuestion, registerWithSessions } from './support.ts';

const model = modelByQuestion((question) => (question.startsWith('hang') ? { ...answer(2, 'Partial'), hang: true } : answer(3)));

let t: TestDatabase;
let srv: TestServer;

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model });
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

describe('per-user session events', () => {
  it('created, renamed and deleted in one tab reach the other tabs of the same user only', async () => {
    const api = apiClient(srv.url);
    const alice = await registerWithSessions(srv.url, 'sync-alice@example.com', 0);
    const bob = await registerWithSessions(srv.url, 'sync-bob@example.com', 0);
    const tab2 = await connectUser(srv.url, alice.token);
    const bobTab = await connectUser(srv.url, bob.token);
    const log = new EventLog(tab2);
    const bobLog = new EventLog(bobTab);

    const created = (await api.post('/api/sessions', { title: 'Budget' }, alice.token)).body;
    expect((await log.waitFor((e) => e.type === 'session_created')).payload).toEqual({ session: created });
    await api.patch(`/api/sessions/${created.id}`, { title: 'Q3 budget' }, alice.token);
    const renamed = await log.waitFor((e) => e.type === 'session_updated');
    expect(renamed.payload.session).toMatchObject({ id: created.id, title: 'Q3 budget' });
    await api.del(`/api/sessions/${created.id}`, alice.token);
    expect((await log.waitFor((e) => e.type === 'session_deleted')).payload).toEqual({ session_id: created.id });

    // Bob's own session is announced to him; by now he would have seen Alice's had it leaked.
    await api.post('/api/sessions', {}, bob.token);
    await bobLog.waitFor((e) => e.type === 'session_created');
    expect(bobLog.events.filter((e) => e.type.startsWith('session_')).map((e) => e.payload.session?.title ?? null)).toEqual(['New chat']);
    tab2.disconnect();
    bobTab.disconnect();
  });

  it('a queued message, the new title and the finished run reach a tab that never joined the session', async () => {
    const alice = await registerWithSessions(srv.url, 'queue-alice@example.com', 0);
    const api = apiClient(srv.url);
    const session = (await api.post('/api/sessions', {}, alice.token)).body;
    const tab1 = await connectUser(srv.url, alice.token);
    const tab2 = await connectUser(srv.url, alice.token);
    const log1 = new EventLog(tab1);
    const log2 = new EventLog(tab2);

    const first = await sendMessage(tab1, { session_id: session.id, content: 'hang on the first question' });
    if (!first.ok) throw new Error('not sent');
    await log1.waitFor((e) => e.type === 'agent_response_chunk');
    const titled = await log2.waitFor((e) => e.type === 'session_updated' && e.payload.session.title !== 'New chat');
    expect(titled.payload.session).toMatchObject({ id: session.id, title: 'hang on the first question' });

    const queued = await sendMessage(tab1, { session_id: session.id, content: 'and then this', client_message_id: 'c-2' });
    if (!queued.ok) throw new Error('not queued');
    const q = await log2.waitFor((e) => e.type === 'message_queued');
    expect(q.payload).toMatchObject({
      session_id: session.id,
      run_id: queued.run_id,
      message_id: queued.message_id,
      content: 'and then this',
      client_message_id: 'c-2',
    });

    await tab1.timeout(5000).emitWithAck('cancel', { session_id: session.id });
    const finished = await log2.waitFor((e) => e.type === 'run_finished' && e.payload.run_id === first.run_id);
    expect(finished.payload).toEqual({ session_id: session.id, run_id: first.run_id, status: 'interrupted' });
    await log2.waitFor((e) => e.type === 'run_finished' && e.payload.run_id === queued.run_id);
    // tab2 never joined: no run event of the session reached it.
    expect(log2.events.some((e) => e.type === 'agent_response_chunk' || e.type === 'run_started')).toBe(false);
    tab1.disconnect();
    tab2.disconnect();
  });

  it('sessions that start runs at once are each announced once, with their new title, and not again when the run ends', async () => {
    const alice = await registerWithSessions(srv.url, 'burst-alice@example.com', 0);
    const api = apiClient(srv.url);
    const sessions = await Promise.all(Array.from({ length: 12 }, async () => (await api.post('/api/sessions', {}, alice.token)).body.id as string));
    const writer = await connectUser(srv.url, alice.token);
    const sidebar = await connectUser(srv.url, alice.token);
    const log = new EventLog(sidebar);

    const acks = await Promise.all(sessions.map((id, i) => sendMessage(writer, { session_id: id, content: `question ${i}` })));
    expect(acks.every((a) => a.ok)).toBe(true);
    for (const ack of acks) if (ack.ok) await log.waitFor((e) => e.type === 'run_finished' && e.payload.run_id === ack.run_id);
    // A rename afterwards: anything the runs' ends announced would have arrived before it.
    await api.patch(`/api/sessions/${sessions[0]}`, { title: 'Renamed' }, alice.token);
    await log.waitFor((e) => e.type === 'session_updated' && e.payload.session.title === 'Renamed');

    const updates = log.events.filter((e) => e.type === 'session_updated' && e.payload.session.title !== 'Renamed');
    expect(updates.map((e) => e.payload.session.id).sort()).toEqual([...sessions].sort());
    for (const [i, id] of sessions.entries()) {
      expect(updates.find((e) => e.payload.session.id === id)!.payload.session.title).toBe(`question ${i}`);
    }
    writer.disconnect();
    sidebar.disconnect();
  });
});
