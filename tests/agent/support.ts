/** Shared setup for the agent tests: users, sessions, handlers over a test database, and event checks. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { RunEventSchemas, answerOfParts, type MessagePart, type RunEvent, type RunEventPayloads, type RunEventType } from '../../shared/protocol.ts';
import { partsOfEvents } from '../../shared/runParts.ts';
import { ConversationHandler } from '../../server/agent/ConversationHandler.ts';
import type { AgentDefinition } from '../../server/agent/defineAgent.ts';
import type { AgentDeps } from '../../server/agent/deps.ts';
import { mailAssistant } from '../../agents/mail/agent.ts';
import type { Db } from '../../server/data/prisma.ts';
import { createLogger } from '../../server/logger.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Clock } from '../../server/time/clock.ts';
import { ManualClock } from '../helpers/clock.ts';

export const silentLog = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export async function createUser(db: Db, opts: { name?: string; timezone?: string; email?: string } = {}) {
  return db.user.create({
    data: {
      email: opts.email ?? `user-${randomUUID()}@example.test`,
      name: opts.name ?? 'Test User',
      passwordHash: 'not-a-real-hash',
      timezone: opts.timezone ?? 'UTC',
    },
  });
}

export async function createSession(db: Db, userId: string, title?: string) {
  return db.chatSession.create({ data: { userId, ...(title ? { title } : {}) } });
}

export function makeHandler(
  db: Db,
  ids: { userId: string; sessionId: string },
  model: BaseChatModel,
  opts: { agent?: AgentDefinition; clock?: Clock; toolTimeoutMs?: number; debug?: boolean; exposeErrors?: boolean } = {},
) {
  const deps: AgentDeps = {
    db,
    log: silentLog,
    clock: opts.clock ?? new ManualClock(),
    model,
    toolTimeoutMs: opts.toolTimeoutMs ?? 5_000,
    debug: opts.debug ?? false,
    exposeErrors: opts.exposeErrors ?? false,
  };
  return new ConversationHandler({ ...ids, agent: opts.agent ?? mailAssistant, deps });
}

export async function collect(iterable: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const e of iterable) events.push(e);
  return events;
}

/** Every event matches its protocol schema; seq is 1..n; run_started first, conversation_complete last. */
export function expectWellFormedRun(events: RunEvent[]) {
  expect(events.length).toBeGreaterThanOrEqual(2);
  events.forEach((e, i) => {
    const parsed = RunEventSchemas[e.type].safeParse(e.payload);
    expect(parsed.success, `${e.type} #${i + 1}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    expect(e.payload.seq).toBe(i + 1);
    expect(e.payload.session_id).toBe(events[0]!.payload.session_id);
    expect(e.payload.run_id).toBe(events[0]!.payload.run_id);
  });
  expect(events[0]!.type).toBe('run_started');
  expect(events.at(-1)!.type).toBe('conversation_complete');
  expect(events.filter((e) => e.type === 'conversation_complete')).toHaveLength(1);
  // The final parts are what the chunks and tool starts built, and the answer is the text after the last tool call.
  const done = events.at(-1)!.payload as RunEventPayloads['conversation_complete'];
  // (A call the model made but the run stopped before starting is in the final parts only.)
  const startedCalls = new Set(ofType(events, 'tool_call_start').map((c) => c.tool_call_id));
  expect(done.parts.filter((p) => p.type === 'text' || startedCalls.has(p.tool_call_id))).toEqual(partsOfEvents(events));
  // The answer is the last turn's text: the last part, unless that turn wrote none.
  if (done.content) expect(done.content).toBe(answerOfParts(done.parts));
}

export function ofType<K extends RunEventType>(events: RunEvent[], type: K): RunEventPayloads[K][] {
  return events.filter((e) => e.type === type).map((e) => e.payload as RunEventPayloads[K]);
}

export function completion(events: RunEvent[]) {
  return ofType(events, 'conversation_complete')[0]!;
}

export function streamedText(events: RunEvent[]): string {
  return ofType(events, 'agent_response_chunk')
    .map((c) => c.delta)
    .join('');
}

/** The run's parts as its events built them. */
export function streamedParts(events: RunEvent[]): MessagePart[] {
  return partsOfEvents(events);
}

export async function storedMessages(db: Db, sessionId: string) {
  return db.conversationMessage.findMany({ where: { sessionId }, orderBy: { position: 'asc' } });
}
