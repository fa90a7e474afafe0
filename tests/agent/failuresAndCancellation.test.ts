import { CANCELLED_TOOL_CALL } from '../../shared/messageMetadata.ts';
import { randomUUID } from 'node:crypto';
import type { ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunEvent } from '../../shared/protocol.ts';
import { defineAgent } from '../../server/agent/defineAgent.ts';
import { CANCELLED_TOOL_RESULT } from '../../server/agent/history.ts';
import { mailTools } from '../../agents/mail/tools/index.ts';
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
  streamedText,
} from './support.ts';

let t: TestDatabase;
let userId: string;

/** A tool that never answers and ignores its abort signal: the worst case for cancellation. */
const stuckTool = tool(async () => new Promise<string>(() => undefined), {
  name: 'stuck_tool',
  description: 'Never answers.',
  schema: z.object({}),
});
const brokenTool = tool(
  async () => {
    throw new Error('connection reset by peer (internal detail)');
  },
  { name: 'broken_tool', description: 'Always throws.', schema: z.object({}) },
);
const testAgent = defineAgent({
  name: 'test-agent',
  systemPrompt: 'You are a test agent.',
  tools: [...mailTools, stuckTool, brokenTool],
  maxSteps: 4,
});

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createUser(t.db)).id;
});

afterAll(async () => {
  await t?.drop();
});

/**
 * The model stream never ends and the stuck tool's timeout is a minute, so a
 * run that ends within this bound stopped because of the abort. The 200 ms
 * budget itself is measured by bench/cancellation.bench.ts (timed tests are
 * flaky on a loaded machine).
 */
const PROMPTLY_MS = 1_000;

/** Reads a run until `stopWhen` sees an event, aborts, and measures how long the run takes to end. */
async function abortWhen(iterable: AsyncIterable<RunEvent>, controller: AbortController, stopWhen: (e: RunEvent, all: RunEvent[]) => boolean) {
  const events: RunEvent[] = [];
  let abortedAt: number | undefined;
  let completedAt: number | undefined;
  for await (const e of iterable) {
    events.push(e);
    if (e.type === 'conversation_complete') completedAt = performance.now();
    if (abortedAt === undefined && stopWhen(e, events)) {
      abortedAt = performance.now();
      controller.abort();
    }
  }
  return { events, latencyMs: completedAt! - abortedAt! };
}

