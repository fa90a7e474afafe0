/**
 * Edit and regenerate make branches: a user message names the one it follows;
 * the agent sees only the branch it continues; the branch in view is stored
 * and shared by every tab.
 */
import type { BaseMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryMessage } from '../../shared/api.ts';
import { CONTINUE_INSTRUCTION } from '../../server/agent/history.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { answer, modelByQuestion, registerWithSessions } from './support.ts';

/** What the model was shown for each question: the human messages, in order. */
const seen = new Map<string, string[]>();
const humans = (messages: BaseMessage[]) => messages.filter((m) => m.getType() === 'human').map((m) => String(m.content));
const model = modelByQuestion((question, messages) => {
  seen.set(question, humans(messages));
  return question.startsWith('hold') ? { ...answer(2, 'Holding'), hang: true } : answer(2, `About ${question}`);
});

let t: TestDatabase;
let srv: TestServer;

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { chatModel: model });
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

async function ask(socket: ClientSocket, log: EventLog, sessionId: string, content: string, parentId?: string | null) {
  const ack = await sendMessage(socket, { session_id: sessionId, content, ...(parentId !== undefined ? { parent_id: parentId } : {}) });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  await log.completed(ack.run_id);
  return ack;
}

const userRows = (messages: HistoryMessage[]) => messages.filter((m) => m.role === 'user').map((m) => [m.content, m.parent_id]);

