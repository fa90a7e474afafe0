import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { answer, expectWellFormed, lastUserText, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

// "hang …" streams a partial answer then waits for an abort; "slow …" takes ~300 ms; anything else answers at once.
const model = modelByQuestion((question) => {
  if (question.startsWith('hang')) return { ...answer(3, 'Partial'), hang: true };
  if (question.startsWith('slow')) return { ...answer(20), tokenDelayMs: 15 };
  return { tokens: ['Reply:\n', `to "${question}"`] };
});

let t: TestDatabase;
let srv: TestServer;
let user: TestUser;
let socket: ClientSocket;
let log: EventLog;

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model });
  user = await registerWithSessions(srv.url, 'multi@example.com', 7);
  socket = await connectUser(srv.url, user.token);
  log = new EventLog(socket);
});
afterAll(async () => {
  socket.disconnect();
  await srv.close();
  await t.drop();
});

async function send(sessionId: string, content: string, strategy?: 'reject' | 'enqueue' | 'interrupt' | 'rollback') {
  const ack = await sendMessage(socket, { session_id: sessionId, content, ...(strategy ? { multitask_strategy: strategy } : {}) });
  return ack;
}

async function started(sessionId: string, content: string) {
  const ack = await send(sessionId, content);
  if (!ack.ok) throw new Error(`not acknowledged: ${JSON.stringify(ack)}`);
  await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id, 10_000, 'first chunk');
  return ack;
}

async function rows(sessionId: string) {
  return t.db.conversationMessage.findMany({
    where: { sessionId },
    orderBy: { position: 'asc' },
    select: { role: true, content: true, status: true, runId: true },
  });
}

function callFor(question: string) {
  return model.calls.find((c) => lastUserText(c.messages) === question);
}

