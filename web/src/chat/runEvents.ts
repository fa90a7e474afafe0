/**
 * Applying run events to a session's view. Events can arrive twice (replayed
 * in a join_session ack and live, or after a reconnect) and, around a join,
 * out of order; each run's events are applied exactly once, in seq order.
 */
import type { ErrorBody } from '../../../shared/errors.ts';
import { CANCELLED_TOOL_CALL } from '../../../shared/messageMetadata.ts';
import { TEXT_PART_SEPARATOR, type MessagePart, type RunEvent, type RunEventPayloads } from '../../../shared/protocol.ts';
import { ensureTurnItem, insertBeforePending } from './items.ts';
import type { EventLogEntry, PartView, SessionChat, ToolCallView, TurnView, UserItem } from './types.ts';

export const EVENT_LOG_LIMIT = 1000;

export function newTurn(runId: string): TurnView {
  return {
    runId,
    messageId: null,
    status: 'running',
    thoughts: [],
    toolCalls: {},
    parts: [],
    content: '',
    debug: [],
    appliedSeq: 0,
    pending: [],
    fromHistory: false,
  };
}

function logEvent(chat: SessionChat, event: RunEvent, duplicate: boolean, receivedAt: number): SessionChat {
  const startedAt = chat.turns[event.payload.run_id]?.startedAt;
  const entry: EventLogEntry = {
    receivedAt,
    type: event.type,
    runId: event.payload.run_id,
    seq: event.payload.seq,
    sinceRunStartMs: startedAt === undefined ? (event.type === 'run_started' ? 0 : null) : event.payload.timestamp - startedAt,
    duplicate,
    payload: event.payload,
  };
  const events = chat.events.length >= EVENT_LOG_LIMIT ? chat.events.slice(1 - EVENT_LOG_LIMIT) : chat.events.slice();
  events.push(entry);
  return { ...chat, events };
}

/** Receives one event: logs it, drops it if already seen, holds it if it arrived early. */
export function receiveRunEvent(chat: SessionChat, event: RunEvent, receivedAt: number): SessionChat {
  const { run_id: runId, seq } = event.payload;
  const turn = chat.turns[runId] ?? newTurn(runId);
  const duplicate = turn.fromHistory || seq <= turn.appliedSeq || turn.pending.some((e) => e.payload.seq === seq);
  let next = logEvent(chat, event, duplicate, receivedAt);
  if (duplicate) return next;

  const inOrder = seq === turn.appliedSeq + 1;
  if (!inOrder && event.type !== 'conversation_complete') {
    const pending = [...turn.pending, event].sort((a, b) => a.payload.seq - b.payload.seq);
    return { ...next, turns: { ...next.turns, [runId]: { ...turn, pending } } };
  }
  // The run's end is authoritative: if a gap never filled, apply what we have rather than wait forever.
  const queue = inOrder ? [event] : [...turn.pending, event];
  next = { ...next, turns: { ...next.turns, [runId]: { ...turn, pending: inOrder ? turn.pending : [] } } };
  for (const e of queue) next = applyInOrder(next, e, receivedAt);
  // Drain whatever the applied event made contiguous.
  for (;;) {
    const t = next.turns[runId]!;
    const head = t.pending[0];
    if (!head || head.payload.seq !== t.appliedSeq + 1) break;
    next = { ...next, turns: { ...next.turns, [runId]: { ...t, pending: t.pending.slice(1) } } };
    next = applyInOrder(next, head, receivedAt);
  }
  return next;
}

function updateTurn(chat: SessionChat, runId: string, fn: (t: TurnView) => TurnView): SessionChat {
  const turn = chat.turns[runId] ?? newTurn(runId);
  return { ...chat, turns: { ...chat.turns, [runId]: fn(turn) } };
}

/** Updates a tool call; `part` places it among the turn's parts (a call seen without one goes last). */
function setTool(turn: TurnView, id: string, patch: Partial<ToolCallView> & Pick<ToolCallView, 'name'>, part?: number): TurnView {
  const existing = turn.toolCalls[id];
  const tool: ToolCallView = { id, args: {}, state: 'running', ...existing, ...patch };
  const placed = turn.parts.some((p) => p?.kind === 'tool' && p.id === id);
  let parts = turn.parts;
  if (!placed) {
    parts = turn.parts.slice();
    parts[part ?? parts.length] = { kind: 'tool', id };
  }
  return { ...turn, toolCalls: { ...turn.toolCalls, [id]: tool }, parts };
}

function appendText(turn: TurnView, part: number, delta: string): TurnView {
  const parts = turn.parts.slice();
  const existing = parts[part];
  const opens = existing?.kind !== 'text';
  parts[part] = { kind: 'text', text: (opens ? '' : existing.text) + delta };
  const content = opens && turn.content ? turn.content + TEXT_PART_SEPARATOR + delta : turn.content + delta;
  return { ...turn, parts, content };
}

export function textOfViews(parts: readonly (PartView | undefined)[]): string {
  return parts.flatMap((p) => (p?.kind === 'text' && p.text ? [p.text] : [])).join(TEXT_PART_SEPARATOR);
}

/** The protocol's final parts as the view's: authoritative at the end of a run. */
export function partViews(parts: readonly MessagePart[]): PartView[] {
  return parts.map((p) => (p.type === 'text' ? { kind: 'text', text: p.text } : { kind: 'tool', id: p.tool_call_id }));
}

/**
 * Puts a run's question in place: this tab's own message (matched by its
 * client id) becomes the stored one where it stands; anyone else's is added.
 */
