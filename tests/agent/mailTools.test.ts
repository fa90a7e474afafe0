/**
 * The mail tools against a real database: what they return, how they read
 * dates in the user's time zone, and that they only ever see the signed-in
 * user's mail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEmails, type NewEmail } from '../../server/mail/emailStore.ts';
import { withToolContext } from '../../server/agent/toolContext.ts';
import { listDailyReportsTool, readDailyReportTool } from '../../agents/mail/tools/dailyReports.ts';
import { readEmailTool } from '../../agents/mail/tools/readEmail.ts';
import { searchEmailsTool, type SearchEmailsResult } from '../../agents/mail/tools/searchEmails.ts';
import { countEmailsTool, type CountEmailsResult } from '../../agents/mail/tools/countEmails.ts';
import { ToolError } from '../../server/agent/toolError.ts';
import { dbDate } from '../../server/time/calendar.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createUser, silentLog } from './support.ts';

let t: TestDatabase;
let alice: string;
let bob: string;
/** Thursday 2026-11-19 10:00 in Shanghai (02:00 UTC). */
const NOW = Date.parse('2026-11-19T10:00:00+08:00');

function email(over: Partial<NewEmail> & { subject: string; receivedAt: Date }): NewEmail {
  return {
    messageId: `<${randomUUID()}@example.test>`,
    threadId: randomUUID(),
    fromAddress: 'li.wei@northwind.example',
    fromName: 'Li Wei',
    to: ['me@example.test'],
    cc: [],
    bodyText: `Body of ${over.subject}`,
    labels: ['inbox'],
    ...over,
  };
}

function config(userId: string, timezone = 'Asia/Shanghai') {
  return { configurable: withToolContext({ db: t.db, userId, timezone, now: () => NOW, log: silentLog }) };
}

const search = (userId: string, args: Record<string, unknown>, tz?: string) =>
  searchEmailsTool.invoke(args, config(userId, tz)) as Promise<SearchEmailsResult>;

beforeAll(async () => {
  t = await createTestDatabase();
  alice = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
  bob = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
  await insertEmails(t.db, alice, [
    // 2026-11-19 00:30 in Shanghai = 2026-11-18 16:30 UTC: "today" for Alice, "yesterday" in UTC.
    email({ subject: 'Q3 budget review', receivedAt: new Date('2026-11-18T16:30:00Z') }),
    email({ subject: '第三季度预算调整', fromName: '李伟', bodyText: '请查看预算调整的附件。', receivedAt: new Date('2026-11-18T03:00:00Z') }),
    email({ subject: 'Lunch on Friday?', fromAddress: 'sarah.johnson@northwind.example', fromName: 'Sarah Johnson', receivedAt: new Date('2026-11-12T04:00:00Z') }),
  ]);
  await insertEmails(t.db, bob, [email({ subject: "Bob's own budget", receivedAt: new Date('2026-11-18T05:00:00Z') })]);
  await t.db.dailyReport.create({
    data: {
      userId: alice,
      date: dbDate('2026-11-18'),
      summary: 'Two emails about the budget.',
      summaryZh: '两封关于预算的邮件。',
      highlights: [{ kind: 'deadline', text: 'Send revised numbers by Friday' }],
      statistics: { total: 2, threads: 2, topSenders: [{ name: 'Li Wei', address: 'li.wei@northwind.example', count: 2 }], needsReply: [], byLabel: { inbox: 2 } },
    },
  });
});

afterAll(async () => {
  await t?.drop();
});

