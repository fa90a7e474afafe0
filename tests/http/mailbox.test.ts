import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let alice: { token: string; id: string };
let bob: { token: string; id: string };
let bobEmailId: string;

function mail(n: number, over: Partial<NewEmail>): NewEmail {
  return {
    messageId: `<m${n}@test>`,
    threadId: `t${n}`,
    fromAddress: 'someone@example.com',
    fromName: 'Someone',
    to: ['me@example.com'],
    cc: [],
    subject: `Message ${n}`,
    bodyText: 'Nothing to see here.',
    receivedAt: new Date(Date.UTC(2026, 10, 1 + n, 9)),
    labels: ['inbox'],
    ...over,
  };
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db);
  api = apiClient(srv.url);
  const a = await api.register('alice@example.com');
  const b = await api.register('bob@example.com');
  alice = { token: a.accessToken, id: a.user.id };
  bob = { token: b.accessToken, id: b.user.id };
  await insertEmails(t.db, alice.id, [
    mail(1, { fromAddress: 'li.wei@acme.com', fromName: 'Li Wei', subject: 'Q3 budget review', bodyText: 'Please review the budgets before Friday.' }),
    mail(2, { fromAddress: 'li.wei@acme.com', fromName: '李伟', subject: '第三季度预算报告', bodyText: '请在周五之前审阅预算报告。谢谢！' }),
    mail(3, { fromAddress: 'hr@acme.com', fromName: 'HR Team', subject: 'Holiday schedule', bodyText: 'The office is closed on Monday.' }),
    mail(4, { fromAddress: 'wang.fang@acme.com', fromName: '王芳', subject: 'Q3预算 follow-up', bodyText: '关于项目进度的讨论' }),
    mail(5, { fromAddress: 'news@shop.example', fromName: 'Shop', subject: '100% off_sale "today"', bodyText: 'Deals.' }),
  ]);
  await insertEmails(t.db, bob.id, [mail(6, { subject: 'Bob budget secret', bodyText: 'budget for bob only' })]);
  bobEmailId = (await t.db.email.findFirstOrThrow({ where: { userId: bob.id } })).id;
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

