/**
 * Production path, only with REDIS_URL: two server instances over one
 * database and one Redis (streams adapter, shared rate limit).
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectSocket, connectUser, established, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { answer, expectWellFormed, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

const REDIS_URL = process.env.REDIS_URL;
const model = modelByQuestion(() => ({ ...answer(30), tokenDelayMs: 10 }));

describe.skipIf(!REDIS_URL)('two nodes behind Redis', () => {
  const streamName = `agentwire-test:${randomUUID()}`;
  let t: TestDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let user: TestUser;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    const env = { REDIS_URL: REDIS_URL!, RATE_LIMIT_MESSAGES: '4' };
    nodeA = await startTestServer(t.db, { chatModel: model, env, redisStreamName: streamName });
    nodeB = await startTestServer(t.db, { chatModel: model, env, redisStreamName: streamName });
    user = await registerWithSessions(nodeA.url, `redis-${randomUUID()}@example.com`, 2);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await nodeA?.close();
    await nodeB?.close();
    await t?.drop();
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const keys = await redis.keys(`${streamName}*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
  });

  async function connect(node: TestServer, opts = {}) {
    const socket = await connectUser(node.url, user.token, opts);
    sockets.push(socket);
    return { socket, log: new EventLog(socket) };
  }

  it('a client on each node, joined to the same session, sees the same run events', async () => {
    const a = await connect(nodeA);
    const b = await connect(nodeB);
    const sessionId = user.sessions[0]!;
    expect(await joinSession(b.socket, sessionId)).toMatchObject({ ok: true });
    const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'asked on node A' });
    if (!ack.ok) throw new Error('not acknowledged');
    await Promise.all([a.log.completed(ack.run_id), b.log.completed(ack.run_id)]);
    expectWellFormed(a.log.ofRun(ack.run_id));
    expect(b.log.ofRun(ack.run_id)).toEqual(a.log.ofRun(ack.run_id));
  });

  it('a client dropped from one node recovers its missed events on the other', async () => {
    const a = await connect(nodeA);
    const sessionId = user.sessions[1]!;
    const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'recover me elsewhere' });
    if (!ack.ok) throw new Error('not acknowledged');
    await a.log.waitFor((e) => e.payload?.run_id === ack.run_id && e.payload.seq >= 5);
    // The client's recovery state (private pid and offset), carried to a connection to node B,
    // as when a load balancer sends the reconnecting client elsewhere.
    type RecoveryState = { _pid?: string; _lastOffset?: string };
    const { _pid, _lastOffset } = a.socket as unknown as RecoveryState;
    const before = nodeA.server.gateway.health().connections;
    a.socket.io.engine.close(); // a network drop, not a goodbye: node A keeps the session for recovery
    await expect.poll(() => nodeA.server.gateway.health().connections).toBe(before - 1);
    const moved = connectSocket(nodeB.url, { token: user.token, autoConnect: false });
    sockets.push(moved);
    Object.assign(moved as unknown as RecoveryState, { _pid, _lastOffset });
    const b = { socket: moved, log: new EventLog(moved) };
    const hello = established(moved);
    moved.connect();
    await hello;
    expect(moved.recovered).toBe(true);
    await b.log.completed(ack.run_id);
    const seen = [...a.log.ofRun(ack.run_id), ...b.log.ofRun(ack.run_id)];
    expectWellFormed(seen);
  });

  it('shares one rate-limit budget across the nodes', async () => {
    const a = await connect(nodeA);
    const b = await connect(nodeB);
    // Two messages were spent above; two more, one per node, use up the budget of four.
    for (const s of [a.socket, b.socket]) {
      expect(await sendMessage(s, { session_id: randomUUID(), content: 'spend' })).toMatchObject({ ok: false, error: { type: 'not_found' } });
    }
    expect(await sendMessage(a.socket, { session_id: randomUUID(), content: 'over' })).toMatchObject({ ok: false, error: { type: 'rate_limit' } });
    expect(await sendMessage(b.socket, { session_id: randomUUID(), content: 'over' })).toMatchObject({ ok: false, error: { type: 'rate_limit' } });
  });
});
