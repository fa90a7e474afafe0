import { randomUUID } from 'node:crypto';
import type { ToolMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails } from '../../server/mail/emailStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { ScriptedChatModel, toolResultsSince } from '../helpers/scriptedModel.ts';
import {
  collect,
  completion,
  createSession,
  createUser,
  expectWellFormedRun,
  makeHandler,
  ofType,
  storedMessages,
  streamedParts,
  streamedText,
} from './support.ts';

let t: TestDatabase;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const user = await createUser(t.db, { name: 'Ada' });
  userId = user.id;
  await insertEmails(t.db, userId, [
    {
      messageId: '<budget-1@example.test>',
      threadId: 'budget',
      fromAddress: 'li.wei@example.test',
      fromName: 'Li Wei',
      to: ['ada@example.test'],
      cc: [],
      subject: 'Q3 budget draft',
      bodyText: 'Here is the Q3 budget draft for review.',
      receivedAt: new Date('2026-11-18T09:00:00Z'),
      labels: ['inbox'],
    },
  ]);
});

afterAll(async () => {
  await t?.drop();
});

describe('ConversationHandler', () => {
  it('streams a tool-using run as well-formed events and stores every part of it', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([
      {
        reasoning: 'The user wants mail from Li Wei.\n',
        text: 'I will search your mail for Li Wei.',
        toolCalls: [{ id: 'call_a', name: 'search_emails', args: { sender: 'Li Wei' } }],
        usage: { input_tokens: 100, output_tokens: 20 },
      },
      (messages) => {
        const [result] = toolResultsSince(messages);
        const found = JSON.parse(String((result as ToolMessage).content));
        return {
          text: `I found ${found.total} email:\n1. ${found.emails[0].subject}`,
          usage: { input_tokens: 150, output_tokens: 12 },
        };
      },
    ]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    const runId = randomUUID();
    const userMessageId = randomUUID();
    const events = await collect(
      handler.streamResponse('emails from Li Wei', { runId, userMessageId, clientMessageId: 'c-1' }),
    );

    expectWellFormedRun(events);
    const types = events.map((e) => e.type);
    // The sentence before the tool call streams at once, as text, where the model wrote it.
    const firstChunk = types.indexOf('agent_response_chunk');
    expect(types.slice(0, firstChunk)).toEqual(['run_started', 'agent_thought', 'agent_thought']);
    const toolStart = types.indexOf('tool_call_start');
    expect(types.slice(firstChunk, toolStart).every((type) => type === 'agent_response_chunk' || type === 'agent_thought')).toBe(true);
    expect(types.slice(toolStart, toolStart + 2)).toEqual(['tool_call_start', 'tool_call_result']);
    expect(types.at(-2)).toBe('agent_response_chunk');

    const started = ofType(events, 'run_started')[0]!;
    expect(started).toMatchObject({ run_id: runId, client_message_id: 'c-1', user_message: { id: userMessageId, content: 'emails from Li Wei' } });

    const thoughts = ofType(events, 'agent_thought');
    expect(thoughts.map((th) => th.kind)).toEqual(['status', 'reasoning', 'tool_selection', 'status']);
    expect(thoughts[1]!.content).toBe('The user wants mail from Li Wei.');
    // The tool choice is taken from the call itself.
    expect(thoughts[2]).toMatchObject({ step: 0, content: 'search_emails({"sender":"Li Wei"})', tool_name: 'search_emails' });
    expect(thoughts[3]).toMatchObject({ step: 1, content: 'Reading the results of search_emails' });

    expect(ofType(events, 'tool_call_start')[0]).toMatchObject({ part: 1, tool_call_id: 'call_a', tool_name: 'search_emails', tool_args: { sender: 'Li Wei' } });
    const result = ofType(events, 'tool_call_result')[0]!;
    expect(result.tool_result).toMatchObject({ total: 1, emails: [{ subject: 'Q3 budget draft', from: 'Li Wei <li.wei@example.test>' }] });

    // Token-level deltas in ordered parts: the sentence, the call, the answer.
    const chunks = ofType(events, 'agent_response_chunk');
    expect(chunks.length).toBeGreaterThan(3);
    const parts = [
      { type: 'text', text: 'I will search your mail for Li Wei.' },
      { type: 'tool_call', tool_call_id: 'call_a', tool_name: 'search_emails' },
      { type: 'text', text: 'I found 1 email:\n1. Q3 budget draft' },
    ];
    expect(streamedParts(events)).toEqual(parts);
    const done = completion(events);
    expect(done).toMatchObject({
      status: 'completed',
      parts,
      content: 'I found 1 email:\n1. Q3 budget draft',
      message_id: started.message_id,
      usage: { input_tokens: 250, output_tokens: 32, total_tokens: 282 },
    });
    expect(chunks.every((c) => c.message_id === started.message_id)).toBe(true);
    expect(done.timings.first_chunk_ms).not.toBeNull();
    expect(done.timings.total_ms).toBeGreaterThanOrEqual(done.timings.first_chunk_ms!);

    const rows = await storedMessages(t.db, session.id);
    expect(rows.map((r) => [r.role, r.status])).toEqual([
      ['user', 'completed'],
      ['assistant', 'completed'],
      ['tool', 'completed'],
      ['assistant', 'completed'],
    ]);
    expect(rows[0]).toMatchObject({ id: userMessageId, content: 'emails from Li Wei', runId });
    expect(rows[1]).toMatchObject({
      content: 'I will search your mail for Li Wei.',
      parts: parts.slice(0, 2),
      toolCalls: [{ id: 'call_a', name: 'search_emails', args: { sender: 'Li Wei' } }],
    });
    expect(rows[2]).toMatchObject({ toolCallId: 'call_a', toolName: 'search_emails' });
    expect(JSON.parse(rows[2]!.content)).toMatchObject({ total: 1 });
    expect(rows[3]).toMatchObject({ id: started.message_id, content: done.content, parts: parts.slice(2) });
    expect((rows[3]!.metadata as any).thoughts).toHaveLength(4);
    expect((rows[3]!.metadata as any).timings).toEqual(done.timings);

    const run = await t.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: 'completed', sessionId: session.id, userId, totalMs: done.timings.total_ms, firstChunkMs: done.timings.first_chunk_ms });
    expect(run.usage).toEqual(done.usage);

    const after = await t.db.chatSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.title).toBe('emails from Li Wei');
  });

  it('gives the model the stored conversation of earlier runs', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'Hello Ada.' }, { text: 'You said hello.' }]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    await collect(handler.streamResponse('hello'));
    const events = await collect(handler.streamResponse('what did I say?'));
    expect(completion(events).content).toBe('You said hello.');
    const seen = model.calls[1]!.messages.map((m) => [m.getType(), m.content]);
    expect(seen.slice(1)).toEqual([
      ['human', 'hello'],
      ['ai', 'Hello Ada.'],
      ['human', 'what did I say?'],
    ]);
    expect(seen[0]![0]).toBe('system');
    expect(model.calls[1]!.toolNames).toEqual(['search_emails', 'count_emails', 'read_email', 'list_daily_reports', 'read_daily_report']);
  });

  it('stores an answer in which the model wrote a NUL (PostgreSQL text holds none): streamed and stored as U+FFFD', async () => {
    const session = await createSession(t.db, userId);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, new ScriptedChatModel([{ text: 'odd \u0000 byte' }]));
    const events = await collect(handler.streamResponse('hello'));
    expectWellFormedRun(events);
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'odd \ufffd byte' });
    expect(streamedText(events)).toBe('odd \ufffd byte');
    expect((await storedMessages(t.db, session.id)).at(-1)).toMatchObject({ role: 'assistant', status: 'completed', content: 'odd \ufffd byte' });
  });

  it('stores a tool call whose arguments hold a NUL (jsonb holds none): the run completes, the NUL stored as U+FFFD', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ toolCalls: [{ name: 'search_emails', args: { query: 'bud\u0000get' } }] }, { text: 'done' }]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    const events = await collect(handler.streamResponse('find the budget'));
    expectWellFormedRun(events);
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'done' });
    const call = (await storedMessages(t.db, session.id)).find((m) => m.role === 'assistant' && m.toolCalls);
    expect(call?.toolCalls).toEqual([expect.objectContaining({ name: 'search_emails', args: { query: 'bud\ufffdget' } })]);
  });

  it('keeps the title of a session that already has one, and bumps updatedAt', async () => {
    const session = await createSession(t.db, userId, 'Budget questions');
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, new ScriptedChatModel([{ text: 'ok' }]));
    await collect(handler.streamResponse('a new question'));
    const after = await t.db.chatSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.title).toBe('Budget questions');
    expect(after.updatedAt.getTime()).toBeGreaterThan(session.updatedAt.getTime());
  });

  it('refuses a session of another user without storing anything', async () => {
    const other = await createUser(t.db);
    const session = await createSession(t.db, other.id);
    const model = new ScriptedChatModel([]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    const events = await collect(handler.streamResponse('hello'));
    expectWellFormedRun(events);
    expect(events.map((e) => e.type)).toEqual(['run_started', 'error', 'conversation_complete']);
    expect(ofType(events, 'error')[0]).toMatchObject({ type: 'not_found' });
    expect(completion(events).status).toBe('failed');
    expect(await storedMessages(t.db, session.id)).toHaveLength(0);
    expect(model.calls).toHaveLength(0);
  });

  it('refuses an empty message as a validation error', async () => {
    const session = await createSession(t.db, userId);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, new ScriptedChatModel([]));
    const events = await collect(handler.streamResponse('   '));
    expectWellFormedRun(events);
    expect(ofType(events, 'error')[0]).toMatchObject({ type: 'validation_error', message: 'Message is empty' });
    expect(await storedMessages(t.db, session.id)).toHaveLength(0);
  });

  it('turns a model failure into an error event and a failed run, keeping the partial answer', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'Here is the start\nof an answer that breaks', failAfterTokens: 6 }]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    const runId = randomUUID();
    const events = await collect(handler.streamResponse('hello', { runId }));
    expectWellFormedRun(events);
    expect(ofType(events, 'error')[0]).toMatchObject({ type: 'processing_error' });
    expect(ofType(events, 'error')[0]!.details).toBeUndefined();
    const done = completion(events);
    expect(done.status).toBe('failed');
    expect(done.content).toBe(streamedText(events));
    expect(done.content.startsWith('Here is the start\n')).toBe(true);
    const rows = await storedMessages(t.db, session.id);
    expect(rows.at(-1)).toMatchObject({ role: 'assistant', status: 'failed', content: done.content });
    expect((await t.db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('failed');
  });

  it('emits agent_debug events only when debug is on', async () => {
    const session = await createSession(t.db, userId);
    const script = () => [
      { text: 'Searching.', toolCalls: [{ name: 'search_emails', args: { query: 'budget' } }] },
      { text: 'Done.', usage: { input_tokens: 3, output_tokens: 1 } },
    ];
    const quiet = await collect(makeHandler(t.db, { userId, sessionId: session.id }, new ScriptedChatModel(script())).streamResponse('budget?'));
    expect(ofType(quiet, 'agent_debug')).toHaveLength(0);
    const loud = await collect(
      makeHandler(t.db, { userId, sessionId: session.id }, new ScriptedChatModel(script()), { debug: true }).streamResponse('budget?'),
    );
    expectWellFormedRun(loud);
    const debug = ofType(loud, 'agent_debug');
    expect(debug.map((d) => `${d.node}:${d.phase}`)).toEqual(['agent:start', 'agent:end', 'tools:start', 'tools:end', 'agent:start', 'agent:end']);
    expect(debug[5]!.usage).toEqual({ input_tokens: 3, output_tokens: 1, total_tokens: 4 });
  });
});
