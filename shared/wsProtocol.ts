/**
 * The plain WebSocket protocol (ws://host:port/), for clients that do not
 * speak Socket.IO: JSON text frames with an `event` field (seed 001, §2–§6).
 * Same runs, same persistence as the Socket.IO protocol (shared/protocol.ts);
 * the server translates each run event into these messages.
 */
import { z } from 'zod';
import { ErrorTypeSchema } from './errors.ts';
import { MAX_MESSAGE_CHARS, MultitaskStrategySchema } from './protocol.ts';
import { HistoryMessageSchema } from './api.ts';
import { MessagePartSchema } from './parts.ts';

/** Frames longer than this (bytes) are refused with a validation_error; the connection stays open. */
export const WS_MAX_FRAME_BYTES = 64 * 1024;

// ---------------------------------------------------------------- client → server

const SessionId = z.uuid('session_id must be a session id (UUID)');

export const WsClientMessageSchemas = {
  /** First message instead of a token in the URL or the Authorization header. */
  auth: z.object({ event: z.literal('auth'), token: z.string().min(1, 'token is empty').max(4096) }),
  'user.create_session': z.object({
    event: z.literal('user.create_session'),
    /** Which served agent answers (GET /api/agents); default: the server's first. */
    agent: z.string().trim().min(1).max(100).optional(),
    title: z.string().trim().min(1).max(200).optional(),
  }),
  'user.message': z
    .object({
      event: z.literal('user.message'),
      session_id: SessionId,
      /** The question; not used (may be omitted) with `continue_run`. */
      content: z
        .string({ error: 'content must be a string' })
        .trim()
        .min(1, 'Message is empty')
        .max(MAX_MESSAGE_CHARS, `Message is longer than ${MAX_MESSAGE_CHARS} characters`)
        .optional(),
      /** What happens while a run is active; default `reject` ("Agent is already running"). */
      multitask_strategy: MultitaskStrategySchema.optional(),
      client_message_id: z.string().max(100).optional(),
      /** Continue after Stop: the agent goes on from the session's stopped answer (as Socket.IO `user_message`). */
      continue_run: z.boolean().optional(),
    })
    .refine((m) => m.continue_run === true || m.content !== undefined, { message: 'Message is empty', path: ['content'] }),
  'user.cancel': z.object({ event: z.literal('user.cancel'), session_id: SessionId }),
  'user.join_session': z.object({
    event: z.literal('user.join_session'),
    session_id: SessionId,
    /** The last `seq` of the active run this client saw: only later events are replayed. */
    after_seq: z.number().int().nonnegative().optional(),
  }),
} as const;

export type WsClientEvent = keyof typeof WsClientMessageSchemas;
export const WS_CLIENT_EVENTS = Object.keys(WsClientMessageSchemas) as WsClientEvent[];
export type WsClientMessage = { [K in WsClientEvent]: z.infer<(typeof WsClientMessageSchemas)[K]> }[WsClientEvent];

/** Every client message has an `event` naming one of WS_CLIENT_EVENTS. */
export const WsEnvelopeSchema = z.object({ event: z.string({ error: 'event must be a string' }).min(1, 'event is missing') }).loose();

// ---------------------------------------------------------------- server → client

/** Every server message carries these; run messages also carry run_id and seq (as the Socket.IO events do). */
const Base = z.object({
  session_id: z.string().nullable(),
  /** ISO 8601, like the seed's clients send. */
  timestamp: z.string(),
});
const RunFields = { run_id: z.string(), seq: z.number().int().positive() };