describe('branches', () => {
  it('an edit starts a branch beside the original; the agent sees only the branch it continues', async () => {
    const user = await registerWithSessions(srv.url, 'branch@example.com', 1);
    const sessionId = user.sessions[0]!;
    const tab = await connectUser(srv.url, user.token);
    const other = await connectUser(srv.url, user.token);
    const log = new EventLog(tab);
    const otherLog = new EventLog(other);
    await joinSession(other, sessionId);

    const first = await ask(tab, log, sessionId, 'q1');
    const second = await ask(tab, log, sessionId, 'q2');
    expect(seen.get('q2')).toEqual(['q1', 'q2']);
    const started = log.ofRun(second.run_id).find((e) => e.type === 'run_started')!;
    expect(started.payload.user_message.parent_id).toBe(first.message_id);

    const edited = await ask(tab, log, sessionId, 'q2 edited', first.message_id);
    expect(seen.get('q2 edited')).toEqual(['q1', 'q2 edited']);
    const follow = await ask(tab, log, sessionId, 'q3');
    expect(seen.get('q3')).toEqual(['q1', 'q2 edited', 'q3']);

    const join = await joinSession(tab, sessionId);
    if (!join.ok) throw new Error('join failed');
    expect(userRows(join.messages)).toEqual([
      ['q1', null],
      ['q2', first.message_id],
      ['q2 edited', first.message_id],
      ['q3', edited.message_id],
    ]);
    expect(join.active_leaf_id).toBe(follow.message_id);

    // Back to the original branch: stored, announced to the other tab, and the next question continues it.
    expect(await tab.timeout(5000).emitWithAck('select_branch', { session_id: sessionId, leaf_id: second.message_id })).toEqual({ ok: true });
    expect((await otherLog.waitFor((e) => e.type === 'branch_selected')).payload).toEqual({ session_id: sessionId, leaf_id: second.message_id });
    const rest = await apiClient(srv.url).get(`/api/sessions/${sessionId}/messages`, user.token);
    expect(rest.body.active_leaf_id).toBe(second.message_id);
    await ask(tab, log, sessionId, 'q4');
    expect(seen.get('q4')).toEqual(['q1', 'q2', 'q4']);

    // Regenerate the very first question: a sibling at the root, seeing nothing before it.
    await ask(tab, log, sessionId, 'q1', null);
    expect(seen.get('q1')).toEqual(['q1']);
    tab.disconnect();
    other.disconnect();
  });

  it('refuses a parent or a leaf that is not a user message of this chat', async () => {
    const user = await registerWithSessions(srv.url, 'branch-bad@example.com', 2);
    const tab = await connectUser(srv.url, user.token);
    const log = new EventLog(tab);
    const elsewhere = await ask(tab, log, user.sessions[1]!, 'other chat');
    expect(await sendMessage(tab, { session_id: user.sessions[0]!, content: 'x', parent_id: elsewhere.message_id })).toMatchObject({
      ok: false,
      error: { type: 'validation_error' },
    });
    expect(await tab.timeout(5000).emitWithAck('select_branch', { session_id: user.sessions[0]!, leaf_id: elsewhere.message_id })).toMatchObject({
      ok: false,
      error: { type: 'not_found' },
    });
    expect(await tab.timeout(5000).emitWithAck('select_branch', { session_id: user.sessions[0]!, leaf_id: 'nope' } as never)).toMatchObject({
      ok: false,
      error: { type: 'validation_error' },
    });
    tab.disconnect();
  });

  it('Continue after Stop is a flag: stored without text, announced with the flag, and the agent is told to go on', async () => {
    const user = await registerWithSessions(srv.url, 'branch-continue@example.com', 1);
    const sessionId = user.sessions[0]!;
    const tab = await connectUser(srv.url, user.token);
    const other = await connectUser(srv.url, user.token);
    const log = new EventLog(tab);
    const otherLog = new EventLog(other);
    await joinSession(other, sessionId);
    const first = await ask(tab, log, sessionId, 'continue me');

    const ack = await sendMessage(tab, { session_id: sessionId, continue_run: true, parent_id: first.message_id });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    await log.completed(ack.run_id);
    // The model's context: the question, its answer, then the instruction (no text of the user's).
    expect(seen.get(CONTINUE_INSTRUCTION)).toEqual(['continue me', CONTINUE_INSTRUCTION]);
    const started = await otherLog.waitFor((e) => e.type === 'run_started' && e.payload.run_id === ack.run_id);
    expect(started.payload.user_message).toMatchObject({ content: '', continue_run: true, parent_id: first.message_id });

    const join = await joinSession(tab, sessionId);
    if (!join.ok) throw new Error('join failed');
    expect(join.messages.filter((m) => m.role === 'user').map((m) => [m.content, m.continue_run ?? false])).toEqual([
      ['continue me', false],
      ['', true],
    ]);
    // Without the flag, an empty message is still refused.
    expect(await sendMessage(tab, { session_id: sessionId } as never)).toMatchObject({ ok: false, error: { type: 'validation_error' } });
    tab.disconnect();
    other.disconnect();
  });

  it('a Continue queued behind a running answer runs as a continuation', async () => {
    const user = await registerWithSessions(srv.url, 'branch-continue-queued@example.com', 1);
    const sessionId = user.sessions[0]!;
    const tab = await connectUser(srv.url, user.token);
    const log = new EventLog(tab);
    const first = await sendMessage(tab, { session_id: sessionId, content: 'hold this one' });
    if (!first.ok) throw new Error(JSON.stringify(first));
    await log.waitFor((e) => e.type === 'agent_response_chunk' && e.payload.run_id === first.run_id);

    const queued = await sendMessage(tab, { session_id: sessionId, continue_run: true, parent_id: first.message_id, multitask_strategy: 'enqueue' });
    expect(queued).toMatchObject({ ok: true, queued: true });
    if (!queued.ok) throw new Error('not queued');
    await tab.timeout(5000).emitWithAck('cancel', { session_id: sessionId });

    const done = await log.completed(queued.run_id);
    expect(done.payload.status).toBe('completed');
    const started = log.events.find((e) => e.type === 'run_started' && e.payload.run_id === queued.run_id)!;
    expect(started.payload.user_message).toMatchObject({ content: '', continue_run: true, parent_id: first.message_id });
    tab.disconnect();
  });
});
