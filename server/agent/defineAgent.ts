import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';

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
  /** kebab-case; what sessions record (chat_sessions.agent_name) and clients pick by. */
  readonly name: string;
  /** One line for people choosing an agent (GET /api/agents, the web app's picker). */
  readonly description?: string;
  readonly systemPrompt: string | ((ctx: PromptContext) => string);
  readonly tools: readonly StructuredToolInterface[];
  /** Model turns per run; the last one is made without tools so the run always ends with an answer. */
  readonly maxSteps: number;
  /** A model of its own; otherwise the server's configured model (LLM_PROVIDER). */
  readonly model?: BaseChatModel;
  /**
   * The model to use when the server runs offline (LLM_PROVIDER=local): an agent
   * may ship a deterministic model that knows its tools (the mail assistant does).
   * Without one, the generic offline model (server/agent/offline) drives its tools.
   */
  readonly offlineModel?: (opts: { now: () => number }) => BaseChatModel;
}

/** A definition that cannot be served: wrong name, bad maxSteps, a tool without a usable schema. */
export class AgentDefinitionError extends Error {
  override name = 'AgentDefinitionError';
}

const AGENT_NAME = /^[a-z][a-z0-9-]*$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function defineAgent(def: AgentDefinition): AgentDefinition {
  if (!def || typeof def !== 'object') throw new AgentDefinitionError('defineAgent needs an object: { name, description, systemPrompt, tools, maxSteps }');
  if (typeof def.name !== 'string' || !AGENT_NAME.test(def.name)) {
    throw new AgentDefinitionError(`Agent name must be kebab-case (like "weather-assistant"): ${JSON.stringify(def.name)}`);
  }
  if (def.description !== undefined && typeof def.description !== 'string') throw new AgentDefinitionError(`description must be a string (${def.name})`);
  if (typeof def.systemPrompt !== 'string' && typeof def.systemPrompt !== 'function') {
    throw new AgentDefinitionError(`systemPrompt must be a string or a function (${def.name})`);
  }
  if (!Number.isInteger(def.maxSteps) || def.maxSteps < 1) throw new AgentDefinitionError(`maxSteps must be a positive integer (${def.name})`);
  if (!Array.isArray(def.tools)) throw new AgentDefinitionError(`tools must be an array of LangChain tools (${def.name})`);
  def.tools.forEach((tool, i) => checkTool(def.name, tool, i));
  const names = def.tools.map((t) => t.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new AgentDefinitionError(`Agent ${def.name} declares tool ${duplicate} twice`);
  return Object.freeze({ ...def, tools: Object.freeze([...def.tools]) });
}

/** A tool the model can be told about: a name, a description and parameters that convert to a JSON schema object. */
function checkTool(agent: string, tool: StructuredToolInterface, index: number): void {
  const label = `Tool #${index + 1} of agent ${agent}`;
  if (!tool || typeof tool !== 'object' || typeof (tool as { invoke?: unknown }).invoke !== 'function') {
    throw new AgentDefinitionError(`${label} is not a LangChain tool (make it with tool(fn, { name, description, schema }))`);
  }
  if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
    throw new AgentDefinitionError(`${label} has an invalid name ${JSON.stringify(tool.name)} (letters, digits, _ and -, at most 64)`);
  }
  if (typeof tool.description !== 'string' || tool.description.trim() === '') {
    throw new AgentDefinitionError(`Tool ${tool.name} of agent ${agent} has no description (the model chooses tools by it)`);
  }
  let parameters: { type?: unknown } | undefined;
  try {
    parameters = convertToOpenAITool(tool).function.parameters as { type?: unknown } | undefined;
  } catch (err) {
    throw new AgentDefinitionError(`Tool ${tool.name} of agent ${agent} has a broken schema: ${(err as Error)?.message ?? err}`);
  }
  if (!parameters || parameters.type !== 'object') {
    throw new AgentDefinitionError(`Tool ${tool.name} of agent ${agent} has a broken schema: its parameters must be an object schema (z.object({...}))`);
  }
}

export function renderSystemPrompt(agent: AgentDefinition, ctx: PromptContext): string {
  return typeof agent.systemPrompt === 'function' ? agent.systemPrompt(ctx) : agent.systemPrompt;
}
