/**
 * Two server processes on one database and one redis-server (started here):
 * run ownership, the cluster-wide session mutex, commands from any node, and
 * a kill -9 of the node running a session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { hasRedisServer, startRedisServer, type TestRedis } from '../helpers/redisServer.ts';
import { RunEventSchemas, type RunEvent } from '../../shared/protocol.ts';
import { connectUser, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { connectWs, type WsClient } from '../helpers/wsClient.ts';
import { answerText, expectWellFormed, registerWithSessions, type TestUser } from './support.ts';

if (!hasRedisServer) console.warn('twoNodes.test.ts skipped: redis-server is not installed (apt-get install redis-server)');

const fixture = fileURLToPath(new URL('./fixtures/clusterNodeProcess.ts', import.meta.url));

interface NodeProcess {
  url: string;
  child: ChildProcess;
}

describe.skipIf(!hasRedisServer)('two server processes on one database', () => {
  let t: TestDatabase;
  let redis: TestRedis;
  const stream = `aw-two-nodes:${randomUUID()}`;
  const nodes: NodeProcess[] = [];
  const sockets: ClientSocket[] = [];
  const wsClients: WsClient[] = [];
  let user: TestUser;

  async function startNode(): Promise<NodeProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, CLUSTER_TEST_DATABASE_URL: t.url, REDIS_URL: redis.url, CLUSTER_TEST_STREAM: stream },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const node = { url: (JSON.parse(line) as { url: string }).url, child };
    nodes.push(node);
    return node;
  }

  async function connect(node: NodeProcess) {
    const socket = await connectUser(node.url, user.token);
    sockets.push(socket);
    return { socket, log: new EventLog(socket) };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    redis = await startRedisServer();
    await Promise.all([startNode(), startNode()]);
    user = await registerWithSessions(nodes[0]!.url, `nodes-${randomUUID()}@example.com`, 8);
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const c of wsClients) c.close();
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
    await redis?.stop();
    await t?.drop();
  });

  it('a message on node A, cancel on node B: the run stops interrupted with its partial answer', async () => {
    const a = await connect(nodes[0]!);
    const b = await connect(nodes[1]!);
    const sessionId = user.sessions[0]!;
    const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'hang on node A' });
    if (!ack.ok) throw new Error('not acknowledged');
    await a.log.streamed(ack.run_id, 'w2 ');
    expect(await b.socket.timeout(5000).emitWithAck('cancel', { session_id: sessionId })).toEqual({ ok: true, run_id: ack.run_id });
    const done = await a.log.completed(ack.run_id);
    expect(done.payload).toMatchObject({ status: 'interrupted', content: 'Partial:\nw0 w1 w2 ' });
  });

  it('the same session from both nodes at once never has two runs at a time', async () => {
    const a = await connect(nodes[0]!);
    const b = await connect(nodes[1]!);
    const sessionId = user.sessions[1]!;
    const acks = await Promise.all([
      sendMessage(a.socket, { session_id: sessionId, content: 'slow from A', multitask_strategy: 'enqueue' }),
      sendMessage(b.socket, { session_id: sessionId, content: 'slow from B', multitask_strategy: 'enqueue' }),
    ]);
    const runIds = acks.map((ack) => (ack.ok ? ack.run_id : ''));
    expect(runIds.every(Boolean)).toBe(true);
    await Promise.all(runIds.map((id, i) => (i === 0 ? a : b).log.completed(id, 20_000)));
    const runs = await t.db.run.findMany({ where: { sessionId }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
  });

  it('reject, interrupt and rollback sent to the other node apply to the run on the owner', async () => {
    const a = await connect(nodes[0]!);
    const b = await connect(nodes[1]!);
    const sessionId = user.sessions[2]!;
    const first = await sendMessage(a.socket, { session_id: sessionId, content: 'hang first' });
    if (!first.ok) throw new Error('not acknowledged');
    await a.log.waitFor((e) => e.payload?.run_id === first.run_id && e.type === 'agent_response_chunk');
    expect(await sendMessage(b.socket, { session_id: sessionId, content: 'refused', multitask_strategy: 'reject' })).toMatchObject({
      ok: false,
      error: { type: 'busy' },
    });
    const second = await sendMessage(b.socket, { session_id: sessionId, content: 'hang instead', multitask_strategy: 'interrupt' });
    if (!second.ok) throw new Error('not acknowledged');
    expect((await a.log.completed(first.run_id)).payload.status).toBe('interrupted');
    await b.log.waitFor((e) => e.payload?.run_id === second.run_id && e.type === 'agent_response_chunk');
    const third = await sendMessage(b.socket, { session_id: sessionId, content: 'start over', multitask_strategy: 'rollback' });
    if (!third.ok) throw new Error('not acknowledged');
    await b.log.completed(third.run_id);
    await a.log.waitFor((e) => e.type === 'run_discarded' && e.payload.run_id === second.run_id);
    expect(await t.db.run.findUnique({ where: { id: second.run_id } })).toBeNull();
    const rows = await t.db.conversationMessage.findMany({ where: { sessionId, role: 'user' }, orderBy: { position: 'asc' } });
    expect(rows.map((r) => r.content)).toEqual(['hang first', 'start over']);
  });

  it('a plain WebSocket client on one node sees the run a socket started on the other, live and after joining mid-run', async () => {
    const a = await connect(nodes[0]!);
    const ws = await connectWs(nodes[1]!.url, { token: user.token });
    wsClients.push(ws);
    const sessionId = user.sessions[5]!;
    ws.send({ event: 'user.join_session', session_id: sessionId });
    await ws.waitFor((m) => m.event === 'agent.session_joined' && m.session_id === sessionId);
    const first = await sendMessage(a.socket, { session_id: sessionId, content: 'slow, watched from the other node' });
    if (!first.ok) throw new Error('not acknowledged');
    const done = await a.log.completed(first.run_id, 20_000);
    const final = await ws.ended(first.run_id);
    expect(final).toMatchObject({ event: 'agent.final_answer', content: done.payload.content });
    const live = ws.ofRun(first.run_id);
    expect(live[0]!.event).toBe('agent.run_started');
    expect(live.map((m) => m.seq)).toEqual(live.map((_, i) => i + 1));

    // A second client joins mid-run: what it missed in the snapshot, then the rest live, each event once.
    const late = await connectWs(nodes[1]!.url, { token: user.token });
    wsClients.push(late);
    const second = await sendMessage(a.socket, { session_id: sessionId, content: 'slow again' });
    if (!second.ok) throw new Error('not acknowledged');
    await a.log.waitFor((e) => e.payload?.run_id === second.run_id && e.type === 'agent_response_chunk');
    late.send({ event: 'user.join_session', session_id: sessionId });
    expect((await late.waitFor((m) => m.event === 'agent.session_joined' && m.session_id === sessionId)).active_run_id).toBe(second.run_id);
    const lateFinal = await late.ended(second.run_id);
    expect(lateFinal.content).toBe((await a.log.completed(second.run_id, 20_000)).payload.content);
    const seen = late.ofRun(second.run_id);
    expect(seen.map((m) => m.seq)).toEqual(seen.map((_, i) => i + 1));
  });

  it('a tab joining on one node mid-run gets the run so far from the node running it, then the rest live, each event once', async () => {
    const a = await connect(nodes[0]!);
    const b = await connect(nodes[1]!);
    const sessionId = user.sessions[6]!;
    const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'slow, joined from the other node' });
    if (!ack.ok) throw new Error('not acknowledged');
    await a.log.waitFor((e) => e.payload?.run_id === ack.run_id && e.type === 'agent_response_chunk');
    const joined = (await b.socket.timeout(5000).emitWithAck('join_session', { session_id: sessionId })) as {
      ok: boolean;
      active_run: { run_id: string; events: RunEvent[] } | null;
    };
    expect(joined.ok).toBe(true);
    expect(joined.active_run?.run_id).toBe(ack.run_id);
    // The snapshot crossed Redis (msgpack): its events are still ones the web app accepts.
    for (const e of joined.active_run!.events) expect(RunEventSchemas[e.type].safeParse(e.payload).error).toBeUndefined();
    const done = await b.log.completed(ack.run_id, 20_000);
    const seqs = [...joined.active_run!.events, ...b.log.ofRun(ack.run_id)].map((e) => e.payload.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(done.payload.content).toBe((await a.log.completed(ack.run_id)).payload.content);
  });

  it('kill -9 of the owning node: the run is stored interrupted with what clients saw, the queued message runs on the survivor, a re-join replays every event once', async () => {
    const victim = await startNode();
    const survivor = nodes[1]!;
    const a = await connect(victim);
    const b = await connect(survivor);
    const sessionId = user.sessions[3]!;
    const run = await sendMessage(a.socket, { session_id: sessionId, content: 'hang until the node dies' });
    if (!run.ok) throw new Error('not acknowledged');
    await a.log.streamed(run.run_id, 'w2 ');
    const queued = await sendMessage(b.socket, { session_id: sessionId, content: 'queued on the survivor', multitask_strategy: 'enqueue' });
    expect(queued).toMatchObject({ ok: true, queued: true });
    if (!queued.ok) return;
    const seenBefore = a.log.ofRun(run.run_id);
    const lastSeq = seenBefore.at(-1)!.payload.seq as number;

    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await once(victim.child, 'exit');
    await expect
      .poll(async () => (await t.db.run.findUnique({ where: { id: run.run_id } }))?.status, { timeout: 15_000, interval: 200 })
      .toBe('interrupted');
    expect(Date.now() - killedAt).toBeLessThan(12_000);
    // The queued message moved to the survivor and ran.
    await b.log.completed(queued.run_id, 20_000);

    // The client comes back on the survivor and asks for the rest of the run it was watching.
    const again = await connect(survivor);
    const joined = await again.socket.timeout(5000).emitWithAck('join_session', { session_id: sessionId, run_id: run.run_id, after_seq: lastSeq });
    if (!joined.ok) throw new Error('join failed');
    const rest = joined.resumed_run!.events;
    const all = [...seenBefore, ...rest.map((e: RunEvent) => ({ type: e.type, payload: e.payload }))];
    expectWellFormed(all);
    expect(all.at(-1)!.payload).toMatchObject({ status: 'interrupted', content: answerText(seenBefore) });
    const stored = await t.db.conversationMessage.findFirst({ where: { runId: run.run_id, role: 'assistant' } });
    expect(stored).toMatchObject({ status: 'interrupted', content: answerText(seenBefore) });
  }, 60_000);

  it('keeps serving across a Redis restart', async () => {
    await redis.restart();
    const a = await connect(nodes[0]!);
    const sessionId = user.sessions[4]!;
    await expect
      .poll(async () => {
        const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'after the restart' });
        return ack.ok ? (await a.log.completed(ack.run_id)).payload.status : ack.error.type;
      }, { timeout: 20_000, interval: 500 })
      .toBe('completed');
  }, 40_000);
});