describe('tool failures', () => {
  it('reports a throwing tool as tool_error, hands the error to the model, and still answers', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([
      { text: 'Trying the broken tool.', toolCalls: [{ id: 'b1', name: 'broken_tool', args: {} }] },
      (messages) => {
        const [result] = toolResultsSince(messages) as ToolMessage[];
        return { text: `The tool failed (${result!.status}): ${result!.content}` };
      },
    ]);
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, model, { agent: testAgent }).streamResponse('go'));
    expectWellFormedRun(events);
    const error = ofType(events, 'tool_error')[0]!;
    expect(error).toMatchObject({ tool_call_id: 'b1', tool_name: 'broken_tool', error: { type: 'tool_error', message: 'broken_tool failed unexpectedly' } });
    expect(error.error.details).toBeUndefined();
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'The tool failed (error): Error: broken_tool failed unexpectedly' });
    const rows = await storedMessages(t.db, session.id);
    expect(rows[2]).toMatchObject({ role: 'tool', status: 'failed', toolCallId: 'b1', content: 'Error: broken_tool failed unexpectedly' });
  });

  it('shows internal details of a tool error only when told to (development)', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ toolCalls: [{ name: 'broken_tool', args: {} }] }, { text: 'ok' }]);
    const events = await collect(
      makeHandler(t.db, { userId, sessionId: session.id }, model, { agent: testAgent, exposeErrors: true }).streamResponse('go'),
    );
    expect(ofType(events, 'tool_error')[0]!.error.details).toMatchObject({ message: 'connection reset by peer (internal detail)' });
  });

  it('times a tool out after the per-tool timeout and carries on', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([
      { toolCalls: [{ id: 's1', name: 'stuck_tool', args: {} }, { id: 'q1', name: 'search_emails', args: { query: 'anything' } }] },
      (messages) => ({ text: toolResultsSince(messages).map((m) => `${m.name}: ${(m as ToolMessage).status}`).join('; ') }),
    ]);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model, { agent: testAgent, toolTimeoutMs: 1_000 });
    const events = await collect(handler.streamResponse('go'));
    expectWellFormedRun(events);
    const error = ofType(events, 'tool_error')[0]!;
    expect(error).toMatchObject({ tool_call_id: 's1', error: { message: 'stuck_tool did not answer within 1000 ms' } });
    expect(error.duration_ms).toBeGreaterThanOrEqual(990);
    expect(ofType(events, 'tool_call_result')[0]).toMatchObject({ tool_call_id: 'q1', tool_result: { total: 0 } });
    // A call with no tool_selection text still gets a thought naming the tool.
    expect(ofType(events, 'agent_thought').find((th) => th.kind === 'tool_selection')).toMatchObject({ tool_name: 'stuck_tool' });
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'stuck_tool: error; search_emails: success' });
  });

  it('answers invalid arguments and unknown tools with a tool_error the model can correct', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([
      {
        toolCalls: [
          { id: 'r1', name: 'read_email', args: { id: 'not-a-uuid' } },
          { id: 'x1', name: 'delete_everything', args: {} },
          { id: 'r2', name: 'read_email', args: { id: randomUUID() } },
        ],
      },
      { text: 'Sorry.' },
    ]);
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, model).streamResponse('open it'));
    expectWellFormedRun(events);
    const errors = Object.fromEntries(ofType(events, 'tool_error').map((e) => [e.tool_call_id, e.error.message]));
    expect(errors.r1).toMatch(/^Invalid arguments for read_email: .*id must be an email id/);
    expect(errors.x1).toBe('There is no tool named delete_everything');
    expect(errors.r2).toMatch(/^No email with id .* in this mailbox$/);
    expect(completion(events).status).toBe('completed');
  });

  it('ends with an answer when the model keeps calling tools past maxSteps', async () => {
    const session = await createSession(t.db, userId);
    const again = { text: 'Once more.', toolCalls: [{ name: 'search_emails', args: { query: 'x' } }] };
    const model = new ScriptedChatModel([again, again, again, { text: 'Giving up: nothing found.' }]);
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, model, { agent: testAgent }).streamResponse('loop'));
    expectWellFormedRun(events);
    expect(ofType(events, 'tool_call_start')).toHaveLength(3);
    expect(model.calls.map((c) => c.toolNames.length > 0)).toEqual([true, true, true, false]);
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'Giving up: nothing found.' });
  });
});

