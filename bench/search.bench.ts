/**
 * Mail search latency over the demo mailbox (2,200 emails): a fixed mix of
 * English, Chinese, mixed, sender-filtered, date-ranged and paged queries
 * through searchEmails (as GET /api/emails and the search_emails tool call
 * it), against a baseline of a primary-key lookup through the same Prisma
 * client. Target (foundation issue): median under 50 ms.
 */
import { searchEmails, type EmailSearchParams } from '../server/mail/search.ts';
import { startOfDayIn, shiftDay } from '../server/time/calendar.ts';
import { REFERENCE_DEMO } from '../server/mail/demo/referenceDemo.ts';
import type { BenchContext } from './support/context.ts';
import { formatTable, measureRoundRobin, ms, summarize } from './support/stats.ts';

const WARMUP = 20;
const ITERATIONS = 200;
const TARGET_MEDIAN_MS = 50;

type Query = Omit<EmailSearchParams, 'userId' | 'limit' | 'offset'> & { offset?: number };

const today = '2026-11-20';
const day = (d: string) => startOfDayIn(d, REFERENCE_DEMO.timeZone);

const QUERIES: Record<string, { kind: string; query: Query }> = {
  'budget': { kind: 'english', query: { q: 'budget' } },
  'Q3 budget': { kind: 'english', query: { q: 'Q3 budget' } },
  '"security questionnaire"': { kind: 'english', query: { q: '"security questionnaire"' } },
  'release -flaky': { kind: 'english', query: { q: 'release -flaky' } },
  '预算': { kind: 'chinese', query: { q: '预算' } },
  '第三季度预算': { kind: 'chinese', query: { q: '第三季度预算' } },
  '发票 报销': { kind: 'chinese', query: { q: '发票 报销' } },
  'Safari 白屏': { kind: 'mixed', query: { q: 'Safari 白屏' } },
  'PR 回调': { kind: 'mixed', query: { q: 'PR 回调' } },
  'from:Li Wei': { kind: 'sender', query: { from: 'Li Wei' } },
  'from:李伟 预算': { kind: 'sender', query: { from: '李伟', q: '预算' } },
  'from:github review': { kind: 'sender', query: { from: 'github', q: 'review' } },
  'yesterday (all mail)': { kind: 'date', query: { after: day(shiftDay(today, -1)), before: day(today) } },
  'budget, last 14 days': { kind: 'date', query: { q: 'budget', after: day(shiftDay(today, -14)), before: day(shiftDay(today, 1)) } },
  'everything, page 3': { kind: 'paging', query: { offset: 40 } },
};

export default async function searchBenchmark(ctx: BenchContext): Promise<void> {
  const database = await ctx.demoDatabase();
  const { db, userId } = database;
  const anyId = (await db.email.findFirstOrThrow({ where: { userId }, select: { id: true } })).id;

  const cases: Record<string, () => Promise<unknown>> = {
    baseline: () => db.$queryRaw`SELECT id, subject FROM emails WHERE id = ${anyId}::uuid`,
  };
  const hits: Record<string, number> = {};
  for (const [name, { query }] of Object.entries(QUERIES)) {
    const params: EmailSearchParams = { userId, limit: 20, offset: 0, ...query };
    hits[name] = (await searchEmails(db, params)).total;
    cases[name] = () => searchEmails(db, params);
  }

  ctx.print(
    `searchEmails over ${database.emailCount} demo emails, ${database.where} ${database.serverVersion}; ` +
      `${WARMUP} warm-up rounds, then ${ITERATIONS} rounds of every query (round robin), limit 20`,
  );
  const samples = await measureRoundRobin(cases, { warmup: WARMUP, iterations: ITERATIONS });
  const baseline = summarize(samples.baseline!);
  const ratio = (x: number) => (x / baseline.medianMs).toFixed(1) + '×';

  const rows = Object.entries(QUERIES).map(([name, { kind }]) => {
    const t = summarize(samples[name]!);
    return [name, kind, String(hits[name]), ms(t.medianMs), ms(t.p95Ms), ratio(t.medianMs)];
  });
  const all = summarize(Object.keys(QUERIES).flatMap((name) => samples[name]!));
  rows.push(['all searches', '', '', ms(all.medianMs), ms(all.p95Ms), ratio(all.medianMs)]);
  rows.push(['baseline: SELECT by id', '', '1', ms(baseline.medianMs), ms(baseline.p95Ms), '1.0×']);
  ctx.print(formatTable(['query', 'kind', 'hits', 'median ms', 'p95 ms', 'median vs baseline'], rows));
  ctx.print(
    `median of all searches: ${ms(all.medianMs)} ms (target < ${TARGET_MEDIAN_MS} ms: ${all.medianMs < TARGET_MEDIAN_MS ? 'met' : 'NOT met'}), ` +
      `${ratio(all.medianMs)} the baseline's ${ms(baseline.medianMs)} ms`,
  );
}
