import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { toolResultsSince } from '../helpers/scriptedModel.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { afterTools, answer, answerText, expectWellFormed, modelByQuestion, registerWithSessions, seedMail, type TestUser } from './support.ts';

const MAIL_QUESTION = 'Find the emails from Li Wei about the Q3 budget';
const MAIL_ANSWER = 'Here is what I found:\n1. Q3 budget draft (Nov 18)\n2. Re: Q3 budget draft (Nov 19)';

const model = modelByQuestion((question, messages) => {
  if (question === MAIL_QUESTION) {
    if (afterTools(messages)) return { text: MAIL_ANSWER };
    return {
      reasoning: 'The user wants emails from Li Wei.',
      text: 'I will search the mailbox for Li Wei.',
      toolCalls: [{ id: 'call_search', name: 'search_emails', args: { sender: 'Li Wei', query: 'Q3 budget' } }],
    };
  }
  if (question.startsWith('open a missing email')) {
    if (afterTools(messages)) return { text: `Sorry:\nI could not open it (${toolResultsSince(messages)[0]?.content}).` };
    return { text: 'Opening it.', toolCalls: [{ id: 'call_read', name: 'read_email', args: { id: randomUUID() } }] };
  }
  if (question.startsWith('break')) return { tokens: ['Partial:\n', 'one ', 'two ', 'three '], failAfterTokens: 3 };
  if (question.startsWith('hang')) return { ...answer(3, 'Partial'), hang: true };
  if (question.startsWith('slow')) return { ...answer(40), tokenDelayMs: 15 };
  return answer(5);
});

let t: TestDatabase;
let srv: TestServer;
let alice: TestUser;
let bob: TestUser;
const sockets: ClientSocket[] = [];

async function connect(user: TestUser) {
  const socket = await connectUser(srv.url, user.token);
  sockets.push(socket);
  return { socket, log: new EventLog(socket) };
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model });
  alice = await registerWithSessions(srv.url, 'alice@example.com', 6);
  bob = await registerWithSessions(srv.url, 'bob@example.com', 2);
  await seedMail(t.db, alice.id);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await srv.close();
  await t.drop();
});

describe('a mail question', () => {
  it('streams thought, tool start, tool result, chunks and completion with exact payloads, and stores the conversation', async () => {
    const { socket, log } = await connect(alice);
    const sessionId = alice.sessions[0]!;
    const ack = await sendMessage(socket, { session_id: sessionId, content: MAIL_QUESTION, client_message_id: 'client-1' });
    expect(ack).toEqual({ ok: true, run_id: expect.any(String), message_id: expect.any(String), queued: false });
    if (!ack.ok) return;
    await log.completed(ack.run_id);
    const events = log.ofRun(ack.run_id);
    expectWellFormed(events);

    const collapsed = events.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
    // The sentence before the call streams as text at once (after the reasoning), then the tool choice.
    expect(collapsed).toEqual([
      'run_started',
      'agent_thought',
      'agent_response_chunk',
      'agent_thought',
      'tool_call_start',
      'tool_call_result',
      'agent_thought',
      'agent_response_chunk',
      'conversation_complete',
    ]);
    const base = { session_id: sessionId, run_id: ack.run_id, seq: expect.any(Number), timestamp: expect.any(Number) };
    const [started] = events;
    expect(started!.payload).toEqual({
      ...base,
      user_message: { id: ack.message_id, content: MAIL_QUESTION, created_at: expect.any(String), parent_id: null },
      message_id: expect.any(String),
      client_message_id: 'client-1',
    });
    const messageId = started!.payload.message_id;
    const thoughts = events.filter((e) => e.type === 'agent_thought').map((e) => e.payload);
    expect(thoughts).toContainEqual({ ...base, step: 0, kind: 'reasoning', content: 'The user wants emails from Li Wei.' });
    expect(thoughts).toContainEqual({
      ...base,
      step: 0,
      kind: 'tool_selection',
      content: 'search_emails({"sender":"Li Wei","query":"Q3 budget"})',
      tool_name: 'search_emails',
    });
    expect(events.find((e) => e.type === 'tool_call_start')!.payload).toEqual({
      ...base,
      part: 1,
      tool_call_id: 'call_search',
      tool_name: 'search_emails',
      tool_args: { sender: 'Li Wei', query: 'Q3 budget' },
    });
    const result = events.find((e) => e.type === 'tool_call_result')!.payload;
    expect(result).toEqual({ ...base, tool_call_id: 'call_search', tool_name: 'search_emails', tool_result: expect.anything(), duration_ms: expect.any(Number) });
    expect(JSON.stringify(result.tool_result)).toContain('Q3 budget draft');
    expect(JSON.stringify(result.tool_result)).not.toContain('Lunch on Thursday');
    for (const chunk of events.filter((e) => e.type === 'agent_response_chunk')) {
      expect(chunk.payload).toEqual({ ...base, message_id: messageId, part: expect.any(Number), delta: expect.any(String) });
    }
    expect(answerText(events)).toBe(MAIL_ANSWER);
    const parts = [
      { type: 'text', text: 'I will search the mailbox for Li Wei.' },
      { type: 'tool_call', tool_call_id: 'call_search', tool_name: 'search_emails' },
      { type: 'text', text: MAIL_ANSWER },
    ];
    const complete = events.at(-1)!.payload;
    expect(complete).toEqual({
      ...base,
      message_id: messageId,
      content: MAIL_ANSWER,
      parts,
      status: 'completed',
      timings: { first_chunk_ms: expect.any(Number), total_ms: expect.any(Number) },
    });
    expect(complete.timings.first_chunk_ms).toBeLessThanOrEqual(complete.timings.total_ms);
    const timestamps = events.map((e) => e.payload.timestamp);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));

    // Stored: the run, and the conversation as a fresh tab loads it.
    expect(await t.db.run.findUnique({ where: { id: ack.run_id } })).toMatchObject({ status: 'completed', sessionId });
    const { socket: other } = await connect(alice);
    const joined = await joinSession(other, sessionId);
    expect(joined.ok && joined.active_run).toBeNull();
    const history = joined.ok ? joined.messages : [];
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(history[0]).toMatchObject({ id: ack.message_id, content: MAIL_QUESTION, run_id: ack.run_id });
    expect(history[1]!.tool_calls).toEqual([{ id: 'call_search', name: 'search_emails', args: { sender: 'Li Wei', query: 'Q3 budget' } }]);
    expect(history[1]!.parts).toEqual(parts.slice(0, 2));
    expect(history[2]).toMatchObject({ tool_call_id: 'call_search', tool_name: 'search_emails', status: 'completed' });
    expect(history[3]).toMatchObject({ id: messageId, content: MAIL_ANSWER, parts: parts.slice(2), status: 'completed' });
  });
});

