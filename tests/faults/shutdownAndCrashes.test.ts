/**
 * Faults against the real server process (`npm start`) with a real Socket.IO
 * client and a paced model: Ctrl-C to the process group, a second Ctrl-C,
 * group SIGTERM, SIGTERM to the server alone, kill -9 of the server, kill -9
 * of PostgreSQL, a second start on the same DATA_DIR, and a client that drops
 * mid-answer. After each, every token the client saw is in the stored answer
 * and the run's final status is right. One DATA_DIR throughout: each restart
 * also proves the next start copes with what the fault left behind.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/http.ts';
import { connectUser, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { alive, postmasterPid, signalGroup, startPacedModel, startServer, within, type ServerProcess } from './support.ts';

let dataDir: string;
let model: Awaited<ReturnType<typeof startPacedModel>>;
let server: ServerProcess | undefined;
let env: Record<string, string>;
const credentials = { email: 'faults@example.com', password: 'correct horse battery' };

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'agentwire-faults-'));
  // Reachable by the `postgres` user the embedded cluster runs as under root.
  await fs.chmod(dataDir, 0o755);
  model = await startPacedModel();
  env = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    DEMO_DATA: '0',
    JWT_SECRET: 'faults-test-secret-that-is-long-enough-for-hs256',
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: model.baseUrl,
    OPENAI_API_KEY: 'not-needed',
    SHUTDOWN_GRACE_MS: '1500',
    RATE_LIMIT_MESSAGES: '1000',
  };
  server = await startServer(env);
  const api = apiClient(server.url);
  await api.register(credentials.email, credentials.password, 'Fault Tester');
}, 180_000);

afterAll(async () => {
  // Wait for the server process itself (npm may exit first), then for PostgreSQL: nothing may outlive the suite.
  if (server?.pid && alive(server.pid)) {
    signalGroup(server, 'SIGTERM');
    if (!(await gone(server.pid, 30_000))) process.kill(server.pid, 'SIGKILL');
  }
  const pg = postmasterPid(dataDir);
  if (pg && alive(pg)) {
    process.kill(pg, 'SIGINT');
    await gone(pg, 15_000);
  }
  await model?.close();
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
}, 60_000);

/** Whether the process ended within `ms` (expect.poll is for tests only, not hooks). */
async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

async function signIn(url: string) {
  const api = apiClient(url);
  const r = await api.post('/api/auth/login', credentials);
  expect(r.status).toBe(200);
  return { api, token: r.body.accessToken as string };
}

interface Watched {
  sessionId: string;
  runId: string;
  socket: ClientSocket;
  log: EventLog;
  /** Everything the client was shown of the answer so far. */
  seen(): string;
}

