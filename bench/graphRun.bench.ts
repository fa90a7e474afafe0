/**
 * LangGraph's own cost per run: the agent's graph (buildAgentGraph, tools
 * bound, no database, no socket) run to its end with a model that answers at
 * once, in a loop, CPU per run from `process.cpuUsage()`. Its input as the
 * runs give it (`agentInput`: a Command to the model node), and as a plain
 * `{ messages }` (a superstep of LangGraph's `__start__` node first).
 * Baseline: the model node's work without LangGraph (`streamTurn` on the
 * same model and messages), in the same process.
 *
 *   npm run bench -- graphRun
 *   GRAPH_RUNS=10000 npm run bench -- graphRun
 */
import { z } from 'zod';
import { BaseChatModel, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { defineAgent } from '../server/agent/defineAgent.ts';
import { agentInput, buildAgentGraph, runToEnd } from '../server/agent/graph.ts';
import { streamTurn, type ModelDelta } from '../server/agent/modelStream.ts';
import { withEventSink, type GraphStreamEvent } from '../server/agent/streamEvents.ts';
import type { BenchContext } from './support/context.ts';
import { formatTable, quantile } from './support/stats.ts';

/** Answers every turn at once with one delta, as the OpenAI-compatible model hands its deltas over (streamDeltas). */
class InstantModel extends BaseChatModel {
  _llmType() {
    return 'instant';
  }

  override bindTools(_tools: BindToolsInput[]) {
    return this;
  }

  async _generate(): Promise<ChatResult> {
    return { generations: [{ text: 'Done.', message: new AIMessage('Done.') }] };
  }

  // A model that streams (streamTurn then reads it directly, by streamDeltas).
  override async *_streamResponseChunks(): AsyncGenerator<ChatGenerationChunk> {
    yield new ChatGenerationChunk({ text: 'Done.', message: new AIMessageChunk('Done.') });
  }

  async streamDeltas(_messages: BaseMessage[], _options: unknown, onDelta: (d: ModelDelta) => void): Promise<void> {
    onDelta({ text: 'Done.', reasoning: '', toolCalls: undefined, usage: undefined });
  }
}

const lookup = tool(async () => 'nothing', { name: 'lookup', description: 'Looks something up.', schema: z.object({ q: z.string() }) });
const agent = defineAgent({ name: 'bench-agent', systemPrompt: 'You answer.', tools: [lookup], maxSteps: 4 });

export default async function graphRun(ctx: BenchContext): Promise<void> {
  const runs = Number(process.env.GRAPH_RUNS ?? 3000);
  const model = new InstantModel({});
  const graph = buildAgentGraph(agent, model);
  const messages = () => [new SystemMessage('You answer.'), new HumanMessage('What did Priya send me?')];
  let events = 0;
  const sink = (_e: GraphStreamEvent) => void events++;
  const config = () => ({ signal: new AbortController().signal, recursionLimit: agent.maxSteps * 2 + 2, configurable: { ...withEventSink(sink) } });

  const cases: Record<string, () => Promise<void>> = {
    'model node alone (baseline)': () => streamTurn(model, messages(), config(), () => undefined),
    'graph, Command input (as runs are)': () => runToEnd(graph, agentInput(messages()), config()),
    'graph, plain { messages } input': () => runToEnd(graph, { messages: messages() }, config()),
  };
  const cpuPerRun = async (run: () => Promise<void>) => {
    const before = process.cpuUsage();
    for (let i = 0; i < runs; i++) await run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / runs;
  };
  // Rounds in turn, so that drift hits every case alike; the median of five.
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const run of Object.values(cases)) await cpuPerRun(run);
  for (let round = 0; round < 5; round++) for (const [k, run] of Object.entries(cases)) samples[k]!.push(await cpuPerRun(run));
  const median = (k: string) => quantile([...samples[k]!].sort((a, b) => a - b), 0.5);
  const base = median('model node alone (baseline)');
  ctx.print(`LangGraph per run: the agent's graph with a model that answers at once, ${runs} runs per round, median of five rounds (CPU ms per run)`);
  ctx.print(formatTable(['case', 'CPU/run', 'ratio', 'over baseline'], Object.keys(cases).map((k) => [k, median(k).toFixed(3), `${(median(k) / base).toFixed(2)}×`, (median(k) - base).toFixed(3)])));
  if (events === 0) throw new Error('the graph reported no events');
}
