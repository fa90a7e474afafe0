/**
 * Run events (what ConversationHandler yields and Socket.IO clients receive)
 * as plain-WebSocket messages. One run ends with exactly one of
 * agent.final_answer, agent.interrupted or agent.error.
 */
import type { RunEvent } from '../../../shared/protocol.ts';
import type { WsServerMessage } from '../../../shared/wsProtocol.ts';

export const isoTime = (ms: number) => new Date(ms).toISOString();

const partOf = (payload: object) => ('part' in payload && typeof payload.part === 'number' ? { part: payload.part } : {});

export function translateRunEvent(event: RunEvent): WsServerMessage | null {
  const p = event.payload;
  const base = { session_id: p.session_id, timestamp: isoTime(p.timestamp), run_id: p.run_id, seq: p.seq };
  switch (event.type) {
    case 'run_started':
      return {
        event: 'agent.run_started',
        ...base,
        message_id: event.payload.message_id,
        user_message: {
          id: event.payload.user_message.id,
          content: event.payload.user_message.content,
          ...(event.payload.user_message.continue_run ? { continue_run: true } : {}),
        },
        ...(event.payload.client_message_id !== undefined ? { client_message_id: event.payload.client_message_id } : {}),
      };
    case 'agent_thought':
      return {
        event: 'agent.thinking',
        ...base,
        content: event.payload.content,
        metadata: { step: event.payload.step, kind: event.payload.kind, ...(event.payload.tool_name ? { tool: event.payload.tool_name } : {}) },
      };
    case 'tool_call_start':
      return {
        event: 'agent.tool_call',
        ...base,
        step_id: event.payload.tool_call_id,
        ...partOf(event.payload),
        metadata: { tool: event.payload.tool_name, args: event.payload.tool_args, status: 'running' },
      };
    case 'tool_call_result':
      return {
        event: 'agent.tool_result',
        ...base,
        step_id: event.payload.tool_call_id,
        content: event.payload.tool_result,
        metadata: { tool: event.payload.tool_name, status: 'success', duration_ms: event.payload.duration_ms },
      };
    case 'tool_error':
      return {
        event: 'agent.tool_result',
        ...base,
        step_id: event.payload.tool_call_id,
        content: event.payload.error.message,
        metadata: { tool: event.payload.tool_name, status: 'failed', duration_ms: event.payload.duration_ms },
      };
    case 'agent_response_chunk':
      return { event: 'agent.partial_answer', ...base, content: event.payload.delta, message_id: event.payload.message_id, ...partOf(event.payload) };
    case 'conversation_complete': {
      const c = event.payload;
      if (c.status === 'completed') {
        return {
          event: 'agent.final_answer',
          ...base,
          content: c.content,
          message_id: c.message_id,
          metadata: { timings: c.timings, ...(c.usage ? { usage: c.usage } : {}), ...('parts' in c && Array.isArray(c.parts) ? { parts: c.parts } : {}) },
        };
      }
      if (c.status === 'interrupted') return { event: 'agent.interrupted', ...base, content: c.content, message_id: c.message_id };
      return {
        event: 'agent.error',
        ...base,
        error: c.error?.message ?? 'The assistant failed while answering. Please try again.',
        type: c.error?.type ?? 'processing_error',
      };
    }
    case 'error':
      // The run's conversation_complete (status failed) follows with the same error: that one is the run's agent.error.
      return null;
    case 'agent_debug': {
      const { session_id: _s, run_id: _r, seq: _q, timestamp: _t, ...detail } = event.payload;
      return { event: 'agent.debug', ...base, metadata: detail };
    }
    default:
      // A run event this translation does not know yet: its Socket.IO name and payload, so nothing is lost.
      return { event: 'agent.debug', ...base, metadata: { type: (event as { type: string }).type, payload: (event as { payload: unknown }).payload } } as WsServerMessage;
  }
}
