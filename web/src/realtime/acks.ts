/** Acknowledgements checked at the boundary, like every event: a malformed answer is a clear error, not a crash later. */
import { z } from 'zod';
import { HistoryMessageSchema } from '../../../shared/api.ts';
import { ErrorBodySchema, type ErrorBody } from '../../../shared/errors.ts';
import {
  RunEventSchemas,
  RunStatusSchema,
  type ActiveRun,
  type RunEvent,
  type RunEventType,
} from '../../../shared/protocol.ts';
import type { HistoryMessage } from '../../../shared/api.ts';

const AckErrorSchema = z.object({ ok: z.literal(false), error: ErrorBodySchema });
const malformed: ErrorBody = { type: 'processing_error', message: 'The server sent an answer this app does not understand' };

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

function checkAck<S extends z.ZodType>(schema: S, raw: unknown): Checked<z.infer<S>> {
  const failed = AckErrorSchema.safeParse(raw);
  if (failed.success) return { ok: false, error: failed.data.error };
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: malformed };
}

/** A run event validated against its schema, or null. */
export function parseRunEvent(type: RunEventType, payload: unknown): RunEvent | null {
  const parsed = RunEventSchemas[type].safeParse(payload);
  return parsed.success ? ({ type, payload: parsed.data } as RunEvent) : null;
}

const RawActiveRunSchema = z.object({
  run_id: z.string(),
  status: RunStatusSchema,
  events: z.array(z.object({ type: z.string(), payload: z.unknown() })),
});

const JoinAckSchema = z.object({
  ok: z.literal(true),
  messages: z.array(HistoryMessageSchema),
  active_run: RawActiveRunSchema.nullable(),
  resumed_run: RawActiveRunSchema.optional(),
  active_leaf_id: z.string().nullable().optional(),
});

function toActiveRun(raw: z.infer<typeof RawActiveRunSchema>): ActiveRun {
  const events = raw.events
    .map((e) => (e.type in RunEventSchemas ? parseRunEvent(e.type as RunEventType, e.payload) : null))
    .filter((e): e is RunEvent => e !== null);
  return { run_id: raw.run_id, status: raw.status, events };
}

export function checkJoinAck(
  raw: unknown,
): Checked<{ messages: HistoryMessage[]; active_run: ActiveRun | null; resumed_run?: ActiveRun; active_leaf_id: string | null }> {
  const ack = checkAck(JoinAckSchema, raw);
  if (!ack.ok) return ack;
  const { active_run: active, resumed_run: resumed } = ack.value;
  return {
    ok: true,
    value: {
      messages: ack.value.messages,
      active_run: active ? toActiveRun(active) : null,
      ...(resumed ? { resumed_run: toActiveRun(resumed) } : {}),
      active_leaf_id: ack.value.active_leaf_id ?? null,
    },
  };
}

export const checkUserMessageAck = (raw: unknown) =>
  checkAck(z.object({ ok: z.literal(true), run_id: z.string(), message_id: z.string(), queued: z.boolean() }), raw);

export const checkCancelAck = (raw: unknown) =>
  checkAck(z.object({ ok: z.literal(true), run_id: z.string().nullable().default(null) }), raw);

/** `{ok: true}` with nothing else (leave_session, select_branch). */
export const checkEmptyAck = (raw: unknown) => checkAck(z.object({ ok: z.literal(true) }), raw);
