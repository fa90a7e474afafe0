/**
 * The agent as a LangGraph graph: a model node and a tools node in a loop,
 * compiled once per (agent definition, model) and shared by every
 * conversation. Everything run-specific — the user, their time zone, the tool
 * timeout, the abort signal — arrives with each run's config.
 */
import { randomUUID } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, type UsageMetadata } from '@langchain/core/messages';
import { Annotation, Command, END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { AgentDefinition } from './defineAgent.ts';
import { useLightContexts } from './langchainContext.ts';
import { streamTurn, type ModelDelta } from './modelStream.ts';
import { eventWriter } from './streamEvents.ts';
import { INVALID_TOOL_CALLS_KEY, createToolNode } from './toolNode.ts';
import { addUsage } from './usage.ts';

/*
 * The run's messages, each appended once. LangGraph's `messagesStateReducer`
 * also coerces message-like objects, gives ids to messages without one,
 * replaces a message whose id it has seen and honours RemoveMessage, and it
 * re-examines every message of the state on every write; this graph writes
 * only messages it built (the history, one AIMessage per turn with an id of
 * our own, the tools' ToolMessages), never twice and never to remove one.
 */
const AgentState = Annotation.Root({
  messages: Annotation<BaseMessage[], BaseMessage | BaseMessage[]>({ reducer: (left, right) => left.concat(right), default: () => [] }),
  /** Model turns taken in this run. */
  steps: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});
type State = typeof AgentState.State;

export function buildAgentGraph(agent: AgentDefinition, model: BaseChatModel) {
  // No langsmith RunTree per node call when nothing traces (process-wide; see langchainContext.ts).
  useLightContexts();
  if (agent.tools.length > 0 && typeof model.bindTools !== 'function') {
    throw new Error(`Agent ${agent.name} has tools but the model ${model.getName()} cannot bind tools`);
  }
  const withTools = agent.tools.length > 0 ? model.bindTools!([...agent.tools]) : model;

  async function agentNode(state: State, config: LangGraphRunnableConfig) {
    const step = state.steps;
    const final = step + 1 >= agent.maxSteps;
    const write = eventWriter(config);
    write({ kind: 'turn_start', step, final });
    const t0 = performance.now();
    // The last allowed turn gets no tools, so the run ends with an answer.
    const runnable = final ? model : withTools;
    const turn = new TurnAccumulator();
    await streamTurn(runnable, state.messages, config, (delta) => {
      write({ kind: 'model_chunk', step, delta });
      turn.add(delta);
    });
    const { message, stepLimitReached } = toTurnMessage(turn.message(), final);
    write({ kind: 'turn_end', step, message, durationMs: performance.now() - t0, stepLimitReached });
    // The node routes itself: a conditional edge would be a runnable of its own, called after every turn.
    return new Command({ update: { messages: [message], steps: 1 }, goto: message.tool_calls?.length ? 'tools' : END });
  }

  return new StateGraph(AgentState)
    .addNode('agent', agentNode, { ends: ['tools', END] })
    .addNode('tools', createToolNode(agent.tools))
    .addEdge(START, 'agent')
    .addEdge('tools', 'agent')
    .compile({ name: agent.name });
}

export type AgentGraph = ReturnType<typeof buildAgentGraph>;

/**
 * A run's input: its messages written straight into the state, and the
 * model node's turn. A plain `{ messages }` input is written by LangGraph's
 * `__start__` node in a superstep of its own (tasks prepared with their
 * hashed ids, a checkpoint, the node run under a config and context of its
 * own) before the model is asked; as a Command, LangGraph applies the writes
 * itself and the first superstep is the model's, as after START
 * (`npm run bench -- graphRun`: about 0.2 ms of CPU less per run, all of it
 * before the model request).
 */
export function agentInput(messages: BaseMessage[]) {
  return new Command<unknown, { messages: BaseMessage[] }, 'agent'>({ update: { messages }, goto: 'agent' });
}

/**
 * Runs the graph to its end. A run learns everything through its event sink
 * (streamEvents.ts), so the graph streams nothing (stream mode `custom`, and
 * no node writes to it) and LangGraph's own iterator is driven directly:
 * `invoke` and `stream` wrap it in a web stream twice, with an abort
 * controller and an ALS-bound setup step each, and `invoke` collects the
 * state after every step. The nodes still run as LangGraph runs them (their
 * config, callbacks and context are LangGraph's). If a LangGraph version has
 * no such iterator, it is `invoke`.
 */
export async function runToEnd<Input, Config extends object>(
  graph: { invoke(input: Input, config?: Config): Promise<unknown> },
  input: Input,
  config: Config,
): Promise<void> {
  const iterate = (graph as unknown as { _streamIterator?: (input: Input, config: Config) => AsyncGenerator<unknown> })._streamIterator;
  if (typeof iterate !== 'function') {
    await graph.invoke(input, config);
    return;
  }
  for await (const _ of iterate.call(graph, input, { ...config, streamMode: 'custom' })) void _;
}

/**
 * What a model turn's chunks add up to, kept in parts and put together once
 * at the end: the running `AIMessageChunk.concat` re-merges everything so far
 * on every token (quadratic in the answer's length). Only what the turn
 * message needs is kept: text, tool-call chunks (merged by index), usage.
 */
class TurnAccumulator {
  private readonly text: string[] = [];
  private readonly calls = new Map<string | number, { index?: number; id?: string; name?: string; args: string }>();
  private usage: UsageMetadata | undefined;

  add(c: ModelDelta) {
    if (c.text) this.text.push(c.text);
    for (const t of c.toolCalls ?? []) {
      // Chunks of one call share its index; a provider without indexes sends each call whole.
      const key = t.index ?? t.id ?? this.calls.size;
      const call = this.calls.get(key) ?? { args: '' };
      if (t.index !== undefined) call.index = t.index;
      if (t.id) call.id ??= t.id;
      if (t.name) call.name = (call.name ?? '') + t.name;
      if (t.args) call.args += t.args;
      this.calls.set(key, call);
    }
    if (c.usage) this.usage = addUsage(this.usage, c.usage);
  }

  message(): AIMessageChunk {
    return new AIMessageChunk({
      content: this.text.join(''),
      tool_call_chunks: [...this.calls.values()].map((c) => ({ type: 'tool_call_chunk' as const, index: c.index, id: c.id, name: c.name, args: c.args })),
      ...(this.usage ? { usage_metadata: this.usage } : {}),
    });
  }
}

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
    // Our own id, never the provider's: some providers reuse completion ids
    // across turns, and a reducer keyed by id (LangGraph's) would drop a turn.
    id: randomUUID(),
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
