import type { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { ErrorBody } from '../../shared/errors.ts';

/**
 * What the agent graph writes to LangGraph's `custom` stream while it runs.
 * Everything a run produces travels through this one ordered channel, so the
 * handler sees model chunks, turn ends and tool events in the order they
 * happened.
 */
export type GraphStreamEvent =
  | { kind: 'turn_start'; step: number; final: boolean }
  | { kind: 'model_chunk'; step: number; chunk: AIMessageChunk }
  | { kind: 'turn_end'; step: number; message: AIMessage; durationMs: number; stepLimitReached: boolean }
  | { kind: 'tools_start'; step: number; count: number }
  | { kind: 'tool_start'; step: number; id: string; name: string; args: Record<string, unknown> }
  | ({ kind: 'tool_end'; step: number; id: string; name: string; args: Record<string, unknown>; durationMs: number; content: string } & (
      | { ok: true; result: unknown }
      | { ok: false; error: ErrorBody }
    ))
  | { kind: 'tools_end'; step: number; durationMs: number };