export function placeRunStart(chat: SessionChat, p: RunEventPayloads['run_started']): SessionChat {
  const runId = p.run_id;
  const idx = chat.items.findIndex(
    (i) =>
      i.kind === 'user' &&
      ((p.client_message_id !== undefined && i.clientMessageId === p.client_message_id) || i.id === p.user_message.id),
  );
  let items = chat.items;
  if (idx >= 0) {
    const mine = items[idx] as UserItem;
    const updated: UserItem = { ...mine, id: p.user_message.id, runId, state: 'sent', error: undefined };
    items = [...items.slice(0, idx), updated, ...items.slice(idx + 1)];
  } else {
    const asked: UserItem = {
      kind: 'user',
      key: p.user_message.id,
      id: p.user_message.id,
      content: p.user_message.content,
      state: 'sent',
      runId,
      createdAt: p.user_message.created_at,
      ...(p.user_message.continue_run ? { continueRun: true } : {}),
    };
    items = insertBeforePending(items, asked);
  }
  return { ...chat, items, activeRunId: runId };
}

const unfinishedToolError = (status: 'completed' | 'interrupted' | 'failed'): ErrorBody =>
  status === 'interrupted' ? CANCELLED_TOOL_CALL : { type: 'processing_error', message: 'Did not finish' };

/** Applies one event known to be the next in its run. */
function applyInOrder(chat: SessionChat, event: RunEvent, receivedAt: number): SessionChat {
  const runId = event.payload.run_id;
  let next = chat;
  switch (event.type) {
    case 'run_started': {
      next = placeRunStart(next, event.payload);
      next = updateTurn(next, runId, (t) => ({
        ...t,
        messageId: event.payload.message_id,
        startedAt: event.payload.timestamp,
        status: 'running',
      }));
      break;
    }
    case 'agent_thought': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) => ({
        ...t,
        thoughts: [...t.thoughts, { step: p.step, kind: p.kind, content: p.content, ...(p.tool_name ? { toolName: p.tool_name } : {}) }],
      }));
      break;
    }
    case 'tool_call_start': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) => setTool(t, p.tool_call_id, { name: p.tool_name, args: p.tool_args, state: 'running' }, p.part));
      break;
    }
    case 'tool_call_result': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) =>
        setTool(t, p.tool_call_id, { name: p.tool_name, state: 'done', result: p.tool_result, durationMs: p.duration_ms }),
      );
      break;
    }
    case 'tool_error': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) =>
        setTool(t, p.tool_call_id, { name: p.tool_name, state: 'failed', error: p.error, durationMs: p.duration_ms }),
      );
      break;
    }
    case 'agent_response_chunk': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) => ({ ...appendText(t, p.part, p.delta), messageId: t.messageId ?? p.message_id }));
      if (next.firstChunkAt[runId] === undefined) next = { ...next, firstChunkAt: { ...next.firstChunkAt, [runId]: receivedAt } };
      break;
    }
    case 'conversation_complete': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) => {
        const toolCalls = { ...t.toolCalls };
        for (const [id, tool] of Object.entries(toolCalls)) {
          if (tool.state === 'running') toolCalls[id] = { ...tool, state: 'failed', error: unfinishedToolError(p.status) };
        }
        const parts: (PartView | undefined)[] = partViews(p.parts);
        // Tool calls this tab saw start but the final list does not name still keep a card.
        for (const id of Object.keys(toolCalls)) if (!p.parts.some((q) => q.type === 'tool_call' && q.tool_call_id === id)) parts.push({ kind: 'tool', id });
        for (const q of p.parts) {
          if (q.type === 'tool_call' && !toolCalls[q.tool_call_id]) {
            toolCalls[q.tool_call_id] = { id: q.tool_call_id, name: q.tool_name, args: {}, state: 'failed', error: unfinishedToolError(p.status) };
          }
        }
        return {
          ...t,
          messageId: p.message_id,
          parts,
          content: textOfViews(parts),
          status: p.status,
          toolCalls,
          timings: { firstChunkMs: p.timings.first_chunk_ms, totalMs: p.timings.total_ms },
          ...(p.usage ? { usage: p.usage } : {}),
          ...(p.error ? { error: p.error } : {}),
        };
      });
      if (next.activeRunId === runId) next = { ...next, activeRunId: null };
      break;
    }
    case 'error': {
      const { type, message, retry_after_ms, details } = event.payload;
      next = updateTurn(next, runId, (t) => ({
        ...t,
        error: { type, message, ...(retry_after_ms !== undefined ? { retry_after_ms } : {}), ...(details !== undefined ? { details } : {}) },
      }));
      break;
    }
    case 'agent_debug': {
      const p = event.payload;
      next = updateTurn(next, runId, (t) => ({ ...t, debug: [...t.debug, p] }));
      break;
    }
  }
  next = updateTurn(next, runId, (t) => ({ ...t, appliedSeq: event.payload.seq }));
  return { ...next, items: ensureTurnItem(next.items, runId) };
}

/** A rolled-back run: its rows are gone from the server, so its question and answer leave the view. */
export function discardRun(chat: SessionChat, runId: string): SessionChat {
  const turns = { ...chat.turns };
  delete turns[runId];
  return {
    ...chat,
    turns,
    items: chat.items.filter((i) => (i.kind === 'turn' ? i.runId !== runId : !(i.runId === runId && i.state === 'sent'))),
    activeRunId: chat.activeRunId === runId ? null : chat.activeRunId,
  };
}