describe('search_emails', () => {
  it('is one sender across names, scripts and addresses: same address under two names, and one name from two addresses', async () => {
    const carol = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
    await insertEmails(t.db, carol, [
      // Same address, two names (scripts).
      email({ subject: 'Roadmap draft', fromAddress: 'wang.fang@northwind.example', fromName: 'Wang Fang', receivedAt: new Date('2026-11-17T02:00:00Z') }),
      email({ subject: '项目周报', fromAddress: 'wang.fang@northwind.example', fromName: '王芳', receivedAt: new Date('2026-11-18T02:00:00Z') }),
      // Same name, another address (her private mail), only ever in English.
      email({ subject: 'Running late tomorrow', fromAddress: 'fangw@privatemail.example', fromName: 'Wang Fang', receivedAt: new Date('2026-11-18T12:00:00Z') }),
      email({ subject: 'Unrelated', fromAddress: 'wang.lei@northwind.example', fromName: 'Wang Lei', receivedAt: new Date('2026-11-18T13:00:00Z') }),
    ]);
    const all = ['Running late tomorrow', '项目周报', 'Roadmap draft'];
    for (const sender of ['Wang Fang', 'wang fang', '王芳', 'wang.fang@northwind.example']) {
      const r = await search(carol, { sender, sort: 'newest' });
      expect(r.emails.map((e) => e.subject), sender).toEqual(all);
    }
    expect((await search(carol, { sender: '王芳' })).sender_contacts?.map((c) => c.address).sort()).toEqual(['fangw@privatemail.example', 'wang.fang@northwind.example']);
    expect((await search(carol, { sender: 'Wang Lei' })).emails.map((e) => e.subject)).toEqual(['Unrelated']);
    expect((await countEmailsTool.invoke({ sender: '王芳' }, config(carol)) as CountEmailsResult).total).toBe(3);
  });

  it('finds by sender, English text and Chinese text, newest first, with local dates', async () => {
    // One contact: Li Wei and 李伟 write from the same address.
    const bySender = await search(alice, { sender: 'li wei' });
    expect(bySender.total).toBe(2);
    expect(bySender.sender_contacts).toEqual([{ name: expect.any(String), names: expect.arrayContaining(['Li Wei', '李伟']), address: 'li.wei@northwind.example' }]);
    expect((await search(alice, { sender: '李伟' })).total).toBe(2);
    const byName = await search(alice, { sender: 'Li' });
    expect(byName.emails.map((e) => e.subject)).toEqual(['Q3 budget review', '第三季度预算调整']);
    expect(byName.emails[0]).toMatchObject({ from: 'Li Wei <li.wei@northwind.example>', date: '2026-11-19 00:30' });
    expect((await search(alice, { query: 'budget' })).emails.map((e) => e.subject)).toEqual(['Q3 budget review']);
    expect((await search(alice, { query: '预算' })).emails.map((e) => e.subject)).toEqual(['第三季度预算调整']);
  });

  it('reads days in the user time zone: after is inclusive, before exclusive, "today" from the clock', async () => {
    const today = await search(alice, { after: 'today' });
    expect(today.emails.map((e) => e.subject)).toEqual(['Q3 budget review']);
    expect(today.filters).toEqual({ after: '2026-11-19' });
    const yesterday = await search(alice, { after: 'yesterday', before: 'today' });
    expect(yesterday.emails.map((e) => e.subject)).toEqual(['第三季度预算调整']);
    const oneDay = await search(alice, { after: '2026-11-18', before: '2026-11-19' });
    expect(oneDay.emails.map((e) => e.subject)).toEqual(['第三季度预算调整']);
    // The same instant is a different day for a user in UTC.
    const utc = await search(alice, { after: '2026-11-18', before: '2026-11-19' }, 'UTC');
    expect(utc.emails.map((e) => e.subject)).toEqual(['Q3 budget review', '第三季度预算调整']);
  });

  it('limits and counts', async () => {
    const r = await search(alice, { limit: 1 });
    expect(r.total).toBe(3);
    expect(r.emails).toHaveLength(1);
  });

  it('rejects arguments it cannot use with a message for the model', async () => {
    await expect(search(alice, { after: '2026-11-20', before: '2026-11-19' })).rejects.toThrow(ToolError);
    await expect(search(alice, { after: 'next blue moon' })).rejects.toThrow(/Cannot read the date "next blue moon"/);
    await expect(search(alice, { limit: 500 })).rejects.toThrow(/did not match expected schema/);
  });

  it("never returns another user's mail", async () => {
    expect((await search(bob, { sender: 'Li Wei' })).emails.map((e) => e.subject)).toEqual(["Bob's own budget"]);
    // Alice's 预算 mail stays hers; Bob's own English "budget" is 预算 in the other language.
    expect((await search(bob, { query: '预算' })).emails.map((e) => e.subject)).toEqual(["Bob's own budget"]);
    expect((await search(alice, { query: 'Bob' })).total).toBe(0);
  });
});