/** Starts an answer of `words` paced words and waits until the client has seen `before` of them. */
async function answerInProgress(url: string, words: number, before = 12, delayMs = 40): Promise<Watched> {
  const { api, token } = await signIn(url);
  const session = await api.post('/api/sessions', { title: 'fault' }, token);
  expect(session.status).toBe(201);
  const socket = await connectUser(url, token);
  const log = new EventLog(socket);
  const ack = await sendMessage(socket, { session_id: session.body.id, content: `please answer words=${words} delay=${delayMs}` });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  const chunks = () => log.events.filter((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id);
  await log.waitFor(() => chunks().length >= before, 60_000, `${before} chunks`);
  return { sessionId: session.body.id, runId: ack.run_id, socket, log, seen: () => chunks().map((e) => e.payload.delta).join('') };
}

/** The stored assistant answer of a run, read through the API as the web app does. */
async function storedAnswer(url: string, sessionId: string, runId: string) {
  const { api, token } = await signIn(url);
  const r = await api.get(`/api/sessions/${sessionId}/messages`, token);
  expect(r.status).toBe(200);
  const answer = (r.body.items as Array<{ role: string; run_id: string | null; content: string; status: string }>).find(
    (m) => m.role === 'assistant' && m.run_id === runId,
  );
  return answer;
}

function fullAnswer(words: number): string {
  return Array.from({ length: words }, (_, i) => `word-${i + 1} `).join('');
}

/** Waits for the server process itself (npm may exit before it on SIGTERM) and checks nothing is left running. */
async function expectStopped(proc: ServerProcess, withinMs: number) {
  const pid = proc.pid;
  await expect.poll(() => alive(pid), { timeout: withinMs, interval: 100 }).toBe(false);
  await within(proc.exited, withinMs, 'npm to exit');
  // The embedded PostgreSQL went down with it, after the drain: nothing is left running.
  const pg = postmasterPid(dataDir);
  expect(pg === undefined || !alive(pg)).toBe(true);
}

/** After the server stopped mid-answer: the next start shows the run interrupted, with everything the client saw. */
async function expectInterruptedAfterRestart(watched: Watched) {
  const seen = watched.seen();
  watched.socket.disconnect();
  const next = await restart();
  const stored = await storedAnswer(next.url, watched.sessionId, watched.runId);
  expect(stored?.status).toBe('interrupted');
  expect(stored!.content.startsWith(seen)).toBe(true);
}

async function restart(): Promise<ServerProcess> {
  server = await startServer(env);
  return server;
}

describe.sequential('faults against npm start', { timeout: 150_000 }, () => {
  it('a client that drops mid-answer: the run goes on and the whole answer is stored', async () => {
    const watched = await answerInProgress(server!.url, 40);
    watched.socket.disconnect();
    const seen = watched.seen();
    await expect
      .poll(async () => (await storedAnswer(server!.url, watched.sessionId, watched.runId))?.status, { timeout: 30_000, interval: 250 })
      .toBe('completed');
    const stored = await storedAnswer(server!.url, watched.sessionId, watched.runId);
    expect(stored!.content).toBe(fullAnswer(40));
    expect(stored!.content.startsWith(seen)).toBe(true);
  });

  it('a second start on the same DATA_DIR refuses, naming the pid and port, and leaves the live run alone', async () => {
    const watched = await answerInProgress(server!.url, 60);
    const second = await startServer(env, { expectFailure: true });
    const { code } = await within(second.exited, 60_000, 'the second start to give up');
    expect(code).not.toBe(0);
    const pid = server!.pid;
    const port = new URL(server!.url).port;
    expect(second.output()).toContain(`pid ${pid}`);
    expect(second.output()).toContain(`port ${port}`);
    const done = await watched.log.waitFor((e) => e.type === 'conversation_complete' && e.payload.run_id === watched.runId, 30_000);
    expect(done.payload.status).toBe('completed');
    const stored = await storedAnswer(server!.url, watched.sessionId, watched.runId);
    expect(stored).toMatchObject({ status: 'completed', content: fullAnswer(60) });
    watched.socket.disconnect();
  });

  it('kill -9 of PostgreSQL mid-answer: it is restarted, the server reconnects and the answer is stored', async () => {
    const watched = await answerInProgress(server!.url, 80);
    const pg = postmasterPid(dataDir)!;
    process.kill(pg, 'SIGKILL');
    const done = await watched.log.waitFor((e) => e.type === 'conversation_complete' && e.payload.run_id === watched.runId, 60_000);
    expect(done.payload.status).toBe('completed');
    const seen = watched.seen();
    expect(seen).toBe(fullAnswer(80));
    const stored = await storedAnswer(server!.url, watched.sessionId, watched.runId);
    expect(stored).toMatchObject({ status: 'completed', content: fullAnswer(80) });
    expect(postmasterPid(dataDir)).not.toBe(pg);
    const health = await fetch(`${server!.url}/health`);
    expect(health.status).toBe(200);
    watched.socket.disconnect();
  });

  it('Ctrl-C to the process group mid-answer: drained, interrupted with every token seen, PostgreSQL stopped after', async () => {
    const watched = await answerInProgress(server!.url, 400);
    const proc = server!;
    signalGroup(proc, 'SIGINT');
    await expectStopped(proc, 30_000);
    expect(proc.output()).not.toContain('exiting now');
    await expectInterruptedAfterRestart(watched);
  });

  it('a second Ctrl-C exits fast but still stores the run interrupted with its partial answer', async () => {
    const quick = { ...env, SHUTDOWN_GRACE_MS: '60000' };
    const proc = server!;
    // This server drains for up to a minute; the second Ctrl-C cuts that short.
    signalGroup(proc, 'SIGTERM');
    await expectStopped(proc, 30_000);
    server = await startServer(quick);
    const watched = await answerInProgress(server.url, 400);
    const started = Date.now();
    signalGroup(server, 'SIGINT');
    await new Promise((r) => setTimeout(r, 1_000));
    signalGroup(server, 'SIGINT');
    await expectStopped(server, 15_000);
    // npm's copy of the second Ctrl-C is not a third (which exits at once, leaving PostgreSQL running).
    expect(server.output()).not.toContain('exiting now');
    expect(Date.now() - started).toBeLessThan(15_000);
    await expectInterruptedAfterRestart(watched);
  });

  it('SIGTERM to the whole group mid-answer: interrupted with every token seen', async () => {
    const watched = await answerInProgress(server!.url, 400);
    const proc = server!;
    signalGroup(proc, 'SIGTERM');
    await expectStopped(proc, 30_000);
    await expectInterruptedAfterRestart(watched);
  });

  it('SIGTERM to the server process alone: interrupted with every token seen', async () => {
    const watched = await answerInProgress(server!.url, 400);
    const proc = server!;
    process.kill(proc.pid, 'SIGTERM');
    await expectStopped(proc, 30_000);
    await expectInterruptedAfterRestart(watched);
  });

  it('SIGTERM to npm alone (a supervisor that signals only what it started): the server drains, nothing is left running', async () => {
    const watched = await answerInProgress(server!.url, 400);
    const proc = server!;
    // npm forwards it to its child; through `sh -c` the shell died and the server went on, orphaned, holding the port.
    process.kill(proc.child.pid!, 'SIGTERM');
    await expectStopped(proc, 30_000);
    expect(proc.output()).toContain('"signal":"SIGTERM"');
    await expectInterruptedAfterRestart(watched);
  });

  it('kill -9 of the server mid-answer: PostgreSQL survives, the next start adopts it, stores every token the client saw, and the session carries on', async () => {
    const watched = await answerInProgress(server!.url, 400);
    const proc = server!;
    const pg = postmasterPid(dataDir)!;
    process.kill(proc.pid, 'SIGKILL');
    await within(proc.exited, 30_000, 'npm to notice');
    const seen = watched.seen();
    watched.socket.disconnect();
    expect(alive(pg)).toBe(true);
    const next = await restart();
    expect(postmasterPid(dataDir)).toBe(pg);
    // The run log kept what the dead process sent; recovery stores exactly that as the interrupted answer.
    await expect
      .poll(async () => (await storedAnswer(next.url, watched.sessionId, watched.runId))?.status, { timeout: 30_000, interval: 250 })
      .toBe('interrupted');
    const stored = await storedAnswer(next.url, watched.sessionId, watched.runId);
    expect(stored!.content.startsWith(seen)).toBe(true);
    // The abandoned run no longer holds the session: the next message runs to the end.
    const { token } = await signIn(next.url);
    const socket = await connectUser(next.url, token);
    const log = new EventLog(socket);
    const ack = await sendMessage(socket, { session_id: watched.sessionId, content: 'again words=5 delay=5' });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    const done = await log.waitFor((e) => e.type === 'conversation_complete' && e.payload.run_id === ack.run_id, 30_000);
    expect(done.payload).toMatchObject({ status: 'completed', content: fullAnswer(5) });
    socket.disconnect();
  });

});
