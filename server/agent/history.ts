/**
 * Model input from the stored conversation (read with the run's start:
 * runStore.beginRun). The rows are the only copy of a conversation, so the
 * graph state of every run starts here — also after a restart. Repairs what an interruption or a crash can leave behind, so that
 * strict OpenAI-compatible servers accept the history.
 */
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { z } from 'zod';

/** How many stored messages a run sees at most (newest ones). */
export const HISTORY_WINDOW = 60;

/**
 * What the model reads for a Continue-after-Stop message (stored flagged,
 * without text): its context ends with the stopped answer, then this.
 */
export const CONTINUE_INSTRUCTION =
  'Continue your previous answer from exactly where it stopped. Do not repeat what you already wrote.';

export const CANCELLED_TOOL_RESULT = 'Cancelled: the run was interrupted before this tool finished.';

const StoredToolCallsSchema = z.array(z.object({ id: z.string(), name: z.string(), args: z.record(z.string(), z.unknown()) }));

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  status: 'completed' | 'interrupted' | 'failed';
  toolCalls: unknown;
  toolCallId: string | null;
  toolName: string | null;
  /** User messages: Continue after Stop (read as CONTINUE_INSTRUCTION). */
  continueRun?: boolean;
}

/**
 * Rows → LangChain messages: starts at a user message, gives every tool call
 * a result (a "cancelled" one if none was stored), drops tool results that
 * answer no call, and skips empty assistant turns.
 */
export function toModelMessages(rows: StoredMessage[]): BaseMessage[] {
  const start = rows.findIndex((r) => r.role === 'user');
  if (start < 0) return [];
  const out: BaseMessage[] = [];
  let open: { id: string; name: string }[] = [];
  const closeOpenCalls = () => {
    for (const call of open) {
      out.push(new ToolMessage({ content: CANCELLED_TOOL_RESULT, tool_call_id: call.id, name: call.name, status: 'error' }));
    }
    open = [];
  };
  for (const row of rows.slice(start)) {
    if (row.role === 'tool') {
      const i = open.findIndex((c) => c.id === row.toolCallId);
      if (i < 0) continue;
      open.splice(i, 1);
      out.push(
        new ToolMessage({
          content: row.content,
          tool_call_id: row.toolCallId!,
          name: row.toolName ?? undefined,
          status: row.status === 'failed' ? 'error' : 'success',
        }),
      );
      continue;
    }
    closeOpenCalls();
    if (row.role === 'user') {
      out.push(new HumanMessage({ content: row.continueRun ? CONTINUE_INSTRUCTION : row.content, id: row.id }));
      continue;
    }
    const parsed = StoredToolCallsSchema.safeParse(row.toolCalls ?? []);
    const toolCalls = parsed.success ? parsed.data : [];
    if (!row.content && toolCalls.length === 0) continue;
    out.push(
      new AIMessage({
        content: row.content,
        id: row.id,
        tool_calls: toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.args, type: 'tool_call' as const })),
      }),
    );
    open = toolCalls.map((c) => ({ id: c.id, name: c.name }));
  }
  closeOpenCalls();
  return out;
}
