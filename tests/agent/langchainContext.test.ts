/**
 * The agent's graphs run with light LangChain contexts (server/agent/
 * langchainContext.ts: no langsmith RunTree per node call when nothing
 * traces). What LangChain and LangGraph read from that context must still
 * work inside a graph: the run's config (getConfig), context variables, and
 * callbacks reaching nested runnables.
 */
import { describe, expect, it } from 'vitest';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { getContextVariable, setContextVariable } from '@langchain/core/context';
import { RunnableLambda } from '@langchain/core/runnables';
import { Annotation, Command, END, START, StateGraph, getConfig } from '@langchain/langgraph';
import { runToEnd } from '../../server/agent/graph.ts';
import { useLightContexts } from '../../server/agent/langchainContext.ts';

class ChainNames extends BaseCallbackHandler {
  name = 'chain_names';
  readonly started: string[] = [];
  override handleChainStart(_chain: unknown, _inputs: unknown, _runId: string, _parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, _runType?: string, runName?: string) {
    if (runName) this.started.push(runName);
  }
}

/**
 * A graph whose node calls a nested runnable reading the run's config and a
 * context variable, run by `drive` inside an outer runnable that has a
 * callback handler and sets the variable. What the node got, and the runs the
 * handler saw start.
 */
async function nestedLookup(drive: (graph: ReturnType<typeof lookupGraph>['graph'], config: { configurable: Record<string, unknown> }) => Promise<void>) {
  useLightContexts();
  const { graph, answers } = lookupGraph();
  const handler = new ChainNames();
  const outer = RunnableLambda.from(async () => {
    setContextVariable('zone', 'Europe/Berlin');
    await drive(graph, { configurable: { user: 'ada' } });
  });
  await outer.invoke(null, { callbacks: [handler] });
  return { answers, started: handler.started };
}

function lookupGraph() {
  const answers: string[] = [];
  const nested = RunnableLambda.from(async () => {
    const config = getConfig();
    return `${String(config.configurable?.user)} in ${String(getContextVariable('zone'))}`;
  }).withConfig({ runName: 'nested_lookup' });
  const State = Annotation.Root({ answer: Annotation<string>() });
  const graph = new StateGraph(State)
    .addNode('ask', async () => {
      answers.push(await nested.invoke(null));
      return { answer: answers.at(-1)! };
    })
    .addEdge(START, 'ask')
    .addEdge('ask', END)
    .compile();
  return { graph, answers };
}

describe('light LangChain contexts', () => {
  it('carry the config, context variables and callbacks into nested runnables of a graph node', async () => {
    let result: { answer: string } | undefined;
    const { answers, started } = await nestedLookup(async (graph, config) => {
      result = await graph.invoke({ answer: '' }, config);
    });

    expect(result?.answer).toBe('ada in Europe/Berlin');
    expect(answers).toEqual(['ada in Europe/Berlin']);
    expect(started).toContain('nested_lookup');
    expect(started).toContain('ask');
  });

  it('do the same in a graph run to its end by its own iterator, its input a Command to the first node, as the agent runs are (runToEnd, agentInput)', async () => {
    const { answers, started } = await nestedLookup((graph, config) =>
      runToEnd(graph, new Command<unknown, { answer: string }, 'ask'>({ update: { answer: '' }, goto: 'ask' }), config),
    );

    expect(answers).toEqual(['ada in Europe/Berlin']);
    expect(started).toContain('nested_lookup');
    expect(started).toContain('ask');
  });
});
