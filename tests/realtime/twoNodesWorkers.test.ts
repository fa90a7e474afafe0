/**
 * The real server as `npm start` runs it with WORKERS=2: two worker processes
 * on one port (node:cluster, @socket.io/sticky, the cluster adapter; no
 * Redis), over a throwaway database, with a paced OpenAI-compatible model.
 * Real Socket.IO clients (one of them long-polling only) and plain WebSocket
 * clients on both workers: every session streams whichever worker a client
 * reached, cancel works from the other worker, and a session's runs reach
 * its watchers on the other worker, over both transports.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { connectUser, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { connectWs, type WsClient } from '../helpers/wsClient.ts';
import { alive, signalGroup, startPacedModel, startServer, type ServerProcess } from '../faults/support.ts';
import { expectWellFormed } from './support.ts';

let t: TestDatabase;
let dataDir: string;
let model: Awaited<ReturnType<typeof startPacedModel>>;
let server: ServerProcess;
let token: string;
const sockets: ClientSocket[] = [];
const wsClients: WsClient[] = [];

const words = (n: number) => Array.from({ length: n }, (_, i) => `word-${i + 1} `).join('');

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cluster-workers-'));
  model = await startPacedModel();
  server = await startServer({
    DATA_DIR: dataDir,
    DATABASE_URL: t.url,
    WORKERS: '2',
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DEMO_DATA: '0',
    JOBS: '0',
    JWT_SECRET: 'workers-test-secret-that-is-long-enough-for-hs256',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: model.baseUrl,
    OPENAI_API_KEY: 'not-needed',
    SHUTDOWN_GRACE_MS: '500',
    RATE_LIMIT_MESSAGES: '1000',
  });
  token = (await apiClient(server.url).register(`workers-${Date.now()}@example.com`)).accessToken;
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const c of wsClients) c.close();
  if (server?.pid && alive(server.pid)) {
    signalGroup(server, 'SIGTERM');
    await server.exited;
  }
  await model?.close();
  await t?.drop();
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
}, 60_000);

async function newSession(): Promise<string> {
  const r = await apiClient(server.url).post('/api/sessions', { title: 'workers' }, token);
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/** The node (worker) running a session now, from its lease. */
async function leaseNode(sessionId: string): Promise<string> {
  const [row] = await t.db.$queryRaw<Array<{ node_id: string }>>`SELECT node_id::text FROM session_leases WHERE session_id = ${sessionId}::uuid`;
  if (!row) throw new Error('the session has no lease');
  return row.node_id;
}

interface Client {
  socket: ClientSocket;
  log: EventLog;
  node: string;
}

/**
 * Connects a Socket.IO client, and finds which worker it reached by running a
 * whole answer through it (the run's lease names the worker's node).
 */
async function connectClient(transports: Array<'websocket' | 'polling'> = ['websocket']): Promise<Client> {
  const socket = await connectUser(server.url, token, { transports });
  sockets.push(socket);
  const log = new EventLog(socket);
  const sessionId = await newSession();
  const ack = await sendMessage(socket, { session_id: sessionId, content: 'words=15 delay=40' });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id, 15_000, 'first chunk');
  const node = await leaseNode(sessionId);
  const done = await log.completed(ack.run_id, 20_000);
  expect(done.payload).toMatchObject({ status: 'completed', content: words(15) });
  expectWellFormed(log.ofRun(ack.run_id));
  return { socket, log, node };
}

/** Socket.IO clients until both workers have one. */
async function clientsOnBothWorkers(): Promise<[Client, Client]> {
  const byNode = new Map<string, Client>();
  for (let i = 0; i < 8 && byNode.size < 2; i++) {
    const c = await connectClient();
    if (!byNode.has(c.node)) byNode.set(c.node, c);
  }
  expect(byNode.size, 'clients reached both workers').toBe(2);
  return [...byNode.values()] as [Client, Client];
}

