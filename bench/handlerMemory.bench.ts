/**
 * Heap cost of a cached ConversationHandler. The gateway keeps one per
 * (user, session); an idle one should hold little more than its ids, because
 * the conversation lives in PostgreSQL and the compiled graph is shared.
 *
 * Measured after forced garbage collection, per handler, over N handlers:
 * - baseline: the two id strings alone (what any cache entry holds anyway);
 * - idle handlers never used;
 * - what a completed run leaves behind, per handler (runs over the demo
 *   database with the offline model, after a warm-up so one-time caches are
 *   full).
 *
 *   npm run bench -- handlerMemory
 *   npx tsx bench/handlerMemory.bench.ts      # on its own
 */
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { ConversationHandler } from '../server/agent/ConversationHandler.ts';
import type { AgentDeps } from '../server/agent/deps.ts';
import { graphFor } from '../server/agent/graph.ts';
import { mailAssistant } from '../agents/mail/agent.ts';
import { systemClock } from '../server/time/clock.ts';
import { LocalMailModel } from '../agents/mail/local/LocalMailModel.ts';
import { runIfMain, type BenchContext } from './support/context.ts';
import { formatTable } from './support/stats.ts';

const IDLE_HANDLERS = 20_000;
const RUN_HANDLERS = 300;
const WARMUP_RUNS = 30;

/** `global.gc` without --expose-gc on the command line (bench/run.ts starts tsx without it). */
function exposeGc(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * A UUID as the gateway receives it (parsed from a JSON payload): a flat
 * string. randomUUID() returns a rope of small pieces that is several times
 * larger until something flattens it.
 */
function flatId(): string {
  return JSON.parse(`"${randomUUID()}"`) as string;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per item that `build` makes and keeps alive. */
async function bytesPerItem<T>(gc: () => void, count: number, build: (i: number) => T): Promise<{ perItem: number; kept: T[] }> {
  const before = await settledHeap(gc);
  const kept: T[] = [];
  for (let i = 0; i < count; i++) kept.push(build(i));
  const after = await settledHeap(gc);
  return { perItem: (after - before) / count, kept };
}

export default async function handlerMemory(ctx: BenchContext): Promise<void> {
  const gc = exposeGc();
  const bench = await ctx.demoDatabase();
  // The offline model keeps nothing between calls (a scripted test model records every call).
  const model = new LocalMailModel({ tokenDelayMs: 0 });
  const deps: AgentDeps = { db: bench.db, log: ctx.log, clock: systemClock, model, toolTimeoutMs: 5_000 };

  const beforeCompile = await settledHeap(gc);
  graphFor(mailAssistant, model);
  const graphBytes = (await settledHeap(gc)) - beforeCompile;

  const ids = await bytesPerItem(gc, IDLE_HANDLERS, () => [flatId(), flatId()]);
  const idle = await bytesPerItem(gc, IDLE_HANDLERS, () => new ConversationHandler({ userId: flatId(), sessionId: flatId(), agent: mailAssistant, deps }));

  // Handlers that each ran once: sessions in the demo database, a warm-up first.
  const sessions = await Promise.all(
    Array.from({ length: RUN_HANDLERS + WARMUP_RUNS }, () => bench.db.chatSession.create({ data: { userId: bench.userId }, select: { id: true } })),
  );
  const handlers = sessions.map((s) => new ConversationHandler({ userId: bench.userId, sessionId: s.id, agent: mailAssistant, deps }));
  const runOnce = async (h: ConversationHandler) => {
    for await (const e of h.streamResponse('hello')) {
      if (e.type === 'conversation_complete' && e.payload.status !== 'completed') throw new Error(`run ${e.payload.status}`);
    }
  };
  for (const h of handlers.slice(0, WARMUP_RUNS)) await runOnce(h);
  const measured = handlers.slice(WARMUP_RUNS);
  const beforeRuns = await settledHeap(gc);
  for (const h of measured) await runOnce(h);
  const retainedPerRun = ((await settledHeap(gc)) - beforeRuns) / RUN_HANDLERS;

  const kb = (b: number) => `${(b / 1024).toFixed(2)} KB`;
  ctx.print(`Heap per item after forced GC (${IDLE_HANDLERS} items; runs: ${RUN_HANDLERS} after ${WARMUP_RUNS} warm-up runs)`);
  ctx.print(
    formatTable(
      ['case', 'heap per item', 'vs. ids alone'],
      [
        ['two id strings (baseline)', kb(ids.perItem), '1.00×'],
        ['idle ConversationHandler (incl. its ids)', kb(idle.perItem), `${(idle.perItem / ids.perItem).toFixed(2)}×`],
        ['heap growth per completed run (≈ 0 expected)', kb(retainedPerRun), '—'],
      ],
    ),
  );
  ctx.print('Differences of a few hundred bytes either way are GC noise at this resolution.');
  ctx.print(`Shared, once per agent and model: compiled graph ≈ ${kb(graphBytes)}`);
  ctx.print(`Budget: < 1 MB per idle handler → ${idle.perItem < 1024 * 1024 ? 'met' : 'NOT met'} (${((idle.perItem / (1024 * 1024)) * 100).toFixed(3)}% of it)`);
  // Keep the measured objects alive until here.
  void [ids.kept.length, idle.kept.length, handlers.length];
}

runIfMain(import.meta.url, handlerMemory);