describe('search_emails forgives the way people type', () => {
  it('matches any word when no email has them all, and says which words matched', async () => {
    const r = await search(alice, { query: 'budget lunch' });
    expect(r.match).toMatchObject({ mode: 'any', matched_words: ['budget', 'lunch'] });
    expect(r.emails.map((e) => e.subject).sort()).toEqual(['Lunch on Friday?', 'Q3 budget review']);
  });

  it('leaves out words the mailbox does not have and corrects misspellings', async () => {
    const r = await search(alice, { query: 'plz budgett' });
    expect(r.match).toMatchObject({ mode: 'all', words: ['budget'], ignored_words: ['plz'], corrected: [{ from: 'budgett', to: 'budget' }] });
    expect(r.emails.map((e) => e.subject)).toEqual(['Q3 budget review']);
    expect((await search(alice, { query: 'xylophone' })).total).toBe(0);
  });

  it('corrects typos, not words that merely share an ending with a word of the mailbox', async () => {
    const dave = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
    await insertEmails(t.db, dave, [
      email({ subject: 'Input validation for the signup form', bodyText: 'Validation rules attached.', receivedAt: new Date('2026-11-18T03:00:00Z') }),
      email({ subject: 'Your password expires in 3 days', bodyText: 'Change it soon.', receivedAt: new Date('2026-11-17T03:00:00Z') }),
    ]);
    const vacation = await search(dave, { query: 'vacation' });
    expect(vacation.total).toBe(0);
    expect(vacation.match).toMatchObject({ ignored_words: ['vacation'] });
    expect(vacation.match?.corrected).toBeUndefined();
    const typo = await search(dave, { query: 'valdiation' });
    expect(typo.match?.corrected).toEqual([{ from: 'valdiation', to: 'validation' }]);
    expect((await search(dave, { query: 'password expiry' })).emails.map((e) => e.subject)).toEqual(['Your password expires in 3 days']);
  });

  it('finds a topic written in the other language, says so, and widens no search whose words the mailbox has', async () => {
    const carol = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
    await insertEmails(t.db, carol, [
      email({ subject: '笔记本电脑采购申请待审批', fromName: '周杰', bodyText: '请审批三台笔记本电脑的采购申请。', receivedAt: new Date('2026-11-18T03:00:00Z') }),
      email({ subject: '首页在Safari下白屏的问题', fromName: '刘洋', bodyText: '用户反馈首页白屏。', receivedAt: new Date('2026-11-17T03:00:00Z') }),
      email({ subject: 'Contract renewal for 2027', bodyText: 'The contract renewal is attached.', receivedAt: new Date('2026-11-16T03:00:00Z') }),
      email({ subject: 'Invoice INV-2041 for October', bodyText: 'Please find the invoice attached.', receivedAt: new Date('2026-11-15T03:00:00Z') }),
      email({ subject: '报销单发票抬头有误', fromName: '吴敏', bodyText: '发票抬头写错了。', receivedAt: new Date('2026-11-14T03:00:00Z') }),
    ]);
    const laptops = await search(carol, { query: 'laptop purchase request' });
    expect(laptops.emails.map((e) => e.subject)).toEqual(['笔记本电脑采购申请待审批']);
    expect(laptops.match?.translated?.map((x) => x.from)).toEqual(['laptop', 'purchase', 'request']);
    expect(laptops.match?.translated?.[0]?.to).toContain('笔记本电脑');
    // Two English words the glossary knows together.
    expect((await search(carol, { query: 'safari white screen' })).emails.map((e) => e.subject)).toEqual(['首页在Safari下白屏的问题']);
    expect((await search(carol, { query: '合同' })).emails.map((e) => e.subject)).toEqual(['Contract renewal for 2027']);
    // Both languages have invoices: each word finds its own language only, as before.
    const invoices = await search(carol, { query: 'invoice' });
    expect(invoices.emails.map((e) => e.subject)).toEqual(['Invoice INV-2041 for October']);
    expect(invoices.match?.translated).toBeUndefined();
    expect((await search(carol, { query: '发票' })).emails.map((e) => e.subject)).toEqual(['报销单发票抬头有误']);
  });

  it('finds mail by whom it went to (To or Cc): a contact by name, anyone else by address', async () => {
    const erin = (await createUser(t.db, { timezone: 'Asia/Shanghai' })).id;
    const me = { fromAddress: 'erin@example.test', fromName: 'Erin', labels: ['sent'] };
    await insertEmails(t.db, erin, [
      email({ subject: 'Budget question', receivedAt: new Date('2026-11-18T03:00:00Z') }),
      email({ ...me, subject: 'Re: Budget question', to: ['li.wei@northwind.example'], receivedAt: new Date('2026-11-18T05:00:00Z') }),
      email({ ...me, subject: 'Offsite dates', to: ['sarah.johnson@northwind.example'], cc: ['li.wei@northwind.example'], receivedAt: new Date('2026-11-17T05:00:00Z') }),
      email({ ...me, subject: 'Quote request', to: ['sales@newvendor.example'], receivedAt: new Date('2026-11-16T05:00:00Z') }),
    ]);
    const toLiWei = await search(erin, { recipient: 'Li Wei', label: 'sent' });
    expect(toLiWei.emails.map((e) => e.subject)).toEqual(['Re: Budget question', 'Offsite dates']);
    expect(toLiWei.filters).toMatchObject({ recipient: 'Li Wei', label: 'sent' });
    expect((await search(erin, { recipient: 'newvendor' })).emails.map((e) => e.subject)).toEqual(['Quote request']);
    // The sender filter is unchanged: Li Wei's own mail, not mail to him.
    expect((await search(erin, { sender: 'Li Wei' })).emails.map((e) => e.subject)).toEqual(['Budget question']);
    const counted = (await countEmailsTool.invoke({ recipient: 'Li Wei' }, config(erin))) as CountEmailsResult;
    expect(counted.total).toBe(2);
  });

  it('finds a whole Chinese sentence by its words, and a sender by a misspelt name', async () => {
    expect((await search(alice, { query: '请查看关于预算调整的邮件' })).emails.map((e) => e.subject)).toEqual(['第三季度预算调整']);
    const r = await search(alice, { sender: 'Sara Jonson' });
    expect(r.emails.map((e) => e.subject)).toEqual(['Lunch on Friday?']);
    expect(await search(alice, { sender: 'nobody-we-know' })).toMatchObject({ total: 0, sender_unknown: true });
  });
});

