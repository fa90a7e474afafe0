/**
 * First-chunk latency through the whole server: from `user_message` emitted by
 * a real socket.io-client to the first `agent_response_chunk` it receives,
 * with the scripted model at zero latency, for 10 and 100 sessions asking at
 * the same moment. The baseline is a bare Socket.IO round trip (emit → ack) in
 * the same process at the same concurrency, so the ratio is what the server
 * adds: auth'd socket handling, validation, rate limit, the session mutex, the
 * run's database writes (run row, user message, history read) and the
 * LangGraph agent up to its first token.
 *
 *   npx tsx bench/firstChunk.bench.ts            # embedded PostgreSQL in a temp dir
 *   DATABASE_URL=postgresql://… npx tsx bench/firstChunk.bench.ts
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../server/config.ts';
import { createServer } from '../server/createServer.ts';
import { ensureDatabase } from '../server/data/database.ts';
import { startEmbeddedPostgres } from '../server/data/embeddedPostgres.ts';
import { migrate } from '../server/data/migrate.ts';
import { createPrisma } from '../server/data/prisma.ts';
import { createLogger } from '../server/logger.ts';
import { ScriptedChatModel } from '../tests/helpers/scriptedModel.ts';

export interface LatencyStats {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export interface FirstChunkResult {
  sessions: number;
  baseline: LatencyStats;
  firstChunk: LatencyStats;
  /** p50 and p99 of first-chunk latency divided by the baseline's. */
  ratio: { p50: number; p99: number };
}

const silent = createLogger('silent');

function stats(ms: number[]): LatencyStats {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  return { samples: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted.at(-1)!) };
}

/** A database for the bench: a fresh one on DATABASE_URL's server, or an embedded PostgreSQL. */
async function benchDatabase() {
  const name = `aw_bench_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const url = await ensureDatabase(process.env.DATABASE_URL, name);
    return {
      url,
      async drop() {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-bench-pg-'));
  // Run as root, PostgreSQL runs as its own user and must be able to enter the directory.
  await fs.chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres({
    clusterDir: path.join(dir, 'cluster'),
    passwordFile: path.join(dir, 'password'),
    log: silent,
    persistent: false,
  });
  return {
    url: await ensureDatabase(embedded.url, name),
    async drop() {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function connected(url: string, auth?: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Bare Socket.IO: N clients emit at once, each timing its own acknowledgement. */
async function baselineRoundTrips(sessions: number, rounds: number): Promise<number[]> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  io.on('connection', (socket) => socket.on('ping', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true })));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients = await Promise.all(Array.from({ length: sessions }, () => connected(url)));
  const samples: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const times = await Promise.all(
      clients.map(async (c) => {
        const t0 = performance.now();
        await c.emitWithAck('ping', { content: 'hello' });
        return performance.now() - t0;
      }),
    );
    if (round > 0) samples.push(...times); // round 0 warms up
  }
  for (const c of clients) c.disconnect();
  await io.close();
  return samples;
}

/** The whole server: N sessions ask at once; each client times emit → its first chunk. */
async function firstChunkLatencies(dbUrl: string, sessions: number, rounds: number): Promise<number[]> {
  const db = createPrisma(dbUrl, { poolMax: 20 });
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-secret-that-is-long-enough-for-hs256!!',
    DEMO_DATA: '0',
    RATE_LIMIT_MESSAGES: '1000000',
  });
  // Zero latency: each token only yields to the event loop.
  const model = new ScriptedChatModel([], { whenExhausted: { tokens: ['Answer:\n', 'one ', 'two ', 'three'] } });
  const server = await createServer(config, { db, log: silent, jwtSecret: config.jwtSecret!, chatModel: model });
  const { url } = await server.listen();
  try {
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${sessions}@example.com`, password: 'bench-password', name: 'Bench' }),
    });
    const { accessToken } = (await register.json()) as { accessToken: string };
    const sessionIds = await Promise.all(
      Array.from({ length: sessions }, async () => {
        const r = await fetch(`${url}/api/sessions`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
        return ((await r.json()) as { id: string }).id;
      }),
    );
    const clients = await Promise.all(sessionIds.map(() => connected(url, { token: accessToken })));
    const samples: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const times = await Promise.all(
        clients.map(
          (client, i) =>
            new Promise<number>((resolve, reject) => {
              let t0 = 0;
              const onChunk = (chunk: { session_id: string }) => {
                if (chunk.session_id !== sessionIds[i]) return;
                client.off('agent_response_chunk', onChunk);
                const firstChunkAt = performance.now();
                client.once('conversation_complete', () => resolve(firstChunkAt - t0));
              };
              client.on('agent_response_chunk', onChunk);
              t0 = performance.now();
              client.emit('user_message', { session_id: sessionIds[i], content: `question ${round}` }, (ack: { ok: boolean }) => {
                if (!ack.ok) reject(new Error(`refused: ${JSON.stringify(ack)}`));
              });
            }),
        ),
      );
      if (round > 0) samples.push(...times);
    }
    for (const c of clients) c.disconnect();
    return samples;
  } finally {
    await server.close({ graceMs: 0 });
    await db.$disconnect();
  }
}

export async function runFirstChunkBench(opts: { sessions?: number[]; samplesPerCase?: number } = {}): Promise<FirstChunkResult[]> {
  const database = await benchDatabase();
  try {
    await migrate(database.url, silent);
    const results: FirstChunkResult[] = [];
    for (const sessions of opts.sessions ?? [10, 100]) {
      const rounds = Math.max(3, Math.ceil((opts.samplesPerCase ?? 500) / sessions));
      const baseline = stats(await baselineRoundTrips(sessions, rounds));
      const firstChunk = stats(await firstChunkLatencies(database.url, sessions, rounds));
      const ratio = (x: number, y: number) => Math.round((x / y) * 10) / 10;
      results.push({ sessions, baseline, firstChunk, ratio: { p50: ratio(firstChunk.p50, baseline.p50), p99: ratio(firstChunk.p99, baseline.p99) } });
    }
    return results;
  } finally {
    await database.drop();
  }
}

export function formatFirstChunk(results: FirstChunkResult[]): string {
  const lines = [
    'First-chunk latency (user_message emit → first agent_response_chunk), scripted model at zero latency, ms',
    'sessions | baseline RTT p50 / p99 | first chunk p50 / p99 (max) | ratio p50 / p99 | samples',
  ];
  for (const r of results) {
    lines.push(
      `${String(r.sessions).padStart(8)} | ${r.baseline.p50} / ${r.baseline.p99} | ${r.firstChunk.p50} / ${r.firstChunk.p99} (${r.firstChunk.max}) | ${r.ratio.p50}x / ${r.ratio.p99}x | ${r.firstChunk.samples}`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runFirstChunkBench();
  process.stdout.write(`${formatFirstChunk(results)}\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
}
