/**
 * Streaming at the speed of the wire: the real server against a bare
 * pipeline, both fed by the same OpenAI-compatible SSE model server.
 *
 * - The model server (in this process) streams like a real model: a pause
 *   before the first token, then tokens at a steady rate, no newline in the
 *   text; optionally a tool call first (the answer comes in a second turn).
 * - The real server (its own process: bench/support/streamingHost.ts) runs
 *   with LLM_PROVIDER=openai pointed at it.
 * - The baseline (its own process too) is a plain Socket.IO server that
 *   fetches the same SSE stream, parses it and emits one agent_response_chunk
 *   per token.
 *
 * For each N, N sockets (N users, each with a session of their own) ask at
 * the same moment. Both pipelines are up at once and take turns, round by
 * round (the order swapped every round), so that a machine that slows down
 * or speeds up meanwhile weighs on both alike.
 * Reported per pipeline, and the real server as a ratio to the baseline:
 * first chunk (emit → first chunk) p50/p99, inter-chunk gap p50/p99, server
 * CPU per run (the server process's process.cpuUsage over its rounds), the
 * server's event-loop delay p99 (perf_hooks.monitorEventLoopDelay; the
 * median round's), the
 * first chunk's lag behind the model's first token (both clocks are this
 * process's), and the CPU the database server used per run when it runs on
 * this machine (it shares the cores with the server).
 *
 *   npm run bench -- streaming
 *   STREAMING_N=1,20 npm run bench -- streaming          # a quick run
 *   STREAMING_TOOL_FIRST=1 npm run bench -- streaming    # a search_emails call before the answer
 *   STREAMING_PROFILE=/tmp/prof npm run bench -- streaming  # CPU profile of each server's measured phase
 * Also STREAMING_TTFT_MS (300), STREAMING_TPS (50), STREAMING_TOKENS (60),
 * STREAMING_ROUNDS_N1 (5: rounds for N=1), STREAMING_ROUNDS (3: rounds for every other N), STREAMING_SERVERS (bare,agentwire), STREAMING_WARM (5:
 * warm-up runs before each measured round, at most N).
 *
 * Throughput with worker processes (see `capacity` below):
 *   WORKERS=2 npm run bench -- streaming              # one process vs WORKERS=2
 *   STREAMING_WORKERS=1,2 npm run bench -- streaming  # the same, worker counts named
 * runs/s the real server sustains at a fixed first-chunk p99, for each worker
 * count, instead of the table above.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { runIfMain, type BenchContext } from './support/context.ts';
import { cpuMsBetween, postgresCpu } from './support/processCpu.ts';
import { formatTable, quantile } from './support/stats.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./support/streamingHost.ts', import.meta.url));
const CLUSTER_HOST_SCRIPT = fileURLToPath(new URL('./support/clusterHost.ts', import.meta.url));
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256!!';

interface ModelShape {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  toolFirst: boolean;
}

function settings() {
  const num = (name: string, fallback: number) => {
    const v = process.env[name];
    return v === undefined || v === '' ? fallback : Number(v);
  };
  return {
    counts: (process.env.STREAMING_N ?? '1,100,300').split(',').map((s) => Number(s.trim())).filter((n) => n > 0),
    roundsAtOne: num('STREAMING_ROUNDS_N1', 5),
    /** Measured rounds at every other N: a p99 of several rounds' runs, not nearly the worst of one round's. */
    rounds: num('STREAMING_ROUNDS', 3),
    /**
     * Runs before each measured round. Five compile the common paths; a whole round (STREAMING_WARM=300) measures
     * a server that has been up a while, where V8 has optimised the code every run goes through.
     */
    warmRuns: num('STREAMING_WARM', 5),
    profileDir: process.env.STREAMING_PROFILE || undefined,
    /** Which servers to run (profiling one alone: STREAMING_SERVERS=agentwire). */
    servers: (process.env.STREAMING_SERVERS ?? 'bare,agentwire').split(',').filter((k): k is 'bare' | 'agentwire' => k === 'bare' || k === 'agentwire'),
    model: {
      ttftMs: num('STREAMING_TTFT_MS', 300),
      tokensPerSecond: num('STREAMING_TPS', 50),
      tokens: num('STREAMING_TOKENS', 60),
      toolFirst: process.env.STREAMING_TOOL_FIRST === '1',
    } satisfies ModelShape,
  };
}

