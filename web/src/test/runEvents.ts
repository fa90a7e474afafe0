/** Builders of protocol events for store and component tests, numbered like the server numbers them. */
import type { ErrorBody } from '../../../shared/errors.ts';
import { answerOfParts, type MessagePart, type RunEvent, type RunEventBody, type RunEventPayloads, type RunEventType } from '../../../shared/protocol.ts';

export const SESSION = '00000000-0000-4000-8000-000000000001';

export function runScript(runId: string, sessionId = SESSION, start = 1_800_000_000_000) {
  let seq = 0;
  // Parts numbered as the server numbers them: text extends the open text part until a tool call takes the next place.
  let nextPart = 0;
  let textPart: number | null = null;
  const parts: MessagePart[] = [];
  const make = <K extends RunEventType>(type: K, body: RunEventBody<K>): RunEvent =>
    ({ type, payload: { session_id: sessionId, run_id: runId, seq: ++seq, timestamp: start + seq * 10, ...body } as RunEventPayloads[K] }) as RunEvent;
  const messageId = `${runId}-answer`;
  // A `content` that differs from the streamed answer replaces it (the end is authoritative).
  const finalPartsFor = (content: string | undefined): MessagePart[] => {
    const streamed = parts.filter(Boolean);
    if (content === undefined || content === answerOfParts(streamed)) return streamed;
    const before = streamed.at(-1)?.type === 'text' ? streamed.slice(0, -1) : streamed;
    return content ? [...before, { type: 'text', text: content }] : before;
  };
  return {
    messageId,
    started: (content: string, clientMessageId?: string) =>
      make('run_started', {
        user_message: { id: `${runId}-question`, content, created_at: new Date(start).toISOString() },
        message_id: messageId,
        ...(clientMessageId ? { client_message_id: clientMessageId } : {}),
      }),
    thought: (content: string, kind: 'reasoning' | 'tool_selection' | 'status' = 'reasoning', step = 0) =>
      make('agent_thought', { step, kind, content }),
    toolStart: (id: string, name: string, args: Record<string, unknown>) => {
      const part = nextPart++;
      textPart = null;
      parts[part] = { type: 'tool_call', tool_call_id: id, tool_name: name };
      return make('tool_call_start', { part, tool_call_id: id, tool_name: name, tool_args: args });
    },
    toolResult: (id: string, name: string, result: unknown, duration = 12) =>
      make('tool_call_result', { tool_call_id: id, tool_name: name, tool_result: result, duration_ms: duration }),
    toolError: (id: string, name: string, error: ErrorBody, duration = 7) =>
      make('tool_error', { tool_call_id: id, tool_name: name, error, duration_ms: duration }),
    chunk: (delta: string) => {
      if (textPart === null) {
        textPart = nextPart++;
        parts[textPart] = { type: 'text', text: '' };
      }
      (parts[textPart] as { text: string }).text += delta;
      return make('agent_response_chunk', { message_id: messageId, part: textPart, delta });
    },
    error: (error: ErrorBody) => make('error', error),
    debug: (node: string, phase: 'start' | 'end', duration?: number) =>
      make('agent_debug', { node, phase, ...(duration !== undefined ? { duration_ms: duration } : {}) }),
    /** `content` defaults to the text streamed so far; parts are the ones streamed so far unless given. */
    complete: (content?: string, status: 'completed' | 'interrupted' | 'failed' = 'completed', error?: ErrorBody, finalParts?: MessagePart[]) =>
      make('conversation_complete', {
        message_id: messageId,
        content: content ?? answerOfParts(parts.filter(Boolean)),
        parts: finalParts ?? finalPartsFor(content),
        status,
        timings: { first_chunk_ms: 120, total_ms: 480 },
        usage: { input_tokens: 30, output_tokens: 12, total_tokens: 42 },
        ...(error ? { error } : {}),
      }),
  };
}

export const emailResult = [
  {
    id: 'e1',
    from: 'li.wei@example.com',
    fromName: 'Li Wei',
    subject: 'Q3 budget draft',
    snippet: 'Here is the draft of the Q3 budget…',
    receivedAt: '2026-11-20T09:30:00.000Z',
  },
  {
    id: 'e2',
    from: 'li.wei@example.com',
    fromName: 'Li Wei',
    subject: '预算 follow-up',
    snippet: '关于第三季度预算的补充说明',
    receivedAt: '2026-11-21T02:10:00.000Z',
  },
];
