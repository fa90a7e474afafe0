/**
 * The offline model driving the real agent over the seeded demo mailbox:
 * tool choice, grounded streamed answers, and follow-ups that are resolved
 * from the stored conversation by a fresh handler and model (as after a
 * restart of the server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMailModel } from '../../agents/mail/local/LocalMailModel.ts';
import { getReport } from '../../server/mail/reportStore.ts';
import { countEmails, searchEmails } from '../../server/mail/search.ts';
import { startOfDayIn } from '../../server/time/calendar.ts';
import { createDemoDatabase, DEMO, DEMO_FACTS, type DemoDatabase } from '../helpers/demo.ts';
import { collect, completion, createSession, expectWellFormedRun, makeHandler, ofType, storedMessages } from './support.ts';

let t: DemoDatabase;
/** The demo's "now": Friday 2026-11-20 18:00 in Shanghai. */
const clock = { now: () => DEMO.anchor.getTime() };

/** A new model and handler per call: nothing survives between questions but the database. */
function freshHandler(sessionId: string) {
  return makeHandler(t.db, { userId: t.userId, sessionId }, new LocalMailModel({ tokenDelayMs: 0, now: clock.now }), { clock });
}

/** What the reader sees: markdown escapes rendered. */
const rendered = (markdown: string) => markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u2060/g, '');

async function ask(sessionId: string, question: string) {
  const events = await collect(freshHandler(sessionId).streamResponse(question));
  expectWellFormedRun(events);
  return events;
}

beforeAll(async () => {
  t = await createDemoDatabase();
});

afterAll(async () => {
  await t?.drop();
});

