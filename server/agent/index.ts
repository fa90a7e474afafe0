/**
 * The agent runtime, as the gateway and the CLI use it.
 *
 *   const model = createChatModel(config.llm);            // LLM_PROVIDER: local (offline) | openai
 *   const handler = new ConversationHandler({
 *     userId, sessionId, agent: mailAssistant,
 *     deps: { db, log, clock, model, toolTimeoutMs: config.toolTimeoutMs, debug: config.agentDebug,
 *             exposeErrors: config.isDevelopment },
 *   });
 *   for await (const event of handler.streamResponse(text, { signal, runId, userMessageId, clientMessageId })) …
 *
 * or, all of it at once for createServer: `createAgentRuntime(config, { db, log, clock })`
 * (the model defaults to createChatModel(config.llm); tests pass a ScriptedChatModel).
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
import { mailAssistant } from './mailAssistant.ts';
import { deleteRun, failRun } from './runStore.ts';
import { createChatModel } from './chatModel.ts';
import { graphFor } from './graph.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';

export { ConversationHandler, type ConversationHandlerOptions } from './ConversationHandler.ts';
export { defineAgent, type AgentDefinition, type PromptContext } from './defineAgent.ts';
export { mailAssistant } from './mailAssistant.ts';
export type { AgentDeps } from './deps.ts';
export type { ConversationRunner, StreamOptions } from './types.ts';
export { deleteRun, failRun } from './runStore.ts';
export { createChatModel } from './chatModel.ts';
export { LocalMailModel } from './local/LocalMailModel.ts';

/** Everything createServer needs from the agent side, with the mail assistant as the served agent. */
export function createAgentRuntime(
  config: Config,
  deps: { db: Db; log: Logger; clock?: Clock; model?: BaseChatModel },
): AgentRuntime {
  const clock = deps.clock ?? systemClock;
  const agentDeps: AgentDeps = {
    db: deps.db,
    log: deps.log.child({ component: 'agent' }),
    clock,
    model: deps.model ?? createChatModel(config.llm, { now: () => clock.now() }),
    toolTimeoutMs: config.toolTimeoutMs,
    debug: config.agentDebug,
    exposeErrors: config.isDevelopment,
  };
  // Compile now rather than during the first user's run.
  graphFor(mailAssistant, mailAssistant.model ?? agentDeps.model);
  return {
    createRunner: (userId, sessionId) => new ConversationHandler({ userId, sessionId, agent: mailAssistant, deps: agentDeps }),
    runStore: {
      discardRun: async (runId) => {
        await deleteRun(deps.db, runId);
      },
      failRun: (runId, message) => failRun(deps.db, runId, message, new Date(clock.now())),
    },
  };
}
