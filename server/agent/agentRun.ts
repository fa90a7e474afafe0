/**
 * One run of a conversation: stores the user's message, streams the agent's
 * LangGraph graph, turns what it writes into protocol events (stamped with
 * session, run, seq and time), stores assistant turns and tool results as
 * they happen, and always ends with `conversation_complete`.
 *
 * The assistant's side of the run is an ordered list of parts (text, tool
 * call, text…). Text goes out the moment the model writes it; a tool call
 * takes its place among the parts when the model starts writing it.
 */
import { CANCELLED_TOOL_CALL } from '../../shared/messageMetadata.ts';
import { randomUUID } from 'node:crypto';
import { SystemMessage, type AIMessage } from '@langchain/core/messages';
import type { ErrorBody } from '../../shared/errors.ts';
import {
  MessageContentSchema,
  type FinalRunStatus,
  type MessagePart,
  type RunEvent,
  type RunEventBody,
  type RunEventType,
  type ThoughtKind,
  type Usage,
} from '../../shared/protocol.ts';
import { withToolContext } from './toolContext.ts';
import { renderSystemPrompt } from './defineAgent.ts';
import { agentInput, graphFor, runToEnd } from './graph.ts';
import { CANCELLED_TOOL_RESULT, toModelMessages, type StoredMessage } from './history.ts';
import type { AgentDeps, HandlerIdentity } from './deps.ts';
import { isTransientDbError, retryWhileUnreachable } from '../data/transient.ts';
import { appendRunMessages, beginRun, isDuplicateRow, type NewRunMessage, type RunEnd } from './runStore.ts';
import { withRunSettings } from './runSettings.ts';
import { EventQueue, isPlainText, withEventSink, type GraphStreamEvent } from './streamEvents.ts';
import { LineBuffer } from './lineBuffer.ts';
import { addUsage, toUsage } from './usage.ts';

/** The same rules as a user_message over Socket.IO (trimmed, not empty, bounded). */
const ContentSchema = MessageContentSchema;

export interface Thought {
  step: number;
  kind: ThoughtKind;
  content: string;
  tool_name?: string;
}

interface RunIds {
  runId: string;
  userMessageId: string;
  messageId: string;
  clientMessageId?: string;
  parentId?: string | null;
  continueRun?: boolean;
}

interface Turn {
  step: number;
  reasoning: LineBuffer;
  /** Index of the turn's first part. */
  firstPart: number;
  /** The text part new text extends; null once something else (a tool call) was written after it. */
  textPart: number | null;
  /** Places taken by tool calls as the model began them, in order: the chunk's index or id, and the part index. */
  toolSlots: { key: string; id?: string; part: number; taken: boolean }[];
}


/** How long a run keeps retrying its writes while the database is unreachable. */
const STORE_RETRY_MS = 60_000;

