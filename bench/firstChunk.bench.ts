/**
 * First-chunk latency through the whole server: from `user_message` emitted by
 * a real socket.io-client to the first `agent_response_chunk` it receives,
 * with the scripted model at zero latency, for 10 and 100 sessions asking at
 * the same moment. The baseline is a bare Socket.IO round trip (emit → ack) in
 * the same process at the same concurrency, so the ratio is what the server
 * adds: socket handling, validation, rate limit, the session mutex, the run's
 * database writes (run row, user message, history read) and the LangGraph
 * agent up to its first token. It also prints when the model was called (the
 * server's start work: user_message → model request), the process's CPU per
 * run (server and its clients: they share the process) and the SQL
 * statements per run (a counting wrapper around node-postgres's query).
 *
 *   npm run bench -- firstChunk
 *   npx tsx bench/firstChunk.bench.ts      # on its own
 *   FIRST_CHUNK_N=100 FIRST_CHUNK_SAMPLES=300 FIRST_CHUNK_PROFILE=/tmp/fc.cpuprofile npx tsx bench/firstChunk.bench.ts
 *     # one concurrency, fewer samples, a CPU profile of the measured rounds
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createServer } from '../server/createServer.ts';
import { mailAssistant } from '../agents/mail/agent.ts';
import { createPrisma } from '../server/data/prisma.ts';
import { createLogger } from '../server/logger.ts';
import { ScriptedChatModel } from '../tests/helpers/scriptedModel.ts';
import { benchServerConfig } from './support/serverConfig.ts';
import { runIfMain, type BenchContext } from './support/context.ts';
import { formatTable, ms, quantile } from './support/stats.ts';

const CONCURRENCY = (process.env.FIRST_CHUNK_N ?? '10,100').split(',').map(Number);
/** Samples per case (rounds of all sessions at once, after one warm-up round). */
const SAMPLES = Number(process.env.FIRST_CHUNK_SAMPLES ?? 500);

/** Statements sent to PostgreSQL while `counting` (every query goes through pg.Client#query: the pool, Prisma's adapter). */
let statements = 0;
let counting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const silent = createLogger('silent');

function connected(url: string, auth?: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Rounds in which every client starts at once; round 0 warms up. */
async function rounds(count: number, round: (i: number) => Promise<number[]>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i <= count; i++) {
    const times = await round(i);
    if (i > 0) samples.push(...times);
  }
  return samples;
}

/** Bare Socket.IO: N clients emit at once, each timing its own acknowledgement. */
async function baselineRoundTrips(sessions: number, roundCount: number): Promise<number[]> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  io.on('connection', (socket) => socket.on('ping', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true })));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients = await Promise.all(Array.from({ length: sessions }, () => connected(url)));
  try {
    return await rounds(roundCount, () =>
      Promise.all(
        clients.map(async (c) => {
          const t0 = performance.now();
          await c.emitWithAck('ping', { content: 'hello' });
          return performance.now() - t0;
        }),
      ),
    );
  } finally {
    for (const c of clients) c.disconnect();
    await io.close();
  }
}

interface Measured {
  /** emit → first agent_response_chunk, per run. */
  firstChunk: number[];
  /** emit → the model called, per run: the server's work before the model request. */
  modelCalled: number[];
  cpuMsPerRun: number;
  statementsPerRun: number;
}

