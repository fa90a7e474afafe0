/**
 * What stored assistant and tool messages carry in `metadata` (the
 * conversation_messages.metadata column; `metadata` of a HistoryMessage).
 * The server writes it through these types and the web app reads it with
 * these schemas: one contract, and one text for a cancelled tool call.
 */
import { z } from 'zod';
import { ErrorBodySchema, type ErrorBody } from './errors.ts';
import { ThoughtKindSchema, UsageSchema } from './protocol.ts';

/** How a tool call the run stopped before it answered reads, live and after a reload. */
export const CANCELLED_TOOL_CALL: ErrorBody = { type: 'tool_error', message: 'Stopped before it finished' };

export const StoredThoughtSchema = z.object({
  step: z.number().int().nonnegative(),
  kind: ThoughtKindSchema,
  content: z.string(),
  tool_name: z.string().optional(),
});
export type StoredThought = z.infer<typeof StoredThoughtSchema>;

/**
 * An assistant message: either a step that called tools (`kind: 'tool_calls'`,
 * with that step's usage), or the run's final answer with the thoughts
 * timeline, timings, total usage and the failure if there was one.
 */
export const AssistantMetadataSchema = z.object({
  step: z.number().int().nonnegative().optional(),
  kind: z.literal('tool_calls').optional(),
  thoughts: z.array(StoredThoughtSchema).optional(),
  timings: z
    .object({ first_chunk_ms: z.number().nonnegative().nullable(), total_ms: z.number().nonnegative() })
    .optional(),
  usage: UsageSchema.optional(),
  error: ErrorBodySchema.optional(),
});
export type AssistantMetadata = z.infer<typeof AssistantMetadataSchema>;

/** A tool message: how long the call took, its arguments, its error; `cancelled` when the run stopped first. */
export const ToolMetadataSchema = z.object({
  duration_ms: z.number().nonnegative().optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  error: ErrorBodySchema.optional(),
  cancelled: z.literal(true).optional(),
});
export type ToolMetadata = z.infer<typeof ToolMetadataSchema>;

/** Stored metadata read leniently: rows written before a field existed still show what they have. */
export function readAssistantMetadata(raw: unknown): AssistantMetadata {
  const parsed = AssistantMetadataSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const out: AssistantMetadata = {};
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const key of Object.keys(AssistantMetadataSchema.shape) as Array<keyof AssistantMetadata>) {
    const field = AssistantMetadataSchema.shape[key].safeParse(o[key]);
    if (field.success && field.data !== undefined) (out as Record<string, unknown>)[key] = field.data;
  }
  return out;
}

export function readToolMetadata(raw: unknown): ToolMetadata {
  const parsed = ToolMetadataSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const out: ToolMetadata = {};
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const key of Object.keys(ToolMetadataSchema.shape) as Array<keyof ToolMetadata>) {
    const field = ToolMetadataSchema.shape[key].safeParse(o[key]);
    if (field.success && field.data !== undefined) (out as Record<string, unknown>)[key] = field.data;
  }
  return out;
}
