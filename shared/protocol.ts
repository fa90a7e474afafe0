/**
 * The Socket.IO protocol (docs/protocol.md): payload schemas and the typed event maps
 * that both the server (`socket.io`) and the web client (`socket.io-client`)
 * are parameterised with.
 */
import { z } from 'zod';
import { ErrorBodySchema, type ErrorBody } from './errors.ts';
import { MessagePartSchema } from './parts.ts';
import { text } from './validation.ts';
import { ChatSessionSchema, type HistoryMessage } from './api.ts';

export { MessagePartSchema, TextPartSchema, ToolCallPartSchema, answerOfParts, textOfParts, TEXT_PART_SEPARATOR } from './parts.ts';
export type { MessagePart, TextPart, ToolCallPart } from './parts.ts';

export const MultitaskStrategySchema = z.enum(['reject', 'enqueue', 'interrupt', 'rollback']);
export type MultitaskStrategy = z.infer<typeof MultitaskStrategySchema>;

export const RunStatusSchema = z.enum(['running', 'completed', 'interrupted', 'failed']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export type FinalRunStatus = Exclude<RunStatus, 'running'>;

export const MAX_MESSAGE_CHARS = 8000;

// ---------------------------------------------------------------- client → server

export const UserMessagePayloadSchema = z
  .object({
    session_id: z.uuid(),
    /** The question. Not used (may be omitted) with `continue_run`. */
    content: text()
      .trim()
      .min(1, 'Message is empty')
      .max(MAX_MESSAGE_CHARS, `Message is longer than ${MAX_MESSAGE_CHARS} characters`)
      .optional(),
    client_message_id: text().max(100).optional(),
    multitask_strategy: MultitaskStrategySchema.optional(),
    /**
     * The stored user message this one follows. Omitted: the end of the branch
     * in view. Given (null: the start of the chat), the message starts a new
     * branch beside the parent's other children: edit and regenerate.
     */
    parent_id: z.uuid().nullable().optional(),
    /**
     * Continue after Stop: the agent goes on from the stopped answer it sees
     * just above (send `parent_id`: that answer's question). The message is
     * stored without text and with this flag; apps show no bubble for it and
     * show its answer as the stopped one's continuation.
     */
    continue_run: z.boolean().optional(),
  })
  .refine((m) => m.continue_run === true || m.content !== undefined, { message: 'Message is empty', path: ['content'] });
export type UserMessagePayload = z.infer<typeof UserMessagePayloadSchema>;

/** The text of a question: what `content` must be (trimmed, 1–8,000 characters). */
export const MessageContentSchema = UserMessagePayloadSchema.shape.content.unwrap();

export const SessionRefPayloadSchema = z.object({ session_id: z.uuid() });
export type SessionRefPayload = z.infer<typeof SessionRefPayloadSchema>;

/**
 * join_session. With `run_id` and `after_seq` (the last seq the client has of
 * that run), the answer carries only that run's later events: from any node,
 * after a long absence, and after the node running it died.
 */
export const JoinSessionPayloadSchema = SessionRefPayloadSchema.extend({
  run_id: z.uuid().optional(),
  after_seq: z.number().int().min(0).optional(),
});
export type JoinSessionPayload = z.infer<typeof JoinSessionPayloadSchema>;

/** Shows another branch: `leaf_id` is the user message at its end. */
export const SelectBranchPayloadSchema = z.object({ session_id: z.uuid(), leaf_id: z.uuid() });
export type SelectBranchPayload = z.infer<typeof SelectBranchPayloadSchema>;

// ---------------------------------------------------------------- server → client, run events

/** Fields every event of a run carries. `seq` is 1, 2, … within the run, without gaps. */
export const RunEventBaseSchema = z.object({
  session_id: z.string(),
  run_id: z.string(),
  seq: z.number().int().positive(),
  timestamp: z.number().int(),
});

export const ThoughtKindSchema = z.enum(['reasoning', 'tool_selection', 'status']);
export type ThoughtKind = z.infer<typeof ThoughtKindSchema>;

export const UsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/**
 * Index of a part in the run's ordered parts (text and tool calls, numbered
 * from 0 across the run's model turns in the order the model produced them).
 * An index may go unused (a tool call the model began but the run dropped);
 * clients order parts by index and skip the gaps.
 */
const PartIndexSchema = z.number().int().nonnegative();

export const RunEventSchemas = {
  /**
   * First event of every run: the user's message as stored, so every tab and
   * device watching the session can show it. Added beyond the original design so
   * that a second tab sees what was asked.
   */
  run_started: RunEventBaseSchema.extend({
    user_message: z.object({
      id: z.string(),
      content: z.string(),
      created_at: z.string(),
      /** The user message it follows (null: the first); absent from servers without branches. */
      parent_id: z.string().nullable().optional(),
      /** Continue after Stop (`content` is empty): its answer continues the stopped one above it. */
      continue_run: z.boolean().optional(),
    }),
    /** Id the assistant's answer will be stored under (same as the chunks' message_id). */
    message_id: z.string(),
    client_message_id: z.string().optional(),
  }),
  /** A tool_selection thought is the model's tool calls themselves: `search_emails({"sender":"Li Wei"})`. */
  agent_thought: RunEventBaseSchema.extend({
    step: z.number().int().nonnegative(),
    kind: ThoughtKindSchema,
    content: z.string(),
    tool_name: z.string().optional(),
  }),
  tool_call_start: RunEventBaseSchema.extend({
    /** Where the call stands among the run's parts. */
    part: PartIndexSchema,
    tool_call_id: z.string(),
    tool_name: z.string(),
    tool_args: z.record(z.string(), z.unknown()),
  }),
  tool_call_result: RunEventBaseSchema.extend({
    tool_call_id: z.string(),
    tool_name: z.string(),
    tool_result: z.unknown(),
    duration_ms: z.number().nonnegative(),
  }),
  tool_error: RunEventBaseSchema.extend({
    tool_call_id: z.string(),
    tool_name: z.string(),
    error: ErrorBodySchema,
    duration_ms: z.number().nonnegative(),
  }),
  /**
   * Text, sent the moment the model writes it (no hold-back). `delta` extends
   * the text part `part`; a chunk with a new index opens a new text part.
   */
  agent_response_chunk: RunEventBaseSchema.extend({
    message_id: z.string(),
    part: PartIndexSchema,
    delta: z.string(),
  }),
  conversation_complete: RunEventBaseSchema.extend({
    message_id: z.string(),
    /**
     * The answer: the text of the run's last model turn, as stored under
     * message_id. Text written before tool calls is in `parts`, not here.
     */
    content: z.string(),
    /** The run's parts in order, complete: authoritative over the chunks and tool events. */
    parts: z.array(MessagePartSchema),
    status: z.enum(['completed', 'interrupted', 'failed']),
    timings: z.object({
      /** null when the run ended before any answer text was produced. */
      first_chunk_ms: z.number().nonnegative().nullable(),
      total_ms: z.number().nonnegative(),
    }),
    usage: UsageSchema.optional(),
    error: ErrorBodySchema.optional(),
  }),
  /** A failure inside a run (model error); followed by conversation_complete status failed. */
  error: RunEventBaseSchema.extend(ErrorBodySchema.shape),
  /** Development only (or when debug is enabled): graph node transitions and timings. */
  agent_debug: RunEventBaseSchema.extend({
    node: z.string(),
    phase: z.enum(['start', 'end']),
    duration_ms: z.number().nonnegative().optional(),
    usage: UsageSchema.optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  }),
} as const;

export type RunEventType = keyof typeof RunEventSchemas;
export const RUN_EVENT_TYPES = Object.keys(RunEventSchemas) as RunEventType[];

export type RunEventPayloads = { [K in RunEventType]: z.infer<(typeof RunEventSchemas)[K]> };

/** A run event tagged with its Socket.IO event name: what ConversationHandler yields. */
export type RunEvent = { [K in RunEventType]: { type: K; payload: RunEventPayloads[K] } }[RunEventType];

/** A run event before the handler stamps session_id, run_id, seq and timestamp. */
export type RunEventBody<K extends RunEventType> = Omit<
  RunEventPayloads[K],
  'session_id' | 'run_id' | 'seq' | 'timestamp'
>;

// ---------------------------------------------------------------- server → client, connection-level

export const ConnectionEstablishedSchema = z.object({
  sid: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  serverTime: z.number().int(),
});
export type ConnectionEstablished = z.infer<typeof ConnectionEstablishedSchema>;

export const RunDiscardedSchema = z.object({ session_id: z.string(), run_id: z.string() });
export type RunDiscarded = z.infer<typeof RunDiscardedSchema>;

/**
 * A message the server acknowledged (queued) but will never run: the session
 * was deleted or the server is shutting down before its turn came. Nothing of
 * it was stored; the sender can send it again.
 */
export const RunDroppedSchema = z.object({
  session_id: z.string(),
  run_id: z.string(),
  type: z.enum(['busy', 'not_found']),
  message: z.string(),
});
export type RunDropped = z.infer<typeof RunDroppedSchema>;

// ---------------------------------------------------------------- server → client, per user

/** Socket.IO room of every socket of one user (all tabs and devices). */
export const userRoom = (userId: string) => `user:${userId}`;

export const MailReceivedSchema = z.object({
  account_id: z.string(),
  /** Emails added by this batch. */
  count: z.number().int().positive(),
  /** Days (YYYY-MM-DD, the user's zone) whose reports were rebuilt or will be. */
  days: z.array(z.string()),
  newest_received_at: z.string(),
});
export type MailReceived = z.infer<typeof MailReceivedSchema>;

export const MailAccountStatusSchema = z.object({
  account_id: z.string(),
  status: z.enum(['idle', 'syncing', 'error']),
  message_count: z.number().int(),
  last_error: z.string().nullable(),
  last_synced_at: z.string().nullable(),
});
export type MailAccountStatus = z.infer<typeof MailAccountStatusSchema>;

/**
 * Events for every tab and device of a user, whatever session it shows: the
 * sidebar stays the same everywhere. Other features may add their own
 * (e.g. new mail) to this map.
 */
export const UserEventSchemas = {
  session_created: z.object({ session: ChatSessionSchema }),
  /** Renamed, titled from its first message, or moved to the top by new activity. */
  session_updated: z.object({ session: ChatSessionSchema }),
  session_deleted: z.object({ session_id: z.string() }),
  /** A message was queued behind a running answer (shown in every tab before it starts). */
  message_queued: z.object({
    session_id: z.string(),
    run_id: z.string(),
    message_id: z.string(),
    content: z.string(),
    /** Continue after Stop (`content` is empty). */
    continue_run: z.boolean().optional(),
    client_message_id: z.string().optional(),
    created_at: z.string(),
  }),
  run_finished: z.object({ session_id: z.string(), run_id: z.string(), status: z.enum(['completed', 'interrupted', 'failed']) }),
  /** New mail was synced from one of the user's IMAP accounts. */
  mail_received: MailReceivedSchema,
  /** A mail account's sync status changed (started, finished, failed). */
  mail_account_status: MailAccountStatusSchema,
} as const;

export type UserEventType = keyof typeof UserEventSchemas;
export const USER_EVENT_TYPES = Object.keys(UserEventSchemas) as UserEventType[];
export type UserEventPayloads = { [K in UserEventType]: z.infer<(typeof UserEventSchemas)[K]> };
type UserEventListeners = { [K in UserEventType]: (payload: UserEventPayloads[K]) => void };

/** `error` outside any run (expired token, rate limit…) has no run fields. */
export type ErrorEventPayload = ErrorBody & Partial<z.infer<typeof RunEventBaseSchema>>;

// ---------------------------------------------------------------- acknowledgements

export type AckError = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export type UserMessageAck = Ack<{ run_id: string; message_id: string; queued: boolean }>;
export type CancelAck = Ack<{ run_id: string | null }>;

export type ActiveRun = { run_id: string; status: RunStatus; events: RunEvent[] };

/** An acknowledged message waiting for its run (multitask `enqueue`, or behind an interrupt). */
export type QueuedMessage = {
  run_id: string;
  /** Id its user message will be stored under. */
  message_id: string;
  content: string;
  client_message_id?: string;
  created_at: string;
};

export type JoinSessionAck = Ack<{
  /** Stored conversation, without the rows of `active_run` and `resumed_run` (their events carry them). */
  messages: HistoryMessage[];
  /** The session's running run: its events so far (after `after_seq` when `run_id` names it). */
  active_run: ActiveRun | null;
  /** The run `run_id` names when it is no longer active: its events after `after_seq`, through conversation_complete. */
  resumed_run?: ActiveRun;
  /** Messages waiting to run, in order (the server always sends it). */
  queued?: QueuedMessage[];
  /** The user message at the end of the branch in view (null: none yet). */
  active_leaf_id?: string | null;
}>;

// ---------------------------------------------------------------- Socket.IO event maps

type RunEventListeners = { [K in RunEventType]: (payload: RunEventPayloads[K]) => void };

export interface ServerToClientEvents extends Omit<RunEventListeners, 'error'>, UserEventListeners {
  connection_established: (payload: ConnectionEstablished) => void;
  error: (payload: ErrorEventPayload) => void;
  /** A run was rolled back (multitask `rollback`): its rows are deleted; forget its messages. */
  run_discarded: (payload: RunDiscarded) => void;
  run_dropped: (payload: RunDropped) => void;
  /** Another tab or device switched the session to another branch. */
  branch_selected: (payload: SelectBranchPayload) => void;
}


export interface ClientToServerEvents {
  user_message: (payload: UserMessagePayload, ack: (response: UserMessageAck) => void) => void;
  cancel: (payload: SessionRefPayload, ack: (response: CancelAck) => void) => void;
  join_session: (payload: JoinSessionPayload, ack: (response: JoinSessionAck) => void) => void;
  leave_session: (payload: SessionRefPayload, ack: (response: Ack) => void) => void;
  select_branch: (payload: SelectBranchPayload, ack: (response: Ack) => void) => void;
}

/** Between the nodes of a deployment (through the Socket.IO adapter); validated by server/cluster/nodeBus.ts. */
export interface InterServerEvents {
  run_command: (command: unknown) => void;
  run_reply: (reply: unknown) => void;
  /** A node's plain-WebSocket clients start or stop watching a session (see gateway.ts, remote watchers). */
  ws_watch: (watch: unknown) => void;
  /** A node that just started asks the others which sessions their plain-WebSocket clients watch. */
  ws_watch_sync: (request: unknown) => void;
  /** A run notice of a session relayed to the nodes whose plain-WebSocket clients watch it. */
  session_notice: (notice: unknown) => void;
}

/** What the server keeps on each socket (`socket.data`). */
export interface SocketData {
  user: { id: string; email: string; name: string };
  tokenExpiresAt: number;
  /** The user's token version the access token was issued under (logout and password change revoke older ones). */
  tokenVersion?: number;
  /** Connected without a token (ALLOW_GUESTS=1). */
  guest?: boolean;
}