describe('the offline model on the demo mailbox', () => {
  it('answers "emails from Li Wei last week" with the matching emails, then opens the second one after a restart', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, 'emails from Li Wei last week');

    const thoughts = ofType(events, 'agent_thought');
    expect(thoughts.some((th) => th.kind === 'reasoning' && th.content.includes('sender "Li Wei"'))).toBe(true);
    expect(thoughts.find((th) => th.kind === 'tool_selection')).toMatchObject({ tool_name: 'search_emails', content: expect.stringContaining('search_emails') });
    const call = ofType(events, 'tool_call_start')[0]!;
    expect(call.tool_args).toEqual({ sender: 'Li Wei', after: '2026-11-09', before: '2026-11-16', limit: 10 });
    // The sentence announcing the search comes before its tool card, in the stream and in the parts.
    const chunks = ofType(events, 'agent_response_chunk');
    const intro = chunks[0]!;
    expect(chunks.filter((c) => c.part === intro.part).map((c) => c.delta).join('')).toContain('search_emails');
    expect(intro.part).toBeLessThan(call.part);
    expect(events.findIndex((e) => e.payload === intro)).toBeLessThan(events.findIndex((e) => e.payload === call));

    const expected = await searchEmails(t.db, {
      userId: t.userId,
      from: 'Li Wei',
      after: startOfDayIn('2026-11-09', DEMO.timeZone),
      before: startOfDayIn('2026-11-16', DEMO.timeZone),
      limit: 10,
      offset: 0,
    });
    expect(expected.items.length).toBeGreaterThan(1);
    const answer = completion(events).content;
    expect(answer).toContain(`I found ${expected.total} email${expected.total === 1 ? '' : 's'} from Li Wei last week (2026-11-09 – 2026-11-15)`);
    for (const e of expected.items) expect(answer).toContain(`**${e.subject}**`);
    expect(ofType(events, 'agent_response_chunk').length).toBeGreaterThan(20);

    const followUp = await ask(session.id, 'open the second one');
    expect(ofType(followUp, 'tool_call_start')[0]).toMatchObject({ tool_name: 'read_email', tool_args: { id: expected.items[1]!.id } });
    const opened = completion(followUp).content;
    expect(opened).toContain(`**${expected.items[1]!.subject}**`);
    // Email-derived text is escaped markdown: it renders as written and never becomes a link or tag.
    expect(opened).toContain('From: Li Wei \\<li.wei\u2060@northwind.example\\>');
    expect(rendered(opened)).toContain('From: Li Wei <li.wei@northwind.example>');
  });

  it('reads yesterday\'s daily report in Chinese, and "the day before" in a new process', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, '昨天的日报');
    expect(ofType(events, 'tool_call_start')[0]).toMatchObject({ tool_name: 'read_daily_report', tool_args: { date: DEMO_FACTS.yesterday } });
    const report = (await getReport(t.db, t.userId, DEMO_FACTS.yesterday))!;
    const answer = completion(events).content;
    expect(answer).toContain(`**${DEMO_FACTS.yesterday}（周四） 的日报**`);
    // The summary is written in the reader's language, from the report's figures.
    expect(answer).not.toContain(report.summary);
    expect(answer).toContain(`共 ${report.statistics.total} 封邮件，${report.statistics.threads} 个会话`);
    // The model's own words; the tool choice is the call itself (name and arguments).
    const modelThoughts = ofType(events, 'agent_thought').filter((th) => th.kind === 'reasoning');
    expect(modelThoughts.length).toBeGreaterThan(1);
    expect(modelThoughts.every((th) => /[\u4e00-\u9fff]/.test(th.content))).toBe(true);

    const before = await ask(session.id, '那前一天呢');
    expect(ofType(before, 'tool_call_start')[0]).toMatchObject({ tool_name: 'read_daily_report', tool_args: { date: '2026-11-18' } });
    expect(completion(before).content).toContain(`共 ${(await getReport(t.db, t.userId, '2026-11-18'))!.statistics.total} 封邮件`);
  });

  it('searches Chinese text and Chinese sender names', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, `关于${DEMO_FACTS.subjects.budgetAdjustmentZh}的邮件`);
    expect(ofType(events, 'tool_call_start')[0]!.tool_args).toEqual({ query: DEMO_FACTS.subjects.budgetAdjustmentZh, limit: 10 });
    expect(completion(events).content).toMatch(new RegExp(`^找到 \\d+ 封关于“${DEMO_FACTS.subjects.budgetAdjustmentZh}”的邮件`));
    expect(completion(events).content).toContain(`**${DEMO_FACTS.subjects.budgetAdjustmentZh}`);
  });

  it('finds a company named in Chinese by its domain in pinyin, unless the company is what the mail is about', async () => {
    const fromCompany = await ask((await createSession(t.db, t.userId)).id, '华新科技发来的邮件');
    expect(ofType(fromCompany, 'tool_call_start')[0]!.tool_args).toEqual({ sender: 'huaxin-tech.example', limit: 10 });
    const newest = (await searchEmails(t.db, { userId: t.userId, from: 'huaxin-tech.example', limit: 1, offset: 0 })).items[0]!;
    expect(completion(fromCompany).content).toContain(`**${newest.subject}**`);

    const aboutCompany = await ask((await createSession(t.db, t.userId)).id, '拜访华新科技的安排');
    const args = ofType(aboutCompany, 'tool_call_start')[0]!.tool_args as { sender?: string; query?: string };
    // Searched as words of the mail (the visit is planned by colleagues), not as its sender.
    expect(args.sender).toBeUndefined();
    expect(args.query).toBeTruthy();
  });

  it('of two contacts named, the one asked "from" is the sender and the company asked "about" the topic', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'emails from David about Contoso');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ sender: 'David', query: 'Contoso', limit: 10 }]);
    const expected = await searchEmails(t.db, { userId: t.userId, from: 'David', q: 'Contoso', limit: 10, offset: 0 });
    expect(expected.total).toBeGreaterThan(0);
    expect(rendered(completion(events).content)).toContain(`I found ${expected.total} email${expected.total === 1 ? '' : 's'} from David about "Contoso"`);
  });

  it('a company named together with words it never writes is part of the topic, not the sender', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'find the sakura systems security questionnaire thread');
    const args = ofType(events, 'tool_call_start')[0]!.tool_args as { sender?: string; query?: string };
    expect(args.sender).toBeUndefined();
    expect(args.query).toMatch(/^sakura systems security questionnaire/i);
    // Asked "from", it stays the sender (and says its mail never has the words).
    const from = await ask((await createSession(t.db, t.userId)).id, 'security questionnaire emails from sakura systems');
    expect((ofType(from, 'tool_call_start')[0]!.tool_args as { sender?: string }).sender).toBeTruthy();
  });

  it('reads a contact typed with one slip, and a contact right after "I sent" as the recipient', async () => {
    const typo = await ask((await createSession(t.db, t.userId)).id, 'show the last 3 emails from githb');
    expect(ofType(typo, 'tool_call_start')[0]!.tool_args).toMatchObject({ sender: expect.stringMatching(/^github$/i), limit: 3 });
    const sent = await ask((await createSession(t.db, t.userId)).id, 'emails I sent tom this week');
    const args = ofType(sent, 'tool_call_start')[0]!.tool_args as { sender?: string; recipient?: string; label?: string };
    expect(args.sender).toBeUndefined();
    expect(args).toMatchObject({ recipient: expect.stringMatching(/^tom/i), label: 'sent' });
  });

  it('a sender written as an address is that address, not the company a word of it names', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'any mail from james.oconnor@northwind.example this month?');
    expect(ofType(events, 'tool_call_start')[0]!.tool_args).toMatchObject({ sender: 'james.oconnor@northwind.example' });
  });

  it('answers an English question about mail written in Chinese, and says it searched both languages', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'emails about the laptop purchase request');
    expect(ofType(events, 'tool_call_start')[0]!.tool_args).toMatchObject({ query: 'laptop purchase request' });
    const newest = (await searchEmails(t.db, { userId: t.userId, q: '笔记本电脑 采购', limit: 1, offset: 0 })).items[0]!;
    const answer = rendered(completion(events).content);
    expect(answer).toContain(`**${newest.subject}**`);
    expect(answer).toMatch(/the mail has these words in the other language, so I searched both: "laptop" → [^;)]*"笔记本电脑"/);
  });

  it("says so when the sender's mail never has the topic, rather than dropping it silently", async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'emails about webhook retries from Robert Greene');
    expect(ofType(events, 'tool_call_start')[0]!.tool_args).toEqual({ sender: 'Robert Greene', limit: 10 });
    expect(rendered(completion(events).content)).toContain(`(Robert Greene's mail never has "webhook", "retries", so I did not filter by them.)`);
  });

  it('opens the newest email from a sender in two tool steps', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, 'open the latest email from Li Wei');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_name)).toEqual(['search_emails', 'read_email']);
    const newest = (await searchEmails(t.db, { userId: t.userId, from: 'Li Wei', limit: 1, offset: 0 })).items[0]!;
    expect(ofType(events, 'tool_call_start')[1]!.tool_args).toEqual({ id: newest.id });
    expect(completion(events).content).toMatch(/^The newest of \d+ emails from Li Wei:/);
    expect(completion(events).content).toContain(`**${newest.subject}**`);
  });

  it("lists a week's reports under their own dates, in either language", async () => {
    const zh = await ask((await createSession(t.db, t.userId)).id, '本周的日报');
    const listed = [...completion(zh).content.matchAll(/\*\*(\d{4}-\d{2}-\d{2})\*\*/g)].map((m) => m[1]);
    expect(listed).toEqual(['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16']);
    const en = await ask((await createSession(t.db, t.userId)).id, "show me this week's daily reports");
    expect(completion(en).content).toMatch(/^Daily reports for this week \(2026-11-16 – 2026-11-20\) \(5\):/);
  });

  it('asked about something no email mentions, says none rather than listing every email', async () => {
    const en = await ask((await createSession(t.db, t.userId)).id, 'emails about the xylophone');
    expect(ofType(en, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ query: 'xylophone', limit: 10 }]);
    expect(rendered(completion(en).content)).toBe('I found nothing for emails about "xylophone". Try a wider date range, another sender or fewer words.');
    const zh = await ask((await createSession(t.db, t.userId)).id, '关于打印机的邮件');
    expect(ofType(zh, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ query: '打印机', limit: 10 }]);
    expect(completion(zh).content).toMatch(/^没有找到关于“打印机”的邮件。/);
  });

  it('"open the email about …" opens the newest match, not the best one', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'open the email about the budget');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_name)).toEqual(['search_emails', 'read_email']);
    const search = ofType(events, 'tool_call_start')[0]!.tool_args as { query: string };
    const newest = (await searchEmails(t.db, { userId: t.userId, q: search.query, limit: 1, offset: 0, sort: 'newest' })).items[0]!;
    const best = (await searchEmails(t.db, { userId: t.userId, q: search.query, limit: 1, offset: 0, sort: 'relevance' })).items[0]!;
    expect(best.id).not.toBe(newest.id);
    expect(ofType(events, 'tool_call_start')[1]!.tool_args).toEqual({ id: newest.id });
    expect(completion(events).content).toMatch(/^The newest of \d+ emails about "budget":/);
  });

  it('"the last thing Kenji sent" opens his newest email', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'the last thing Kenji sent');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_name)).toEqual(['search_emails', 'read_email']);
    const newest = (await searchEmails(t.db, { userId: t.userId, from: 'Kenji', limit: 1, offset: 0 })).items[0]!;
    expect(ofType(events, 'tool_call_start')[1]!.tool_args).toEqual({ id: newest.id });
  });

  it('"who did I email the most" ranks the people the user wrote to, in either language', async () => {
    const expected = await countEmails(t.db, {
      userId: t.userId,
      label: 'sent',
      after: startOfDayIn('2026-11-01', DEMO.timeZone),
      before: startOfDayIn('2026-11-21', DEMO.timeZone),
      groupBy: 'recipient',
      timezone: DEMO.timeZone,
      top: 10,
    });
    // The demo user writes to two people equally often this month: both are named.
    const tied = expected.groups.filter((g) => g.count === expected.groups[0]!.count);
    expect(tied.length).toBe(2);
    const [a, b] = tied.map((g) => `**${g.label || g.key}**`);
    const en = await ask((await createSession(t.db, t.userId)).id, 'who did I email the most this month?');
    expect(ofType(en, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ label: 'sent', after: '2026-11-01', before: '2026-11-21', group_by: 'recipient' }]);
    expect(rendered(completion(en).content)).toContain(`You wrote most often to ${a} and ${b}: ${tied[0]!.count} emails each.`);
    const zh = await ask((await createSession(t.db, t.userId)).id, '我这个月给谁发邮件最多？');
    expect(ofType(zh, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ label: 'sent', after: '2026-11-01', before: '2026-11-21', group_by: 'recipient' }]);
    expect(rendered(completion(zh).content)).toContain(`你发给 ${a} 和 ${b} 的邮件最多，各 ${tied[0]!.count} 封。`);
    const one = await ask((await createSession(t.db, t.userId)).id, 'who did I email the most yesterday?');
    expect(rendered(completion(one).content)).toMatch(/^You wrote most often to \*\*[^*]+\*\*: \d+ emails\./);
  });

  it('reads a Chinese date range with 之间 as dates only, and names labels and recipients in Chinese', async () => {
    const range = await ask((await createSession(t.db, t.userId)).id, '11月15日到11月18日之间的邮件');
    expect(ofType(range, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ after: '2026-11-15', before: '2026-11-19', limit: 10 }]);
    const unread = await ask((await createSession(t.db, t.userId)).id, '本周有多少封未读邮件');

    expect(completion(unread).content).toMatch(/^本周（2026-11-16 至 2026-11-20）的未读邮件共有 \d+ 封。$/);
    const sent = await ask((await createSession(t.db, t.userId)).id, '我上周发给王芳的邮件');
    expect(completion(sent).content).toMatch(/^找到 \d+ 封上周（2026-11-09 至 2026-11-15）发给王芳的已发送邮件/);
  });

  it('a count of days gone by is told in the past tense, of days that include today in the present', async () => {
    const yesterday = await ask((await createSession(t.db, t.userId)).id, 'how many emails did I get yesterday?');
    expect(rendered(completion(yesterday).content)).toMatch(/^There were \d+ emails yesterday \(Thursday 2026-11-19\)\.$/);
    const thisWeek = await ask((await createSession(t.db, t.userId)).id, 'how many emails this week?');
    expect(rendered(completion(thisWeek).content)).toMatch(/^There are \d+ emails this week \(2026-11-16 – 2026-11-20\)\.$/);
  });

  it('"the last email I sent" opens the newest sent one; a weekday is named once', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'what was the last email I sent?');
    const newest = (await searchEmails(t.db, { userId: t.userId, label: 'sent', limit: 1, offset: 0 })).items[0]!;
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ label: 'sent', limit: 5 }, { id: newest.id }]);
    const monday = await ask((await createSession(t.db, t.userId)).id, 'emails I received on Monday');
    expect(rendered(completion(monday).content)).toMatch(/^I found \d+ emails on Monday \(2026-11-16\)/);
  });

  it('knows a sender whose English name is said in Chinese word by word (报销系统: Expense System), not a single word', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, '报销系统发来的通知');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ sender: 'Expense System', limit: 10 }]);
    const topic = await ask((await createSession(t.db, t.userId)).id, '关于系统的邮件');
    expect(ofType(topic, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ query: '系统', limit: 10 }]);
  });

  it('"any deadlines this week?" lists the deadlines the week\'s reports quote, newest day first', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'any deadlines this week?');
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_args)).toEqual([{ from: '2026-11-16', to: '2026-11-20' }]);
    const days = ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17', '2026-11-16'];
    const deadlines = (await Promise.all(days.map((d) => getReport(t.db, t.userId, d)))).flatMap((r) => (r?.highlights ?? []).filter((h) => h.kind === 'deadline'));
    expect(deadlines.length).toBeGreaterThan(0);
    const answer = rendered(completion(events).content);
    expect(answer).toMatch(new RegExp(`^Your mail this week \\(2026-11-16 – 2026-11-20\\) sets ${new Set(deadlines.map((h) => h.text)).size} deadlines? and asks \\d+ things? of you:`));
    const first = /^(.*)\s\((.+?), “(.+)”\)$/s.exec(deadlines[0]!.text)!;
    expect(answer).toContain(`- Deadline: 「${first[1]}」 (${first[2]}, **${first[3]}**)`);
  });

  it('says plainly when nothing matches', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, 'emails from Nobody Atall yesterday');
    // No contact is called that: one looser try with the name as text, and the answer says both.
    expect(ofType(events, 'tool_call_start').map((c) => c.tool_args)).toEqual([
      { sender: 'Nobody Atall', after: '2026-11-19', before: '2026-11-20', limit: 10 },
      { query: 'Nobody Atall', after: '2026-11-19', before: '2026-11-20', limit: 10 },
    ]);
    const answer = completion(events).content;
    expect(answer).toMatch(/^Nothing matched emails from Nobody Atall yesterday \(Thursday 2026-11-19\), so I searched more loosely/);
    // What was searched: "Nobody" is in no email, which the note says.
    expect(answer).toContain('I found nothing for emails about "Atall" yesterday');
    expect(answer).toContain('(I did not use "Nobody": not a contact and not a word in your mail.)');
  });

  it('names what it searched and in which order: best matches for words, without a word no email has', async () => {
    const events = await ask((await createSession(t.db, t.userId)).id, 'What did Alice send me about the budget?');
    const calls = ofType(events, 'tool_call_start').map((c) => c.tool_args);
    expect(calls.at(-1)).toMatchObject({ query: 'budget Alice' });
    const answer = rendered(completion(events).content);
    const relevance = await searchEmails(t.db, { userId: t.userId, q: 'budget', limit: 10, offset: 0, sort: 'relevance' });
    expect(relevance.total).toBeGreaterThan(10);
    expect(answer).toContain(`I found ${relevance.total} emails about "budget"; here are the 10 best matches:`);
    expect(answer).toContain(`1. **${relevance.items[0]!.subject}**`);
    expect(answer).toContain('(I did not use "Alice": not a contact and not a word in your mail.)');
    // Each step's thoughts read that step's result, not the earlier ones again.
    const read = ofType(events, 'agent_thought').filter((th) => th.kind === 'reasoning' && th.content.startsWith('search_emails found'));
    expect(read.map((th) => th.content)).toEqual(['search_emails found 0 emails and returned 0.', `search_emails found ${relevance.total} emails and returned 10.`]);
    const zh = await ask((await createSession(t.db, t.userId)).id, '关于 budget 的邮件');
    expect(completion(zh).content).toMatch(/^找到 \d+ 封关于“budget”的邮件，以下是最相关的 10 封：/);
  });

  it('says what it is without calling tools', async () => {
    const session = await createSession(t.db, t.userId);
    const events = await ask(session.id, 'Are you ChatGPT?');
    expect(ofType(events, 'tool_call_start')).toHaveLength(0);
    expect(completion(events).content).toContain('deterministic program, not a language model');
    const rows = await storedMessages(t.db, session.id);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant']);
  });
});
