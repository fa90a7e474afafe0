import type { RunnableConfig } from '@langchain/core/runnables';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';

/**
 * Everything a tool may know about the run calling it. The runtime puts it in
 * `config.configurable` for each run, so tools are defined once per process
 * and are still scoped to the signed-in user.
 */
export interface ToolContext {
  db: Db;
  userId: string;
  /** The user's IANA time zone: "today" and report days are meant in it. */
  timezone: string;
  /** Milliseconds since the epoch, from the injected clock. */
  now: () => number;
  log: Logger;
}

const KEY = 'agentwire_tool_context';

export function withToolContext(ctx: ToolContext): Record<string, unknown> {
  return { [KEY]: ctx };
}

export function toolContext(config: RunnableConfig | undefined): ToolContext {
  const ctx = config?.configurable?.[KEY] as ToolContext | undefined;
  if (!ctx) throw new Error('Tool called outside an agent run (no tool context in config.configurable)');
  return ctx;
}
