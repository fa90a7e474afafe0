import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';

/** What an agent's system prompt may depend on; rendered once per run. */
export interface PromptContext {
  /** The run's start, from the injected clock. */
  now: Date;
  /** The user's IANA time zone (users.timezone). */
  timezone: string;
  userName: string;
}

/**
 * An agent served by Agentwire: a module exports `defineAgent({...})` and the
 * runtime compiles it into a LangGraph graph once (per model), shared by every
 * conversation. Tools read the signed-in user from the run's context (see
 * server/agent/toolContext.ts), never from closure state, so one definition serves
 * all users.
 */
export interface AgentDefinition {
  readonly name: string;
  readonly systemPrompt: string | ((ctx: PromptContext) => string);
  readonly tools: readonly StructuredToolInterface[];
  /** Model turns per run; the last one is made without tools so the run always ends with an answer. */
  readonly maxSteps: number;
  /** A model of its own; otherwise the server's configured model (LLM_PROVIDER). */
  readonly model?: BaseChatModel;
  /**
   * The model to use when the server runs offline (LLM_PROVIDER=local): an agent
   * may ship a deterministic model that knows its tools (the mail assistant does).
   */
  readonly offlineModel?: (opts: { now: () => number }) => BaseChatModel;
}

export function defineAgent(def: AgentDefinition): AgentDefinition {
  if (!/^[a-z][a-z0-9-]*$/.test(def.name)) throw new Error(`Agent name must be kebab-case: ${def.name}`);
  if (!Number.isInteger(def.maxSteps) || def.maxSteps < 1) throw new Error(`maxSteps must be a positive integer (${def.name})`);
  const names = def.tools.map((t) => t.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`Agent ${def.name} declares tool ${duplicate} twice`);
  return Object.freeze({ ...def, tools: Object.freeze([...def.tools]) });
}

export function renderSystemPrompt(agent: AgentDefinition, ctx: PromptContext): string {
  return typeof agent.systemPrompt === 'function' ? agent.systemPrompt(ctx) : agent.systemPrompt;
}
