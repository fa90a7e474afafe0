/**
 * Mail search at scale, beside the demo bench (`npm run bench -- search`
 * runs both): a generated mailbox of 100,000 emails (English and Chinese,
 * 400 senders at 15 companies, threads of 1–8 messages, three years; see
 * bench/support/largeMailbox.ts), stored through the same insert path as
 * real mail. Reports p50/p95 of the mixed searches, the counting tool's
 * queries and a sender lookup, against a primary-key lookup in the same run.
 * Target (issue 10): search p95 < 50 ms. BENCH_MAILBOX_SIZE changes the size.
 */
import { randomUUID } from 'node:crypto';
import { countEmails, searchEmails, type EmailCountParams, type EmailSearchParams } from '../server/mail/search.ts';
import type { BenchContext } from './support/context.ts';
import { generateMailbox } from './support/largeMailbox.ts';
import { formatTable, measureRoundRobin, ms, summarize } from './support/stats.ts';
import { runIfMain } from './support/context.ts';

const SIZE = Number(process.env.BENCH_MAILBOX_SIZE ?? 100_000);
const WARMUP = 10;
const ITERATIONS = 60;
const TARGET_P95_MS = 50;
const NEWEST = new Date(Date.UTC(2026, 10, 20, 18));
const DAY = 86_400_000;

type Search = Omit<EmailSearchParams, 'userId' | 'limit' | 'offset'>;
type Count = Omit<EmailCountParams, 'userId' | 'timezone' | 'top'>;

const SEARCHES: Record<string, { kind: string; query: Search }> = {
  budget: { kind: 'english', query: { q: 'budget' } },
  'Q3 budget review': { kind: 'english', query: { q: 'Q3 budget review' } },
  '"security questionnaire"': { kind: 'english', query: { q: '"security questionnaire"' } },
  'invoice -payment': { kind: 'english', query: { q: 'invoice -payment' } },
  '预算': { kind: 'chinese', query: { q: '预算' } },
  '第三季度预算': { kind: 'chinese', query: { q: '第三季度预算' } },
  '发票 付款': { kind: 'chinese', query: { q: '发票 付款' } },
  'release 白屏': { kind: 'mixed', query: { q: 'release 白屏' } },
  'supplier, last 30 days': { kind: 'date', query: { q: 'supplier', after: new Date(NEWEST.getTime() - 30 * DAY) } },
  'everything, last 7 days': { kind: 'date', query: { after: new Date(NEWEST.getTime() - 7 * DAY) } },
  'label finance': { kind: 'label', query: { label: 'finance' } },
  'everything, page 5': { kind: 'paging', query: {} },
};
const SENDERS: Record<string, Search> = {
  'from:Anna Schmidt': { from: 'Anna Schmidt' },
  'from:李伟': { from: '李伟' },
  'from:globex contract': { from: 'globex', q: 'contract' },
};
const COUNTS: Record<string, Count> = {
  'count all': { groupBy: 'none' },
  'count budget': { q: 'budget', groupBy: 'none' },
  'count 预算 by sender': { q: '预算', groupBy: 'sender' },
  'count last 30 days by day': { after: new Date(NEWEST.getTime() - 30 * DAY), groupBy: 'day' },
  'count from:Anna Schmidt by thread': { from: 'Anna Schmidt', groupBy: 'thread' },
};

