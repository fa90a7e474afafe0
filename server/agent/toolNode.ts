/**
 * The graph's tools node: runs the tool calls of the last model turn in
 * parallel, each with the run's abort signal and a per-tool timeout. A tool
 * that throws or times out becomes an error result the model reads (and a
 * tool_error event); the run goes on.
 */
import { randomUUID } from 'node:crypto';
import { ToolMessage, type AIMessage } from '@langchain/core/messages';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { ToolInputParsingException } from '@langchain/core/tools';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { BaseMessage } from '@langchain/core/messages';
import type { ErrorBody } from '../../shared/errors.ts';
import { ToolError } from './toolError.ts';
import { runSettings } from './runSettings.ts';
import { eventWriter } from './streamEvents.ts';

/** Tool calls the model sent with arguments that were not JSON; the tools node answers them with an error. */
export const INVALID_TOOL_CALLS_KEY = 'agentwire_invalid_tool_calls';

class ToolTimeout extends Error {}

export function createToolNode(tools: readonly StructuredToolInterface[]) {
  const byName = new Map(tools.map((t) => [t.name, t]));

  return async function toolsNode(state: { messages: BaseMessage[]; steps: number }, config: LangGraphRunnableConfig) {
    const last = state.messages.at(-1) as AIMessage;
    const step = state.steps - 1;
    const write = eventWriter(config);
    const settings = runSettings(config);
    const invalid = (last.additional_kwargs?.[INVALID_TOOL_CALLS_KEY] ?? {}) as Record<string, string>;
    const calls = last.tool_calls ?? [];
    const started = performance.now();
    write({ kind: 'tools_start', step, count: calls.length });

    const messages = await Promise.all(
      calls.map(async (call) => {
        const id = call.id ?? randomUUID();
        const args = (call.args ?? {}) as Record<string, unknown>;
        write({ kind: 'tool_start', step, id, name: call.name, args });
        const t0 = performance.now();
        try {
          const tool = byName.get(call.name);
          if (!tool) throw new ToolError(`There is no tool named ${call.name}`);
          if (invalid[id] !== undefined) throw new ToolError(`The arguments for ${call.name} were not valid JSON: ${invalid[id]}`);
          const result = await invokeWithTimeout(tool, args, config, settings.toolTimeoutMs);
          const content = typeof result === 'string' ? result : JSON.stringify(result);
          write({ kind: 'tool_end', step, id, name: call.name, args, durationMs: performance.now() - t0, content, ok: true, result });
          return new ToolMessage({ content, tool_call_id: id, name: call.name, status: 'success' });
        } catch (err) {
          // The run itself was aborted: stop here; the handler records the call as cancelled.
          if (config.signal?.aborted) throw err;
          const error = toToolErrorBody(err, call.name, settings);
          const content = `Error: ${error.message}`;
          write({ kind: 'tool_end', step, id, name: call.name, args, durationMs: performance.now() - t0, content, ok: false, error });
          return new ToolMessage({ content, tool_call_id: id, name: call.name, status: 'error' });
        }
      }),
    );
    write({ kind: 'tools_end', step, durationMs: performance.now() - started });
    return { messages };
  };
}

/**
 * Resolves with the tool's result, or rejects when the run is aborted or the
 * timeout passes — even if the tool ignores its signal (a query already sent
 * to the database finishes in the background and its result is dropped).
 */
async function invokeWithTimeout(
  tool: StructuredToolInterface,
  args: Record<string, unknown>,
  config: LangGraphRunnableConfig,
  timeoutMs: number,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new ToolTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const runSignal = config.signal;
  const onRunAbort = () => controller.abort(runSignal?.reason);
  runSignal?.addEventListener('abort', onRunAbort, { once: true });
  if (runSignal?.aborted) onRunAbort();
  try {
    return await new Promise((resolve, reject) => {
      const signal = controller.signal;
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      tool.invoke(args, { ...config, signal }).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    runSignal?.removeEventListener('abort', onRunAbort);
  }
}

function toToolErrorBody(err: unknown, toolName: string, settings: { toolTimeoutMs: number; exposeErrors: boolean }): ErrorBody {
  if (err instanceof ToolTimeout) {
    return { type: 'tool_error', message: `${toolName} did not answer within ${settings.toolTimeoutMs} ms` };
  }
  if (err instanceof ToolError) return { type: 'tool_error', message: err.message };
  if (err instanceof ToolInputParsingException) {
    const detail = err.message.split('\n\n').slice(1).join(' ').replace(/\s+/g, ' ').trim();
    return { type: 'tool_error', message: `Invalid arguments for ${toolName}${detail ? `: ${detail}` : ''}` };
  }
  return {
    type: 'tool_error',
    message: `${toolName} failed unexpectedly`,
    ...(settings.exposeErrors ? { details: { message: (err as Error)?.message, stack: (err as Error)?.stack } } : {}),
  };
}
