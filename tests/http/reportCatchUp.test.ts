/**
 * Reports for days nobody built (a server that keeps running past the seed
 * day, mail that arrived without an import) are built when first read, and
 * today's report follows today's mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { ManualClock } from '../helpers/clock.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let userId: string;
// "Now" is 2026-11-22 12:00 UTC; the user's zone is UTC.
const clock = new ManualClock(Date.UTC(2026, 10, 22, 12));

function mail(n: number, at: Date): NewEmail {
  return {
    messageId: `<c${n}@test>`,
    threadId: `t${n}`,
    fromAddress: 'colleague@example.com',
    fromName: 'Colleague',
    to: ['me@example.com'],
    cc: [],
    subject: `Update ${n}`,
    bodyText: 'Can you review this?',
    receivedAt: at,
    labels: ['inbox'],
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { clock });
  api = apiClient(srv.url);
  const r = await api.register('reports@example.com');
  token = r.accessToken;
  userId = r.user.id;
  await insertEmails(t.db, userId, [
    mail(1, new Date(Date.UTC(2026, 10, 19, 9))),
    mail(2, new Date(Date.UTC(2026, 10, 19, 15))),
    mail(3, new Date(Date.UTC(2026, 10, 21, 8))),
    mail(4, new Date(Date.UTC(2026, 10, 22, 7))),
  ]);
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

describe('daily reports nobody built yet', () => {
  it('builds a due day on first read, with the day’s counts', async () => {
    expect(await t.db.dailyReport.count()).toBe(0);
    const r = await api.get('/api/reports/2026-11-19', token);
    expect(r.status).toBe(200);
    expect(r.body.statistics.total).toBe(2);
    expect(await t.db.dailyReport.count()).toBe(1);
  });

  it('lists every day from the first email to today, quiet days included', async () => {
    const r = await api.get('/api/reports', token);
    expect(r.status).toBe(200);
    expect(r.body.items.map((x: { date: string; statistics: { total: number } }) => [x.date, x.statistics.total])).toEqual([
      ['2026-11-22', 1],
      ['2026-11-21', 1],
      ['2026-11-20', 0],
      ['2026-11-19', 2],
    ]);
  });

  it('rebuilds today’s report as today’s mail arrives', async () => {
    await insertEmails(t.db, userId, [mail(5, new Date(Date.UTC(2026, 10, 22, 11)))]);
    const r = await api.get('/api/reports/2026-11-22', token);
    expect(r.body.statistics.total).toBe(2);
  });

  it('has no report before the first email or after today', async () => {
    expect((await api.get('/api/reports/2026-11-18', token)).status).toBe(404);
    expect((await api.get('/api/reports/2026-11-23', token)).status).toBe(404);
  });
});