describe('failures stay inside their run', () => {
  it('a tool error becomes tool_error, the agent answers anyway, and another session streams on untouched', async () => {
    const { socket: a, log: aLog } = await connect(alice);
    const { socket: b, log: bLog } = await connect(bob);
    const steady = await sendMessage(b, { session_id: bob.sessions[0]!, content: 'slow and steady' });
    const broken = await sendMessage(a, { session_id: alice.sessions[1]!, content: 'open a missing email' });
    if (!steady.ok || !broken.ok) throw new Error('not acknowledged');
    await aLog.completed(broken.run_id);
    const events = aLog.ofRun(broken.run_id);
    expectWellFormed(events);
    const toolError = events.find((e) => e.type === 'tool_error')!;
    expect(toolError.payload).toEqual({
      session_id: alice.sessions[1],
      run_id: broken.run_id,
      seq: expect.any(Number),
      timestamp: expect.any(Number),
      tool_call_id: 'call_read',
      tool_name: 'read_email',
      error: { type: 'tool_error', message: expect.stringMatching(/No email with id/) },
      duration_ms: expect.any(Number),
    });
    expect(events.at(-1)!.payload).toMatchObject({ status: 'completed', content: expect.stringMatching(/could not open it \(.*No email with id/) });

    await bLog.completed(steady.run_id);
    const bEvents = bLog.ofRun(steady.run_id);
    expectWellFormed(bEvents);
    expect(bEvents.at(-1)!.payload.status).toBe('completed');
    // Streamed, not sent in one piece, and every word of it.
    expect(bEvents.filter((e) => e.type === 'agent_response_chunk').length).toBeGreaterThan(1);
    expect(answerText(bEvents)).toBe(`Answer:\n${Array.from({ length: 40 }, (_, i) => `w${i} `).join('')}`);
    expect(bLog.events.filter((e) => e.payload?.run_id === broken.run_id)).toEqual([]);
    expect(bLog.events.filter((e) => e.type === 'error' || e.type === 'tool_error')).toEqual([]);
  });

  it('a model failure ends its run failed (error, then conversation_complete) while another session streams on', async () => {
    const { socket: a, log: aLog } = await connect(alice);
    const { socket: b, log: bLog } = await connect(bob);
    const steady = await sendMessage(b, { session_id: bob.sessions[1]!, content: 'slow again' });
    const broken = await sendMessage(a, { session_id: alice.sessions[2]!, content: 'break please' });
    if (!steady.ok || !broken.ok) throw new Error('not acknowledged');
    await aLog.completed(broken.run_id);
    const events = aLog.ofRun(broken.run_id);
    expectWellFormed(events);
    const error = events.find((e) => e.type === 'error')!;
    expect(error.payload).toEqual({
      session_id: alice.sessions[2],
      run_id: broken.run_id,
      seq: events.length - 1,
      timestamp: expect.any(Number),
      type: 'processing_error',
      message: expect.any(String),
    });
    expect(events.at(-1)!.payload).toMatchObject({ status: 'failed', content: 'Partial:\none two ' });
    expect(await t.db.run.findUnique({ where: { id: broken.run_id } })).toMatchObject({ status: 'failed' });

    await bLog.completed(steady.run_id);
    expect(bLog.ofRun(steady.run_id).at(-1)!.payload.status).toBe('completed');
    expect(bLog.events.filter((e) => e.payload?.run_id === broken.run_id)).toEqual([]);

    // The failed session takes the next message normally.
    const again = await sendMessage(a, { session_id: alice.sessions[2]!, content: 'hello again' });
    if (!again.ok) throw new Error('not acknowledged');
    expect((await aLog.completed(again.run_id)).payload.status).toBe('completed');
  });
});

describe('cancel', () => {
  it('stops the active run: conversation_complete interrupted, the partial answer kept', async () => {
    const { socket, log } = await connect(alice);
    const sessionId = alice.sessions[3]!;
    const ack = await sendMessage(socket, { session_id: sessionId, content: 'hang on the line' });
    if (!ack.ok) throw new Error('not acknowledged');
    await log.streamed(ack.run_id, 'w2 ');
    expect(await socket.timeout(5000).emitWithAck('cancel', { session_id: sessionId })).toEqual({ ok: true, run_id: ack.run_id });
    const complete = await log.completed(ack.run_id);
    expect(complete.payload).toMatchObject({ status: 'interrupted', content: 'Partial:\nw0 w1 w2 ' });
    expectWellFormed(log.ofRun(ack.run_id));
    expect(await t.db.run.findUnique({ where: { id: ack.run_id } })).toMatchObject({ status: 'interrupted' });
    const stored = await t.db.conversationMessage.findFirst({ where: { runId: ack.run_id, role: 'assistant' } });
    expect(stored).toMatchObject({ content: 'Partial:\nw0 w1 w2 ', status: 'interrupted' });
    // Nothing left to cancel.
    expect(await socket.timeout(5000).emitWithAck('cancel', { session_id: sessionId })).toEqual({ ok: true, run_id: null });
  });
});

describe('several tabs', () => {
  it('two tabs on one session see the same stream, whichever tab asked', async () => {
    const tab1 = await connect(alice);
    const tab2 = await connect(alice);
    const sessionId = alice.sessions[4]!;
    expect(await joinSession(tab2.socket, sessionId)).toMatchObject({ ok: true });
    const first = await sendMessage(tab1.socket, { session_id: sessionId, content: 'from tab one' });
    if (!first.ok) throw new Error('not acknowledged');
    await Promise.all([tab1.log.completed(first.run_id), tab2.log.completed(first.run_id)]);
    const second = await sendMessage(tab2.socket, { session_id: sessionId, content: 'from tab two' });
    if (!second.ok) throw new Error('not acknowledged');
    await Promise.all([tab1.log.completed(second.run_id), tab2.log.completed(second.run_id)]);
    for (const run of [first.run_id, second.run_id]) {
      expectWellFormed(tab1.log.ofRun(run));
      expect(tab2.log.ofRun(run)).toEqual(tab1.log.ofRun(run));
    }
    expect(tab2.log.ofRun(first.run_id)[0]!.payload.user_message.content).toBe('from tab one');
  });

  it('a tab joining mid-run gets the events so far in the acknowledgement, then the rest live: every seq once', async () => {
    const tab1 = await connect(alice);
    const sessionId = alice.sessions[5]!;
    const ack = await sendMessage(tab1.socket, { session_id: sessionId, content: 'slow story' });
    if (!ack.ok) throw new Error('not acknowledged');
    await tab1.log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === ack.run_id && e.payload.seq >= 8);

    const tab2 = await connect(alice);
    const joined = await joinSession(tab2.socket, sessionId);
    if (!joined.ok || !joined.active_run) throw new Error(`no active run in ${JSON.stringify(joined)}`);
    expect(joined.active_run).toMatchObject({ run_id: ack.run_id, status: 'running' });
    // The active run's rows arrive as its events, not in the history too.
    expect(joined.messages.filter((m) => m.run_id === ack.run_id)).toEqual([]);
    const snapshot = joined.active_run.events.map((e) => e.payload.seq);
    expect(snapshot.length).toBeGreaterThanOrEqual(8);
    expect(snapshot).toEqual(snapshot.map((_, i) => i + 1));

    await tab2.log.completed(ack.run_id);
    const live = tab2.log.ofRun(ack.run_id).map((e) => e.payload.seq);
    expect(live[0]).toBe(snapshot.length + 1);
    const all = [...snapshot, ...live];
    const total = tab1.log.ofRun(ack.run_id).length;
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(joined.active_run.events.map((e) => e.payload)).toEqual(tab1.log.ofRun(ack.run_id).slice(0, snapshot.length).map((e) => e.payload));
  });
});
