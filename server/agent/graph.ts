/**
 * The agent as a LangGraph graph: a model node and a tools node in a loop,
 * compiled once per (agent definition, model) and shared by every
 * conversation. Everything run-specific — the user, their time zone, the tool
 * timeout, the abort signal — arrives with each run's config.
 */
import { randomUUID } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { AgentDefinition } from './defineAgent.ts';
import type { GraphStreamEvent } from './streamEvents.ts';
import { INVALID_TOOL_CALLS_KEY, createToolNode } from './toolNode.ts';

const AgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** Model turns taken in this run. */
  steps: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});
type State = typeof AgentState.State;

export function buildAgentGraph(agent: AgentDefinition, model: BaseChatModel) {
  if (agent.tools.length > 0 && typeof model.bindTools !== 'function') {
    throw new Error(`Agent ${agent.name} has tools but the model ${model.getName()} cannot bind tools`);
  }
  const withTools = agent.tools.length > 0 ? model.bindTools!([...agent.tools]) : model;

  async function agentNode(state: State, config: LangGraphRunnableConfig) {
    const step = state.steps;
    const final = step + 1 >= agent.maxSteps;
    const write = (e: GraphStreamEvent) => config.writer?.(e);
    write({ kind: 'turn_start', step, final });
    const t0 = performance.now();
    // The last allowed turn gets no tools, so the run ends with an answer.
    const runnable = final ? model : withTools;
    let full: AIMessageChunk | undefined;
    for await (const chunk of await runnable.stream(state.messages, config)) {
      const c = chunk as AIMessageChunk;
      write({ kind: 'model_chunk', step, chunk: c });
      full = full ? full.concat(c) : c;
    }
    const { message, stepLimitReached } = toTurnMessage(full ?? new AIMessageChunk({ content: '' }), final);
    write({ kind: 'turn_end', step, message, durationMs: performance.now() - t0, stepLimitReached });
    return { messages: [message], steps: 1 };
  }

  function route(state: State) {
    const last = state.messages.at(-1) as AIMessage | undefined;
    return last?.tool_calls?.length ? 'tools' : END;
  }

  return new StateGraph(AgentState)
    .addNode('agent', agentNode)
    .addNode('tools', createToolNode(agent.tools))
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', route, ['tools', END])
    .addEdge('tools', 'agent')
    .compile({ name: agent.name });
}

export type AgentGraph = ReturnType<typeof buildAgentGraph>;

/**
 * The model turn as it goes into the graph state: text, tool calls (each with
 * an id; unparsable ones kept so the tools node can answer them with an
 * error) and usage. Provider extras such as reasoning are left out, so the
 * next turn sees what a run rebuilt from the database would see.
 */
function toTurnMessage(full: AIMessageChunk, final: boolean): { message: AIMessage; stepLimitReached: boolean } {
  const toolCalls = (full.tool_calls ?? []).map((c) => ({ ...c, id: c.id || randomUUID(), type: 'tool_call' as const }));
  const invalid: Record<string, string> = {};
  for (const c of full.invalid_tool_calls ?? []) {
    const id = c.id || randomUUID();
    invalid[id] = c.error ?? String(c.args ?? '');
    toolCalls.push({ id, name: c.name ?? 'unknown', args: {}, type: 'tool_call' });
  }
  const stepLimitReached = final && toolCalls.length > 0;
  const message = new AIMessage({
    id: full.id ?? randomUUID(),
    content: full.text,
    tool_calls: stepLimitReached ? [] : toolCalls,
    ...(full.usage_metadata ? { usage_metadata: full.usage_metadata } : {}),
    ...(Object.keys(invalid).length && !stepLimitReached ? { additional_kwargs: { [INVALID_TOOL_CALLS_KEY]: invalid } } : {}),
  });
  return { message, stepLimitReached };
}

const compiled = new WeakMap<AgentDefinition, WeakMap<BaseChatModel, AgentGraph>>();

/** The compiled graph for an agent and model, built on first use. */
export function graphFor(agent: AgentDefinition, model: BaseChatModel): AgentGraph {
  let byModel = compiled.get(agent);
  if (!byModel) compiled.set(agent, (byModel = new WeakMap()));
  let graph = byModel.get(model);
  if (!graph) byModel.set(model, (graph = buildAgentGraph(agent, model)));
  return graph;
}
