/**
 * A server under test for bench/streaming.bench.ts, in a process of its own so
 * that its CPU time and event-loop delay are its own (the model server and
 * the clients run in the bench process). Started by `startServerProcess` with
 * its configuration in the environment:
 *
 *   BENCH_SERVER=agentwire  the real server: createServer(loadConfig(env)),
 *                           LLM_PROVIDER=openai against OPENAI_BASE_URL;
 *   BENCH_SERVER=bare       the baseline: a plain Socket.IO server that fetches
 *                           the same SSE stream, parses it and emits one
 *                           agent_response_chunk per token.
 *
 * Talks to its parent over IPC: {ready, url} once listening; on {measure:
 * 'start'} it resets its CPU and event-loop-delay counters, on {measure:
 * 'stop'} it answers {cpuMs, eventLoopDelayP99Ms}.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';

type Started = { url: string; close(): Promise<void> };

/** The real server, configured from the environment as `npm start` would be. */
async function startAgentwire(env: NodeJS.ProcessEnv): Promise<Started> {
  const { loadConfig } = await import('../../server/config.ts');
  const { createServer } = await import('../../server/createServer.ts');
  const { createPrisma } = await import('../../server/data/prisma.ts');
  const { createLogger } = await import('../../server/logger.ts');
  const { mailAssistant } = await import('../../agents/mail/agent.ts');
  const config = loadConfig(env);
  const log = createLogger(env.LOG_LEVEL ?? 'silent');
  const db = createPrisma(env.DATABASE_URL!, { poolMax: Number(env.BENCH_DB_POOL ?? 20) });
  const server = await createServer(config, { db, log, jwtSecret: config.jwtSecret!, agent: mailAssistant });
  const { url } = await server.listen();
  return {
    url,
    async close() {
      await server.close({ graceMs: 0 });
      await db.$disconnect();
    },
  };
}

/** The baseline: what any streaming server must do at least, and nothing more. */
async function startBare(env: NodeJS.ProcessEnv): Promise<Started> {
  const baseUrl = env.OPENAI_BASE_URL!;
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('user_message', async (payload: { session_id: string; content: string }, ack: (r: unknown) => void) => {
      const runId = randomUUID();
      const messageId = randomUUID();
      ack({ ok: true, run_id: runId, message_id: randomUUID(), queued: false });
      let seq = 0;
      const base = () => ({ session_id: payload.session_id, run_id: runId, seq: ++seq, timestamp: Date.now() });
      let content = '';
      try {
        const res = await fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: payload.content }] }),
        });
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(bytes, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = event.startsWith('data: ') ? event.slice(6) : '';
            if (!data || data === '[DONE]') continue;
            const delta = (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content;
            if (!delta) continue;
            content += delta;
            socket.emit('agent_response_chunk', { ...base(), message_id: messageId, part: 0, delta });
          }
        }
        socket.emit('conversation_complete', { ...base(), message_id: messageId, content, parts: [{ type: 'text', text: content }], status: 'completed', timings: { first_chunk_ms: null, total_ms: 0 } });
      } catch (err) {
        socket.emit('conversation_complete', { ...base(), message_id: messageId, content, parts: [], status: 'failed', timings: { first_chunk_ms: null, total_ms: 0 }, error: { type: 'processing_error', message: String(err) } });
      }
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: () => io.close().then(() => undefined),
  };
}

async function main() {
  const kind = process.env.BENCH_SERVER;
  const started = kind === 'agentwire' ? await startAgentwire(process.env) : kind === 'bare' ? await startBare(process.env) : undefined;
  if (!started) throw new Error(`BENCH_SERVER must be agentwire or bare, not ${kind}`);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let cpu = process.cpuUsage();
  // BENCH_PROFILE_DIR: a CPU profile of the measured phase only (start-up left out).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const inspector = profileDir ? new Session() : undefined;
  let measured = 0;
  process.on('message', async (m: { measure?: 'start' | 'stop'; close?: boolean; label?: string }) => {
    if (m.measure === 'start') {
      if (inspector) {
        inspector.connect();
        await inspector.post('Profiler.enable');
        await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
        await inspector.post('Profiler.start');
      }
      delay.reset();
      delay.enable();
      cpu = process.cpuUsage();
      process.send!({ measuring: true });
    } else if (m.measure === 'stop') {
      const used = process.cpuUsage(cpu);
      delay.disable();
      if (inspector) {
        const { profile } = await inspector.post('Profiler.stop');
        inspector.disconnect();
        await fs.mkdir(profileDir!, { recursive: true });
        await fs.writeFile(path.join(profileDir!, `${kind}-${process.pid}-${++measured}.cpuprofile`), JSON.stringify(profile));
      }
      process.send!({ cpuMs: (used.user + used.system) / 1000, eventLoopDelayP99Ms: delay.percentile(99) / 1e6 });
    } else if (m.close) {
      await started.close();
      process.exit(0);
    }
  });
  process.send!({ ready: true, url: started.url });
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
