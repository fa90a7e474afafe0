import type { MessagePart } from './parts.ts';
import type { RunEvent } from './protocol.ts';

/** A run's parts rebuilt from its events (chunks and tool starts), in part order, gaps left out. */
export function partsOfEvents(events: readonly RunEvent[]): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const e of events) {
    if (e.type === 'agent_response_chunk') {
      const p = parts[e.payload.part];
      if (p?.type === 'text') p.text += e.payload.delta;
      else parts[e.payload.part] = { type: 'text', text: e.payload.delta };
    } else if (e.type === 'tool_call_start') {
      parts[e.payload.part] = { type: 'tool_call', tool_call_id: e.payload.tool_call_id, tool_name: e.payload.tool_name };
    }
  }
  return parts.filter((p): p is MessagePart => p !== undefined);
}
