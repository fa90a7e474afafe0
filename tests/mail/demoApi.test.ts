/** The demo mailbox through the HTTP API, as a user (or curl) sees it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyReportSchema, EmailDetailSchema, EmailListResponseSchema } from '../../shared/api.ts';
import { createDemoDatabase, DEMO, DEMO_FACTS, type DemoDatabase } from '../helpers/demo.ts';
import { apiClient } from '../helpers/http.ts';
import { ManualClock } from '../helpers/clock.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: DemoDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let token: string;

beforeAll(async () => {
  t = await createDemoDatabase();
  // The demo's "today" is its anchor day.
  srv = await startTestServer(t.db, { clock: new ManualClock(DEMO.anchor.getTime()) });
  api = apiClient(srv.url);
  const login = await api.post('/api/auth/login', { email: DEMO.email, password: DEMO.password });
  expect(login.status).toBe(200);
  token = login.body.accessToken;
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

async function search(params: Record<string, string>) {
  const r = await api.get(`/api/emails?${new URLSearchParams(params)}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return EmailListResponseSchema.parse(r.body);
}

describe('searching the demo mailbox', () => {
  it('finds the emails from Li Wei about the Q3 budget', async () => {
    const r = await search({ q: 'Q3 budget', from: 'Li Wei', limit: '100' });
    expect(r.total).toBeGreaterThanOrEqual(3);
    const found = await t.db.email.findMany({ where: { id: { in: r.items.map((e) => e.id) } } });
    expect(found).toHaveLength(r.total);
    for (const e of found) {
      expect(e.fromAddress).toBe(DEMO_FACTS.liWei.address);
      expect(e.subject + e.bodyText).toMatch(/Q3/);
      expect(e.subject + e.bodyText).toMatch(/budget/i);
    }
    expect(r.items.map((e) => e.subject)).toContain(DEMO_FACTS.subjects.q3BudgetReview);
  });

  it('finds 李伟’s emails about 预算 in Chinese', async () => {
    const r = await search({ q: '预算', from: '李伟' });
    expect(r.total).toBeGreaterThanOrEqual(2);
    for (const e of r.items) expect(e.fromName).toBe(DEMO_FACTS.liWei.nameZh);
    expect(r.items.map((e) => e.subject)).toContain(DEMO_FACTS.subjects.budgetAdjustmentZh);
  });

  it('finds Chinese words inside bodies and sender names without a sender filter', async () => {
    const r = await search({ q: '王芳', limit: '100' });
    expect(r.total).toBeGreaterThan(10);
    expect(r.items.some((e) => e.fromName === '王芳')).toBe(true);
    const body = await search({ q: '外包合同' });
    expect(body.total).toBeGreaterThan(0);
  });

  it('filters by a day in the user’s time zone (yesterday, Asia/Shanghai)', async () => {
    const r = await search({ after: DEMO_FACTS.yesterday, before: DEMO_FACTS.today, limit: '100' });
    const [row] = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM emails WHERE (received_at AT TIME ZONE 'Asia/Shanghai')::date = ${DEMO_FACTS.yesterday}::date`;
    expect(r.total).toBe(Number(row!.n));
    expect(r.total).toBeGreaterThan(20);
  });

  it('reads one email in full', async () => {
    const [first] = (await search({ q: 'Q3 budget review', from: 'li.wei' })).items;
    const r = await api.get(`/api/emails/${first!.id}`, token);
    expect(r.status).toBe(200);
    const email = EmailDetailSchema.parse(r.body);
    expect(email.to).toContain(DEMO.email);
    expect(email.bodyText).toMatch(/budget/i);
    expect(email.messageId).toMatch(/^<.+@northwind\.example>$/);
  });
});

describe('the demo’s daily reports', () => {
  it('lists the 60 days newest first, and a range on request', async () => {
    const all = await api.get('/api/reports', token);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(DEMO_FACTS.days);
    expect(all.body.items[0].date).toBe(DEMO_FACTS.today);
    expect(all.body.items[DEMO_FACTS.days - 1].date).toBe(DEMO_FACTS.firstDay);
    const week = await api.get(`/api/reports?from=2026-11-16&to=${DEMO_FACTS.today}`, token);
    expect(week.body.items.map((r: { date: string }) => r.date)).toEqual([
      '2026-11-20',
      '2026-11-19',
      '2026-11-18',
      '2026-11-17',
      '2026-11-16',
    ]);
  });

  it('answers "what was in yesterday’s daily report" with statistics that match the mailbox', async () => {
    const r = await api.get(`/api/reports/${DEMO_FACTS.yesterday}`, token);
    expect(r.status).toBe(200);
    const report = DailyReportSchema.parse(r.body);
    expect(report.summary).toMatch(/^Thursday, 19 November 2026: \d+ emails in \d+ threads/);
    expect(report.highlights.length).toBeGreaterThan(0);

    const day = await t.db.$queryRaw<{ id: string; thread_id: string; from_address: string; received_at: Date; labels: string[] }[]>`
      SELECT id, thread_id, from_address, received_at, labels FROM emails
      WHERE (received_at AT TIME ZONE 'Asia/Shanghai')::date = ${DEMO_FACTS.yesterday}::date
      ORDER BY received_at, id`;
    const s = report.statistics;
    expect(s.total).toBe(day.length);
    expect(s.threads).toBe(new Set(day.map((e) => e.thread_id)).size);

    const labels: Record<string, number> = {};
    // `unread` is the reader's state, not the day's mail: reports leave it out.
    for (const e of day) for (const l of e.labels) if (l !== 'unread') labels[l] = (labels[l] ?? 0) + 1;
    expect(s.byLabel).toEqual(labels);

    const perSender = new Map<string, number>();
    for (const e of day.filter((x) => x.from_address !== DEMO.email)) {
      perSender.set(e.from_address, (perSender.get(e.from_address) ?? 0) + 1);
    }
    expect(s.topSenders).toHaveLength(5);
    for (const top of s.topSenders) expect(top.count).toBe(perSender.get(top.address));
    const lowest = Math.min(...s.topSenders.map((x) => x.count));
    const listed = new Set(s.topSenders.map((x) => x.address));
    for (const [address, count] of perSender) if (!listed.has(address)) expect(count).toBeLessThanOrEqual(lowest);

    // Every thread listed as waiting ends, that day, with someone else's message; none ends with the owner's.
    const lastOfThread = new Map(day.map((e) => [e.thread_id, e]));
    expect(s.needsReply.length).toBeGreaterThan(0);
    for (const w of s.needsReply) {
      const last = lastOfThread.get(w.threadId)!;
      expect(last.id).toBe(w.emailId);
      expect(last.from_address).not.toBe(DEMO.email);
    }
    const ownerLast = [...lastOfThread.values()].filter((e) => e.from_address === DEMO.email).map((e) => e.thread_id);
    expect(ownerLast.length).toBeGreaterThan(0);
    for (const thread of ownerLast) expect(s.needsReply.map((w) => w.threadId)).not.toContain(thread);

    // Highlights point at that day's mail.
    const ids = new Set(day.map((e) => e.id));
    for (const h of report.highlights) if (h.emailId) expect(ids.has(h.emailId)).toBe(true);
  });

  it('answers 404 outside the demo range and 400 for a date that does not exist', async () => {
    for (const day of ['2026-09-21', '2026-11-21']) {
      const r = await api.get(`/api/reports/${day}`, token);
      expect(r.status).toBe(404);
      expect(r.body.error.type).toBe('not_found');
    }
    const bad = await api.get('/api/reports/2026-02-30', token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.type).toBe('validation_error');
  });
});