describe('count_emails', () => {
  const count = (userId: string, args: Record<string, unknown>) => countEmailsTool.invoke(args, config(userId)) as Promise<CountEmailsResult>;

  it('counts exactly, grouped by sender, day or thread, largest first', async () => {
    expect(await count(alice, {})).toMatchObject({ total: 3, group_by: 'none' });
    const bySender = await count(alice, { group_by: 'sender' });
    expect(bySender.groups?.map((g) => [g.key, g.count])).toEqual([['li.wei@northwind.example', 2], ['sarah.johnson@northwind.example', 1]]);
    expect(bySender.groups?.[0]?.label).toMatch(/Li Wei/);
    const byDay = await count(alice, { group_by: 'day', after: '2026-11-18', before: '2026-11-20' });
    expect(byDay).toMatchObject({ total: 2, group_count: 2 });
    expect(byDay.groups?.map((g) => g.key).sort()).toEqual(['2026-11-18', '2026-11-19']);
    expect((await count(bob, { sender: 'Li Wei' })).total).toBe(1);
  });

  it('ranks whom the user writes to: each person in To or Cc counted once per email, the user left out, named as a contact', async () => {
    const fay = (await createUser(t.db, { timezone: 'Asia/Shanghai', email: 'Fay@Example.test' })).id;
    const me = { fromAddress: 'fay@example.test', fromName: 'Fay', labels: ['sent'] };
    await insertEmails(t.db, fay, [
      email({ subject: 'Budget question', to: ['fay@example.test'], receivedAt: new Date('2026-11-18T03:00:00Z') }),
      email({ ...me, subject: 'Re: Budget question', to: ['Li.Wei@northwind.example'], cc: ['fay@example.test'], receivedAt: new Date('2026-11-18T05:00:00Z') }),
      email({ ...me, subject: 'Offsite dates', to: ['sarah.johnson@northwind.example'], cc: ['li.wei@northwind.example'], receivedAt: new Date('2026-11-17T05:00:00Z') }),
      email({ ...me, subject: 'Quote request', to: ['sales@newvendor.example', 'sales@newvendor.example'], receivedAt: new Date('2026-11-16T05:00:00Z') }),
    ]);
    const written = await count(fay, { group_by: 'recipient', label: 'sent' });
    expect(written).toMatchObject({ total: 3, group_by: 'recipient', group_count: 3 });
    expect(written.groups?.map((g) => [g.key, g.count])).toEqual([
      ['li.wei@northwind.example', 2],
      ['sarah.johnson@northwind.example', 1],
      ['sales@newvendor.example', 1],
    ]);
    // Li Wei wrote to Fay once: his contact names him; nobody names the vendor's address.
    expect(written.groups?.[0]?.label).toMatch(/Li Wei/);
    expect(written.groups?.[2]?.label).toBe('');
    expect((await count(fay, { group_by: 'recipient', after: '2026-11-17' })).groups?.map((g) => g.key)).toEqual(['li.wei@northwind.example', 'sarah.johnson@northwind.example']);
    // The address of a mailbox Fay connected is hers too.
    await t.db.mailAccount.create({ data: { userId: fay, label: 'Work', emailAddress: 'Fay@Work.example', imapHost: 'imap.work.example', imapUser: 'fay' } });
    await insertEmails(t.db, fay, [email({ subject: 'To her work address', to: ['fay@work.example'], receivedAt: new Date('2026-11-19T03:00:00Z') })]);
    expect((await count(fay, { group_by: 'recipient', after: '2026-11-19' })).groups).toEqual([]);
    // Mail sent from that mailbox is hers when grouped by sender.
    await insertEmails(t.db, fay, [email({ fromAddress: 'fay@work.example', fromName: 'Fay', subject: 'From work', receivedAt: new Date('2026-11-20T03:00:00Z') })]);
    const bySender = await count(fay, { group_by: 'sender', after: '2026-11-20' });
    expect(bySender.groups).toMatchObject([{ key: 'fay@work.example', is_you: true }]);
  });

  it('rejects arguments it cannot use with a message for the model', async () => {
    await expect(count(alice, { group_by: 'month' })).rejects.toThrow(/did not match expected schema/);
    await expect(count(alice, { after: 'someday' })).rejects.toThrow(ToolError);
  });
});

