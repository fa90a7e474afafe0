/**
 * Reports on schedule and a listing whose cost does not grow with the
 * mailbox's age: with mail spanning 30 years, GET /api/reports builds at most
 * one window of days once, then reads only; a quiet day's report is stored
 * and not recomputed per read; the nightly job builds the day that just ended
 * in each user's zone, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { REPORT_LIST_LIMIT } from '../../server/mail/reportService.ts';
import { buildDueDailyReports } from '../../server/mail/reportSchedule.ts';
import { ManualClock } from '../helpers/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let userId: string;
// "Now" is 2026-11-22 12:00 UTC.
const clock = new ManualClock(Date.UTC(2026, 10, 22, 12));

function mail(n: number, at: Date): NewEmail {
  return {
    messageId: `<y${n}@test>`,
    threadId: `t${n % 50}`,
    fromAddress: `sender${n % 40}@example.com`,
    fromName: `Sender ${n % 40}`,
    to: ['me@example.com'],
    cc: [],
    subject: `Note ${n}`,
    bodyText: n % 3 === 0 ? 'Can you review this by Friday?' : 'FYI.',
    receivedAt: at,
    labels: ['inbox'],
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { clock });
  api = apiClient(srv.url);
  const r = await api.register('thirty-years@example.com');
  token = r.accessToken;
  userId = r.user.id;
  // One email every 4 days from 1996 to now: 30 years, ~2,700 emails.
  const start = Date.UTC(1996, 10, 22, 9);
  const emails: NewEmail[] = [];
  for (let n = 0, at = start; at < clock.now(); n++, at += 4 * 86_400_000) emails.push(mail(n, new Date(at)));
  await insertEmails(t.db, userId, emails);
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

describe('GET /api/reports over a mailbox spanning 30 years', () => {
  it('builds one bounded window once, then every listing only reads ', async () => {
    const first = await api.get('/api/reports', token);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(REPORT_LIST_LIMIT);
    expect(first.body.items[0].date).toBe('2026-11-22');
    // Only the listed window was built, not 30 years of days.
    expect(await t.db.dailyReport.count({ where: { userId } })).toBe(REPORT_LIST_LIMIT);

    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      const r = await api.get('/api/reports', token);
      times.push(performance.now() - t0);
      expect(r.body.items).toHaveLength(REPORT_LIST_LIMIT);
    }
    const built = await t.db.dailyReport.findMany({ where: { userId }, select: { updatedAt: true } });
    const last = Math.max(...built.map((b) => b.updatedAt.getTime()));
    // Nothing was rebuilt by the 40 reads (quiet days included).
    await api.get('/api/reports', token);
    const again = await t.db.dailyReport.findMany({ where: { userId }, select: { updatedAt: true } });
    expect(Math.max(...again.map((b) => b.updatedAt.getTime()))).toBe(last);
    // Timing is bench/reports.bench.ts's job (p95 against GET /api/me); here: the reads did no building.
    expect(times).toHaveLength(40);
  });

  it('an old range is built on first read and kept', async () => {
    const r = await api.get('/api/reports?from=1997-01-01&to=1997-01-31', token);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(31);
    expect(r.body.items.reduce((n: number, x: { statistics: { total: number } }) => n + x.statistics.total, 0)).toBeGreaterThanOrEqual(7);
    const one = await api.get('/api/reports/1997-01-15', token);
    expect(one.status).toBe(200);
  });
});

describe('the nightly report job', () => {
  it('builds the previous day in each user’s zone once, after their midnight', async () => {
    const tokyo = await api.register('tokyo@example.com');
    await t.db.user.update({ where: { id: tokyo.user.id }, data: { timezone: 'Asia/Tokyo' } });
    // Mail on 2026-11-22 in Tokyo (UTC+9).
    await insertEmails(t.db, tokyo.user.id, [mail(100_000, new Date(Date.UTC(2026, 10, 22, 3)))]);

    // 2026-11-22 14:00 UTC = 23:00 in Tokyo: the 22nd is not over there.
    const day22 = { userId_date: { userId: tokyo.user.id, date: new Date('2026-11-22T00:00:00Z') } };
    await buildDueDailyReports(t.db, Date.UTC(2026, 10, 22, 14));
    expect(await t.db.dailyReport.findUnique({ where: day22 })).toBeNull();
    // 15:05 UTC = 00:05 on the 23rd in Tokyo: the 22nd gets its report.
    const after = await buildDueDailyReports(t.db, Date.UTC(2026, 10, 22, 15, 5));
    expect(after).toContain(tokyo.user.id);
    const report = await t.db.dailyReport.findUniqueOrThrow({ where: day22 });
    expect((report.statistics as { total: number }).total).toBe(1);
    // Ten minutes later nothing is due any more.
    expect(await buildDueDailyReports(t.db, Date.UTC(2026, 10, 22, 15, 15))).not.toContain(tokyo.user.id);
  });
});
