/**
 * Stored history (REST or a join_session ack) rebuilt into the same view the
 * live events produce: a user message, then one turn per run with its
 * thoughts and its parts in order — text and tool cards (tool rows joined to
 * the assistant's tool_calls by id) — as they were written.
 */
import type { HistoryMessage } from '../../../shared/api.ts';
import {
  CANCELLED_TOOL_CALL,
  readAssistantMetadata,
  readToolMetadata,
  type AssistantMetadata,
} from '../../../shared/messageMetadata.ts';
import type { ActiveRun, MessagePart } from '../../../shared/protocol.ts';
import { ensureTurnItem, isLocalPending } from './items.ts';
import { newTurn, placeRunStart, receiveRunEvent, textOfViews } from './runEvents.ts';
import type { ChatItem, SessionChat, ThoughtView, ToolCallView, TurnView, UserItem } from './types.ts';

function thoughtsOf(metadata: AssistantMetadata): ThoughtView[] {
  return (metadata.thoughts ?? []).map((t) => ({
    step: t.step,
    kind: t.kind,
    content: t.content,
    ...(t.tool_name ? { toolName: t.tool_name } : {}),
  }));
}


/** Tool rows store their result as text, usually JSON. */
function parseToolContent(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

/** A tool row read before its call (out-of-order rows) keeps its outcome. */
function doneOf(tool: ToolCallView | undefined): Partial<ToolCallView> {
  if (!tool || tool.state === 'running') return {};
  const { state, result, error, durationMs } = tool;
  return { state, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}), ...(durationMs !== undefined ? { durationMs } : {}) };
}

const severity = { running: 0, completed: 1, interrupted: 2, failed: 3 } as const;

export interface HistoryView {
  items: ChatItem[];
  turns: Record<string, TurnView>;
}

/** Builds the view of stored messages; rows of `skipRunId` (the run still streaming) are left to its events. */
export function viewFromHistory(messages: HistoryMessage[], skipRunId?: string): HistoryView {
  let items: ChatItem[] = [];
  const turns: Record<string, TurnView> = {};

  for (const m of messages) {
    if (m.role === 'user') {
      const user: UserItem = {
        kind: 'user',
        key: m.id,
        id: m.id,
        content: m.content,
        state: 'sent',
        createdAt: m.created_at,
        ...(m.run_id ? { runId: m.run_id } : {}),
        ...(m.continue_run ? { continueRun: true } : {}),
      };
      items.push(user);
      continue;
    }
    const runId = m.run_id ?? `message:${m.id}`;
    if (runId === skipRunId) continue;
    const turn = turns[runId] ?? { ...newTurn(runId), fromHistory: true, status: 'completed' as const };
    items = ensureTurnItem(items, runId);

    if (m.role === 'assistant') {
      const meta = readAssistantMetadata(m.metadata);
      turn.messageId = m.id;
      turn.thoughts = [...turn.thoughts, ...thoughtsOf(meta)];
      const args = new Map((m.tool_calls ?? []).map((c) => [c.id, c.args]));
      // Rows written before parts existed: the turn's text came before its calls.
      const rowParts: MessagePart[] =
        m.parts ?? [
          ...(m.content ? [{ type: 'text' as const, text: m.content }] : []),
          ...(m.tool_calls ?? []).map((c) => ({ type: 'tool_call' as const, tool_call_id: c.id, tool_name: c.name })),
        ];
      for (const part of rowParts) {
        if (part.type === 'text') {
          if (part.text) turn.parts = [...turn.parts, { kind: 'text', text: part.text }];
          continue;
        }
        const id = part.tool_call_id;
        if (!turn.toolCalls[id]) turn.parts = [...turn.parts, { kind: 'tool', id }];
        turn.toolCalls = { ...turn.toolCalls, [id]: { id, name: part.tool_name, args: args.get(id) ?? {}, state: 'running', ...doneOf(turn.toolCalls[id]) } };
      }
      if (meta.timings) turn.timings = { firstChunkMs: meta.timings.first_chunk_ms, totalMs: meta.timings.total_ms };
      if (meta.usage) turn.usage = meta.usage;
      if (meta.error) turn.error = meta.error;
    } else {
      const id = m.tool_call_id ?? m.id;
      const meta = readToolMetadata(m.metadata);
      // One text for a cancelled call, whatever an older row stored.
      const error = meta.cancelled ? CANCELLED_TOOL_CALL : meta.error;
      const duration = meta.duration_ms;
      const failed = error !== undefined || m.status === 'failed';
      const tool: ToolCallView = {
        id,
        name: m.tool_name ?? turn.toolCalls[id]?.name ?? 'tool',
        args: turn.toolCalls[id]?.args ?? meta.args ?? {},
        state: failed ? 'failed' : 'done',
        ...(failed
          ? { error: error ?? { type: 'tool_error' as const, message: m.content || 'The tool failed' } }
          : { result: parseToolContent(m.content) }),
        ...(typeof duration === 'number' ? { durationMs: duration } : {}),
      };
      if (!turn.toolCalls[id]) turn.parts = [...turn.parts, { kind: 'tool', id }];
      turn.toolCalls = { ...turn.toolCalls, [id]: tool };
    }
    if (severity[m.status] > severity[turn.status]) turn.status = m.status;
    turns[runId] = turn;
  }

  for (const [runId, turn] of Object.entries(turns)) {
    turn.content = textOfViews(turn.parts);
    for (const [id, tool] of Object.entries(turn.toolCalls)) {
      if (tool.state === 'running') {
        turn.toolCalls[id] = { ...tool, state: 'failed', error: { type: 'tool_error', message: 'No result was recorded' } };
      }
    }
  }
  return { items, turns };
}