describe('read_email', () => {
  it("reads one of the user's emails in full", async () => {
    const [found] = (await search(alice, { query: 'budget' })).emails;
    const r = await readEmailTool.invoke({ id: found!.id }, config(alice));
    expect(r).toMatchObject({ id: found!.id, subject: 'Q3 budget review', body: 'Body of Q3 budget review', from: 'Li Wei <li.wei@northwind.example>', to: ['me@example.test'] });
  });

  it("treats another user's email as missing", async () => {
    const [bobs] = (await search(bob, {})).emails;
    await expect(readEmailTool.invoke({ id: bobs!.id }, config(alice))).rejects.toThrow(`No email with id ${bobs!.id} in this mailbox`);
  });
});

describe('daily report tools', () => {
  it('reads a report by "yesterday" and by date; a quiet day has an empty report, a day before any mail none', async () => {
    const y = await readDailyReportTool.invoke({ date: 'yesterday' }, config(alice));
    expect(y).toMatchObject({ date: '2026-11-18', report: { summary: 'Two emails about the budget.', highlights: [{ kind: 'deadline' }] } });
    expect(await readDailyReportTool.invoke({ date: '2026-11-17' }, config(alice))).toMatchObject({
      date: '2026-11-17',
      report: { statistics: { total: 0 } },
    });
    expect(await readDailyReportTool.invoke({ date: '2026-11-01' }, config(alice))).toEqual({ date: '2026-11-01', report: null });
  });

  it('lists reports in a range, the last 7 days by default', async () => {
    const week = await listDailyReportsTool.invoke({}, config(alice));
    expect(week.from).toBe('2026-11-13');
    expect(week.to).toBe('2026-11-19');
    expect(week.reports.map((r) => r.date)).toEqual(['2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16', '2026-11-15', '2026-11-14', '2026-11-13']);
    expect(week.reports[1]).toEqual({
      date: '2026-11-18',
      summary: 'Two emails about the budget.',
      summary_zh: expect.any(String),
      emails: 2,
      needs_reply: [],
      deadlines: [{ text: 'Send revised numbers by Friday' }],
      action_items: [],
    });
    await expect(listDailyReportsTool.invoke({ from: '2026-11-19', to: '2026-11-01' }, config(alice))).rejects.toThrow(ToolError);
  });

  it("never shows another user's reports", async () => {
    const own = await readDailyReportTool.invoke({ date: '2026-11-18' }, config(bob));
    expect(own.report?.summary).not.toBe('Two emails about the budget.');
    expect(own.report?.statistics.total).toBe(1);
    const list = await listDailyReportsTool.invoke({}, config(bob));
    expect(list.reports.map((r) => r.summary)).not.toContain('Two emails about the budget.');
  });
});