// ---------------------------------------------------------------- the model server

interface ChatRequest {
  messages: { role: string; content?: string | null }[];
  tools?: unknown[];
  stream_options?: { include_usage?: boolean };
}

/**
 * An OpenAI-compatible /chat/completions that streams SSE like a real model.
 * Records when it wrote each run's first answer token, keyed by the tag in
 * the user's message.
 */
async function startModelServer(shape: ModelShape) {
  const firstTokenAt = new Map<string, number>();
  /** When each run's first request arrived (the server's start work done). */
  const requestedAt = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const request = JSON.parse(body) as ChatRequest;
      const tag = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      if (!requestedAt.has(tag)) requestedAt.set(tag, performance.now());
      const callTool = shape.toolFirst && (request.tools?.length ?? 0) > 0 && !request.messages.some((m) => m.role === 'tool');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const end = (finish: string) => {
        res.write(chunk({}, finish));
        if (request.stream_options?.include_usage) {
          res.write(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 100, completion_tokens: shape.tokens, total_tokens: 100 + shape.tokens } })}\n\n`);
        }
        res.end('data: [DONE]\n\n');
      };
      res.write(chunk({ role: 'assistant', content: '' }));
      const t0 = performance.now();
      let closed = false;
      res.on('close', () => (closed = true));
      if (callTool) {
        setTimeout(() => {
          if (closed) return;
          res.write(chunk({ tool_calls: [{ index: 0, id: `call_${tag.replace(/\W/g, '')}`, type: 'function', function: { name: 'search_emails', arguments: '{"query":"budget","limit":3}' } }] }));
          end('tool_calls');
        }, shape.ttftMs);
        return;
      }
      // Each token at its own time from the start, so a late timer does not push the rest back.
      const interval = 1000 / shape.tokensPerSecond;
      let i = 0;
      const next = () => {
        if (closed) return;
        if (i === 0) firstTokenAt.set(tag, performance.now());
        res.write(chunk({ content: `word${i} ` }));
        i++;
        if (i >= shape.tokens) return end('stop');
        setTimeout(next, Math.max(0, t0 + shape.ttftMs + i * interval - performance.now()));
      };
      setTimeout(next, shape.ttftMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    firstTokenAt,
    requestedAt,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- the servers under test

export interface ServerProcess {
  url: string;
  /** Resets the server's CPU and event-loop-delay counters. */
  measureStart(): Promise<void>;
  /** The server's CPU time and event-loop delay p99 since measureStart. */
  measureStop(): Promise<{ cpuMs: number; eventLoopDelayP99Ms: number }>;
  stop(): Promise<void>;
}

/**
 * Starts a server under test in a process of its own, configured by `env`
 * (bench/support/streamingHost.ts). A multi-process server (WORKERS=2) can
 * take this one's place: anything that listens, reports {ready, url} and
 * answers {measure} over IPC.
 */
export async function startServerProcess(env: Record<string, string>, opts: { profileDir?: string; script?: string } = {}): Promise<ServerProcess> {
  const child: ChildProcess = fork(opts.script ?? HOST_SCRIPT, [], {
    env: { ...process.env, ...env, ...(opts.profileDir ? { BENCH_PROFILE_DIR: opts.profileDir } : {}) },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const nextMessage = <T>(pred: (m: Record<string, unknown>) => boolean) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (!pred(m)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`server process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { url } = await nextMessage<{ url: string }>((m) => m.ready === true);
  return {
    url,
    async measureStart() {
      const ack = nextMessage((m) => m.measuring === true);
      child.send({ measure: 'start' });
      await ack;
    },
    async measureStop() {
      const report = nextMessage<{ cpuMs: number; eventLoopDelayP99Ms: number }>((m) => typeof m.cpuMs === 'number');
      child.send({ measure: 'stop' });
      return report;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ close: true });
      await exited;
    },
  };
}