/** The whole server: N sessions ask at once; each client times emit → its first chunk. */
async function firstChunkLatencies(databaseUrl: string, sessions: number, roundCount: number): Promise<Measured> {
  const db = createPrisma(databaseUrl, { poolMax: 20 });
  const config = benchServerConfig({ RATE_LIMIT_MESSAGES: '1000000' });
  /** Question → when the model was called with it. */
  const called = new Map<string, number>();
  // Zero latency: each token only yields to the event loop; the first line ends at once, so it streams at once.
  const model = new ScriptedChatModel([], {
    whenExhausted: (messages) => {
      called.set(String(messages.at(-1)?.content), performance.now());
      return { tokens: ['Answer:\n', 'one ', 'two ', 'three'] };
    },
  });
  const server = await createServer(config, { db, log: silent, jwtSecret: config.jwtSecret!, agent: mailAssistant, chatModel: model });
  const { url } = await server.listen();
  try {
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${sessions}-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' }),
    });
    const { accessToken } = (await register.json()) as { accessToken: string };
    const sessionIds = await Promise.all(
      Array.from({ length: sessions }, async () => {
        const r = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
        return ((await r.json()) as { id: string }).id;
      }),
    );
    const clients = await Promise.all(sessionIds.map(() => connected(url, { token: accessToken })));
    const modelCalled: number[] = [];
    const profile = process.env.FIRST_CHUNK_PROFILE ? new Session() : undefined;
    try {
      if (profile) {
        profile.connect();
        await profile.post('Profiler.enable');
        await profile.post('Profiler.start');
      }
      statements = 0;
      counting = true;
      const cpu = process.cpuUsage();
      const firstChunk = await rounds(roundCount, (round) =>
        Promise.all(
          clients.map(
            (client, i) =>
              new Promise<number>((resolve, reject) => {
                const question = `question ${round} of ${i}`;
                const t0 = performance.now();
                let firstChunkMs: number | undefined;
                const onChunk = () => {
                  firstChunkMs ??= performance.now() - t0;
                };
                client.once('agent_response_chunk', onChunk);
                // The next round starts once every run has ended, so a client's chunks are its own run's.
                client.once('conversation_complete', (done: { status: string }) => {
                  client.off('agent_response_chunk', onChunk);
                  if (done.status !== 'completed' || firstChunkMs === undefined) return reject(new Error(`run ended ${done.status}`));
                  if (round > 0) modelCalled.push(called.get(question)! - t0);
                  resolve(firstChunkMs);
                });
                client.emit('user_message', { session_id: sessionIds[i], content: question }, (ack: { ok: boolean }) => {
                  if (!ack.ok) reject(new Error(`refused: ${JSON.stringify(ack)}`));
                });
              }),
          ),
        ),
      );
      const used = process.cpuUsage(cpu);
      counting = false;
      // Every run, the warm-up round's too (the counters ran through it); the last round's lease releases may fall after the count.
      const runs = (roundCount + 1) * sessions;
      if (profile) {
        const { profile: taken } = await profile.post('Profiler.stop');
        await fs.writeFile(process.env.FIRST_CHUNK_PROFILE!, JSON.stringify(taken));
      }
      return { firstChunk, modelCalled, cpuMsPerRun: (used.user + used.system) / 1000 / runs, statementsPerRun: statements / runs };
    } finally {
      counting = false;
      profile?.disconnect();
      for (const c of clients) c.disconnect();
    }
  } finally {
    await server.close({ graceMs: 0 });
    await db.$disconnect();
  }
}

export default async function firstChunk(ctx: BenchContext): Promise<void> {
  const database = await ctx.demoDatabase();
  const rows: string[][] = [];
  for (const sessions of CONCURRENCY) {
    const roundCount = Math.ceil(SAMPLES / sessions);
    const baseline = [...(await baselineRoundTrips(sessions, roundCount))].sort((a, b) => a - b);
    const measured = await firstChunkLatencies(database.url, sessions, roundCount);
    const latency = [...measured.firstChunk].sort((a, b) => a - b);
    const called = [...measured.modelCalled].sort((a, b) => a - b);
    const p = (sorted: number[], q: number) => quantile(sorted, q);
    rows.push([
      String(sessions),
      `${ms(p(baseline, 0.5))} / ${ms(p(baseline, 0.99))}`,
      `${ms(p(called, 0.5))} / ${ms(p(called, 0.99))}`,
      `${ms(p(latency, 0.5))} / ${ms(p(latency, 0.99))}`,
      `${(p(latency, 0.5) / p(baseline, 0.5)).toFixed(1)}× / ${(p(latency, 0.99) / p(baseline, 0.99)).toFixed(1)}×`,
      ms(latency.at(-1)!),
      measured.cpuMsPerRun.toFixed(1),
      measured.statementsPerRun.toFixed(1),
      String(latency.length),
    ]);
  }
  ctx.print('First-chunk latency: user_message emit → first agent_response_chunk, scripted model at zero latency (ms)');
  ctx.print(
    formatTable(
      ['concurrent sessions', 'bare Socket.IO RTT p50 / p99', 'model called p50 / p99', 'first chunk p50 / p99', 'ratio p50 / p99', 'max', 'CPU/run', 'SQL/run', 'samples'],
      rows,
    ),
  );
  ctx.print(
    `Database: ${database.where}. Every session asks at the same moment (${CONCURRENCY.map((n) => `${Math.ceil(SAMPLES / n)} rounds at ${n}`).join(', ')}). ` +
      'CPU/run: this process (server and clients) per run; SQL/run: statements per run.',
  );
}

runIfMain(import.meta.url, firstChunk);
