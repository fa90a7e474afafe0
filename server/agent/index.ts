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
 * or, all of it at once for createServer: `createAgentRuntime(config, { db, log, clock, agents })`
 * (each agent's model defaults to modelFor(agent, config.llm); tests pass a ScriptedChatModel).
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
import { sqlOf, type Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { ConversationHandler } from './ConversationHandler.ts';
import type { AgentDeps } from './deps.ts';
import { deleteRun, failRun, RUN_STORE_STATEMENTS } from './runStore.ts';
import { modelFor } from './chatModel.ts';
import type { AgentDefinition } from './defineAgent.ts';
import { graphFor } from './graph.ts';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors.ts';
import type { AgentRegistry } from './registry.ts';

export { ConversationHandler, type ConversationHandlerOptions } from './ConversationHandler.ts';
export { defineAgent, AgentDefinitionError, type AgentDefinition, type PromptContext } from './defineAgent.ts';
export { createAgentRegistry, type AgentRegistry } from './registry.ts';
export { GenericOfflineModel } from './offline/GenericOfflineModel.ts';
export type { AgentDeps } from './deps.ts';
export type { ConversationRunner, StreamOptions } from './types.ts';
export { deleteRun, failRun } from './runStore.ts';
export { createChatModel, modelFor } from './chatModel.ts';
export { withToolContext, toolContext, type ToolContext } from './toolContext.ts';
export { ToolError } from './toolError.ts';

/**
 * Everything createServer needs from the agent side, serving the registry's
 * agents: each session is answered by the agent it recorded
 * (chat_sessions.agent_name), read once when its runner first runs.
 */
export function createAgentRuntime(
  config: Config,
  deps: { db: Db; log: Logger; clock?: Clock; agents: AgentRegistry; model?: BaseChatModel },
): AgentRuntime {
  const clock = deps.clock ?? systemClock;
  const log = deps.log.child({ component: 'agent' });
  const depsByAgent = new Map<string, AgentDeps>();
  for (const agent of deps.agents.list()) {
    const model = deps.model ?? modelFor(agent, config.llm, { now: () => clock.now() });
    depsByAgent.set(agent.name, {
      db: deps.db,
      log,
      clock,
      model,
      toolTimeoutMs: config.toolTimeoutMs,
      debug: config.agentDebug,
      exposeErrors: config.isDevelopment,
    });
    // Compile now rather than during the first user's run.
    graphFor(agent, agent.model ?? model);
  }
  // Which agent answers a session never changes, so it is read once; bounded like the handler cache.
  const sessionAgents = new LRUCache<string, string>({ max: Math.max(1000, config.handlerCache.max * 2) });
  const activeRuns = new Map<string, number>();
  const countRun = (agent: string, delta: number) => activeRuns.set(agent, (activeRuns.get(agent) ?? 0) + delta);

  async function handlerFor(userId: string, sessionId: string): Promise<ConversationHandler> {
    let name = sessionAgents.get(sessionId);
    if (!name) {
      const [row] = await sqlOf(deps.db).rows<{ agentName: string }>(
        'SELECT agent_name AS "agentName" FROM chat_sessions WHERE id = $1::uuid AND user_id = $2::uuid',
        [sessionId, userId],
      );
      if (!row) throw new AppError('not_found', 'Session not found');
      name = row.agentName;
      sessionAgents.set(sessionId, name);
    }
    const agent = deps.agents.get(name);
    if (!agent) throw new AppError('not_found', `This session's agent (${name}) is not served here`);
    return new ConversationHandler({ userId, sessionId, agent, deps: depsByAgent.get(agent.name)! });
  }

  return {
    knowSessionAgent: (sessionId, agentName) => {
      if (!sessionAgents.has(sessionId)) sessionAgents.set(sessionId, agentName);
    },
    createRunner: (userId, sessionId) => {
      let handler: Promise<ConversationHandler> | undefined;
      return {
        userId,
        sessionId,
        async *streamResponse(content, options) {
          handler ??= handlerFor(userId, sessionId);
          handler.catch(() => (handler = undefined));
          const h = await handler;
          countRun(h.agent.name, 1);
          try {
            yield* h.streamResponse(content, options);
          } finally {
            countRun(h.agent.name, -1);
          }
        },
      };
    },
    activity: (sessionIds) =>
      deps.agents.list().map((agent) => ({
        name: agent.name,
        activeSessions: sessionIds.filter((id) => sessionAgents.peek(id) === agent.name).length,
        activeRuns: activeRuns.get(agent.name) ?? 0,
      })),
    runStore: {
      discardRun: async (runId) => {
        await deleteRun(deps.db, runId);
      },
      failRun: (runId, message) => failRun(deps.db, runId, message, new Date(clock.now())),
      statements: RUN_STORE_STATEMENTS,
    },
  };
}
