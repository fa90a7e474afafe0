import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DailyReportSchema } from '../../shared/api.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { buildDailyReport, buildDailyReports, buildReportsForDays } from '../../server/mail/reports.ts';
import { getReport } from '../../server/mail/reportStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer } from '../helpers/server.ts';

const TZ = 'Asia/Shanghai';
const OWNER = 'owner@example.com';
const DAY = '2026-03-10'; // a Tuesday
const PASSWORD = 'correct horse battery';

let t: TestDatabase;
let userId: string;
let n = 0;

/** An email at a local Shanghai time ("2026-03-10 23:30"). */
function mail(local: string, from: [string, string], thread: string, body: string, over: Partial<NewEmail> = {}): NewEmail {
  n += 1;
  const messageId = `<r${n}@test>`;
  return {
    messageId,
    threadId: thread,
    fromAddress: from[1],
    fromName: from[0],
    to: [OWNER],
    cc: [],
    subject: `Subject of ${thread}`,
    bodyText: body,
    receivedAt: new Date(`${local.replace(' ', 'T')}:00+08:00`),
    labels: from[1] === OWNER ? ['sent'] : ['inbox'],
    ...over,
  };
}

const me: [string, string] = ['Owner', OWNER];
const liWei: [string, string] = ['Li Wei', 'li.wei@northwind.example'];
const wangFang: [string, string] = ['王芳', 'wang.fang@northwind.example'];
const bob: [string, string] = ['Bob Stone', 'bob@partner.example'];
const carol: [string, string] = ['Carol King', 'carol@northwind.example'];
const news: [string, string] = ['Tech News', 'digest@news.example'];

const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  const passwordHash = await hashPassword(PASSWORD);
  const user = await t.db.user.create({ data: { email: OWNER, name: 'Owner', passwordHash, timezone: TZ } });
  userId = user.id;
  const emails = [
    mail('2026-03-09 23:30', bob, 'T0', 'Late on Monday: can you look at this?'),
    mail('2026-03-10 00:10', liWei, 'T1', 'Can you send the Q3 numbers by Friday 14:00?', { subject: 'Q3 budget', labels: ['inbox', 'finance'] }),
    mail('2026-03-10 09:00', me, 'T1', 'Sure, will do.', { subject: 'Re: Q3 budget', labels: ['sent', 'finance'] }),
    mail('2026-03-10 10:00', wangFang, 'T2', '请在周三前确认预算。', { subject: '预算确认', labels: ['inbox', 'work'] }),
    mail('2026-03-10 11:00', liWei, 'T3', 'FYI: the numbers are final.'),
    mail('2026-03-10 12:00', news, 'T7', 'Please read our tips? Unsubscribe anytime.', { labels: ['inbox', 'newsletter'] }),
    mail('2026-03-10 13:00', liWei, 'T5', 'Where is the Q3 file?'),
    mail('2026-03-10 14:00', liWei, 'T5', 'Never mind, found it. Thanks!', { subject: 'Re: Subject of T5' }),
    mail('2026-03-10 15:00', carol, 'T6', 'Shall we ship the release today?', { subject: 'Release plan' }),
    mail('2026-03-10 15:20', me, 'T6', 'Yes, go ahead.', { subject: 'Re: Release plan' }),
    mail('2026-03-10 15:40', carol, 'T6', 'Shipped. Thanks.', { subject: 'Re: Release plan' }),
    // 23:30 in Shanghai is 15:30 UTC: still Tuesday for this user.
    mail('2026-03-10 23:30', bob, 'T4', 'Could you review the contract draft?', { subject: 'Contract draft' }),
    // 00:30 Wednesday in Shanghai is 16:30 UTC Tuesday: the owner's answer belongs to Wednesday.
    mail('2026-03-11 00:30', me, 'T4', 'Reviewed, two comments.', { subject: 'Re: Contract draft' }),
  ];
  await insertEmails(t.db, userId, emails);
  for (const e of await t.db.email.findMany({ select: { id: true, messageId: true } })) ids[e.messageId] = e.id;
});
afterAll(() => t.drop());