export class AgentRun {
  private seq = 0;
  private readonly t0 = performance.now();
  private readonly startedAt: number;
  private firstChunkMs: number | null = null;
  /** The run's parts by index; null for a place a dropped tool call had taken. */
  private readonly parts: (MessagePart | null)[] = [];
  /** Parts before this index are stored with their (tool-calling) turn. */
  private storedParts = 0;
  /** Tool call id → its part index, for tool_call_start. */
  private readonly callParts = new Map<string, number>();
  private readonly thoughts: Thought[] = [];
  private usage: Usage | undefined;
  private turn: Turn | undefined;
  /** Tool calls stored with their assistant turn and not answered yet: id → name. */
  private readonly unanswered = new Map<string, string>();
  /** Of those, the ones whose tool_call_start went out. */
  private readonly started = new Set<string>();
  private toolCallCount = 0;
  /** Tools of the latest tools step, named in the next turn's status line. */
  private lastToolNames: string[] = [];
  private finished = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly who: HandlerIdentity,
    private readonly deps: AgentDeps,
    private readonly ids: RunIds,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.startedAt = deps.clock.now();
  }

  async *execute(rawContent: string): AsyncGenerator<RunEvent> {
    const continueRun = this.ids.continueRun === true;
    const parsed = continueRun ? ({ success: true, data: '' } as const) : ContentSchema.safeParse(rawContent);
    if (!parsed.success) {
      yield* this.refuse(rawContent, { type: 'validation_error', message: parsed.error.issues[0]?.message ?? 'Invalid message' });
      return;
    }
    const content = parsed.data;
    let began: Awaited<ReturnType<typeof beginRun>>;
    try {
      began = await beginRun(this.deps.db, {
        runId: this.ids.runId,
        sessionId: this.who.sessionId,
        userId: this.who.userId,
        userMessageId: this.ids.userMessageId,
        content,
        now: new Date(this.startedAt),
        ...(this.ids.parentId !== undefined ? { parentId: this.ids.parentId } : {}),
        continueRun,
      });
    } catch (err) {
      this.deps.log.error({ err, runId: this.ids.runId, sessionId: this.who.sessionId }, 'could not start run');
      yield* this.refuse(content, this.processingError(err, 'Could not save your message. Please try again.'));
      return;
    }
    if (!began) {
      yield* this.refuse(content, { type: 'not_found', message: 'Session not found' });
      return;
    }
    yield this.event('run_started', {
      user_message: {
        id: began.userMessage.id,
        content,
        created_at: began.userMessage.createdAt.toISOString(),
        parent_id: began.userMessage.parentId,
        ...(continueRun ? { continue_run: true } : {}),
      },
      message_id: this.ids.messageId,
      ...(this.ids.clientMessageId !== undefined ? { client_message_id: this.ids.clientMessageId } : {}),
    });

    const onAbort = () => this.controller.abort(this.signal?.reason);
    this.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.signal?.aborted) onAbort();
    try {
      let status: FinalRunStatus = 'completed';
      let failure: ErrorBody | undefined;
      try {
        yield* this.drive(began.user, began.history);
        if (this.controller.signal.aborted) status = 'interrupted';
      } catch (err) {
        if (this.controller.signal.aborted) {
          status = 'interrupted';
        } else {
          status = 'failed';
          failure = this.processingError(err, 'The assistant could not finish this answer. Please try again.');
          this.deps.log.error({ err, runId: this.ids.runId, sessionId: this.who.sessionId }, 'run failed');
          yield this.event('error', failure);
        }
      }
      yield* this.wrapUp(status, failure);
    } finally {
      this.signal?.removeEventListener('abort', onAbort);
      // The consumer stopped iterating early: stop the graph and still record the run's end.
      if (!this.finished) {
        this.controller.abort();
        for await (const _ of this.wrapUp('interrupted')) void _;
      }
    }
  }

  /** Streams the graph; returns normally on completion or abort, throws on failure. */
  private async *drive(user: { timezone: string; name: string }, stored: StoredMessage[]): AsyncGenerator<RunEvent> {
    const { db, log, clock } = this.deps;
    const agent = this.who.agent;
    const history = toModelMessages(stored);
    const system = new SystemMessage(
      renderSystemPrompt(agent, { now: new Date(this.startedAt), timezone: user.timezone, userName: user.name }),
    );
    const graph = graphFor(agent, agent.model ?? this.deps.model);
    const signal = this.controller.signal;
    if (signal.aborted) return;
    // The graph reports straight into this queue (no LangGraph stream per token); the run drains it in order.
    const queue = new EventQueue();
    const onAbort = () => queue.end();
    signal.addEventListener('abort', onAbort, { once: true });
    runToEnd(
      graph,
      agentInput([system, ...history]),
      {
        signal,
        recursionLimit: agent.maxSteps * 2 + 2,
        configurable: {
          ...withToolContext({ db, userId: this.who.userId, timezone: user.timezone, now: () => clock.now(), log }),
          ...withRunSettings({ toolTimeoutMs: this.deps.toolTimeoutMs, exposeErrors: this.deps.exposeErrors ?? false }),
          ...withEventSink(queue.push),
        },
      },
    )
      // Once aborted, a late rejection of the graph is expected and of no interest.
      .then(() => queue.end(), (error: unknown) => queue.end({ error }));
    try {
      for (;;) {
        let e: GraphStreamEvent | undefined;
        while ((e = queue.take()) !== undefined) {
          if (e.kind !== 'model_chunk') {
            yield* this.onGraphEvent(e, history.length);
            continue;
          }
          if (isPlainText(e.delta)) {
            const more = queue.takeText(e.step);
            if (more) e = { ...e, delta: { ...e.delta, text: e.delta.text + more } };
          }
          // Once per token: a plain call, no async generator per event.
          const out = this.onModelChunk(e);
          if (out === undefined) continue;
          if (!Array.isArray(out)) yield out;
          else for (const ev of out) yield ev;
        }
        if (queue.done) {
          if (queue.failure && !signal.aborted) throw queue.failure.error;
          return;
        }
        await queue.wait();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async *onGraphEvent(e: GraphStreamEvent, historyLength: number): AsyncGenerator<RunEvent> {
    switch (e.kind) {
      case 'turn_start': {
        this.turn = { step: e.step, reasoning: new LineBuffer(), firstPart: this.parts.length, textPart: null, toolSlots: [] };
        yield* this.debug({ node: 'agent', phase: 'start', detail: { step: e.step, final: e.final } });
        const status =
          e.step === 0
            ? `Reading the conversation (${historyLength} message${historyLength === 1 ? '' : 's'})`
            : `Reading the results of ${[...new Set(this.lastToolNames)].join(', ') || 'the tools'}`;
        yield* this.thought(e.step, 'status', status);
        return;
      }
      case 'turn_end':
        yield* this.onTurnEnd(e.step, e.message, e.durationMs, e.stepLimitReached);
        return;
      case 'tools_start':
        this.lastToolNames = [];
        yield* this.debug({ node: 'tools', phase: 'start', detail: { step: e.step, tool_calls: e.count } });
        return;
      case 'tool_start':
        this.started.add(e.id);
        this.lastToolNames.push(e.name);
        this.toolCallCount++;
        yield this.event('tool_call_start', { part: this.partOfCall(e.id, e.name), tool_call_id: e.id, tool_name: e.name, tool_args: e.args });
        return;
      case 'tool_end': {
        const duration_ms = round(e.durationMs);
        await this.store([{
          role: 'tool',
          id: randomUUID(),
          content: e.content,
          toolCallId: e.id,
          toolName: e.name,
          status: e.ok ? 'completed' : 'failed',
          metadata: { duration_ms, args: e.args, ...(e.ok ? {} : { error: e.error }) },
        }]);
        this.unanswered.delete(e.id);
        this.started.delete(e.id);
        yield e.ok
          ? this.event('tool_call_result', { tool_call_id: e.id, tool_name: e.name, tool_result: e.result, duration_ms })
          : this.event('tool_error', { tool_call_id: e.id, tool_name: e.name, error: e.error, duration_ms });
        return;
      }
      case 'tools_end':
        yield* this.debug({ node: 'tools', phase: 'end', duration_ms: round(e.durationMs), detail: { step: e.step } });
        return;
    }
  }

  /** A model chunk: its reasoning as thoughts, tool calls taking their places, its text as a chunk event. */
  private onModelChunk(e: Extract<GraphStreamEvent, { kind: 'model_chunk' }>): RunEvent | RunEvent[] | undefined {
    const turn = this.turn!;
    let out: RunEvent[] | undefined;
    const { text, reasoning, toolCalls } = e.delta;
    if (reasoning) for (const line of turn.reasoning.push(reasoning)) (out ??= []).push(this.thoughtEvent(e.step, 'reasoning', line));
    if (toolCalls) for (const c of toolCalls) {
      const key = c.index !== undefined ? `i${c.index}` : c.id ? `id${c.id}` : undefined;
      const slot = key === undefined ? turn.toolSlots.at(-1) : turn.toolSlots.find((s) => s.key === key);
      if (slot) {
        slot.id ??= c.id;
        continue;
      }
      turn.toolSlots.push({ key: key ?? `n${turn.toolSlots.length}`, ...(c.id ? { id: c.id } : {}), part: this.parts.length, taken: false });
      this.parts.push(null);
      turn.textPart = null;
    }
    if (!text) return out;
    const chunk = this.chunk(turn, text);
    if (!out) return chunk;
    out.push(chunk);
    return out;
  }

  private async *onTurnEnd(step: number, message: AIMessage, durationMs: number, stepLimitReached: boolean): AsyncGenerator<RunEvent> {
    const turn = this.turn!;
    this.turn = undefined;
    for (const line of turn.reasoning.flush()) yield* this.thought(step, 'reasoning', line);
    const calls = message.tool_calls ?? [];
    const usage = toUsage(message.usage_metadata);
    if (usage) this.usage = addUsage(this.usage, usage);
    if (calls.length > 0) {
      for (const c of calls) this.placeCall(turn, c.id!, c.name);
      yield* this.thought(step, 'tool_selection', describeCalls(calls), calls[0]!.name);
      const parts = this.takeUnstoredParts();
      await this.store([{
        role: 'assistant',
        id: randomUUID(),
        content: textOf(parts),
        parts,
        toolCalls: calls.map((c) => ({ id: c.id!, name: c.name, args: c.args as Record<string, unknown> })),
        status: 'completed',
        metadata: { step, kind: 'tool_calls', ...(usage ? { usage } : {}) },
      }]);
      for (const c of calls) this.unanswered.set(c.id!, c.name);
    }
    if (stepLimitReached) {
      yield* this.thought(step, 'status', `Reached the limit of ${this.who.agent.maxSteps} steps; answering with what I have`);
    }
    yield* this.debug({
      node: 'agent',
      phase: 'end',
      duration_ms: round(durationMs),
      ...(usage ? { usage } : {}),
      detail: { step, tool_calls: calls.length, parts: this.parts.length },
    });
  }

  /** Gives a finished call the place its first chunk took, or the next free place after this turn's parts. */
  private placeCall(turn: Turn, id: string, name: string) {
    const slot = turn.toolSlots.find((s) => !s.taken && s.id === id) ?? turn.toolSlots.find((s) => !s.taken && s.id === undefined) ?? turn.toolSlots.find((s) => !s.taken);
    let part: number;
    if (slot) {
      slot.taken = true;
      part = slot.part;
    } else {
      part = this.parts.length;
      this.parts.push(null);
    }
    this.parts[part] = { type: 'tool_call', tool_call_id: id, tool_name: name };
    this.callParts.set(id, part);
  }

  private partOfCall(id: string, name: string): number {
    const known = this.callParts.get(id);
    if (known !== undefined) return known;
    // A call the model did not stream (a custom graph node): it goes after everything so far.
    const part = this.parts.length;
    this.parts.push({ type: 'tool_call', tool_call_id: id, tool_name: name });
    this.callParts.set(id, part);
    return part;
  }

  /** The parts not stored yet (dropped places left out), marked as stored. */
  private takeUnstoredParts(): MessagePart[] {
    const parts = this.parts.slice(this.storedParts).filter((p): p is MessagePart => p !== null);
    this.storedParts = this.parts.length;
    return parts;
  }

  /**
   * The run's end, whatever it was: held text released, unanswered tool
   * calls closed as cancelled, the answer stored under message_id, the run
   * row finished, and `conversation_complete`.
   */
  private async *wrapUp(status: FinalRunStatus, failure?: ErrorBody): AsyncGenerator<RunEvent> {
    if (this.finished) return;
    this.finished = true;
    if (this.turn) {
      for (const line of this.turn.reasoning.flush()) yield* this.thought(this.turn.step, 'reasoning', line);
    }
    const parts = this.parts.filter((p): p is MessagePart => p !== null);
    const lastParts = this.takeUnstoredParts();
    const answer = textOf(lastParts);
    const totalMs = performance.now() - this.t0;
    const timings = { first_chunk_ms: this.firstChunkMs, total_ms: round(totalMs) };
    try {
      const closing: NewRunMessage[] = [...this.unanswered].map(([id, name]) => ({
        role: 'tool',
        id: randomUUID(),
        content: CANCELLED_TOOL_RESULT,
        toolCallId: id,
        toolName: name,
        status: 'failed',
        metadata: { cancelled: true, error: CANCELLED_TOOL_CALL },
      }));
      closing.push({
        role: 'assistant',
        id: this.ids.messageId,
        content: answer,
        parts: lastParts,
        status,
        metadata: {
          thoughts: this.thoughts,
          timings,
          ...(this.usage ? { usage: this.usage } : {}),
          ...(failure ? { error: { type: failure.type, message: failure.message } } : {}),
        },
      });
      // The closing rows and the run's final state in one round trip.
      const end: RunEnd = {
        status,
        finishedAt: new Date(this.deps.clock.now()),
        firstChunkMs: this.firstChunkMs,
        totalMs,
        ...(this.usage ? { usage: this.usage } : {}),
        ...(failure ? { error: failure.message } : {}),
      };
      await this.store(closing, end);
      for (const [id, name] of this.unanswered) {
        if (!this.started.has(id)) continue;
        yield this.event('tool_error', { tool_call_id: id, tool_name: name, error: CANCELLED_TOOL_CALL, duration_ms: 0 });
      }
      this.unanswered.clear();
    } catch (err) {
      // The database is unreachable or the session was deleted mid-run; the client still gets its end event.
      this.deps.log.error({ err, runId: this.ids.runId, sessionId: this.who.sessionId }, 'could not store the end of a run');
      if (status !== 'failed') {
        failure = this.processingError(err, 'The answer could not be saved.');
        status = 'failed';
        yield this.event('error', failure);
      }
    }
    this.deps.log.info(
      { runId: this.ids.runId, sessionId: this.who.sessionId, status, ...timings, toolCalls: this.toolCallCount, usage: this.usage },
      'run finished',
    );
    yield this.event('conversation_complete', {
      message_id: this.ids.messageId,
      content: answer,
      parts,
      status,
      timings,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(failure ? { error: failure } : {}),
    });
  }

  /** Bad input or an unknown session: nothing is stored, the caller still gets a well-formed run. */
  private async *refuse(content: string, error: ErrorBody): AsyncGenerator<RunEvent> {
    this.finished = true;
    yield this.event('run_started', {
      user_message: { id: this.ids.userMessageId, content, created_at: new Date(this.startedAt).toISOString() },
      message_id: this.ids.messageId,
      ...(this.ids.clientMessageId !== undefined ? { client_message_id: this.ids.clientMessageId } : {}),
    });
    yield this.event('error', error);
    yield this.event('conversation_complete', {
      message_id: this.ids.messageId,
      content: '',
      parts: [],
      status: 'failed',
      timings: { first_chunk_ms: null, total_ms: round(performance.now() - this.t0) },
      error,
    });
  }

  /**
   * Appends rows of the run. While the database is unreachable (the embedded
   * one restarting, an external one failing over) the run keeps them in
   * memory and retries: what the user saw is never dropped for a blip.
   */
  /** Stores messages (and, with `end`, the run's final state) in one round trip, retried while the database is unreachable. */
  private store(messages: NewRunMessage[], end?: RunEnd): Promise<void> {
    let unsure = false;
    return this.untilStored(end ? 'finishing a run' : 'storing a run', async () => {
      try {
        await appendRunMessages(this.deps.db, { sessionId: this.who.sessionId, runId: this.ids.runId, now: new Date(this.deps.clock.now()) }, messages, end);
      } catch (err) {
        // An attempt whose reply was lost may have written them: their ids are then taken.
        if (unsure && isDuplicateRow(err)) return;
        if (isTransientDbError(err)) unsure = true;
        throw err;
      }
    });
  }

  private untilStored(what: string, write: () => Promise<void>): Promise<void> {
    return retryWhileUnreachable(write, {
      log: this.deps.log,
      context: { runId: this.ids.runId, sessionId: this.who.sessionId },
      what,
      maxMs: STORE_RETRY_MS,
    });
  }

  /** Text the model just wrote: extends the turn's open text part, or opens one. */
  private chunk(turn: Turn, delta: string): RunEvent {
    if (this.firstChunkMs === null) this.firstChunkMs = round(performance.now() - this.t0);
    let part = turn.textPart;
    if (part === null) {
      part = turn.textPart = this.parts.length;
      this.parts.push({ type: 'text', text: delta });
    } else {
      (this.parts[part] as { text: string }).text += delta;
    }
    // Once per token: the payload built in one fixed shape rather than spread by event().
    return {
      type: 'agent_response_chunk',
      payload: { message_id: this.ids.messageId, part, delta, session_id: this.who.sessionId, run_id: this.ids.runId, seq: ++this.seq, timestamp: this.deps.clock.now() },
    };
  }

  private async *thought(step: number, kind: ThoughtKind, content: string, toolName?: string): AsyncGenerator<RunEvent> {
    yield this.thoughtEvent(step, kind, content, toolName);
  }

  private thoughtEvent(step: number, kind: ThoughtKind, content: string, toolName?: string): RunEvent {
    const t: Thought = { step, kind, content, ...(toolName ? { tool_name: toolName } : {}) };
    this.thoughts.push(t);
    return this.event('agent_thought', t);
  }

  private async *debug(body: RunEventBody<'agent_debug'>): AsyncGenerator<RunEvent> {
    if (this.deps.debug) yield this.event('agent_debug', body);
  }

  private event<K extends RunEventType>(type: K, body: RunEventBody<K>): RunEvent {
    const payload = {
      ...body,
      session_id: this.who.sessionId,
      run_id: this.ids.runId,
      seq: ++this.seq,
      timestamp: this.deps.clock.now(),
    };
    return { type, payload } as unknown as RunEvent;
  }

  private processingError(err: unknown, message: string): ErrorBody {
    return {
      type: 'processing_error',
      message,
      ...(this.deps.exposeErrors ? { details: { message: (err as Error)?.message, stack: (err as Error)?.stack } } : {}),
    };
  }
}

/** The text of one stored turn: its text parts as the model wrote them, back to back. */
function textOf(parts: MessagePart[]): string {
  let text = '';
  for (const p of parts) if (p.type === 'text') text += p.text;
  return text;
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms));
}

function describeCalls(calls: NonNullable<AIMessage['tool_calls']>): string {
  return calls.map((c) => `${c.name}(${JSON.stringify(c.args)})`).join(', ');
}
