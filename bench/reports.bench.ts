/**
 * GET /api/reports over a mailbox spanning 30 years (one email every 4 days
 * since 1996, ~2,700 emails): the first listing builds the missing days of
 * its window (at most 366), every later one only reads. Reports p50/p95 of
 * the listing, of one day's report and of GET /api/me (an authenticated
 * request that reads one row) through the same HTTP server.
 * Target (issue 10): listing p95 < 50 ms.
 *
 *   npm run bench -- reports
 */
import { mailAssistant } from '../agents/mail/agent.ts';
import { createServer } from '../server/createServer.ts';
import { createPrisma } from '../server/data/prisma.ts';
import { createLogger } from '../server/logger.ts';
import { insertEmails, type NewEmail } from '../server/mail/emailStore.ts';
import { benchServerConfig } from './support/serverConfig.ts';
import { runIfMain, type BenchContext } from './support/context.ts';
import { formatTable, measureRoundRobin, ms, summarize } from './support/stats.ts';

const TARGET_P95_MS = 50;

export default async function reportsBenchmark(ctx: BenchContext): Promise<void> {
  const database = await ctx.demoDatabase();
  const db = createPrisma(database.url, { poolMax: 10 });
  const config = benchServerConfig({ MAIL_SECRET_KEY: 'bench-mail-secret-key-0123456789' });
  const server = await createServer(config, { db, log: createLogger('silent'), jwtSecret: config.jwtSecret!, agent: mailAssistant });
  const { url } = await server.listen();
  try {
    const reg = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `reports-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' }),
    });
    const { accessToken, user } = (await reg.json()) as { accessToken: string; user: { id: string } };
    const emails: NewEmail[] = [];
    const now = Date.now();
    for (let n = 0, at = Date.UTC(1996, 0, 1, 9); at < now; n++, at += 4 * 86_400_000) {
      emails.push({
        messageId: `<r${n}@bench.example.com>`,
        threadId: `t${n % 200}`,
        fromAddress: `sender${n % 40}@example.com`,
        fromName: `Sender ${n % 40}`,
        to: ['me@example.com'],
        cc: [],
        subject: `Note ${n}`,
        bodyText: n % 3 === 0 ? 'Can you review this by Friday?' : 'FYI.',
        receivedAt: new Date(at),
        labels: ['inbox'],
      });
    }
    await insertEmails(db, user.id, emails);
    const get = (path: string) => fetch(url + path, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.arrayBuffer());
    const t0 = performance.now();
    await get('/api/reports');
    const firstMs = performance.now() - t0;
    const built = await db.dailyReport.count({ where: { userId: user.id } });
    const samples = await measureRoundRobin(
      {
        list: () => get('/api/reports'),
        day: () => get('/api/reports/2001-06-15'),
        me: () => get('/api/me'),
      },
      { warmup: 10, iterations: 200 },
    );
    const list = summarize(samples.list!);
    const day = summarize(samples.day!);
    const me = summarize(samples.me!);
    ctx.print(`GET /api/reports over ${emails.length.toLocaleString('en')} emails spanning 30 years, ${database.where} ${database.serverVersion}`);
    ctx.print(
      formatTable(
        ['request', 'p50 ms', 'p95 ms'],
        [
          ['GET /api/reports (366 reports)', ms(list.medianMs), ms(list.p95Ms)],
          ['GET /api/reports/2001-06-15', ms(day.medianMs), ms(day.p95Ms)],
          ['baseline: GET /api/me', ms(me.medianMs), ms(me.p95Ms)],
        ],
      ),
    );
    ctx.print(
      `first listing ${ms(firstMs)} ms (built ${built} reports, not 30 years of days); listing p95 ${ms(list.p95Ms)} ms ` +
        `(target < ${TARGET_P95_MS} ms: ${list.p95Ms < TARGET_P95_MS ? 'met' : 'NOT met'}), ${(list.medianMs / me.medianMs).toFixed(1)}× GET /api/me at p50`,
    );
  } finally {
    await server.close({ graceMs: 0 });
    await db.$disconnect();
  }
}

runIfMain(import.meta.url, reportsBenchmark);