describe('a second message while a run is active', () => {
  it('reject: refused with busy, nothing stored for it, the active run untouched', async () => {
    const sessionId = user.sessions[0]!;
    const first = await started(sessionId, 'hang for reject');
    const second = await send(sessionId, 'second for reject', 'reject');
    expect(second).toEqual({ ok: false, error: { type: 'busy', message: expect.stringMatching(/still being written/) } });
    await socket.timeout(5000).emitWithAck('cancel', { session_id: sessionId });
    expect((await log.completed(first.run_id)).payload.status).toBe('interrupted');
    expect((await rows(sessionId)).map((r) => r.content)).toEqual(['hang for reject', 'Partial:\nw0 w1 w2 ']);
    expect(await t.db.run.count({ where: { sessionId } })).toBe(1);
  });

  it('enqueue: acknowledged as queued, runs after the current one, the conversation stored in order', async () => {
    const sessionId = user.sessions[1]!;
    const first = await started(sessionId, 'slow first');
    const second = await send(sessionId, 'queued second', 'enqueue');
    expect(second).toEqual({ ok: true, run_id: expect.any(String), message_id: expect.any(String), queued: true });
    if (!second.ok) return;
    await log.completed(second.run_id);
    // Run events only (message_queued, for the user's other tabs, names the second run before it starts).
    const order = log.events
      .filter((e) => e.payload?.seq !== undefined && [first.run_id, second.run_id].includes(e.payload.run_id))
      .map((e) => e.payload.run_id);
    // Every event of the first run precedes every event of the second.
    expect(order.lastIndexOf(first.run_id)).toBeLessThan(order.indexOf(second.run_id));
    expect((await log.completed(first.run_id)).payload.status).toBe('completed');
    expectWellFormed(log.ofRun(second.run_id));
    expect((await rows(sessionId)).map((r) => [r.role, r.runId])).toEqual([
      ['user', first.run_id],
      ['assistant', first.run_id],
      ['user', second.run_id],
      ['assistant', second.run_id],
    ]);
    const runs = await t.db.run.findMany({ where: { sessionId }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    // The second question saw the first answer.
    expect(callFor('queued second')!.messages.map((m) => m.content)).toContain(log.ofRun(first.run_id).at(-1)!.payload.content);
  });

  it('enqueue: a queued Continue after Stop keeps its flag (no text) until it runs, and every tab is told it is one', async () => {
    const sessionId = user.sessions[6]!;
    const first = await started(sessionId, 'slow before a continue');
    const queued = await sendMessage(socket, { session_id: sessionId, continue_run: true, multitask_strategy: 'enqueue' });
    expect(queued).toMatchObject({ ok: true, queued: true });
    if (!queued.ok) return;
    const announced = await log.waitFor((e) => e.type === 'message_queued' && e.payload.run_id === queued.run_id);
    expect(announced.payload).toMatchObject({ content: '', continue_run: true });
    await log.completed(first.run_id);
    await log.completed(queued.run_id);
    const start = log.ofRun(queued.run_id).find((e) => e.type === 'run_started')!;
    expect(start.payload.user_message).toMatchObject({ content: '', continue_run: true });
    const stored = await t.db.conversationMessage.findMany({ where: { sessionId, role: 'user' }, orderBy: { position: 'asc' }, select: { content: true, continueRun: true } });
    expect(stored).toEqual([
      { content: 'slow before a continue', continueRun: false },
      { content: '', continueRun: true },
    ]);
  });

  it('interrupt: the active run stops interrupted with its partial answer kept, and the new input runs with it in context', async () => {
    const sessionId = user.sessions[2]!;
    const first = await started(sessionId, 'hang to be interrupted');
    await log.streamed(first.run_id, 'w2 ');
    const second = await send(sessionId, 'actually, something else', 'interrupt');
    expect(second).toEqual({ ok: true, run_id: expect.any(String), message_id: expect.any(String), queued: false });
    if (!second.ok) return;
    const firstDone = await log.completed(first.run_id);
    expect(firstDone.payload).toMatchObject({ status: 'interrupted', content: 'Partial:\nw0 w1 w2 ' });
    expect((await log.completed(second.run_id)).payload.status).toBe('completed');
    expect((await rows(sessionId)).map((r) => [r.role, r.status, r.content])).toEqual([
      ['user', 'completed', 'hang to be interrupted'],
      ['assistant', 'interrupted', 'Partial:\nw0 w1 w2 '],
      ['user', 'completed', 'actually, something else'],
      ['assistant', 'completed', 'Reply:\nto "actually, something else"'],
    ]);
    expect(callFor('actually, something else')!.messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['hang to be interrupted', 'Partial:\nw0 w1 w2 ']),
    );
    const runs = await t.db.run.findMany({ where: { sessionId }, orderBy: { startedAt: 'asc' } });
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'completed']);
  });

  it('rollback: the active run stops and is deleted with its messages (run_discarded), then the new input runs without it', async () => {
    const sessionId = user.sessions[3]!;
    const earlier = await send(sessionId, 'an earlier question');
    if (earlier.ok) await log.completed(earlier.run_id);
    const first = await started(sessionId, 'hang to be rolled back');
    const second = await send(sessionId, 'start over', 'rollback');
    expect(second).toMatchObject({ ok: true, queued: false });
    if (!second.ok) return;
    await log.completed(second.run_id);
    const sequence = log.events
      .filter((e) => e.payload?.run_id === first.run_id || e.payload?.run_id === second.run_id)
      .map((e) => `${e.type}:${e.payload.run_id === first.run_id ? 1 : 2}`);
    const discarded = sequence.indexOf('run_discarded:1');
    expect(discarded).toBeGreaterThan(sequence.indexOf('conversation_complete:1'));
    expect(discarded).toBeLessThan(sequence.indexOf('run_started:2'));
    expect(log.events.find((e) => e.type === 'run_discarded')!.payload).toEqual({ session_id: sessionId, run_id: first.run_id });

    expect(await t.db.run.findUnique({ where: { id: first.run_id } })).toBeNull();
    expect((await rows(sessionId)).map((r) => r.content)).toEqual([
      'an earlier question',
      'Reply:\nto "an earlier question"',
      'start over',
      'Reply:\nto "start over"',
    ]);
    const context = callFor('start over')!.messages.map((m) => m.content);
    expect(context).toContain('an earlier question');
    expect(context).not.toContain('hang to be rolled back');
  });

  it('follows DOUBLE_TEXT_STRATEGY when the message names no strategy (default enqueue)', async () => {
    const sessionId = user.sessions[4]!;
    const first = await started(sessionId, 'slow default');
    const second = await send(sessionId, 'default second');
    expect(second).toMatchObject({ ok: true, queued: true });
    if (second.ok) await log.completed(second.run_id);
    await log.completed(first.run_id);

    const strict = await startTestServer(t.db, { chatModel: model, env: { DOUBLE_TEXT_STRATEGY: 'reject' } });
    const strictSocket = await connectUser(strict.url, user.token);
    const strictLog = new EventLog(strictSocket);
    try {
      const s = user.sessions[5]!;
      const a = await sendMessage(strictSocket, { session_id: s, content: 'hang on strict' });
      if (!a.ok) throw new Error('not acknowledged');
      await strictLog.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === a.run_id);
      expect(await sendMessage(strictSocket, { session_id: s, content: 'no strategy' })).toMatchObject({ ok: false, error: { type: 'busy' } });
      expect(await sendMessage(strictSocket, { session_id: s, content: 'queue it', multitask_strategy: 'enqueue' })).toMatchObject({
        ok: true,
        queued: true,
      });
      await strictSocket.timeout(5000).emitWithAck('cancel', { session_id: s });
      await strictLog.waitFor((e) => e.type === 'conversation_complete' && e.payload.content === 'Reply:\nto "queue it"');
    } finally {
      strictSocket.disconnect();
      await strict.close();
    }
  });
});
