/**
 * The agent runtime, as the gateway and the CLI use it.
 *
 *   const model = modelFor(agent, config.llm, { now });   // the agent's offline model, or LLM_PROVIDER's
 *   const handler = new ConversationHandler({
 *     userId, sessionId, agent,
 *     deps: { db, log, clock, model, toolTimeoutMs: config.toolTimeoutMs, debug: config.agentDebug,
 *             exposeErrors: config.isDevelopment },
 *   });
 *   for await (const event of handler.streamResponse(text, { signal, runId, userMessageId, clientMessageId })) …
 *
 * or, all of it at once for createServer: `createAgentRuntime(config, { db, log, clock, agent })`
 * (the model defaults to modelFor(agent, config.llm); tests pass a ScriptedChatModel).
 *
 * Stored rows (conversation_messages, in `position` order) of one run:
 * - the user message;
 * - per tool-using model turn, an assistant row with `tool_calls` [{id, name, args}],
 *   `metadata: {step, kind: 'tool_calls'}` and as content the text the model wrote
 *   before choosing tools (shown as a thought, not as an answer), followed by one
 *   tool row per call (`tool_call_id`, `tool_name`, content = the result as JSON or
 *   "Error: …", status failed for tool errors, `metadata: {duration_ms, args, error?}`;
 *   `{cancelled: true}` when the run stopped before the tool answered);
 * - the answer: an assistant row whose id is the run's `message_id`, content = the
 *   streamed answer, status completed | interrupted | failed, and
 *   `metadata: {thoughts: [{step, kind, content, tool_name?}], timings, usage?, error?}`.
 */
import type { Config } from '../config.ts';
import type { AgentRuntime } from '../createServer.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { ConversationHandler } from './ConversationHandler.ts';
import type { AgentDeps } from './deps.ts';
import { deleteRun, failRun, interruptRunningRuns } from './runStore.ts';
import { modelFor } from './chatModel.ts';
import type { AgentDefinition } from './defineAgent.ts';
import { graphFor } from './graph.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

export { ConversationHandler, type ConversationHandlerOptions } from './ConversationHandler.ts';
export { defineAgent, type AgentDefinition, type PromptContext } from './defineAgent.ts';
export type { AgentDeps } from './deps.ts';
export type { ConversationRunner, StreamOptions } from './types.ts';
export { deleteRun, failRun, interruptRunningRuns } from './runStore.ts';
export { createChatModel, modelFor } from './chatModel.ts';
export { withToolContext, toolContext, type ToolContext } from './toolContext.ts';
export { ToolError } from './toolError.ts';

/** Everything createServer needs from the agent side, serving `deps.agent`. */
export function createAgentRuntime(
  config: Config,
  deps: { db: Db; log: Logger; clock?: Clock; agent: AgentDefinition; model?: BaseChatModel },
): AgentRuntime {
  const agent = deps.agent;
  const clock = deps.clock ?? systemClock;
  const agentDeps: AgentDeps = {
    db: deps.db,
    log: deps.log.child({ component: 'agent' }),
    clock,
    model: deps.model ?? modelFor(agent, config.llm, { now: () => clock.now() }),
    toolTimeoutMs: config.toolTimeoutMs,
    debug: config.agentDebug,
    exposeErrors: config.isDevelopment,
  };
  // Compile now rather than during the first user's run.
  graphFor(agent, agent.model ?? agentDeps.model);
  return {
    createRunner: (userId, sessionId) => new ConversationHandler({ userId, sessionId, agent, deps: agentDeps }),
    runStore: {
      discardRun: async (runId) => {
        await deleteRun(deps.db, runId);
      },
      failRun: (runId, message) => failRun(deps.db, runId, message, new Date(clock.now())),
    },
    interruptAbandonedRuns: () => interruptRunningRuns(deps.db, new Date(clock.now())),
  };
}
