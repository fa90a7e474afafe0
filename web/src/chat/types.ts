import type { ErrorBody } from '../../../shared/errors.ts';
import type { RunEvent, RunEventPayloads, RunStatus, ThoughtKind, Usage } from '../../../shared/protocol.ts';

export type ToolCallState = 'running' | 'done' | 'failed';

export interface ToolCallView {
  id: string;
  name: string;
  args: Record<string, unknown>;
  state: ToolCallState;
  result?: unknown;
  error?: ErrorBody;
  durationMs?: number;
}

export interface ThoughtView {
  step: number;
  kind: ThoughtKind;
  content: string;
  toolName?: string;
}

export type AgentDebugView = RunEventPayloads['agent_debug'];

/** One part of a turn, in the order the model wrote it: text, or the place of a tool call (its state is in `toolCalls`). */
export type PartView = { kind: 'text'; text: string } | { kind: 'tool'; id: string };

/** The assistant's side of one run: thoughts, then its parts (text and tool calls) in order. */
export interface TurnView {
  runId: string;
  /** Id the answer is stored under; null until run_started (or for history without one). */
  messageId: string | null;
  status: RunStatus;
  thoughts: ThoughtView[];
  toolCalls: Record<string, ToolCallView>;
  /** Indexed by the protocol's part numbers; an index may be empty (a place nothing filled, or not arrived yet). */
  parts: (PartView | undefined)[];
  /** The turn's text parts joined by a blank line. */
  content: string;
  error?: ErrorBody;
  timings?: { firstChunkMs: number | null; totalMs: number };
  usage?: Usage;
  debug: AgentDebugView[];
  /** Server timestamp of run_started. */
  startedAt?: number;
  /** Highest seq applied; events at or below it are duplicates. */
  appliedSeq: number;
  /** Events that arrived ahead of a gap, applied once the gap fills. */
  pending: RunEvent[];
  /** Rebuilt from stored history: the run is over and no event changes it. */
  fromHistory: boolean;
}

export type UserMessageState = 'sending' | 'queued' | 'sent' | 'failed';

export interface UserItem {
  kind: 'user';
  /** Stable React key: the client message id for messages sent here, else the stored id. */
  key: string;
  id: string | null;
  clientMessageId?: string;
  content: string;
  state: UserMessageState;
  runId?: string;
  error?: ErrorBody;
  createdAt: string;
  /** Sent as an edit or a regenerate: the stored user message it follows (null: the first). */
  parentId?: string | null;
  /** Continue after Stop (the protocol's `continue_run`): no text, no bubble; its answer continues the stopped one. */
  continueRun?: boolean;
}

export interface TurnItem {
  kind: 'turn';
  key: string;
  runId: string;
}

export type ChatItem = UserItem | TurnItem;

export interface EventLogEntry {
  /** Local receive time (ms since epoch). */
  receivedAt: number;
  type: RunEvent['type'];
  runId: string;
  seq: number;
  /** Server timestamp minus the run's first event's. */
  sinceRunStartMs: number | null;
  duplicate: boolean;
  payload: RunEvent['payload'];
}

export interface SessionChat {
  status: 'idle' | 'loading' | 'ready' | 'error';
  items: ChatItem[];
  turns: Record<string, TurnView>;
  /** The run that is streaming now, if any. */
  activeRunId: string | null;
  error?: ErrorBody;
  /** Raw events as received, newest last, for the debug panel. */
  events: EventLogEntry[];
  /** Client-side timing: when this tab sent the message that started a run. */
  sentAt: Record<string, number>;
  /** Client-side timing: when this tab received a run's first chunk. */
  firstChunkAt: Record<string, number>;
  /** Stored user message id → the user message it follows (null: the first). See chat/branches.ts. */
  parents: Record<string, string | null>;
  /** The user message at the end of the branch in view; null: the newest. */
  leafId: string | null;
  /** Stop was pressed while the connection was down; sent once it is back. */
  stopRequested?: boolean;
}

export const emptySessionChat = (): SessionChat => ({
  status: 'idle',
  items: [],
  turns: {},
  activeRunId: null,
  events: [],
  sentAt: {},
  firstChunkAt: {},
  parents: {},
  leafId: null,
});