describe('buildDailyReport', () => {
  it('counts the day’s mail in the user’s time zone', async () => {
    const r = await buildDailyReport(t.db, userId, DAY);
    expect(r.date).toBe(DAY);
    expect(r.statistics.total).toBe(11);
    expect(r.statistics.threads).toBe(7);
    expect(r.statistics.byLabel).toEqual({ inbox: 9, sent: 2, finance: 2, work: 1, newsletter: 1 });
  });

  it('lists the top senders without the owner', async () => {
    const { topSenders } = (await buildDailyReport(t.db, userId, DAY)).statistics;
    expect(topSenders.slice(0, 2)).toEqual([
      { name: 'Li Wei', address: 'li.wei@northwind.example', count: 4 },
      { name: 'Carol King', address: 'carol@northwind.example', count: 2 },
    ]);
    expect(topSenders).toHaveLength(5);
    expect(topSenders.map((s) => s.address)).not.toContain(OWNER);
  });

  it('lists threads waiting for the owner: last word someone else’s, asking something, not a newsletter', async () => {
    const { needsReply } = (await buildDailyReport(t.db, userId, DAY)).statistics;
    expect(needsReply).toEqual([
      { threadId: 'T2', subject: '预算确认', from: '王芳', emailId: ids['<r4@test>'] },
      { threadId: 'T4', subject: 'Contract draft', from: 'Bob Stone', emailId: ids['<r12@test>'] },
    ]);
  });

  it('highlights deadlines, requests, busy threads and automated mail, linked to their emails', async () => {
    const { highlights } = await buildDailyReport(t.db, userId, DAY);
    expect(highlights).toEqual([
      { kind: 'deadline', text: 'Can you send the Q3 numbers by Friday 14:00? (Li Wei, “Q3 budget”)', emailId: ids['<r2@test>'] },
      { kind: 'deadline', text: '请在周三前确认预算。 (王芳, “预算确认”)', emailId: ids['<r4@test>'] },
      { kind: 'action', text: 'Could you review the contract draft? (Bob Stone, “Contract draft”)', emailId: ids['<r12@test>'] },
      { kind: 'thread', text: '“Release plan”: 3 messages today between Carol King and Owner', zh: '“Release plan”：当天 3 封往来（Carol King、Owner）', emailId: ids['<r11@test>'] },
      { kind: 'info', text: '1 newsletter or notification arrived.', zh: '收到 1 封新闻简报和通知。' },
    ]);
  });

  it('writes its summary in English and in Chinese, with the same figures', async () => {
    const r = await buildDailyReport(t.db, userId, DAY);
    const { total, threads, needsReply } = r.statistics;
    expect(r.summary).toContain(`${total} emails in ${threads} threads`);
    expect(r.summaryZh).toMatch(new RegExp(`^${DAY}（周.）：共 ${total} 封邮件，${threads} 个会话`));
    expect(r.summaryZh).toContain(`${needsReply.length} 个会话需要你回复`);
    expect(r.summaryZh).not.toMatch(/[A-Za-z]{2,}\s+(?:emails|threads|need|from)\b/);
  });

  it('writes a short English summary that names what waits', async () => {
    const { summary } = await buildDailyReport(t.db, userId, DAY);
    expect(summary).toBe(
      'Tuesday, 10 March 2026: 11 emails in 7 threads (2 sent by you), most from Li Wei (4), Carol King (2) and Bob Stone (1). ' +
        '2 threads need your reply, including “预算确认” from 王芳 and “Contract draft” from Bob Stone; 2 deadlines were mentioned.',
    );
  });

  it('puts 23:30 local on its own day and 00:30 on the next', async () => {
    const monday = await buildDailyReport(t.db, userId, '2026-03-09');
    expect(monday.statistics.total).toBe(1);
    expect(monday.statistics.needsReply.map((x) => x.threadId)).toEqual(['T0']);
    const wednesday = await buildDailyReport(t.db, userId, '2026-03-11');
    expect(wednesday.statistics).toMatchObject({ total: 1, threads: 1, topSenders: [], needsReply: [] });
    // In UTC the day runs 08:00–08:00 Shanghai time: without Li Wei's 00:10 mail, with the owner's 00:30 answer to Bob.
    const utc = await buildDailyReport(t.db, userId, DAY, 'UTC');
    expect(utc.statistics.total).toBe(11);
    expect(utc.statistics.needsReply.map((x) => x.threadId)).toEqual(['T2']);
  });

  it('stores what the API schema accepts, one row per user and day', async () => {
    await buildDailyReport(t.db, userId, DAY);
    await buildDailyReport(t.db, userId, DAY);
    const stored = await getReport(t.db, userId, DAY);
    expect(DailyReportSchema.parse(stored)).toEqual(stored);
    expect(await t.db.dailyReport.count({ where: { userId, date: new Date(`${DAY}T00:00:00Z`) } })).toBe(1);
  });
});

