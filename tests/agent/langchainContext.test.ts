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
import { Annotation, END, START, StateGraph, getConfig } from '@langchain/langgraph';
import { runToEnd } from '../../server/agent/graph.ts';
import { useLightContexts } from '../../server/agent/langchainContext.ts';

class ChainNames extends BaseCallbackHandler {
  name = 'chain_names';
  readonly started: string[] = [];
  override handleChainStart(_chain: unknown, _inputs: unknown, _runId: string, _parentRunId?: string, _tags?: string[], _metadata?: Record<string, unknown>, _runType?: string, runName?: string) {
    if (runName) this.started.push(runName);
  }
}

describe('light LangChain contexts', () => {
  it('carry the config, context variables and callbacks into nested runnables of a graph node', async () => {
    useLightContexts();
    const nested = RunnableLambda.from(async () => {
      const config = getConfig();
      return `${String(config.configurable?.user)} in ${String(getContextVariable('zone'))}`;
    }).withConfig({ runName: 'nested_lookup' });
    const State = Annotation.Root({ answer: Annotation<string>() });
    const graph = new StateGraph(State)
      .addNode('ask', async () => ({ answer: await nested.invoke(null) }))
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile();

    const handler = new ChainNames();
    const outer = RunnableLambda.from(async () => {
      setContextVariable('zone', 'Europe/Berlin');
      return graph.invoke({ answer: '' }, { configurable: { user: 'ada' } });
    });
    const result = await outer.invoke(null, { callbacks: [handler] });

    expect(result.answer).toBe('ada in Europe/Berlin');
    expect(handler.started).toContain('nested_lookup');
    expect(handler.started).toContain('ask');
  });

  it('do the same in a graph run to its end by its own iterator, as the agent runs are (runToEnd)', async () => {
    useLightContexts();
    const nested = RunnableLambda.from(async () => {
      const config = getConfig();
      return `${String(config.configurable?.user)} in ${String(getContextVariable('zone'))}`;
    }).withConfig({ runName: 'nested_lookup' });
    let answer = '';
    const State = Annotation.Root({ answer: Annotation<string>() });
    const graph = new StateGraph(State)
      .addNode('ask', async () => ({ answer: (answer = await nested.invoke(null)) }))
      .addEdge(START, 'ask')
      .addEdge('ask', END)
      .compile();

    const handler = new ChainNames();
    const outer = RunnableLambda.from(async () => {
      setContextVariable('zone', 'Europe/Berlin');
      await runToEnd(graph, { answer: '' }, { configurable: { user: 'ada' } });
    });
    await outer.invoke(null, { callbacks: [handler] });

    expect(answer).toBe('ada in Europe/Berlin');
    expect(handler.started).toContain('nested_lookup');
    expect(handler.started).toContain('ask');
  });
});
