import type { RunnableConfig } from '@langchain/core/runnables';

/** Per-run knobs of the shared graph, passed in config.configurable next to the tool context. */
export interface RunSettings {
  toolTimeoutMs: number;
  /** Put internal error details (stack, original message) in tool_error events: development only. */
  exposeErrors: boolean;
}

const KEY = 'agentwire_run_settings';

export function withRunSettings(settings: RunSettings): Record<string, unknown> {
  return { [KEY]: settings };
}

export function runSettings(config: RunnableConfig | undefined): RunSettings {
  return (config?.configurable?.[KEY] as RunSettings | undefined) ?? { toolTimeoutMs: 15_000, exposeErrors: false };
}