/** How far apart a local message and its stored copy may be dated and still be taken as the same. */
const CONFIRM_WINDOW_MS = 5 * 60_000;
/** Allowance for the browser's clock running ahead of the server's. */
const CLOCK_SKEW_MS = 30_000;

/**
 * Merges a join_session answer into what this tab already shows: stored
 * history replaces the list, finished live turns keep their richer detail,
 * the running run continues from where this tab stopped, and messages still
 * waiting here stay at the end unless the server shows them as stored.
 */
export function mergeJoin(
  chat: SessionChat,
  ack: { messages: HistoryMessage[]; active_run: ActiveRun | null; resumed_run?: ActiveRun },
  receivedAt: number,
): SessionChat {
  const active = ack.active_run;
  // The run this tab was following when it rejoined (run_id/after_seq), if it is no longer the active one:
  // its rows are left out of `messages`, its events after what this tab had continue its turn.
  const resumed = ack.resumed_run && ack.resumed_run.run_id !== active?.run_id ? ack.resumed_run : undefined;
  const base = viewFromHistory(ack.messages, active?.run_id);
  const turns = { ...base.turns };
  for (const [runId, turn] of Object.entries(chat.turns)) {
    if (turns[runId] && !turn.fromHistory && turn.status !== 'running') turns[runId] = turn;
  }

  const storedRuns = new Set(ack.messages.map((m) => m.run_id).filter((id): id is string => id !== null));
  const storedUser = ack.messages.filter((m) => m.role === 'user');
  // The running run's question is not in the stored list (its events carry it); keep the copy this tab has.
  const isActiveQuestion = (i: ChatItem): boolean =>
    i.kind === 'user' && i.runId !== undefined && (i.runId === active?.run_id || i.runId === resumed?.run_id);
  const stillLocal = chat.items.filter((i): i is UserItem => isLocalPending(i) || isActiveQuestion(i)).filter((item) => {
    if (item.runId && storedRuns.has(item.runId)) return false;
    if (isActiveQuestion(item)) return true;
    // Sent just before a disconnect, before the server could confirm it: the stored copy is dated after it was sent.
    const sentAt = Date.parse(item.createdAt);
    return !(
      item.state !== 'queued' &&
      storedUser.some((m) => {
        const storedAt = Date.parse(m.created_at);
        return m.content === item.content && storedAt > sentAt - CLOCK_SKEW_MS && storedAt < sentAt + CONFIRM_WINDOW_MS;
      })
    );
  });

  let next: SessionChat = {
    ...chat,
    status: 'ready',
    error: undefined,
    items: [...base.items, ...stillLocal],
    turns,
    activeRunId: active && active.status === 'running' ? active.run_id : resumed?.status === 'running' ? resumed.run_id : null,
  };
  for (const run of [resumed, active]) {
    if (!run) continue;
    const events = [...run.events].sort((a, b) => a.payload.seq - b.payload.seq);
    const known = chat.turns[run.run_id];
    // A turn rebuilt from REST history while offline is not a live one to continue.
    const existing = known && !known.fromHistory ? known : undefined;
    const first = events[0]?.payload.seq ?? 1;
    // The ack is a snapshot: if it starts after seq 1, take it as the base rather than wait for the missing start.
    next = {
      ...next,
      turns: {
        ...next.turns,
        [run.run_id]: existing ?? { ...newTurn(run.run_id), appliedSeq: Math.max(0, first - 1) },
      },
    };
    // Place the question before the turn even when this tab has already applied run_started (a duplicate now).
    const started = events.find((e) => e.type === 'run_started');
    if (started?.type === 'run_started') next = placeRunStart(next, started.payload);
    next = { ...next, items: ensureTurnItem(next.items, run.run_id) };
    for (const e of events) next = receiveRunEvent(next, e, receivedAt);
  }
  return next;
}