export const WsServerMessageSchemas = {
  'system.connected': Base.extend({
    event: z.literal('system.connected'),
    connection_id: z.string(),
    /** Null until an `auth` message signs the connection in. */
    user: z.object({ id: z.string(), name: z.string(), guest: z.boolean() }).nullable(),
    agents: z.array(z.string()),
  }),
  'auth.ok': Base.extend({ event: z.literal('auth.ok'), user: z.object({ id: z.string(), name: z.string(), guest: z.boolean() }) }),
  'auth.error': Base.extend({ event: z.literal('auth.error'), error: z.string() }),
  'agent.session_created': Base.extend({ event: z.literal('agent.session_created'), session_id: z.string(), agent: z.string() }),
  'agent.session_joined': Base.extend({
    event: z.literal('agent.session_joined'),
    session_id: z.string(),
    agent: z.string(),
    /** Stored messages, without those of the active run (its events follow). */
    messages: z.array(HistoryMessageSchema),
    active_run_id: z.string().nullable(),
  }),
  /** A run began: the user's message as stored (every watcher sees what was asked). */
  'agent.run_started': Base.extend({
    event: z.literal('agent.run_started'),
    ...RunFields,
    message_id: z.string(),
    user_message: z.object({
      id: z.string(),
      content: z.string(),
      /** Continue after Stop (`content` is empty). */
      continue_run: z.boolean().optional(),
    }),
    client_message_id: z.string().optional(),
  }),
  'agent.thinking': Base.extend({
    event: z.literal('agent.thinking'),
    ...RunFields,
    content: z.string(),
    metadata: z.object({ step: z.number().int(), kind: z.string(), tool: z.string().optional() }),
  }),
  'agent.tool_call': Base.extend({
    event: z.literal('agent.tool_call'),
    ...RunFields,
    step_id: z.string(),
    part: z.number().int().nonnegative().optional(),
    metadata: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()), status: z.literal('running') }),
  }),
  'agent.tool_result': Base.extend({
    event: z.literal('agent.tool_result'),
    ...RunFields,
    step_id: z.string(),
    /** The tool's result (string or JSON value); for a failed call, the error message. */
    content: z.unknown(),
    metadata: z.object({ tool: z.string(), status: z.enum(['success', 'failed']), duration_ms: z.number() }),
  }),
  /**
   * Answer text as the model writes it. A run's text comes in parts (text the
   * model writes before calling tools is a part of its own); `part` numbers them.
   */
  'agent.partial_answer': Base.extend({
    event: z.literal('agent.partial_answer'),
    ...RunFields,
    content: z.string(),
    message_id: z.string(),
    part: z.number().int().nonnegative().optional(),
  }),
  /** `content` is the answer (the last model turn's text); metadata.parts has the whole run in order. */
  'agent.final_answer': Base.extend({
    event: z.literal('agent.final_answer'),
    ...RunFields,
    content: z.string(),
    message_id: z.string(),
    metadata: z.object({
      timings: z.object({ first_chunk_ms: z.number().nullable(), total_ms: z.number() }),
      usage: z.unknown().optional(),
      parts: z.array(MessagePartSchema).optional(),
    }),
  }),
  /** A run was stopped (user.cancel, a newer message with `interrupt`, shutdown): `content` is what was written. */
  'agent.interrupted': Base.extend({
    event: z.literal('agent.interrupted'),
    run_id: z.string(),
    seq: z.number().int().positive().optional(),
    content: z.string(),
    message_id: z.string().optional(),
  }),
  /** A refused request (validation_error, busy, not_found, rate_limit, …) or a failed run (with run_id). */
  'agent.error': Base.extend({
    event: z.literal('agent.error'),
    error: z.string(),
    type: ErrorTypeSchema,
    run_id: z.string().optional(),
    seq: z.number().int().positive().optional(),
    retry_after_ms: z.number().optional(),
  }),
  /** A run was rolled back (multitask `rollback`): its messages are deleted. */
  'agent.run_discarded': Base.extend({ event: z.literal('agent.run_discarded'), run_id: z.string() }),
  /** With `serve --debug` (or AGENT_DEBUG): graph node transitions and timings. */
  'agent.debug': Base.extend({ event: z.literal('agent.debug'), ...RunFields, metadata: z.record(z.string(), z.unknown()) }),
} as const;

export type WsServerEvent = keyof typeof WsServerMessageSchemas;
export type WsServerMessage = { [K in WsServerEvent]: z.infer<(typeof WsServerMessageSchemas)[K]> }[WsServerEvent];
export type WsServerMessageOf<K extends WsServerEvent> = z.infer<(typeof WsServerMessageSchemas)[K]>;

/** Any server message, validated by its `event` (tests and typed clients). */
export const WsServerMessageSchema = z.discriminatedUnion('event', Object.values(WsServerMessageSchemas) as never);