describe('cancellation', () => {
  it('stops mid-answer at once and keeps the partial answer as interrupted', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'Here is a long answer:\n' + 'word '.repeat(200), tokenDelayMs: 5, hang: true }]);
    const controller = new AbortController();
    const runId = randomUUID();
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    const { events, latencyMs } = await abortWhen(
      handler.streamResponse('tell me everything', { signal: controller.signal, runId }),
      controller,
      (_e, all) => ofType(all, 'agent_response_chunk').length === 10,
    );
    expectWellFormedRun(events);
    expect(latencyMs).toBeLessThan(PROMPTLY_MS);
    const done = completion(events);
    expect(done.status).toBe('interrupted');
    expect(done.content).toBe(streamedText(events));
    expect(done.content.startsWith('Here is a long answer:\n')).toBe(true);
    expect(done.content.length).toBeLessThan(200);
    const rows = await storedMessages(t.db, session.id);
    expect(rows.at(-1)).toMatchObject({ id: done.message_id, role: 'assistant', status: 'interrupted', content: done.content });
    expect(await t.db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'interrupted' });
  });

  it('stops while the model is still thinking (before any answer text)', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ reasoning: 'Let me think about this.\nAnd then some more.', tokenDelayMs: 20, hang: true }]);
    const controller = new AbortController();
    const { events, latencyMs } = await abortWhen(
      makeHandler(t.db, { userId, sessionId: session.id }, model).streamResponse('think', { signal: controller.signal }),
      controller,
      (e) => e.type === 'agent_thought' && e.payload.kind === 'reasoning',
    );
    expect(latencyMs).toBeLessThan(PROMPTLY_MS);
    expect(completion(events)).toMatchObject({ status: 'interrupted', content: '', timings: { first_chunk_ms: null } });
    const rows = await storedMessages(t.db, completion(events).session_id);
    expect((rows.at(-1)!.metadata as { thoughts: unknown[] }).thoughts).toContainEqual({ step: 0, kind: 'reasoning', content: 'Let me think about this.' });
  });

  it('stops mid-tool without waiting for the tool, records the call as cancelled, and the next run still has a valid history', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'Waiting on the stuck tool.', toolCalls: [{ id: 'stuck-1', name: 'stuck_tool', args: {} }] }]);
    const controller = new AbortController();
    const runId = randomUUID();
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model, { agent: testAgent, toolTimeoutMs: 60_000 });
    const { events, latencyMs } = await abortWhen(
      handler.streamResponse('use the stuck tool', { signal: controller.signal, runId }),
      controller,
      (e) => e.type === 'tool_call_start',
    );
    expectWellFormedRun(events);
    expect(latencyMs).toBeLessThan(PROMPTLY_MS);
    expect(ofType(events, 'tool_error')[0]).toMatchObject({ tool_call_id: 'stuck-1', error: CANCELLED_TOOL_CALL });
    // The sentence before the call streamed at once (first chunk); the answer after it never came.
    const done = completion(events);
    expect(done).toMatchObject({ status: 'interrupted', content: '' });
    expect(done.parts).toEqual([
      { type: 'text', text: 'Waiting on the stuck tool.' },
      { type: 'tool_call', tool_call_id: 'stuck-1', tool_name: 'stuck_tool' },
    ]);
    expect(done.timings.first_chunk_ms).not.toBeNull();

    const rows = await storedMessages(t.db, session.id);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(rows[2]).toMatchObject({ toolCallId: 'stuck-1', status: 'failed', content: CANCELLED_TOOL_RESULT, metadata: { cancelled: true, error: CANCELLED_TOOL_CALL } });
    expect(rows[3]).toMatchObject({ status: 'interrupted', content: '' });

    model.push({ text: 'Fine.' });
    await collect(handler.streamResponse('never mind'));
    const seen = model.calls[1]!.messages.map((m) => m.getType());
    expect(seen).toEqual(['system', 'human', 'ai', 'tool', 'human']);
  });

  it('records the run as interrupted when the consumer stops reading', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'Line one\nline two and more', tokenDelayMs: 2, hang: true }]);
    const runId = randomUUID();
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, model);
    for await (const e of handler.streamResponse('hi', { runId })) {
      if (e.type === 'agent_response_chunk') break;
    }
    expect(await t.db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: 'interrupted' });
    const rows = await storedMessages(t.db, session.id);
    expect(rows.at(-1)).toMatchObject({ role: 'assistant', status: 'interrupted' });
  });

  it('handles a signal that is already aborted', async () => {
    const session = await createSession(t.db, userId);
    const model = new ScriptedChatModel([{ text: 'never' }]);
    const events = await collect(
      makeHandler(t.db, { userId, sessionId: session.id }, model).streamResponse('hi', { signal: AbortSignal.abort() }),
    );
    expectWellFormedRun(events);
    expect(completion(events)).toMatchObject({ status: 'interrupted', content: '' });
  });
});
