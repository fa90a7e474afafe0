import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { answer, answerText, expectWellFormed, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

// A long answer: 60 tokens, 10 ms apart.
const model = modelByQuestion(() => ({ ...answer(60, 'Long answer'), tokenDelayMs: 10 }));

let t: TestDatabase;
let srv: TestServer;
let user: TestUser;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model });
  user = await registerWithSessions(srv.url, 'roaming@example.com', 2);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await srv.close();
  await t.drop();
});

describe('a network drop mid-answer', () => {
  it('is recovered on reconnect: every missed event arrives, each seq exactly once', async () => {
    // Reconnects after ~200 ms: about twenty events are emitted while the client is away.
    const socket = await connectUser(srv.url, user.token, {
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 200,
      randomizationFactor: 0,
    });
    sockets.push(socket);
    const log = new EventLog(socket);
    const sessionId = user.sessions[0]!;
    const ack = await sendMessage(socket, { session_id: sessionId, content: 'tell me everything' });
    if (!ack.ok) throw new Error('not acknowledged');
    await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id && e.payload.seq >= 10);

    const firstSid = socket.id;
    const reasons: string[] = [];
    socket.on('disconnect', (reason) => reasons.push(reason));
    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
    const droppedAt = Date.now();
    socket.io.engine.close(); // the transport dies as on a network failure
    const receivedWhileUp = log.ofRun(ack.run_id).length;
    await reconnected;
    const backAt = Date.now();
    await new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));

    expect(reasons).toHaveLength(1);
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(firstSid);

    await log.completed(ack.run_id);
    const events = log.ofRun(ack.run_id);
    expectWellFormed(events); // seq 1..n in order, no gaps, no duplicates
    expect(events.length).toBeGreaterThan(receivedWhileUp);
    // Some events were emitted while the client was away: recovery replayed them.
    const missed = events.filter((e) => e.payload.timestamp > droppedAt && e.payload.timestamp < backAt);
    expect(missed.length).toBeGreaterThan(3);
    expect(answerText(events)).toBe(events.at(-1)!.payload.content);
    expect(events.at(-1)!.payload.status).toBe('completed');

    // The recovered socket is still in the session's room: the next run streams to it too.
    const next = await sendMessage(socket, { session_id: sessionId, content: 'and then?' });
    if (!next.ok) throw new Error('not acknowledged');
    await log.completed(next.run_id);
    expectWellFormed(log.ofRun(next.run_id));
  });

  it('when recovery is not possible (a new connection), re-joining catches up from the active run buffer', async () => {
    const first = await connectUser(srv.url, user.token);
    sockets.push(first);
    const firstLog = new EventLog(first);
    const sessionId = user.sessions[1]!;
    const ack = await sendMessage(first, { session_id: sessionId, content: 'a long one' });
    if (!ack.ok) throw new Error('not acknowledged');
    await firstLog.waitFor((e) => e.payload?.run_id === ack.run_id && e.payload.seq >= 5);
    first.disconnect();

    const again = await connectUser(srv.url, user.token);
    sockets.push(again);
    expect(again.recovered).toBe(false);
    const log = new EventLog(again);
    const joined = await joinSession(again, sessionId);
    if (!joined.ok || !joined.active_run) throw new Error(`expected an active run: ${JSON.stringify(joined)}`);
    await log.completed(ack.run_id);
    const merged = [...joined.active_run.events.map((e) => ({ type: e.type, payload: e.payload })), ...log.ofRun(ack.run_id)];
    expectWellFormed(merged);
    expect(merged.at(-1)!.payload.status).toBe('completed');
  });
});