async function search(params: Record<string, string>, token = alice.token) {
  const r = await api.get(`/api/emails?${new URLSearchParams(params)}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: { id: string; subject: string; from: string }[]; total: number };
}

const subjects = (r: { items: { subject: string }[] }) => r.items.map((i) => i.subject);

describe('GET /api/emails', () => {
  it('lists the owner’s mail newest first with a total', async () => {
    const r = await search({});
    expect(r.total).toBe(5);
    expect(subjects(r)[0]).toBe('100% off_sale "today"');
    expect(r.items[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), from: 'news@shop.example', snippet: 'Deals.', receivedAt: expect.any(String) }),
    );
  });

  it('finds English words by stem ("budgets" → budget) and never returns another user’s mail', async () => {
    const r = await search({ q: 'budgets' });
    expect(subjects(r)).toEqual(['Q3 budget review']);
  });

  it('finds Chinese words in subject, body and sender name', async () => {
    expect(subjects(await search({ q: '预算' }))).toEqual(['Q3预算 follow-up', '第三季度预算报告']);
    expect(subjects(await search({ q: '审阅' }))).toEqual(['第三季度预算报告']);
    expect(subjects(await search({ q: '李伟' }))).toEqual(['第三季度预算报告']);
    expect(subjects(await search({ q: '进度' }))).toEqual(['Q3预算 follow-up']);
    expect(subjects(await search({ q: '预算报告' }))).toEqual(['第三季度预算报告']);
    // A one-character query matches words that contain it.
    expect(subjects(await search({ q: '芳' }))).toEqual(['Q3预算 follow-up']);
  });

  it('combines English and Chinese terms', async () => {
    expect(subjects(await search({ q: 'Q3预算' }))).toEqual(['Q3预算 follow-up']);
  });

  it('filters by sender name or address, and by date range in days', async () => {
    expect(subjects(await search({ from: 'li.wei' }))).toEqual(['第三季度预算报告', 'Q3 budget review']);
    expect(subjects(await search({ from: '王芳' }))).toEqual(['Q3预算 follow-up']);
    // One contact: the same address writes as "Li Wei" and as "李伟".
    expect(subjects(await search({ from: 'LI WEI' }))).toEqual(['第三季度预算报告', 'Q3 budget review']);
    // after is inclusive of its day, before excludes its day (as in mail search operators).
    const r = await search({ after: '2026-11-03', before: '2026-11-05' });
    expect(subjects(r)).toEqual(['Holiday schedule', '第三季度预算报告']);
    expect(subjects(await search({ q: 'budget', after: '2026-11-03' }))).toEqual([]);
    // to: whom it went to. All of Alice's mail went to me@example.com; none to Li Wei.
    expect((await search({ to: 'me@example.com' })).total).toBe(5);
    expect((await search({ to: 'Li Wei' })).total).toBe(0);
  });

  it('pages with limit and offset', async () => {
    const page1 = await search({ limit: '2', offset: '0' });
    const page2 = await search({ limit: '2', offset: '2' });
    const page3 = await search({ limit: '2', offset: '4' });
    expect(page1.total).toBe(5);
    expect([...subjects(page1), ...subjects(page2), ...subjects(page3)]).toHaveLength(5);
    expect(new Set([...page1.items, ...page2.items, ...page3.items].map((i) => i.id)).size).toBe(5);
    expect((await search({ offset: '50' })).items).toEqual([]);
  });

  it('treats SQL-ish and operator-laden text as plain text', async () => {
    for (const q of ["'; DROP TABLE emails; --", '" OR 1=1', '\\', 'a & | ! :* <->', '((((', "Robert'); --"]) {
      const r = await search({ q });
      expect(r.total, q).toBe(0);
    }
    // LIKE wildcards are literal characters: only the subject that contains them matches.
    expect(subjects(await search({ q: '%' }))).toEqual(['100% off_sale "today"']);
    expect(subjects(await search({ q: '_' }))).toEqual(['100% off_sale "today"']);
    expect(subjects(await search({ q: '100%' }))).toEqual(['100% off_sale "today"']);
    expect(subjects(await search({ q: '"today"' }))).toEqual(['100% off_sale "today"']);
    expect(await t.db.email.count()).toBe(6);
  });

  it('falls back to substring matching when the text has only stop words', async () => {
    expect(subjects(await search({ q: 'off_' }))).toEqual(['100% off_sale "today"']);
  });

  it('refuses bad parameters with 400 and a message naming the field', async () => {
    for (const [params, field] of [
      [{ limit: '100000' }, 'limit'],
      [{ limit: '0' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ offset: '-1' }, 'offset'],
      [{ after: 'yesterday' }, 'after'],
      [{ before: '2026-02-30' }, '2026-02-30'],
    ] as const) {
      const r = await api.get(`/api/emails?${new URLSearchParams(params)}`, alice.token);
      expect(r.status, JSON.stringify(params)).toBe(400);
      expect(r.body.error.type).toBe('validation_error');
      expect(r.body.error.message).toContain(field);
    }
  });

  it('requires authentication', async () => {
    const r = await api.get('/api/emails');
    expect(r.status).toBe(401);
  });
});

describe('GET /api/emails/:id', () => {
  it('returns the whole email to its owner', async () => {
    const [first] = (await search({ q: '审阅' })).items;
    const r = await api.get(`/api/emails/${first!.id}`, alice.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      subject: '第三季度预算报告',
      fromName: '李伟',
      bodyText: '请在周五之前审阅预算报告。谢谢！',
      to: ['me@example.com'],
      messageId: '<m2@test>',
    });
  });

  it('answers 404 for another user’s email, exactly as for a missing one', async () => {
    const other = await api.get(`/api/emails/${bobEmailId}`, alice.token);
    const missing = await api.get('/api/emails/00000000-0000-4000-8000-000000000000', alice.token);
    expect(other.status).toBe(404);
    expect(other.body).toEqual(missing.body);
    expect((await api.get(`/api/emails/${bobEmailId}`, bob.token)).status).toBe(200);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const r = await api.get('/api/emails/1%20OR%201=1', alice.token);
    expect(r.status).toBe(400);
  });
});
