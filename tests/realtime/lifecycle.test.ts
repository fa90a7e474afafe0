import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectError, connectSocket, connectUser, EventLog, joinSession, sendMessage } from '../helpers/socket.ts';
import { answer, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

// "hang …" streams a partial answer then waits for an abort; "slow …" takes ~400 ms; anything else answers at once.
const model = modelByQuestion((question) => {
  if (question.startsWith('hang')) return { ...answer(2, 'Partial'), hang: true };
  if (question.startsWith('slow')) return { ...answer(20), tokenDelayMs: 20 };
  return answer(3);
});

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function serverWithUser(email: string, sessions: number, env: Record<string, string> = {}) {
  const srv = await startTestServer(t.db, { chatModel: model, env });
  const user = await registerWithSessions(srv.url, email, sessions);
  return { srv, user };
}

async function started(socket: Parameters<typeof sendMessage>[0], log: EventLog, sessionId: string, content: string) {
  const ack = await sendMessage(socket, { session_id: sessionId, content });
  if (!ack.ok) throw new Error(`not acknowledged: ${JSON.stringify(ack)}`);
  await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id, 10_000, 'first chunk');
  return ack;
}

describe('graceful shutdown', () => {
  it('lets an active run finish within the grace period and refuses new connections and messages meanwhile', async () => {
    const { srv, user } = await serverWithUser('drain@example.com', 2);
    onTestFinished(() => srv.close());
    const socket = await connectUser(srv.url, user.token);
    const log = new EventLog(socket);
    const run = await started(socket, log, user.sessions[0]!, 'slow goodbye');

    const closing = srv.server.close({ graceMs: 10_000 });
    expect(srv.server.gateway.health()).toMatchObject({ accepting: false, activeRuns: 1 });
    expect(await sendMessage(socket, { session_id: user.sessions[1]!, content: 'one more?' })).toEqual({
      ok: false,
      error: { type: 'busy', message: expect.stringMatching(/restarting/) },
    });
    await expect(connectError(connectSocket(srv.url, { token: user.token }))).resolves.toBeInstanceOf(Error);

    await closing;
    expect((await log.completed(run.run_id)).payload.status).toBe('completed');
    expect(await t.db.run.findUnique({ where: { id: run.run_id } })).toMatchObject({ status: 'completed' });
    expect(socket.connected).toBe(false);
    expect(await t.db.conversationMessage.count({ where: { sessionId: user.sessions[1]! } })).toBe(0);
  });

  it('after the grace period interrupts and stores active runs; queued messages stay stored and run on the next start', async () => {
    const { srv, user } = await serverWithUser('late@example.com', 1);
    onTestFinished(() => srv.close());
    const socket = await connectUser(srv.url, user.token);
    const log = new EventLog(socket);
    const sessionId = user.sessions[0]!;
    const run = await started(socket, log, sessionId, 'hang until shutdown');
    const queued = await sendMessage(socket, { session_id: sessionId, content: 'queued behind it', multitask_strategy: 'enqueue' });
    expect(queued).toMatchObject({ ok: true, queued: true });
    if (!queued.ok) return;

    const t0 = Date.now();
    await srv.server.close({ graceMs: 200 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);

    expect((await log.completed(run.run_id)).payload).toMatchObject({ status: 'interrupted', content: 'Partial:\nw0 w1 ' });
    expect(log.ofRun(queued.run_id)).toEqual([]);
    expect(log.events.some((e) => e.type === 'error' || e.type === 'run_dropped')).toBe(false);
    expect(await t.db.run.findUnique({ where: { id: run.run_id } })).toMatchObject({ status: 'interrupted' });
    expect(await t.db.run.findUnique({ where: { id: queued.run_id } })).toBeNull();
    expect(await t.db.queuedMessage.count({ where: { sessionId } })).toBe(1);

    // The next start picks the waiting message up; a client joining sees it queued, then its run.
    const next = await startTestServer(t.db, { chatModel: model });
    onTestFinished(() => next.close());
    const again = await connectUser(next.url, user.token);
    onTestFinished(() => void again.disconnect());
    const againLog = new EventLog(again);
    const joined = await joinSession(again, sessionId);
    if (!joined.ok) throw new Error('join failed');
    const seenQueued = joined.queued?.some((q) => q.run_id === queued.run_id) ?? false;
    const seenRunning = joined.active_run?.run_id === queued.run_id;
    const seenDone = joined.messages.some((m) => m.run_id === queued.run_id);
    expect(seenQueued || seenRunning || seenDone).toBe(true);
    await expect.poll(async () => (await t.db.run.findUnique({ where: { id: queued.run_id } }))?.status, { timeout: 10_000 }).toBe('completed');
    // The run row and its answer are stored side by side.
    const stored = async () => (await t.db.conversationMessage.findMany({ where: { sessionId }, orderBy: { position: 'asc' } })).map((m) => [m.role, m.status, m.content]);
    await expect.poll(stored).toEqual([
      ['user', 'completed', 'hang until shutdown'],
      ['assistant', 'interrupted', 'Partial:\nw0 w1 '],
      ['user', 'completed', 'queued behind it'],
      ['assistant', 'completed', 'Answer:\nw0 w1 w2 '],
    ]);
    if (seenQueued) await againLog.completed(queued.run_id);
  });
});

describe('deleting a session', () => {
  it('stops its run first; the run ends interrupted and the rows go with the session', async () => {
    const { srv, user } = await serverWithUser('deleter@example.com', 1);
    try {
      const socket = await connectUser(srv.url, user.token);
      const log = new EventLog(socket);
      const sessionId = user.sessions[0]!;
      const run = await started(socket, log, sessionId, 'hang while deleted');
      expect((await apiClient(srv.url).del(`/api/sessions/${sessionId}`, user.token)).status).toBe(204);
      expect((await log.completed(run.run_id)).payload.status).toBe('interrupted');
      expect(await t.db.chatSession.findUnique({ where: { id: sessionId } })).toBeNull();
      expect(await t.db.run.count({ where: { sessionId } })).toBe(0);
      expect(srv.server.gateway.health()).toMatchObject({ activeRuns: 0, activeSessions: 0 });
      expect(await joinSession(socket, sessionId)).toMatchObject({ ok: false, error: { type: 'not_found' } });
      socket.disconnect();
    } finally {
      await srv.close();
    }
  });
});

describe('handler cache', () => {
  const health = async (srv: TestServer) => (await apiClient(srv.url).get('/health')).body;

  it('drops a user’s handlers when their last socket closes, but keeps one whose run is still active', async () => {
    const { srv, user } = await serverWithUser('cache@example.com', 3);
    try {
      const tab1 = await connectUser(srv.url, user.token);
      const log = new EventLog(tab1);
      for (const sessionId of user.sessions.slice(0, 2)) {
        const ack = await sendMessage(tab1, { session_id: sessionId, content: 'quick' });
        if (ack.ok) await log.completed(ack.run_id);
      }
      expect(await health(srv)).toMatchObject({ activeSessions: 2, activeRuns: 0 });
      const tab2 = await connectUser(srv.url, user.token);
      tab2.disconnect();
      expect(await joinSession(tab1, user.sessions[0]!)).toMatchObject({ ok: true });
      expect(await health(srv)).toMatchObject({ activeSessions: 2 });

      const run = await started(tab1, log, user.sessions[2]!, 'slow while leaving');
      tab1.disconnect();
      await expect.poll(() => health(srv)).toMatchObject({ activeSessions: 1, activeRuns: 1 });
      await expect.poll(async () => (await t.db.run.findUnique({ where: { id: run.run_id } }))?.status, { timeout: 5000 }).toBe('completed');
      await expect.poll(() => health(srv)).toMatchObject({ activeSessions: 0, activeRuns: 0 });
    } finally {
      await srv.close();
    }
  });

  it('is bounded by HANDLER_CACHE_MAX and forgets idle handlers after HANDLER_IDLE_TTL_MS', async () => {
    const { srv, user } = await serverWithUser('bounded@example.com', 3, { HANDLER_CACHE_MAX: '2', HANDLER_IDLE_TTL_MS: '1000' });
    try {
      const socket = await connectUser(srv.url, user.token);
      const log = new EventLog(socket);
      for (const sessionId of user.sessions) {
        const ack = await sendMessage(socket, { session_id: sessionId, content: 'quick' });
        if (ack.ok) await log.completed(ack.run_id);
      }
      expect(await health(srv)).toMatchObject({ activeSessions: 2 });
      await expect.poll(() => health(srv), { timeout: 5000, interval: 200 }).toMatchObject({ activeSessions: 0 });
      expect(socket.connected).toBe(true);
      // A dropped handler is rebuilt from the database on the next message.
      const again = await sendMessage(socket, { session_id: user.sessions[0]!, content: 'quick again' });
      if (!again.ok) throw new Error('not acknowledged');
      expect((await log.completed(again.run_id)).payload.status).toBe('completed');
      socket.disconnect();
    } finally {
      await srv.close();
    }
  });
});

describe('a crash mid-run', () => {
  it('leaves the run running; the next boot marks it interrupted and the conversation goes on', async () => {
    const user = await (async () => {
      const srv = await startTestServer(t.db, { chatModel: model });
      try {
        return await registerWithSessions(srv.url, 'crash@example.com', 1);
      } finally {
        await srv.close();
      }
    })();
    const fixture = fileURLToPath(new URL('./fixtures/serverProcess.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, CRASH_TEST_DATABASE_URL: t.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const socket = await connectUser(url, user.token);
      const log = new EventLog(socket);
      const sessionId = user.sessions[0]!;
      const run = await started(socket, log, sessionId, 'this will crash');
      await log.streamed(run.run_id, 'two ');
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      socket.disconnect();
      expect(await t.db.run.findUnique({ where: { id: run.run_id } })).toMatchObject({ status: 'running' });

      const next = await startTestServer(t.db, { chatModel: model });
      try {
        // The dead process's lock went with its connection: the new node recovers its run within a sweep.
        await expect
          .poll(() => t.db.run.findUnique({ where: { id: run.run_id } }), { timeout: 5_000 })
          .toMatchObject({ status: 'interrupted', finishedAt: expect.any(Date) });
        const stored = await t.db.conversationMessage.findMany({ where: { sessionId }, orderBy: { position: 'asc' } });
        expect(stored.map((m) => [m.role, m.status, m.content])).toEqual([
          ['user', 'completed', 'this will crash'],
          ['assistant', 'interrupted', 'Partial:\none two '],
        ]);
        const again = await connectUser(next.url, user.token);
        const againLog = new EventLog(again);
        const joined = await joinSession(again, sessionId);
        expect(joined).toMatchObject({ ok: true, active_run: null });
        expect(joined.ok && joined.messages.map((m) => m.content)).toContain('this will crash');
        const ack = await sendMessage(again, { session_id: sessionId, content: 'are you back?' });
        if (!ack.ok) throw new Error('not acknowledged');
        expect((await againLog.completed(ack.run_id)).payload.status).toBe('completed');
        again.disconnect();
      } finally {
        await next.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