describe('buildDailyReports', () => {
  it('builds every day of a range, days without mail included, in one pass', async () => {
    const reports = await buildDailyReports(t.db, userId, { from: '2026-03-08', to: '2026-03-12' });
    expect(reports.map((r) => [r.date, r.statistics.total])).toEqual([
      ['2026-03-08', 0],
      ['2026-03-09', 1],
      ['2026-03-10', 11],
      ['2026-03-11', 1],
      ['2026-03-12', 0],
    ]);
    expect(reports[0]!.summary).toBe('Sunday, 8 March 2026: no email.');
    expect(await t.db.dailyReport.count({ where: { userId } })).toBe(5);
  });

  it('leaves unchanged reports untouched and updates changed ones', async () => {
    await buildDailyReports(t.db, userId, { from: '2026-03-08', to: '2026-03-12' });
    const before = await t.db.dailyReport.findMany({ where: { userId }, orderBy: { date: 'asc' } });
    await buildDailyReports(t.db, userId, { from: '2026-03-08', to: '2026-03-12' });
    expect(await t.db.dailyReport.findMany({ where: { userId }, orderBy: { date: 'asc' } })).toEqual(before);

    await insertEmails(t.db, userId, [mail('2026-03-12 09:00', carol, 'T8', 'New week, new plans.')]);
    await buildReportsForDays(t.db, userId, ['2026-03-12']);
    const after = await t.db.dailyReport.findMany({ where: { userId }, orderBy: { date: 'asc' } });
    expect(after.slice(0, 4)).toEqual(before.slice(0, 4));
    expect(after[4]!.id).toBe(before[4]!.id);
    expect(after[4]!.statistics).toMatchObject({ total: 1 });
    expect(after[4]!.updatedAt.getTime()).toBeGreaterThan(before[4]!.updatedAt.getTime());
  });

  it('rejects a date that does not exist', async () => {
    await expect(buildReportsForDays(t.db, userId, ['2026-02-30'])).rejects.toThrow(/2026-02-30/);
  });
});

describe('GET /api/reports', () => {
  it('serves the owner’s reports, 404 for a day after today, nothing to other users', async () => {
    const srv = await startTestServer(t.db);
    try {
      const api = apiClient(srv.url);
      const login = await api.post('/api/auth/login', { email: OWNER, password: PASSWORD });
      expect(login.status).toBe(200);
      const token = login.body.accessToken as string;

      const one = await api.get(`/api/reports/${DAY}`, token);
      expect(one.status).toBe(200);
      expect(DailyReportSchema.parse(one.body)).toEqual(one.body);
      expect(one.body).toMatchObject({ date: DAY, statistics: { total: 11, threads: 7 } });

      const list = await api.get('/api/reports?from=2026-03-09&to=2026-03-11', token);
      expect(list.body.items.map((r: { date: string }) => r.date)).toEqual(['2026-03-11', '2026-03-10', '2026-03-09']);

      const missing = await api.get(`/api/reports/${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)}`, token);
      expect(missing.status).toBe(404);
      expect(missing.body.error.type).toBe('not_found');

      // A report stored before reports had a Chinese summary (the migration left "") gets one when read.
      await t.db.dailyReport.updateMany({ where: { userId }, data: { summaryZh: '' } });
      const relisted = await api.get('/api/reports?from=2026-03-09&to=2026-03-11', token);
      expect(relisted.body.items.map((r: { summaryZh: string }) => r.summaryZh)).toEqual([
        expect.stringMatching(/^2026-03-11（/),
        expect.stringMatching(/^2026-03-10（.*共 11 封邮件/),
        expect.stringMatching(/^2026-03-09（/),
      ]);
      await t.db.dailyReport.updateMany({ where: { userId }, data: { summaryZh: '' } });
      expect((await api.get(`/api/reports/${DAY}`, token)).body.summaryZh).toMatch(/^2026-03-10（/);

      const other = await api.register('other@example.com');
      expect((await api.get('/api/reports', other.accessToken)).body).toEqual({ items: [] });
      expect((await api.get(`/api/reports/${DAY}`, other.accessToken)).status).toBe(404);
    } finally {
      await srv.close();
    }
  });
});
