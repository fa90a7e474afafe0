/**
 * Cancellation latency: from aborting a run's signal to its
 * `conversation_complete` (status interrupted, partial answer and cancelled
 * tool calls already stored), in three situations:
 * - mid-answer, with a model stream that only ends when aborted;
 * - mid-tool, with a tool that never answers and ignores its signal;
 * - mid-answer of the offline model (a long Chinese daily report).
 * The budget is 200 ms. The baseline is the same handler's write of a
 * completed one-line answer (run start to conversation_complete), in the same
 * process: most of a cancellation is storing the run's end.
 *
 *   npm run bench -- cancellation
 *   npx tsx bench/cancellation.bench.ts
 */
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import type { RunEvent } from '../shared/protocol.ts';
import { ConversationHandler } from '../server/agent/ConversationHandler.ts';
import { defineAgent } from '../server/agent/defineAgent.ts';
import type { AgentDeps } from '../server/agent/deps.ts';
import { LocalMailModel } from '../agents/mail/local/LocalMailModel.ts';
import { mailAssistant } from '../agents/mail/agent.ts';
import { systemClock } from '../server/time/clock.ts';
import { mailTools } from '../agents/mail/tools/index.ts';
import { ScriptedChatModel } from '../tests/helpers/scriptedModel.ts';
import { runIfMain, type BenchContext } from './support/context.ts';
import { REFERENCE_DEMO } from '../server/mail/demo/referenceDemo.ts';
import { formatTable, ms, summarize } from './support/stats.ts';

const RUNS = 30;

const stuckTool = tool(async () => new Promise<string>(() => undefined), {
  name: 'stuck_tool',
  description: 'Never answers.',
  schema: z.object({}),
});
const agentWithStuckTool = defineAgent({ name: 'cancellation-bench', systemPrompt: 'Bench agent.', tools: [...mailTools, stuckTool], maxSteps: 4 });

/** Milliseconds from `abortWhen` first holding (when the signal is aborted) to conversation_complete. */
async function abortLatency(handler: ConversationHandler, question: string, abortWhen: (e: RunEvent, chunks: number) => boolean): Promise<number> {
  const controller = new AbortController();
  let abortedAt: number | undefined;
  let chunks = 0;
  for await (const e of handler.streamResponse(question, { signal: controller.signal })) {
    if (e.type === 'agent_response_chunk') chunks++;
    if (e.type === 'conversation_complete') {
      if (e.payload.status !== 'interrupted' || abortedAt === undefined) throw new Error(`run ended ${e.payload.status} before the abort`);
      return performance.now() - abortedAt;
    }
    if (abortedAt === undefined && abortWhen(e, chunks)) {
      abortedAt = performance.now();
      controller.abort();
    }
  }
  throw new Error('no conversation_complete');
}

export default async function cancellation(ctx: BenchContext): Promise<void> {
  const bench = await ctx.demoDatabase();
  // The demo's "now", so that "yesterday" has a report.
  const demoClock = { now: () => REFERENCE_DEMO.anchor.getTime() };
  const handler = async (agent: typeof mailAssistant, model: AgentDeps['model'], clock = systemClock) => {
    const session = await bench.db.chatSession.create({ data: { userId: bench.userId }, select: { id: true } });
    const deps: AgentDeps = { db: bench.db, log: ctx.log, clock, model, toolTimeoutMs: 60_000 };
    return new ConversationHandler({ userId: bench.userId, sessionId: session.id, agent, deps });
  };

  const cases: Record<string, () => Promise<number>> = {
    'baseline: a complete one-line run': async () => {
      const h = await handler(mailAssistant, new ScriptedChatModel([{ text: 'Done.' }]));
      const t0 = performance.now();
      for await (const _ of h.streamResponse('hi')) void _;
      return performance.now() - t0;
    },
    'abort mid-answer (open model stream)': async () =>
      abortLatency(await handler(mailAssistant, new ScriptedChatModel([{ text: 'Here:\n' + 'word '.repeat(500), tokenDelayMs: 2, hang: true }])), 'tell me', (_e, n) => n === 10),
    'abort mid-tool (tool ignores its signal)': async () =>
      abortLatency(await handler(agentWithStuckTool, new ScriptedChatModel([{ toolCalls: [{ name: 'stuck_tool', args: {} }] }])), 'go', (e) => e.type === 'tool_call_start'),
    'abort mid-answer (offline model, 昨天的日报)': async () =>
      abortLatency(await handler(mailAssistant, new LocalMailModel(), demoClock), '昨天的日报', (_e, n) => n === 20),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const run of Object.values(cases)) await run(); // warm-up
  for (let i = 0; i < RUNS; i++) for (const [name, run] of Object.entries(cases)) samples[name]!.push(await run());

  const base = summarize(samples['baseline: a complete one-line run']!).medianMs;
  ctx.print(`Abort → conversation_complete, ${RUNS} runs each (budget 200 ms)`);
  ctx.print(
    formatTable(
      ['case', 'median ms', 'p95 ms', 'max ms', 'median vs baseline'],
      Object.entries(samples).map(([name, s]) => {
        const t = summarize(s);
        return [name, ms(t.medianMs), ms(t.p95Ms), ms(t.maxMs), `${(t.medianMs / base).toFixed(2)}×`];
      }),
    ),
  );
}

runIfMain(import.meta.url, cancellation);