// ---------------------------------------------------------------- clients

interface RunSample {
  tag: string;
  /** When the user_message was emitted (or due). */
  t0: number;
  firstChunkMs: number | null;
  gapsMs: number[];
  firstChunkAt: number | null;
  status: string;
}

function connected(url: string, auth?: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: unknown }) => reject(new Error(`${err.message}: ${JSON.stringify(err.data)}`)));
  });
}

/** The environment of a server process under test: the paced model, no limits in the way, no background jobs. */
function serverEnv(o: { server: 'bare' | 'agentwire'; databaseUrl: string; modelUrl: string; clients: number }): Record<string, string> {
  return {
    BENCH_SERVER: o.server,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET,
    DATABASE_URL: o.databaseUrl,
    DEMO_DATA: '0',
    JOBS: '0',
    RATE_LIMIT_MESSAGES: '1000000',
    ALLOW_GUESTS: '1',
    GUESTS_PER_ADDRESS_PER_HOUR: '1000000',
    HANDLER_CACHE_MAX: String(Math.max(1000, o.clients * 2)),
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: o.modelUrl,
    OPENAI_API_KEY: 'bench',
    LLM_MODEL: 'bench',
  };
}

/** One round: every client asks at once; each times its own run. */
function round(clients: { socket: Socket; sessionId: string }[], label: string, timeoutMs: number): Promise<RunSample[]> {
  return Promise.all(clients.map((client, i) => timedRun(client, `${label}-${i}`, performance.now(), timeoutMs)));
}

/** One run on an idle client: first chunk timed from `t0` (in the open-loop bench, the moment it was due: a late start counts), and the gaps after it. */
function timedRun(client: { socket: Socket; sessionId: string }, tag: string, t0: number, timeoutMs: number): Promise<RunSample> {
  const { socket, sessionId } = client;
  return new Promise<RunSample>((resolve) => {
    let runId: string | undefined;
    const sample: RunSample = { tag, t0, firstChunkMs: null, gapsMs: [], firstChunkAt: null, status: 'timeout' };
    let last = 0;
    const onChunk = (p: { run_id: string }) => {
      if (runId !== undefined && p.run_id !== runId) return;
      const now = performance.now();
      if (sample.firstChunkAt === null) {
        sample.firstChunkAt = now;
        sample.firstChunkMs = now - t0;
      } else {
        sample.gapsMs.push(now - last);
      }
      last = now;
    };
    const finish = (status: string) => {
      clearTimeout(timer);
      socket.off('agent_response_chunk', onChunk);
      socket.off('conversation_complete', onComplete);
      sample.status = status;
      resolve(sample);
    };
    const onComplete = (p: { run_id: string; status: string }) => {
      if (runId === undefined || p.run_id === runId) finish(p.status);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('agent_response_chunk', onChunk);
    socket.on('conversation_complete', onComplete);
    socket.emit('user_message', { session_id: sessionId, content: tag }, (ack: { ok: boolean; run_id?: string }) => {
      if (!ack.ok) return finish(`refused: ${JSON.stringify(ack)}`);
      runId = ack.run_id;
    });
  });
}

/**
 * One user per socket, each with a session of their own: N people asking at
 * once. They are guests (ALLOW_GUESTS=1): registration is rate-limited per
 * address, and a guest is a user like any other. Joining creates the session
 * before anything is measured. (One user with N tabs would also measure the
 * per-user broadcasts — every tab hears of every session's updates — which is
 * another question.)
 */
async function agentwireClients(url: string, n: number): Promise<{ socket: Socket; sessionId: string }[]> {
  const one = async () => {
    const socket = await connected(url);
    const sessionId = randomUUID();
    const joined = (await socket.emitWithAck('join_session', { session_id: sessionId })) as { ok: boolean };
    if (!joined.ok) throw new Error(`could not open a guest session: ${JSON.stringify(joined)}`);
    return { socket, sessionId };
  };
  const clients: { socket: Socket; sessionId: string }[] = [];
  // A few at a time: accounts and sessions are set-up, not what is measured.
  for (let i = 0; i < n; i += 10) clients.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, one))));
  return clients;
}