export default async function search100kBenchmark(ctx: BenchContext): Promise<void> {
  const database = await ctx.demoDatabase();
  const { db } = database;
  const user = await db.user.create({ data: { email: `bench-${randomUUID()}@example.com`, name: 'Bench', passwordHash: 'x', timezone: 'Asia/Shanghai' } });
  const t0 = performance.now();
  await generateMailbox(db, user.id, SIZE, {
    newest: NEWEST,
    onProgress: (n) => n % 20_000 === 0 && ctx.log.info({ n }, 'generating the large mailbox'),
  });
  // What autovacuum does after this many inserts: statistics, and the visibility map index-only scans rely on.
  await db.$executeRawUnsafe('VACUUM ANALYZE emails');
  const generatedS = (performance.now() - t0) / 1000;
  const anyId = (await db.email.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } })).id;
  const userId = user.id;

  const cases: Record<string, () => Promise<unknown>> = {
    baseline: () => db.$queryRaw`SELECT id, subject FROM emails WHERE id = ${anyId}::uuid`,
  };
  const hits: Record<string, number> = {};
  const kinds: Record<string, string> = {};
  for (const [name, { kind, query }] of Object.entries(SEARCHES)) {
    const p: EmailSearchParams = { userId, limit: 20, offset: name.includes('page 5') ? 80 : 0, ...query };
    hits[name] = (await searchEmails(db, p)).total;
    kinds[name] = kind;
    cases[name] = () => searchEmails(db, p);
  }
  for (const [name, query] of Object.entries(SENDERS)) {
    const p: EmailSearchParams = { userId, limit: 20, offset: 0, ...query };
    hits[name] = (await searchEmails(db, p)).total;
    kinds[name] = 'sender';
    cases[name] = () => searchEmails(db, p);
  }
  for (const [name, query] of Object.entries(COUNTS)) {
    const p: EmailCountParams = { userId, timezone: user.timezone, top: 10, ...query };
    hits[name] = (await countEmails(db, p)).total;
    kinds[name] = 'count';
    cases[name] = () => countEmails(db, p);
  }

  ctx.print(
    `search over a generated mailbox of ${SIZE.toLocaleString('en')} emails (stored in ${generatedS.toFixed(0)} s), ${database.where} ${database.serverVersion}; ` +
      `${WARMUP} warm-up rounds, then ${ITERATIONS} rounds of every query (round robin), limit 20`,
  );
  const samples = await measureRoundRobin(cases, { warmup: WARMUP, iterations: ITERATIONS });
  const baseline = summarize(samples.baseline!);
  const ratio = (x: number) => (x / baseline.medianMs).toFixed(1) + '×';
  const names = Object.keys(cases).filter((n) => n !== 'baseline');
  const rows = names.map((name) => {
    const t = summarize(samples[name]!);
    return [name, kinds[name]!, String(hits[name]), ms(t.medianMs), ms(t.p95Ms), ratio(t.medianMs)];
  });
  const group = (label: string, pred: (kind: string) => boolean) => {
    const t = summarize(names.filter((n) => pred(kinds[n]!)).flatMap((n) => samples[n]!));
    rows.push([label, '', '', ms(t.medianMs), ms(t.p95Ms), ratio(t.medianMs)]);
    return t;
  };
  const mixed = group('mixed searches', (k) => k !== 'sender' && k !== 'count');
  const sender = group('sender lookups', (k) => k === 'sender');
  const counts = group('counting queries', (k) => k === 'count');
  const all = group('all searches (mixed + sender)', (k) => k !== 'count');
  rows.push(['baseline: SELECT by id', '', '1', ms(baseline.medianMs), ms(baseline.p95Ms), '1.0×']);
  ctx.print(formatTable(['query', 'kind', 'hits', 'p50 ms', 'p95 ms', 'p50 vs baseline'], rows));
  ctx.print(
    `searches p95 ${ms(all.p95Ms)} ms (target < ${TARGET_P95_MS} ms: ${all.p95Ms < TARGET_P95_MS ? 'met' : 'NOT met'}); ` +
      `mixed p50/p95 ${ms(mixed.medianMs)}/${ms(mixed.p95Ms)} ms, sender ${ms(sender.medianMs)}/${ms(sender.p95Ms)} ms, ` +
      `counts ${ms(counts.medianMs)}/${ms(counts.p95Ms)} ms; primary key ${ms(baseline.medianMs)}/${ms(baseline.p95Ms)} ms`,
  );
}

runIfMain(import.meta.url, search100kBenchmark);