describe.sequential('WORKERS=2: two worker processes on one port', { timeout: 90_000 }, () => {
  let a: Client;
  let b: Client;

  it('runs two worker nodes; sessions stream on both, also to a long-polling-only client', async () => {
    const nodes = await t.db.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM cluster_nodes`;
    expect(nodes).toHaveLength(2);
    [a, b] = await clientsOnBothWorkers();
    expect(new Set([a.node, b.node])).toEqual(new Set(nodes.map((n) => n.id)));
    const polling = await connectClient(['polling']);
    expect(polling.socket.io.engine.transport.name).toBe('polling');
  });

  it('a message on one worker and cancel from a socket on the other: interrupted; the other worker streamed the run too', async () => {
    const sessionId = await newSession();
    const ack = await sendMessage(a.socket, { session_id: sessionId, content: 'words=300 delay=30' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await a.log.streamed(ack.run_id, 'word-3 ', 15_000);
    expect(await leaseNode(sessionId)).toBe(a.node);

    // The client on the other worker joins mid-answer: the snapshot, then the live events, each once.
    const joined = await b.socket.timeout(5000).emitWithAck('join_session', { session_id: sessionId });
    if (!joined.ok) throw new Error(JSON.stringify(joined));
    expect(joined.active_run?.run_id).toBe(ack.run_id);
    const lastSnapshotSeq = joined.active_run!.events.at(-1)!.payload.seq;
    await b.log.waitFor((e) => e.payload?.run_id === ack.run_id && e.type === 'agent_response_chunk' && e.payload.seq > lastSnapshotSeq, 10_000, 'a live chunk on the other worker');

    expect(await b.socket.timeout(5000).emitWithAck('cancel', { session_id: sessionId })).toEqual({ ok: true, run_id: ack.run_id });
    const done = await a.log.completed(ack.run_id);
    expect(done.payload.status).toBe('interrupted');
    await b.log.completed(ack.run_id);
    const onA = a.log.ofRun(ack.run_id);
    expectWellFormed(onA);
    const onB = [...joined.active_run!.events, ...b.log.ofRun(ack.run_id)];
    expect(onB.map((e) => e.payload.seq)).toEqual(onA.map((e) => e.payload.seq));
    const chunks = onA.filter((e) => e.type === 'agent_response_chunk').map((e) => e.payload.delta).join('');
    expect(done.payload.content).toBe(chunks);
  });

  /**
   * A worker's own metrics: @socket.io/sticky sends a request naming a Socket.IO session (`sid=`) to the worker
   * that holds it. Returns the worker's node id and the room events it received from the other worker, by event.
   */
  async function workerMetrics(client: Client): Promise<{ node: string; received: Map<string, number>; completedRuns: number }> {
    const res = await fetch(`${server.url}/metrics?sid=${client.socket.io.engine.id}&scope=worker`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const nodes = [...text.matchAll(/^agentwire_cluster_node\{node="([^"]+)"\} 1$/gm)].map((m) => m[1]!);
    expect(nodes, 'one worker answers').toHaveLength(1);
    const received = new Map<string, number>();
    for (const m of text.matchAll(/^agentwire_cluster_room_events_received_total\{event="([^"]+)"\} (\d+)$/gm)) received.set(m[1]!, Number(m[2]));
    return { node: nodes[0]!, received, completedRuns: completedRunsIn(text) };
  }

  const completedRunsIn = (text: string) => Number(/^agentwire_runs_total\{status="completed"\} (\d+)$/m.exec(text)?.[1] ?? 0);

  it("GET /metrics is every worker's: both nodes, and each counter the sum of the workers' own", async () => {
    const [onA, onB] = await Promise.all([workerMetrics(a), workerMetrics(b)]);
    expect(onA.node).toBe(a.node);
    expect(onA.completedRuns).toBeGreaterThan(0);
    expect(onB.completedRuns).toBeGreaterThan(0);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(new Set([...text.matchAll(/^agentwire_cluster_node\{node="([^"]+)"\} 1$/gm)].map((m) => m[1]))).toEqual(new Set([a.node, b.node]));
    // Nothing runs between the reads (the tests run one after another).
    expect(completedRunsIn(text)).toBe(onA.completedRuns + onB.completedRuns);
  });

  it("a worker with no socket in a session receives none of its run's events; one that joins before the run gets each once, in order", async () => {
    const onB = await workerMetrics(b);
    expect(onB.node).toBe(b.node);
    const chunksOnB = () => workerMetrics(b).then((m) => m.received.get('agent_response_chunk') ?? 0);

    // A run on worker A that no socket on worker B watches: not one of its events reaches B.
    const unwatched = await newSession();
    const first = await sendMessage(a.socket, { session_id: unwatched, content: 'words=20 delay=20' });
    if (!first.ok) throw new Error(JSON.stringify(first));
    await a.log.waitFor((e) => e.payload?.run_id === first.run_id && e.type === 'agent_response_chunk', 15_000, 'first chunk');
    expect(await leaseNode(unwatched)).toBe(a.node);
    expect((await a.log.completed(first.run_id)).payload.content).toBe(words(20));
    const before = onB.received.get('agent_response_chunk') ?? 0;
    expect(await chunksOnB()).toBe(before);

    // A socket on B joins a session before a run that A runs: every event arrives once, in order.
    const watched = await newSession();
    const joined = await b.socket.timeout(5000).emitWithAck('join_session', { session_id: watched });
    if (!joined.ok) throw new Error(JSON.stringify(joined));
    expect(joined.active_run).toBeNull();
    const second = await sendMessage(a.socket, { session_id: watched, content: 'words=20 delay=20' });
    if (!second.ok) throw new Error(JSON.stringify(second));
    await a.log.waitFor((e) => e.payload?.run_id === second.run_id && e.type === 'agent_response_chunk', 15_000, 'first chunk');
    expect(await leaseNode(watched)).toBe(a.node);
    const done = await b.log.completed(second.run_id);
    expect(done.payload).toMatchObject({ status: 'completed', content: words(20) });
    const seen = b.log.ofRun(second.run_id);
    expect(seen[0]!.type).toBe('run_started');
    expect(seen.map((e) => e.payload.seq)).toEqual(seen.map((_, i) => i + 1));
    expectWellFormed(seen);
    expect(seen.map((e) => e.payload.seq)).toEqual(a.log.ofRun(second.run_id).map((e) => e.payload.seq));
    // B received exactly those chunks from A, no more.
    expect(await chunksOnB()).toBe(before + seen.filter((e) => e.type === 'agent_response_chunk').length);

    // B leaves the session: the next run's events stay on A.
    expect(await b.socket.timeout(5000).emitWithAck('leave_session', { session_id: watched })).toEqual({ ok: true });
    const afterLeave = await chunksOnB();
    const third = await sendMessage(a.socket, { session_id: watched, content: 'words=10 delay=10' });
    if (!third.ok) throw new Error(JSON.stringify(third));
    await a.log.completed(third.run_id);
    expect(await chunksOnB()).toBe(afterLeave);
    expect(b.log.ofRun(third.run_id)).toEqual([]);
  });

  /** A ws client, and the node it reached (found as connectClient does). */
  async function wsClient(): Promise<{ ws: WsClient; node: string }> {
    const ws = await connectWs(server.url, { token });
    wsClients.push(ws);
    const sessionId = await newSession();
    ws.send({ event: 'user.message', session_id: sessionId, content: 'words=10 delay=40' });
    const started = await ws.waitFor((m) => m.event === 'agent.partial_answer' && m.session_id === sessionId, 15_000, 'first partial answer');
    const node = await leaseNode(sessionId);
    expect((await ws.ended(started.run_id)).content).toBe(words(10));
    return { ws, node };
  }

  it('a plain WebSocket client sees the runs of its session started from a socket on the other worker, joined before or mid-run', async () => {
    let found: { ws: WsClient; node: string } | undefined;
    for (let i = 0; i < 6 && !found; i++) {
      const c = await wsClient();
      if (c.node !== a.node) found = c;
    }
    if (!found) throw new Error('no ws client reached the other worker');
    const { ws } = found;

    // Joined before the run: the whole run arrives live.
    const sessionId = await newSession();
    ws.send({ event: 'user.join_session', session_id: sessionId });
    await ws.waitFor((m) => m.event === 'agent.session_joined' && m.session_id === sessionId);
    const first = await sendMessage(a.socket, { session_id: sessionId, content: 'words=20 delay=20' });
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect((await ws.ended(first.run_id)).event).toBe('agent.final_answer');
    const live = ws.ofRun(first.run_id);
    expect(live[0]!.event).toBe('agent.run_started');
    expect(live.map((m) => m.seq)).toEqual(live.map((_, i) => i + 1));
    expect(live.filter((m) => m.event === 'agent.partial_answer').map((m) => m.content).join('')).toBe(words(20));

    // Joined mid-run on the worker that does not run the session: the snapshot then the rest, each event once.
    const other = await newSession();
    const second = await sendMessage(a.socket, { session_id: other, content: 'words=60 delay=30' });
    if (!second.ok) throw new Error(JSON.stringify(second));
    await a.log.streamed(second.run_id, 'word-5 ', 15_000);
    expect(await leaseNode(other)).toBe(a.node);
    ws.send({ event: 'user.join_session', session_id: other });
    const joined = await ws.waitFor((m) => m.event === 'agent.session_joined' && m.session_id === other);
    expect(joined.active_run_id).toBe(second.run_id);
    const final = await ws.ended(second.run_id);
    expect(final.content).toBe(words(60));
    const seen = ws.ofRun(second.run_id);
    expect(seen.map((m) => m.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.filter((m) => m.event === 'agent.partial_answer').map((m) => m.content).join('')).toBe(words(60));
  });
});