async function bareClients(url: string, n: number): Promise<{ socket: Socket; sessionId: string }[]> {
  const sockets = await Promise.all(Array.from({ length: n }, () => connected(url)));
  return sockets.map((socket, i) => ({ socket, sessionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
}

/**
 * ANALYZE before a measurement: the bench adds sessions and messages faster
 * than autovacuum (a minute apart) notices, and with statistics from the empty
 * tables the planner scans every stored message of every session to find one
 * session's — a cost that grows with each step and that no database in use has.
 */
async function freshStatistics(database: { db: { $executeRawUnsafe(sql: string): Promise<unknown> } }): Promise<void> {
  await database.db.$executeRawUnsafe('ANALYZE');
}

// ---------------------------------------------------------------- one pipeline at one N

interface Measured {
  samples: RunSample[];
  cpuMsPerRun: number;
  eventLoopDelayP99Ms: number;
  /** First chunk received minus the model's first token, per run. */
  lagMs: number[];
  /** The model's request received minus the user_message emitted, per run: the server's start work. */
  requestMs: number[];
  /** CPU the local PostgreSQL server used per run (NaN when it is not a process of this machine). */
  databaseCpuMsPerRun: number;
}

/** A pipeline under test at one N: its server process, its clients and what its rounds measured so far. */
interface Pipeline {
  kind: 'bare' | 'agentwire';
  server: ServerProcess;
  clients: { socket: Socket; sessionId: string }[];
  samples: RunSample[];
  cpuMs: number;
  eventLoopDelayP99Ms: number[];
  databaseMs: number;
}

/** One measured round of one pipeline: its samples, server CPU, event-loop delay and database CPU are added to it. */
async function measureRound(
  p: Pipeline,
  label: string,
  timeoutMs: number,
  databaseCpu: (() => Map<number, number>) | null,
): Promise<void> {
  await p.server.measureStart();
  const databaseBefore = databaseCpu?.();
  p.samples.push(...(await round(p.clients, label, timeoutMs)));
  const { cpuMs, eventLoopDelayP99Ms } = await p.server.measureStop();
  p.cpuMs += cpuMs;
  p.eventLoopDelayP99Ms.push(eventLoopDelayP99Ms);
  p.databaseMs += databaseBefore && databaseCpu ? cpuMsBetween(databaseBefore, databaseCpu()) : Number.NaN;
}

function measured(p: Pipeline, model: Awaited<ReturnType<typeof startModelServer>>): Measured {
  const { samples } = p;
  const lagMs = samples.flatMap((s) => {
    const sent = model.firstTokenAt.get(s.tag);
    return s.firstChunkAt !== null && sent !== undefined ? [s.firstChunkAt - sent] : [];
  });
  const requestMs = samples.flatMap((s) => {
    const at = model.requestedAt.get(s.tag);
    return at === undefined ? [] : [at - s.t0];
  });
  const delays = [...p.eventLoopDelayP99Ms].sort((a, b) => a - b);
  return {
    samples,
    cpuMsPerRun: p.cpuMs / samples.length,
    // The median round's: one slow round (the machine's, not the server's) does not decide it.
    eventLoopDelayP99Ms: quantile(delays, 0.5),
    lagMs,
    requestMs,
    databaseCpuMsPerRun: p.databaseMs / samples.length,
  };
}

function summary(m: Measured) {
  const first = m.samples.flatMap((s) => (s.firstChunkMs === null ? [] : [s.firstChunkMs])).sort((a, b) => a - b);
  const gaps = m.samples.flatMap((s) => s.gapsMs).sort((a, b) => a - b);
  const lag = [...m.lagMs].sort((a, b) => a - b);
  const request = [...m.requestMs].sort((a, b) => a - b);
  return {
    completed: m.samples.filter((s) => s.status === 'completed').length,
    runs: m.samples.length,
    firstP50: quantile(first, 0.5),
    firstP99: quantile(first, 0.99),
    gapP50: quantile(gaps, 0.5),
    gapP99: quantile(gaps, 0.99),
    gapMax: gaps.at(-1) ?? Number.NaN,
    // A first chunk and the gaps after it: the chunks a run arrived in.
    chunksPerRun: m.samples.reduce((sum, s) => sum + (s.firstChunkMs === null ? 0 : 1 + s.gapsMs.length), 0) / m.samples.length,
    cpu: m.cpuMsPerRun,
    databaseCpu: m.databaseCpuMsPerRun,
    eld: m.eventLoopDelayP99Ms,
    lagP50: quantile(lag, 0.5),
    lagP99: quantile(lag, 0.99),
    requestP50: quantile(request, 0.5),
    requestP99: quantile(request, 0.99),
  };
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
// Below a millisecond (chunks arriving in one burst) a ratio says nothing.
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b >= 1 ? `${(a / b).toFixed(2)}×` : '–');

export default async function streaming(ctx: BenchContext): Promise<void> {
  const workers = capacitySettings();
  if (workers) return capacity(ctx, workers);
  const s = settings();
  const database = await ctx.demoDatabase();
  const model = await startModelServer(s.model);
  const streamMs = s.model.ttftMs + (1000 * s.model.tokens) / s.model.tokensPerSecond;
  const rows: string[][] = [];
  const ratios: string[][] = [];
  const [backend] = await database.db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const databaseCpu = backend ? postgresCpu(backend.pid) : null;
  try {
    for (const n of s.counts) {
      const rounds = n === 1 ? s.roundsAtOne : s.rounds;
      // Generous: a run that has not ended after this is counted as not completed.
      const timeoutMs = Math.max(60_000, streamMs * 20);
      const results: Partial<Record<'bare' | 'agentwire', ReturnType<typeof summary>>> = {};
      const pipelines: Pipeline[] = [];
      try {
        for (const kind of s.servers) {
          const env = serverEnv({ server: kind, databaseUrl: database.url, modelUrl: model.baseUrl, clients: n });
          const server = await startServerProcess(env, s.profileDir ? { profileDir: s.profileDir } : {});
          const p: Pipeline = { kind, server, clients: [], samples: [], cpuMs: 0, eventLoopDelayP99Ms: [], databaseMs: 0 };
          pipelines.push(p);
          p.clients = kind === 'bare' ? await bareClients(server.url, n) : await agentwireClients(server.url, n);
          // Warm-up, so that code paths are compiled and pools are open: a few runs, or more (see settings().warmRuns).
          await round(p.clients.slice(0, Math.min(n, s.warmRuns)), `${kind}-${n}-warm`, timeoutMs);
        }
        await freshStatistics(database);
        // Round by round, each pipeline in turn and the order swapped every round: both meet the machine in the same state.
        for (let r = 0; r < rounds; r++) {
          const order = r % 2 === 0 ? pipelines : [...pipelines].reverse();
          for (const p of order) await measureRound(p, `${p.kind}-${n}-r${r}`, timeoutMs, p.kind === 'agentwire' ? databaseCpu : null);
        }
        for (const p of pipelines) results[p.kind] = summary(measured(p, model));
      } finally {
        for (const p of pipelines) {
          for (const c of p.clients) c.socket.disconnect();
          await p.server.stop();
        }
      }
      for (const kind of s.servers) {
        const r = results[kind]!;
        rows.push([
          `${n}, ${kind}`,
          `${r.completed}/${r.runs}`,
          `${f0(r.firstP50)} / ${f0(r.firstP99)}`,
          `${f0(r.requestP50)} / ${f0(r.requestP99)}`,
          `${f0(r.lagP50)} / ${f0(r.lagP99)}`,
          `${f0(r.gapP50)} / ${f0(r.gapP99)} (max ${f0(r.gapMax)})`,
          f1(r.chunksPerRun),
          f1(r.cpu),
          f1(r.databaseCpu),
          f1(r.eld),
        ]);
      }
      const [a, b] = [results.agentwire, results.bare];
      if (a && b) ratios.push([
        String(n),
        `${ratio(a.firstP50, b.firstP50)} / ${ratio(a.firstP99, b.firstP99)}`,
        `${ratio(a.gapP50, b.gapP50)} / ${ratio(a.gapP99, b.gapP99)}`,
        ratio(a.cpu, b.cpu),
        ratio(a.eld, b.eld),
      ]);
    }
  } finally {
    await model.close();
  }
  const m = s.model;
  ctx.print(
    `Streaming: ${m.ttftMs} ms to the first token, then ${m.tokens} tokens at ${m.tokensPerSecond}/s${m.toolFirst ? ', after a search_emails call' : ''}; N users on a socket each, one session each, all asking at once (ms)`,
  );
  ctx.print(
    formatTable(
      ['N, server', 'completed', 'first chunk p50 / p99', 'model request p50 / p99', 'behind model p50 / p99', 'inter-chunk gap p50 / p99', 'chunks/run', 'CPU/run', 'database CPU/run', 'loop delay p99'],
      rows,
    ),
  );
  ctx.print();
  ctx.print('Agentwire as a ratio to the bare pipeline');
  ctx.print(formatTable(['N', 'first chunk p50 / p99', 'gap p50 / p99', 'CPU/run', 'loop delay p99'], ratios));
  ctx.print(
    `Database: ${database.where}. "model request": the model server receiving the run's request minus the user_message emitted (the server's start work); ` +
      '"behind model": first chunk received minus the model server writing the first token.',
  );
}

// ---------------------------------------------------------------- throughput with worker processes

/**
 * STREAMING_WORKERS=1,2 (or WORKERS=n: one process against n). Also
 * STREAMING_P99_BUDGET_MS (800: the first-chunk p99 a rate must keep),
 * STREAMING_RATE_START (10 runs/s), STREAMING_RATE_FACTOR (1.25),
 * STREAMING_RATE_MAX (400: a ceiling no configuration should reach, so the
 * ramp ends at the budget), STREAMING_STEP_S (8: seconds of arrivals per rate).
 * A rate that misses the budget is tried once more before the ramp stops
 * (the machine is shared: one slow second should not end it).
 */
function capacitySettings() {
  const list = process.env.STREAMING_WORKERS ?? (process.env.WORKERS && process.env.WORKERS !== '1' ? `1,${process.env.WORKERS}` : '');
  const counts = list.split(',').map((x) => Number(x.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (counts.length === 0) return null;
  const num = (name: string, fallback: number) => {
    const v = process.env[name];
    return v === undefined || v === '' ? fallback : Number(v);
  };
  return {
    counts,
    budgetMs: num('STREAMING_P99_BUDGET_MS', 800),
    rateStart: num('STREAMING_RATE_START', 10),
    rateFactor: num('STREAMING_RATE_FACTOR', 1.25),
    rateMax: num('STREAMING_RATE_MAX', 400),
    stepS: num('STREAMING_STEP_S', 8),
  };
}

type CapacitySettings = NonNullable<ReturnType<typeof capacitySettings>>;

interface Client {
  socket: Socket;
  sessionId: string;
}

/**
 * Guest clients with a session each, as agentwireClients makes them, but a
 * handshake or join that has not answered within 10 s is given up and tried
 * again (counted: with WORKERS, a handshake through the primary was seen to
 * hang), so a lost one cannot stall the bench.
 */
async function capacityClients(url: string, n: number): Promise<{ clients: Client[]; retried: number }> {
  let retried = 0;
  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), ms).unref())]);
  const one = async (): Promise<Client> => {
    for (let attempt = 1; ; attempt++) {
      let socket: Socket | undefined;
      try {
        const connecting = connected(url);
        socket = await within(connecting, 10_000).catch((err) => {
          void connecting.then((s) => s.disconnect(), () => undefined);
          throw err;
        });
        const sessionId = randomUUID();
        const joined = (await within(socket.emitWithAck('join_session', { session_id: sessionId }), 10_000)) as { ok: boolean };
        if (!joined.ok) throw new Error(`could not open a guest session: ${JSON.stringify(joined)}`);
        return { socket, sessionId };
      } catch (err) {
        socket?.disconnect();
        if (attempt >= 3) throw err;
        retried++;
      }
    }
  };
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 10) clients.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, one))));
  return { clients, retried };
}

