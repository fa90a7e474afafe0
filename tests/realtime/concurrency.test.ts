import { RUN_EVENT_TYPES } from '../../shared/protocol.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { answerText, expectWellFormed, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

const SESSIONS_PER_USER = 10;

// Each answer names the question it answers, so cross-talk between sessions would show in the text.
const model = modelByQuestion((question) => ({
  tokens: ['Answer:\n', ...Array.from({ length: 12 }, (_, i) => `${question}#${i} `)],
  tokenDelayMs: 5,
}));

let t: TestDatabase;
let srv: TestServer;
const users: TestUser[] = [];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model, env: { RATE_LIMIT_MESSAGES: '100' } });
  users.push(await registerWithSessions(srv.url, 'ann@example.com', SESSIONS_PER_USER));
  users.push(await registerWithSessions(srv.url, 'ben@example.com', SESSIONS_PER_USER));
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await srv.close();
  await t.drop();
});

describe('two users, ten sessions each, all at once', () => {
  it('delivers every event to the sockets of its session only, and runs one run at a time per session', async () => {
    // One socket per session sends; one watcher per user joins all of that user's sessions.
    const senders = await Promise.all(
      users.flatMap((user) =>
        user.sessions.map(async (sessionId, i) => {
          const socket = await connectUser(srv.url, user.token);
          sockets.push(socket);
          return { user, sessionId, label: `${user.email[0]}${i}`, socket, log: new EventLog(socket) };
        }),
      ),
    );
    const watchers = await Promise.all(
      users.map(async (user) => {
        const socket = await connectUser(srv.url, user.token);
        sockets.push(socket);
        const log = new EventLog(socket);
        for (const sessionId of user.sessions) expect(await joinSession(socket, sessionId)).toMatchObject({ ok: true });
        return { user, log };
      }),
    );

    // Two messages per session at the same moment: the second waits for the first (enqueue).
    const acks = await Promise.all(
      senders.map(async (s) => {
        const [first, second] = await Promise.all([
          sendMessage(s.socket, { session_id: s.sessionId, content: `${s.label}-q1`, multitask_strategy: 'enqueue' }),
          sendMessage(s.socket, { session_id: s.sessionId, content: `${s.label}-q2`, multitask_strategy: 'enqueue' }),
        ]);
        if (!first.ok || !second.ok) throw new Error(`not acknowledged: ${JSON.stringify([first, second])}`);
        return { ...s, runs: [first.run_id, second.run_id] };
      }),
    );
    await Promise.all(acks.flatMap((s) => s.runs.map((run) => s.log.completed(run, 30_000))));

    for (const s of acks) {
      // No run event of any other session reached this socket (the user's own sidebar events name their other sessions).
      const runEvents = s.log.events.filter((e) => (RUN_EVENT_TYPES as string[]).includes(e.type));
      const sessionsSeen = new Set(runEvents.map((e) => e.payload.session_id));
      expect([...sessionsSeen]).toEqual([s.sessionId]);
      // Each run complete and well formed, answering its own question.
      for (const [i, run] of s.runs.entries()) {
        const events = s.log.ofRun(run);
        expectWellFormed(events);
        expect(events.at(-1)!.payload.status).toBe('completed');
        expect(answerText(events)).toContain(`${s.label}-q${i + 1}#11`);
        expect(answerText(events)).not.toMatch(new RegExp(`${s.label}-q${2 - i}#`));
      }
      // One run at a time on this key: every event of one run arrived before any of the other.
      const order = runEvents.filter((e) => s.runs.includes(e.payload.run_id)).map((e) => e.payload.run_id);
      const firstRun = order[0];
      expect(order.lastIndexOf(firstRun)).toBeLessThan(order.findIndex((r) => r !== firstRun));
    }

    for (const w of watchers) {
      const own = new Set(w.user.sessions);
      const seen = w.log.events.filter((e) => e.payload?.session_id);
      expect(seen.every((e) => own.has(e.payload.session_id))).toBe(true);
      const mine = acks.filter((s) => s.user === w.user);
      // Each socket receives the broadcast on its own connection: wait for the watcher's copy of the end too.
      for (const s of mine) for (const run of s.runs) await w.log.completed(run);
      for (const s of mine) for (const run of s.runs) expect(w.log.ofRun(run)).toEqual(s.log.ofRun(run));
    }

    // Stored runs of a session never overlap in time; runs of different sessions did.
    const runs = await t.db.run.findMany({ orderBy: { startedAt: 'asc' } });
    expect(runs).toHaveLength(SESSIONS_PER_USER * 2 * 2);
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
    for (const s of acks) {
      const [a, b] = runs.filter((r) => r.sessionId === s.sessionId);
      expect(b!.startedAt.getTime()).toBeGreaterThanOrEqual(a!.finishedAt!.getTime());
    }
    // Most runs were in flight together: peak number of overlapping runs.
    const edges = runs.flatMap((r) => [
      [r.startedAt.getTime(), 1],
      [r.finishedAt!.getTime(), -1],
    ]);
    edges.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    let inFlight = 0;
    let peak = 0;
    for (const [, d] of edges) peak = Math.max(peak, (inFlight += d!));
    expect(peak).toBeGreaterThanOrEqual(SESSIONS_PER_USER);
    expect(peak).toBeLessThanOrEqual(SESSIONS_PER_USER * 2);

    const metrics = (await apiClient(srv.url).get('/metrics')).body as string;
    expect(metrics).toMatch(/^agentwire_runs_total\{status="completed"\} 40$/m);
    expect(metrics).toMatch(/^agentwire_first_chunk_latency_seconds_count 40$/m);
    expect(metrics).toMatch(/^agentwire_active_runs 0$/m);
  });
});