interface RateStep {
  rate: number;
  started: number;
  completed: number;
  /** Arrivals with no idle client (the pool was too small: the server fell behind). */
  unserved: number;
  firstP50: number;
  firstP99: number;
  /** Server CPU (all its processes) per completed run, ms. */
  cpuMsPerRun: number;
  /** Server CPU over the step's wall time, in cores. */
  serverCores: number;
  /** This process's CPU (clients and model server) over the same time, in cores. */
  benchCores: number;
  /** PostgreSQL's CPU over the same time, in cores (NaN when it is not a process of this machine). */
  databaseCores: number;
}

/** Runs arrive at `rate` per second for `stepS` seconds, each on an idle client; waits for all of them to end. */
async function openLoopStep(
  server: ServerProcess,
  pool: Client[],
  rate: number,
  stepS: number,
  label: string,
  timeoutMs: number,
  databaseCpu: (() => Map<number, number>) | null,
): Promise<RateStep> {
  const idle = [...pool];
  const runs: Promise<RunSample>[] = [];
  let unserved = 0;
  const total = Math.max(1, Math.round(rate * stepS));
  await server.measureStart();
  const benchCpu = process.cpuUsage();
  const databaseCpuAtStart = databaseCpu?.();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let i = 0;
    const arrive = () => {
      // Every arrival that is due by now (a late timer does not lower the rate).
      const now = performance.now();
      while (i < total && start + (i * 1000) / rate <= now) {
        const due = start + (i * 1000) / rate;
        const client = idle.pop();
        if (client) {
          runs.push(
            timedRun(client, `${label}-${i}`, due, timeoutMs).then((sample) => {
              idle.push(client);
              return sample;
            }),
          );
        } else unserved++;
        i++;
      }
      if (i >= total) return resolve();
      setTimeout(arrive, Math.max(0, start + (i * 1000) / rate - performance.now()));
    };
    arrive();
  });
  const samples = await Promise.all(runs);
  const wallMs = performance.now() - start;
  const { cpuMs } = await server.measureStop();
  const bench = process.cpuUsage(benchCpu);
  const databaseMs = databaseCpu && databaseCpuAtStart ? cpuMsBetween(databaseCpuAtStart, databaseCpu()) : Number.NaN;
  const first = samples.flatMap((x) => (x.firstChunkMs === null ? [] : [x.firstChunkMs])).sort((a, b) => a - b);
  const completed = samples.filter((x) => x.status === 'completed').length;
  return {
    rate,
    started: samples.length,
    completed,
    unserved,
    firstP50: quantile(first, 0.5),
    firstP99: quantile(first, 0.99),
    cpuMsPerRun: cpuMs / Math.max(1, completed),
    serverCores: cpuMs / wallMs,
    benchCores: (bench.user + bench.system) / 1000 / wallMs,
    databaseCores: databaseMs / wallMs,
  };
}

/**
 * For each worker count: the real server (one process for 1, the primary and
 * its workers for more), the arrival rate of runs ramped by a factor until
 * the first-chunk p99 exceeds the budget (or a run fails, or arrivals find no
 * idle client). The capacity is the highest rate that kept the budget.
 */
async function capacity(ctx: BenchContext, c: CapacitySettings): Promise<void> {
  const s = settings();
  const database = await ctx.demoDatabase();
  const model = await startModelServer(s.model);
  const streamMs = s.model.ttftMs + (1000 * s.model.tokens) / s.model.tokensPerSecond;
  // Enough clients for the highest rate with every run taking the stream plus the budget, and some over.
  const poolSize = Math.ceil((c.rateMax * (streamMs + c.budgetMs)) / 1000 * 1.3) + 10;
  const timeoutMs = Math.max(60_000, streamMs * 20);
  const steps: string[][] = [];
  const best = new Map<number, RateStep | undefined>();
  const [backend] = await database.db.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const databaseCpu = backend ? postgresCpu(backend.pid) : null;
  const notes: string[] = [];
  try {
    for (const workers of c.counts) {
      const env = { ...serverEnv({ server: 'agentwire', databaseUrl: database.url, modelUrl: model.baseUrl, clients: poolSize }), WORKERS: String(workers) };
      const server = await startServerProcess(env, {
        ...(workers > 1 ? { script: CLUSTER_HOST_SCRIPT } : {}),
        ...(s.profileDir ? { profileDir: s.profileDir } : {}),
      });
      try {
        const { clients: pool, retried } = await capacityClients(server.url, poolSize);
        if (retried) notes.push(`WORKERS=${workers}: ${retried} of ${poolSize} client handshakes or joins did not answer within 10 s and were retried`);
        try {
          // Warm-up (every worker compiles its hot paths, opens its pools): one step at the first rate, not counted.
          await openLoopStep(server, pool, c.rateStart, c.stepS, `w${workers}-warm`, timeoutMs, databaseCpu);
          let kept: RateStep | undefined;
          let retried = false;
          for (let rate = c.rateStart; rate <= c.rateMax; ) {
            const r = Math.round(rate * 10) / 10;
            await freshStatistics(database);
            const step = await openLoopStep(server, pool, r, c.stepS, `w${workers}-${r}${retried ? '-again' : ''}`, timeoutMs, databaseCpu);
            const ok = step.completed === step.started && step.unserved === 0 && step.firstP99 <= c.budgetMs;
            process.stderr.write(`workers=${workers} rate=${r}/s: p99 ${f0(step.firstP99)} ms, ${step.completed}/${step.started} completed, server ${step.serverCores.toFixed(2)} cores, database ${step.databaseCores.toFixed(2)}${ok ? '' : ' (over)'}\n`);
            steps.push([
              String(workers),
              f1(r),
              `${step.completed}/${step.started}${step.unserved ? ` (+${step.unserved} unserved)` : ''}`,
              `${f0(step.firstP50)} / ${f0(step.firstP99)}`,
              f1(step.cpuMsPerRun),
              step.serverCores.toFixed(2),
              step.benchCores.toFixed(2),
              Number.isFinite(step.databaseCores) ? step.databaseCores.toFixed(2) : '–',
              ok ? 'yes' : 'no',
            ]);
            if (!ok && !retried) {
              retried = true;
              continue;
            }
            if (!ok) break;
            kept = step;
            retried = false;
            rate *= c.rateFactor;
          }
          best.set(workers, kept);
        } finally {
          for (const client of pool) client.socket.disconnect();
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await model.close();
  }
  const m = s.model;
  ctx.print(
    `Streaming throughput: runs arrive at a fixed rate (open loop; ${m.ttftMs} ms to the first token, then ${m.tokens} tokens at ${m.tokensPerSecond}/s), ` +
      `ramped ×${c.rateFactor} every ${c.stepS} s until the first chunk's p99 exceeds ${c.budgetMs} ms (timed from each run's due time)`,
  );
  ctx.print(formatTable(['workers', 'runs/s offered', 'completed', 'first chunk p50 / p99', 'server CPU/run', 'server cores', 'bench cores', 'database cores', 'within budget'], steps));
  ctx.print();
  const base = best.get(c.counts[0]!);
  for (const workers of c.counts) {
    const b = best.get(workers);
    const vs = base && b && workers !== c.counts[0] ? ` (${(b.rate / base.rate).toFixed(2)}× ${c.counts[0]} worker${c.counts[0] === 1 ? '' : 's'})` : '';
    ctx.print(`WORKERS=${workers}: ${b ? `${f1(b.rate)} runs/s at first-chunk p99 ${f0(b.firstP99)} ms ≤ ${c.budgetMs} ms${vs}` : `not even ${c.rateStart} runs/s within ${c.budgetMs} ms`}`);
  }
  for (const note of notes) ctx.print(note);
  ctx.print(
    `Server CPU: every process of the server (primary and workers) from /proc or process.cpuUsage; bench: this process (clients and model server); ` +
      `database: the PostgreSQL server's processes from /proc (– when it is not on this machine). Database: ${database.where}.`,
  );
}

runIfMain(import.meta.url, streaming);
