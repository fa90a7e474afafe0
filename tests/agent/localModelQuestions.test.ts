/**
 * The offline model's understanding, pinned by a table of questions: for
 * each, the tool it must choose and the exact arguments (or the kind of
 * answer it must give without tools). "Today" is Friday 2026-11-20 in
 * Asia/Shanghai, as the system prompt tells it.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { combineRanges, findDates } from '../../agents/mail/local/dateExpressions.ts';
import { planTurn, type Plan } from '../../agents/mail/local/planner.ts';
import { currentDateLine } from '../../agents/mail/agent.ts';

const TODAY = new Date('2026-11-20T18:00:00+08:00');
const TZ = 'Asia/Shanghai';
const TOOLS = new Set(['search_emails', 'read_email', 'list_daily_reports', 'read_daily_report']);

const EMAILS = [
  { id: '00000000-0000-4000-8000-000000000001', from: 'Li Wei <li.wei@northwind.example>', date: '2026-11-19 17:02', subject: 'Q3 budget review', snippet: '…' },
  { id: '00000000-0000-4000-8000-000000000002', from: 'Li Wei <li.wei@northwind.example>', date: '2026-11-19 11:40', subject: 'Hiring plan', snippet: '…' },
  { id: '00000000-0000-4000-8000-000000000003', from: 'Li Wei <li.wei@northwind.example>', date: '2026-11-19 09:15', subject: 'Team lunch', snippet: '…' },
];

/** An earlier exchange in the conversation: a question, the tool call it led to, the result, the answer. */
function earlier(question: string, name: string, args: Record<string, unknown>, result: unknown): BaseMessage[] {
  const id = `call_${name}_${question.length}`;
  return [
    new HumanMessage(question),
    new AIMessage({ content: '', tool_calls: [{ id, name, args, type: 'tool_call' }] }),
    new ToolMessage({ content: JSON.stringify(result), tool_call_id: id, name }),
    new AIMessage('(the answer)'),
  ];
}

const AFTER_SEARCH = earlier(
  'emails from Li Wei yesterday',
  'search_emails',
  { sender: 'Li Wei', after: '2026-11-19', before: '2026-11-20', limit: 10 },
  { total: 3, emails: EMAILS, filters: { sender: 'Li Wei', after: '2026-11-19', before: '2026-11-20' } },
);
const AFTER_REPORT = earlier('daily report of Nov 18', 'read_daily_report', { date: '2026-11-18' }, { date: '2026-11-18', report: null });
const THIS_WEEK_ARGS = { after: '2026-11-16', before: '2026-11-21' };
const AFTER_COUNT = earlier('how many from GitHub this week?', 'count_emails', { sender: 'GitHub', ...THIS_WEEK_ARGS }, { total: 27 });
const AFTER_UNREAD_COUNT = earlier('how many unread emails have i got', 'count_emails', { label: 'unread' }, { total: 42 });
const AFTER_REPORT_LIST = earlier('reports for last week', 'list_daily_reports', { from: '2026-11-09', to: '2026-11-15' }, { reports: [] });

type Row = {
  q: string;
  context?: BaseMessage[];
} & ({ tool: string; args: Record<string, unknown> } | { answer: RegExp });

const search = (args: Record<string, unknown>) => ({ tool: 'search_emails', args: { limit: 10, ...args } });

const TABLE: Row[] = [
  // English: search by sender, topic, dates
  { q: 'emails from Li Wei last week', ...search({ sender: 'Li Wei', after: '2026-11-09', before: '2026-11-16' }) },
  { q: 'find the emails from Li Wei about the Q3 budget', ...search({ sender: 'Li Wei', query: 'Q3 budget' }) },
  { q: 'anything about the Q3 budget?', ...search({ query: 'Q3 budget' }) },
  { q: 'Q3 budget', ...search({ query: 'Q3 budget' }) },
  { q: 'emails from last Monday', ...search({ after: '2026-11-16', before: '2026-11-17' }) },
  { q: 'show me emails from the last 3 days', ...search({ after: '2026-11-18', before: '2026-11-21' }) },
  { q: 'emails on 2026-11-20', ...search({ after: '2026-11-20', before: '2026-11-21' }) },
  { q: 'What did Michael Brown send me yesterday?', ...search({ sender: 'Michael Brown', after: '2026-11-19', before: '2026-11-20' }) },
  { q: 'Did Sarah send me anything this week?', ...search({ sender: 'Sarah', after: '2026-11-16', before: '2026-11-21' }) },
  { q: 'find invoices from CloudHost', ...search({ sender: 'CloudHost', query: 'invoices' }) },
  { q: 'any emails from wang.fang@northwind.example?', ...search({ sender: 'wang.fang@northwind.example' }) },
  { q: 'emails about the incident in the past 2 weeks', ...search({ query: 'incident', after: '2026-11-07', before: '2026-11-21' }) },
  { q: 'Find emails from Priya between Nov 10 and Nov 12', ...search({ sender: 'Priya', after: '2026-11-10', before: '2026-11-13' }) },
  { q: 'Show me mail from David Miller about the security questionnaire', ...search({ sender: 'David Miller', query: 'security questionnaire' }) },
  { q: 'emails from the finance team this month', ...search({ sender: 'finance', after: '2026-11-01', before: '2026-11-21' }) },
  { q: 'emails received 2 days ago', ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: 'top 5 emails from Tom Wilson', ...search({ sender: 'Tom Wilson', limit: 5 }) },
  { q: 'Any news from Kenji Tanaka on Tuesday?', ...search({ sender: 'Kenji Tanaka', after: '2026-11-17', before: '2026-11-18' }) },
  { q: 'open the latest email from Li Wei', ...search({ sender: 'Li Wei', limit: 5 }) },
  // One email asked for by what it is about: the newest that matches, opened
  { q: 'open the email about the laptop purchase', ...search({ query: 'laptop purchase', limit: 5 }) },
  { q: 'read the message from Li Wei about the Q3 budget', ...search({ sender: 'Li Wei', query: 'Q3 budget', limit: 5 }) },
  // English: daily reports
  { q: "what was in yesterday's daily report", tool: 'read_daily_report', args: { date: '2026-11-19' } },
  { q: 'daily report of Nov 18', tool: 'read_daily_report', args: { date: '2026-11-18' } },
  { q: 'what happened today?', tool: 'read_daily_report', args: { date: '2026-11-20' } },
  { q: 'list my daily reports for last week', tool: 'list_daily_reports', args: { from: '2026-11-09', to: '2026-11-15' } },
  // English: what is waiting for a reply (the reports know)
  { q: 'which emails need a reply?', tool: 'list_daily_reports', args: { from: '2026-11-14', to: '2026-11-20' } },
  { q: "what haven't I answered from last week?", tool: 'list_daily_reports', args: { from: '2026-11-09', to: '2026-11-15' } },
  // English: deadlines and to-dos (the reports pick them out); one deadline, or who wrote of it, is a search
  { q: 'any deadlines this week?', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-20' } },
  { q: 'what do I need to do today?', tool: 'list_daily_reports', args: { from: '2026-11-20', to: '2026-11-20' } },
  { q: "what's on my plate?", tool: 'list_daily_reports', args: { from: '2026-11-14', to: '2026-11-20' } },
  { q: "what's the deadline for the Q3 budget review?", ...search({ query: 'deadline Q3 budget review' }) },
  { q: 'anything due from Li Wei?', ...search({ sender: 'Li Wei', query: 'due' }) },
  // English: follow-ups on the stored conversation
  { q: 'open the second one', context: AFTER_SEARCH, tool: 'read_email', args: { id: EMAILS[1]!.id } },
  { q: 'what does the last one say?', context: AFTER_SEARCH, tool: 'read_email', args: { id: EMAILS[2]!.id } },
  { q: 'and the day before?', context: AFTER_SEARCH, ...search({ sender: 'Li Wei', after: '2026-11-18', before: '2026-11-19' }) },
  { q: 'and from Sarah?', context: AFTER_SEARCH, ...search({ sender: 'Sarah', after: '2026-11-19', before: '2026-11-20' }) },
  { q: 'only today', context: AFTER_SEARCH, ...search({ sender: 'Li Wei', after: '2026-11-20', before: '2026-11-21' }) },
  // Short, but a new question: it asks, or names the mail it is about
  { q: 'any newsletters today?', context: AFTER_SEARCH, ...search({ label: 'newsletter', after: '2026-11-20', before: '2026-11-21' }) },
  { q: 'emails with attachments', context: AFTER_SEARCH, ...search({ query: 'attachments' }) },
  { q: 'and the day before?', context: AFTER_REPORT, tool: 'read_daily_report', args: { date: '2026-11-17' } },
  // Chinese
  { q: '李伟发的邮件', ...search({ sender: '李伟' }) },
  { q: '来自王芳的邮件', ...search({ sender: '王芳' }) },
  { q: '关于预算的邮件', ...search({ query: '预算' }) },
  { q: '上周李伟发的邮件', ...search({ sender: '李伟', after: '2026-11-09', before: '2026-11-16' }) },
  { q: '最近三天的邮件', ...search({ after: '2026-11-18', before: '2026-11-21' }) },
  { q: '11月20日的邮件', ...search({ after: '2026-11-20', before: '2026-11-21' }) },
  { q: '前天王芳发的邮件', ...search({ sender: '王芳', after: '2026-11-18', before: '2026-11-19' }) },
  { q: '帮我找一下张敏上周关于数据看板的邮件', ...search({ sender: '张敏', query: '数据看板', after: '2026-11-09', before: '2026-11-16' }) },
  { q: '有没有关于服务器报警的邮件', ...search({ query: '服务器报警' }) },
  { q: '上周一收到了哪些邮件', ...search({ after: '2026-11-09', before: '2026-11-10' }) },
  { q: '张伟本周发了什么', ...search({ sender: '张伟', after: '2026-11-16', before: '2026-11-21' }) },
  { q: '查一下报销的邮件', ...search({ query: '报销' }) },
  { q: '最近一周有哪些来自黄志强的邮件', ...search({ sender: '黄志强', after: '2026-11-14', before: '2026-11-21' }) },
  { q: '打开李伟最新的一封邮件', ...search({ sender: '李伟', limit: 5 }) },
  { q: '打开那封关于笔记本电脑采购的邮件', ...search({ query: '笔记本电脑采购', limit: 5 }) },
  { q: '昨天的日报', tool: 'read_daily_report', args: { date: '2026-11-19' } },
  { q: '给我看看前天的日报', tool: 'read_daily_report', args: { date: '2026-11-18' } },
  { q: '本周的日报', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-20' } },
  { q: '上周有哪些需要回复的邮件？', tool: 'list_daily_reports', args: { from: '2026-11-09', to: '2026-11-15' } },
  { q: '待回复的邮件', tool: 'list_daily_reports', args: { from: '2026-11-14', to: '2026-11-20' } },
  { q: '本周有哪些截止日期', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-20' } },
  { q: '最近有什么待办？', tool: 'list_daily_reports', args: { from: '2026-11-14', to: '2026-11-20' } },
  { q: '青鸟项目的截止日期是什么时候', ...search({ query: '青鸟 项目 截止 日期 时候' }) },
  { q: '打开第二封', context: AFTER_SEARCH, tool: 'read_email', args: { id: EMAILS[1]!.id } },
  { q: '那前一天呢', context: AFTER_SEARCH, ...search({ sender: 'Li Wei', after: '2026-11-18', before: '2026-11-19' }) },
  { q: '今天的', context: AFTER_SEARCH, ...search({ sender: 'Li Wei', after: '2026-11-20', before: '2026-11-21' }) },
  // Short, but a new question: it asks, or names the mail it is about
  { q: '有新闻简报吗', context: AFTER_SEARCH, ...search({ label: 'newsletter' }) },
  { q: '未读邮件', context: AFTER_SEARCH, ...search({ label: 'unread' }) },
  { q: '那昨天呢', context: AFTER_REPORT, tool: 'read_daily_report', args: { date: '2026-11-19' } },
  // No tool: honest about what it is and what it cannot do
  { q: 'who are you?', answer: /deterministic program, not a language model/ },
  { q: 'send an email to Li Wei saying thanks', answer: /^I can't do that/ },
  { q: "what's the weather like in Shanghai?", answer: /^I can't do that/ },
  { q: 'hello', answer: /^Hello!/ },
  { q: 'open the second one', answer: /no list of emails in this conversation/ },
  { q: '你是谁', answer: /确定性的程序，不是大语言模型/ },
  { q: '帮我回复李伟', answer: /^这个我做不到/ },
];

function plan(row: Row): Promise<Plan> {
  const messages = [new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })), ...(row.context ?? []), new HumanMessage(row.q)];
  return planTurn(messages, TOOLS, TODAY.getTime());
}

describe('the offline model picks the right tool and arguments', () => {
  it('has a table of at least 30 varied questions', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(30);
    expect(TABLE.filter((r) => /[\u4e00-\u9fff]/.test(r.q)).length).toBeGreaterThanOrEqual(15);
  });

  it.each(TABLE.map((row) => [row.q + (row.context ? ' (after an earlier question)' : ''), row] as const))('%s', async (_name, row) => {
    const p = await plan(row);
    if ('answer' in row) {
      expect(p.kind).toBe('answer');
      expect(p.kind === 'answer' && p.text).toMatch(row.answer);
      return;
    }
    expect(p.kind, JSON.stringify(p)).toBe('tools');
    if (p.kind !== 'tools') return;
    expect(p.calls).toEqual([{ name: row.tool, args: row.args }]);
    // It answers, and explains its choice, in the language of the question.
    expect(/[\u4e00-\u9fff]/.test(p.say)).toBe(/[\u4e00-\u9fff]/.test(row.q));
    expect(p.say).toContain(row.tool);
    expect(p.reasoning.length).toBeGreaterThan(0);
  });
});

/** Intents added after the held-out eval set (eval/heldout.ts) showed them missing; phrasings other than its own. */
const WITH_COUNT = new Set([...TOOLS, 'count_emails']);
const MORE: Row[] = [
  { q: 'unread emails from Sarah', ...search({ sender: 'Sarah', label: 'unread' }) },
  { q: 'which mails have I not opened yet', ...search({ label: 'unread' }) },
  { q: '未读的邮件有哪些', ...search({ label: 'unread' }) },
  { q: '上周哪个会话往来最多', tool: 'count_emails', args: { after: '2026-11-09', before: '2026-11-16', group_by: 'thread' } },
  { q: 'what was the most active thread last week', tool: 'count_emails', args: { after: '2026-11-09', before: '2026-11-16', group_by: 'thread' } },
  // 这周一共: this week, all of it (not Monday); 这周一: Monday.
  { q: '这周一共有几封邮件', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-21' } },
  { q: '这周一有几封邮件', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-17' } },
  { q: 'how is my inbox doing today', tool: 'read_daily_report', args: { date: '2026-11-20' } },
  { q: '今天邮件情况如何', tool: 'read_daily_report', args: { date: '2026-11-20' } },
  { q: "summarize yesterday's report", tool: 'read_daily_report', args: { date: '2026-11-19' } },
  { q: 'daily reports from monday to wednesday', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-18' } },
  // The newest one, without a verb: a search for the candidates, then read_email.
  { q: 'newest mail from Tom Wilson', ...search({ sender: 'Tom Wilson', limit: 5 }) },
  { q: '张伟最新的邮件', ...search({ sender: '张伟', limit: 5 }) },
  { q: '有什么要我回的吗', tool: 'list_daily_reports', args: { from: '2026-11-14', to: '2026-11-20' } },
  // After the second held-out set (eval/heldout2.ts), in phrasings other than its own: a day of the month alone,
  // "since …", "this weeks", counts per day, "most recently".
  { q: 'daily report for the 12th', tool: 'read_daily_report', args: { date: '2026-11-12' } },
  { q: '18号的日报', tool: 'read_daily_report', args: { date: '2026-11-18' } },
  { q: 'how many emails arrived on the 3rd', tool: 'count_emails', args: { after: '2026-11-03', before: '2026-11-04' } },
  { q: 'show me last weeks reports', tool: 'list_daily_reports', args: { from: '2026-11-09', to: '2026-11-15' } },
  { q: 'emails from Tom since tuesday', ...search({ sender: 'Tom', after: '2026-11-17', before: '2026-11-21' }) },
  { q: '8号以来的邮件', ...search({ after: '2026-11-08', before: '2026-11-21' }) },
  { q: "this month's mail by day", tool: 'count_emails', args: { after: '2026-11-01', before: '2026-11-21', group_by: 'day' } },
  { q: 'email counts per day this week', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-21', group_by: 'day' } },
  { q: '上个月每天各有多少封邮件', tool: 'count_emails', args: { after: '2026-10-01', before: '2026-11-01', group_by: 'day' } },
  { q: 'what did Priya write most recently', ...search({ sender: 'Priya', limit: 5 }) },
  { q: 'and per day?', context: AFTER_SEARCH, tool: 'count_emails', args: { sender: 'Li Wei', after: '2026-11-19', before: '2026-11-20', group_by: 'day' } },
  // Found by probing after the third round: per sender / thread, 统计, "did anyone mention".
  { q: 'count emails per sender last month', tool: 'count_emails', args: { after: '2026-10-01', before: '2026-11-01', group_by: 'sender' } },
  { q: '按发件人统计上周的邮件', tool: 'count_emails', args: { after: '2026-11-09', before: '2026-11-16', group_by: 'sender' } },
  { q: '统计一下本月的邮件', tool: 'count_emails', args: { after: '2026-11-01', before: '2026-11-21' } },
  // Whom the user writes to: grouped by recipient, the user's sent mail
  { q: 'who did I email the most last week', tool: 'count_emails', args: { after: '2026-11-09', before: '2026-11-16', label: 'sent', group_by: 'recipient' } },
  { q: 'who do I write to most often?', tool: 'count_emails', args: { label: 'sent', group_by: 'recipient' } },
  { q: 'top recipients this month', tool: 'count_emails', args: { after: '2026-11-01', before: '2026-11-21', label: 'sent', group_by: 'recipient' } },
  { q: 'count my sent emails per recipient', tool: 'count_emails', args: { label: 'sent', group_by: 'recipient' } },
  { q: '我上个月给谁发邮件最多', tool: 'count_emails', args: { after: '2026-10-01', before: '2026-11-01', label: 'sent', group_by: 'recipient' } },
  { q: '我最常给谁写邮件？', tool: 'count_emails', args: { label: 'sent', group_by: 'recipient' } },
  { q: '这周我发给谁的邮件最多', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-21', label: 'sent', group_by: 'recipient' } },
  { q: 'who emails me the most?', tool: 'count_emails', args: { group_by: 'sender' } },
  { q: '谁给我发邮件最多', tool: 'count_emails', args: { group_by: 'sender' } },
  { q: 'emails per thread this week', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-21', group_by: 'thread' } },
  { q: 'did anyone mention the deadline?', ...search({ query: 'deadline' }) },
  // To whom: the recipient, not the sender.
  { q: 'emails I sent to Li Wei', ...search({ recipient: 'Li Wei', label: 'sent' }) },
  { q: '给李伟发过哪些邮件', ...search({ recipient: '李伟' }) },
  { q: '11月15日到11月18日之间的邮件', ...search({ after: '2026-11-15', before: '2026-11-19' }) },
  { q: '本月1号到10号期间李伟的邮件', ...search({ sender: '李伟', after: '2026-11-01', before: '2026-11-11' }) },
  { q: '上个月15号的邮件', ...search({ after: '2026-10-15', before: '2026-10-16' }) },
  { q: 'emails cc-ing Priya', ...search({ recipient: 'Priya' }) },
  { q: "emails I cc'd Tom Wilson on last week", ...search({ recipient: 'Tom Wilson', label: 'sent', after: '2026-11-09', before: '2026-11-16' }) },
  { q: 'what was the last email I sent?', ...search({ label: 'sent', limit: 5 }) },
  { q: '我上周发给王芳的邮件', ...search({ recipient: '王芳', label: 'sent', after: '2026-11-09', before: '2026-11-16' }) },
  { q: 'how many emails did I send to Sarah last week', tool: 'count_emails', args: { recipient: 'Sarah', label: 'sent', after: '2026-11-09', before: '2026-11-16' } },
  { q: '李伟发给我的邮件', ...search({ sender: '李伟' }) },
  { q: 'Emails to Sarah', ...search({ recipient: 'Sarah' }) },
  { q: 'emails cc Li Wei last week', ...search({ recipient: 'Li Wei', after: '2026-11-09', before: '2026-11-16' }) },
  { q: 'did I reply to Priya?', ...search({ recipient: 'Priya' }) },
  { q: 'last email from Li Wei', ...search({ sender: 'Li Wei', limit: 5 }) },
  // Found by the third held-out set: dates two weeks or months back, the month so far, labels named as kinds of mail.
  { q: 'what came in the day before yesterday?', ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: 'how busy was each day the week before last?', tool: 'count_emails', args: { after: '2026-11-02', before: '2026-11-09', group_by: 'day' } },
  { q: '上上周一共收到几封邮件', tool: 'count_emails', args: { after: '2026-11-02', before: '2026-11-09' } },
  { q: '上上周三的邮件', ...search({ after: '2026-11-04', before: '2026-11-05' }) },
  { q: 'emails from the month before last', ...search({ after: '2026-09-01', before: '2026-10-01' }) },
  { q: 'emails since the start of the month', ...search({ after: '2026-11-01', before: '2026-11-21' }) },
  { q: '本月初的邮件', ...search({ after: '2026-11-01', before: '2026-11-11' }) },
  { q: 'and the week before?', context: AFTER_SEARCH, ...search({ sender: 'Li Wei', after: '2026-11-12', before: '2026-11-13' }) },
  { q: 'anything from yesterday I still need to respond to?', tool: 'list_daily_reports', args: { from: '2026-11-19', to: '2026-11-19' } },
  { q: 'any deadlines I should know about from the past 3 days?', tool: 'list_daily_reports', args: { from: '2026-11-18', to: '2026-11-20' } },
  { q: 'which email thread has been the most active since monday?', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-21', group_by: 'thread' } },
  { q: 'read me the top one', context: AFTER_SEARCH, tool: 'read_email', args: { id: EMAILS[0]!.id } },
  { q: 'finance emails this week', ...search({ label: 'finance', after: '2026-11-16', before: '2026-11-21' }) },
  { q: 'anything tagged hr this month?', ...search({ label: 'hr', after: '2026-11-01', before: '2026-11-21' }) },
  { q: 'how many emails with the customer label last week?', tool: 'count_emails', args: { label: 'customer', after: '2026-11-09', before: '2026-11-16' } },
  { q: '本周财务类的邮件', ...search({ label: 'finance', after: '2026-11-16', before: '2026-11-21' }) },
  { q: '从月初到现在收到的日历邀请', ...search({ label: 'calendar', after: '2026-11-01', before: '2026-11-21' }) },
  // Found by the fourth held-out set: listing or opening what was counted, "that day", a listed report by its day.
  { q: 'show them', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: 'ok, list them please', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: '都列出来', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: '给我看看', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: 'open the most recent of them', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: '最新的那封打开看看', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: 'which of them came today', context: AFTER_UNREAD_COUNT, ...search({ label: 'unread', after: '2026-11-20', before: '2026-11-21' }) },
  { q: 'ok show me the emails from that day', context: AFTER_REPORT, ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: '那天的邮件都列出来', context: AFTER_REPORT, ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: '那天有哪些要回复的', context: AFTER_REPORT, tool: 'list_daily_reports', args: { from: '2026-11-18', to: '2026-11-18' } },
  { q: 'open the one for the 12th', context: AFTER_REPORT_LIST, tool: 'read_daily_report', args: { date: '2026-11-12' } },
  { q: '打开12号的', context: AFTER_REPORT_LIST, tool: 'read_daily_report', args: { date: '2026-11-12' } },
  { q: "ok list wednesday's emails", ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: 'which senders were the busiest last month', tool: 'count_emails', args: { after: '2026-10-01', before: '2026-11-01', group_by: 'sender' } },
  { q: 'yo whats the newest thing from priya', ...search({ sender: 'priya', limit: 5 }) },
  { q: '昨天我发出去几封邮件', tool: 'count_emails', args: { label: 'sent', after: '2026-11-19', before: '2026-11-20' } },
  // Found by the fifth held-out set: date typos, limits, one email by what it is about, "more than N", recipients in Chinese.
  { q: 'emails from Tom yesterdy', ...search({ sender: 'Tom', after: '2026-11-19', before: '2026-11-20' }) },
  { q: 'anything on wednsday?', ...search({ after: '2026-11-18', before: '2026-11-19' }) },
  { q: 'last 5 newsletters', ...search({ label: 'newsletter', limit: 5 }) },
  { q: '最近5封未读邮件', ...search({ label: 'unread', limit: 5 }) },
  { q: 'show the last 3 emails from GitHub', ...search({ sender: 'GitHub', limit: 3 }) },
  { q: 'open #2', context: AFTER_SEARCH, tool: 'read_email', args: { id: EMAILS[1]!.id } },
  { q: 'what did the email about the Q3 budget say?', ...search({ query: 'Q3 budget', limit: 5 }) },
  { q: 'what needed a reply that day?', context: AFTER_REPORT, tool: 'list_daily_reports', args: { from: '2026-11-18', to: '2026-11-18' } },
  { q: '昨天日报里提到哪些截止日期', tool: 'list_daily_reports', args: { from: '2026-11-19', to: '2026-11-19' } },
  { q: 'did Kenji send more than 5 emails this week?', tool: 'count_emails', args: { sender: 'Kenji', ...THIS_WEEK_ARGS } },
  { q: 'list em', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: '都是什么', context: AFTER_COUNT, ...search({ sender: 'GitHub', ...THIS_WEEK_ARGS }) },
  { q: '上周我给Laura发过邮件吗', ...search({ recipient: 'Laura', label: 'sent', after: '2026-11-09', before: '2026-11-16' }) },
  // Found by the sixth held-out set: numeric dates, times of day and colloquial days, summaries as reports, "the latest on".
  { q: 'how many emails were there on 11/16?', tool: 'count_emails', args: { after: '2026-11-16', before: '2026-11-17' } },
  { q: 'can I see the report from 11/12?', tool: 'read_daily_report', args: { date: '2026-11-12' } },
  { q: 'Release 2.16.0 notes', ...search({ query: 'Release 2 16 0 notes' }) },
  { q: '11.18 张伟发的邮件', ...search({ sender: '张伟', after: '2026-11-18', before: '2026-11-19' }) },
  { q: '十一月十九号的邮件', ...search({ after: '2026-11-19', before: '2026-11-20' }) },
  { q: '昨晚有啥邮件', ...search({ after: '2026-11-19', before: '2026-11-20' }) },
  { q: '昨儿的日报', tool: 'read_daily_report', args: { date: '2026-11-19' } },
  { q: 'show me last night\'s emails', ...search({ after: '2026-11-19', before: '2026-11-20' }) },
  { q: 'how many emails since 9am?', tool: 'count_emails', args: { after: '2026-11-20', before: '2026-11-21' } },
  { q: 'anything marked important this morning?', ...search({ label: 'important', after: '2026-11-20', before: '2026-11-21' }) },
  { q: 'catch me up on this week', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-20' } },
  { q: 'catch me up on the Q3 budget', ...search({ query: 'Q3 budget' }) },
  { q: 'give me a rundown of last week', tool: 'list_daily_reports', args: { from: '2026-11-09', to: '2026-11-15' } },
  { q: 'what deadlines were mentioned in my email this week?', tool: 'list_daily_reports', args: { from: '2026-11-16', to: '2026-11-20' } },
  { q: "what's the latest on the ap-east incident?", ...search({ query: 'ap-east incident', limit: 5 }) },
  // Found by the seventh held-out set: parts of a month, what someone wants, quoted subjects, addresses, totals.
  { q: '11月上旬张伟发的邮件', ...search({ sender: '张伟', after: '2026-11-01', before: '2026-11-11' }) },
  { q: '本月上半月总共有多少封邮件', tool: 'count_emails', args: { after: '2026-11-01', before: '2026-11-16' } },
  { q: '上个月下旬的邮件', ...search({ after: '2026-10-21', before: '2026-11-01' }) },
  { q: 'emails from Li Wei in the first half of November', ...search({ sender: 'Li Wei', after: '2026-11-01', before: '2026-11-16' }) },
  { q: 'how many emails came in during the first seven days of November?', tool: 'count_emails', args: { after: '2026-11-01', before: '2026-11-08' } },
  { q: 'late october emails', ...search({ after: '2026-10-21', before: '2026-11-01' }) },
  { q: 'what does Kenji want from me?', ...search({ sender: 'Kenji', limit: 5 }) },
  { q: 'has Laura gotten back to me?', ...search({ sender: 'Laura', limit: 5 }) },
  { q: '赵磊回复我了吗', ...search({ sender: '赵磊', limit: 5 }) },
  { q: '李伟找我什么事', ...search({ sender: '李伟', limit: 5 }) },
  { q: 'find the thread called "Renewal of the Fabrikam enterprise agreement"', ...search({ query: 'Renewal of the Fabrikam enterprise agreement' }) },
  { q: '标题是《第三季度预算调整》的那封邮件打开看看', ...search({ query: '第三季度预算调整', limit: 5 }) },
  { q: 'total emails from GitHub in October', tool: 'count_emails', args: { sender: 'GitHub', after: '2026-10-01', before: '2026-11-01' } },
  { q: 'list the important ones', context: AFTER_COUNT, ...search({ sender: 'GitHub', label: 'important', ...THIS_WEEK_ARGS }) },
  { q: 'which of those days was busiest?', context: AFTER_SEARCH, tool: 'count_emails', args: { sender: 'Li Wei', after: '2026-11-19', before: '2026-11-20', group_by: 'day' } },
];

describe('counting, unread, reports and the newest one, in more phrasings', () => {
  it.each(MORE.map((row) => [row.q, row] as const))('%s', async (_name, row) => {
    const messages = [new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })), ...(row.context ?? []), new HumanMessage(row.q)];
    const p = await planTurn(messages, WITH_COUNT, TODAY.getTime());
    if (!('tool' in row)) throw new Error('rows here call tools');
    expect(p.kind).toBe('tools');
    if (p.kind === 'tools') expect(p.calls[0]).toEqual({ name: row.tool, args: row.args });
  });
});

describe('what is waiting for a reply', () => {
  const week = {
    from: '2026-11-09',
    to: '2026-11-15',
    reports: [
      { date: '2026-11-13', summary: '…', emails: 9, needs_reply: [{ subject: '青鸟上线计划评审会', from: '王芳 <wang.fang@northwind.example>', email_id: 'e1' }] },
      { date: '2026-11-12', summary: '…', emails: 7, needs_reply: [{ subject: '青鸟上线计划评审会', from: '王芳 <wang.fang@northwind.example>', email_id: 'e0' }, { subject: 'Q3 budget review', from: 'Li Wei <li.wei@northwind.example>', email_id: 'e2' }] },
      { date: '2026-11-11', summary: '…', emails: 3, needs_reply: [] },
    ],
  };
  const answerFor = (q: string, result: unknown): Promise<Plan> => {
    const messages = [
      new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })),
      new HumanMessage(q),
      ...earlier(q, 'list_daily_reports', { from: '2026-11-09', to: '2026-11-15' }, result).slice(1, 3),
    ];
    return planTurn(messages, TOOLS, TODAY.getTime());
  };

  it('lists each waiting thread once, newest day first, in the language of the question', async () => {
    const zh = await answerFor('上周有哪些需要回复的邮件？', week);
    expect(zh.kind).toBe('answer');
    const zhText = zh.kind === 'answer' ? zh.text : '';
    expect(zhText).toMatch(/有 2 个会话在等你回复/);
    expect(zhText.indexOf('青鸟上线计划评审会')).toBeLessThan(zhText.indexOf('Q3 budget review'));
    expect(zhText.match(/青鸟上线计划评审会/g)).toHaveLength(1);

    const en = await answerFor('what needs a reply from last week?', week);
    expect(en.kind === 'answer' && en.text).toMatch(/^2 threads are waiting for your reply .*\n\n- \*\*青鸟上线计划评审会\*\* from 王芳 \(2026-11-13\)/);
  });

  it('shows the 15 newest and counts the rest', async () => {
    const many = {
      ...week,
      reports: [{ date: '2026-11-13', summary: '…', emails: 40, needs_reply: Array.from({ length: 20 }, (_, i) => ({ subject: `Thread ${i + 1}`, from: 'Tom <tom@x.example>', email_id: `m${i}` })) }],
    };
    const p = await answerFor('which emails need a reply?', many);
    const text = p.kind === 'answer' ? p.text : '';
    expect(text).toMatch(/^20 threads are waiting/);
    expect(text).toContain('Thread 15');
    expect(text).not.toContain('Thread 16');
    expect(text).toMatch(/… and 5 more/);
  });

  it('says so when nothing is waiting', async () => {
    const none = await answerFor('which emails need a reply?', { ...week, reports: [week.reports[2]] });
    expect(none.kind === 'answer' && none.text).toMatch(/^Nothing is waiting for your reply/);
  });
});

describe('deadlines and to-dos', () => {
  const quote = (text: string, from: string, subject: string) => ({ text: `${text} (${from}, “${subject}”)` });
  const week = {
    from: '2026-11-16',
    to: '2026-11-20',
    reports: [
      {
        date: '2026-11-19',
        summary: '…',
        emails: 9,
        needs_reply: [],
        deadlines: [quote('Please send the revised numbers by Tuesday 17:00.', 'Li Wei', 'Q3 budget review')],
        action_items: [quote('Can you have someone look at it today?', 'Robert Greene', 'Nightly data export failing')],
      },
      {
        date: '2026-11-18',
        summary: '…',
        emails: 7,
        needs_reply: [],
        deadlines: [quote('请在周三前处理，逾期会影响对方的服务排期。', '周杰', '供应商合同付款申请'), quote('Please send the revised numbers by Tuesday 17:00.', 'Li Wei', 'Q3 budget review')],
        action_items: [],
      },
    ],
  };
  const answerFor = async (q: string, result: unknown): Promise<string> => {
    const messages = [
      new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })),
      new HumanMessage(q),
      ...earlier(q, 'list_daily_reports', { from: '2026-11-16', to: '2026-11-20' }, result).slice(1, 3),
    ];
    const p = await planTurn(messages, TOOLS, TODAY.getTime());
    return p.kind === 'answer' ? p.text : '';
  };

  it('lists the deadlines, then the to-dos, each once and newest day first, in the language of the question', async () => {
    const en = await answerFor('any deadlines this week?', week);
    expect(en).toMatch(/^Your mail this week \(2026-11-16 – 2026-11-20\) sets 2 deadlines and asks 1 thing of you:\n\n/);
    expect(en.split('\n').slice(2)).toEqual([
      '- Deadline: 「Please send the revised numbers by Tuesday 17:00.」 (Li Wei, **Q3 budget review**) (2026-11-19)',
      '- Deadline: 「请在周三前处理，逾期会影响对方的服务排期。」 (周杰, **供应商合同付款申请**) (2026-11-18)',
      '- To do: 「Can you have someone look at it today?」 (Robert Greene, **Nightly data export failing**) (2026-11-19)',
    ]);
    const zh = await answerFor('本周有哪些截止日期', week);
    expect(zh).toMatch(/^本周（2026-11-16 至 2026-11-20）的邮件里有 2 个截止事项和 1 个待办：/);
    expect(zh).toContain('- 截止：「请在周三前处理，逾期会影响对方的服务排期。」（周杰，**供应商合同付款申请**）（2026-11-18）');
  });

  it('a follow-up on another span asks the same, and a span without any says so', async () => {
    const none = { ...week, reports: week.reports.map((r) => ({ ...r, deadlines: [], action_items: [] })) };
    expect(await answerFor('what do I need to do this week?', none)).toBe('Your mail this week (2026-11-16 – 2026-11-20) sets no deadlines and asks nothing of you.');
    const messages = [
      new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })),
      ...earlier('any deadlines this week?', 'list_daily_reports', { from: '2026-11-16', to: '2026-11-20' }, week),
      new HumanMessage('and last week?'),
      ...earlier('and last week?', 'list_daily_reports', { from: '2026-11-09', to: '2026-11-15' }, { ...week, from: '2026-11-09', to: '2026-11-15' }).slice(1, 3),
    ];
    const p = await planTurn(messages, TOOLS, TODAY.getTime());
    expect(p.kind === 'answer' && p.text).toMatch(/^Your mail between 2026-11-09 and 2026-11-15 sets 2 deadlines/);
  });
});

describe('date expressions', () => {
  const cases: [string, string, string, string][] = [
    // [text, today, from, to]
    ['this week', '2026-11-16', '2026-11-16', '2026-11-16'],
    ['last Sunday', '2026-11-20', '2026-11-15', '2026-11-15'],
    ['last Friday', '2026-11-20', '2026-11-13', '2026-11-13'],
    ['上周日', '2026-11-20', '2026-11-15', '2026-11-15'],
    ['本周一', '2026-11-20', '2026-11-16', '2026-11-16'],
    ['11月25日', '2026-11-20', '2025-11-25', '2025-11-25'],
    ['Nov 3rd', '2026-11-20', '2026-11-03', '2026-11-03'],
    ['3 November', '2026-11-20', '2026-11-03', '2026-11-03'],
    ['last month', '2026-01-10', '2025-12-01', '2025-12-31'],
    ['上个月', '2026-03-31', '2026-02-01', '2026-02-28'],
    ['过去两周', '2026-11-20', '2026-11-07', '2026-11-20'],
    ['the day before yesterday', '2026-11-20', '2026-11-18', '2026-11-18'],
    ['大前天', '2026-11-20', '2026-11-17', '2026-11-17'],
    ['2026年11月1日', '2026-11-20', '2026-11-01', '2026-11-01'],
    // A day of the month alone: this month's, or last month's while it is still ahead.
    ['report for the 17th', '2026-11-20', '2026-11-17', '2026-11-17'],
    ['on the 25th', '2026-11-20', '2026-10-25', '2026-10-25'],
    ['on the 31st', '2026-03-10', '2026-01-31', '2026-01-31'],
    ['5号', '2026-01-03', '2025-12-05', '2025-12-05'],
    ['since Monday', '2026-11-20', '2026-11-16', '2026-11-20'],
    ['上周三以来', '2026-11-20', '2026-11-11', '2026-11-20'],
    ['this weeks', '2026-11-20', '2026-11-16', '2026-11-20'],
    ['between the 3rd and the 5th', '2026-11-20', '2026-11-03', '2026-11-05'],
    ['the past fortnight', '2026-11-20', '2026-11-07', '2026-11-20'],
    ['in the last 24 hours', '2026-11-20', '2026-11-19', '2026-11-20'],
    ['over the weekend', '2026-11-20', '2026-11-14', '2026-11-15'],
    ['this weekend', '2026-11-22', '2026-11-21', '2026-11-22'],
    ['上上周', '2026-11-20', '2026-11-02', '2026-11-08'],
    ['最近一个月', '2026-11-20', '2026-10-22', '2026-11-20'],
    ['in the past month', '2026-11-20', '2026-10-22', '2026-11-20'],
    ['over the past week', '2026-11-20', '2026-11-14', '2026-11-20'],
    ['last month', '2026-11-20', '2026-10-01', '2026-10-31'],
    ['last week', '2026-11-20', '2026-11-09', '2026-11-15'],
    ['the past weekend', '2026-11-20', '2026-11-14', '2026-11-15'],
    ['这两天', '2026-11-20', '2026-11-19', '2026-11-20'],
  ];
  it.each(cases)('%s (today %s) → %s … %s', (text, today, from, to) => {
    // Two expressions ("between the 3rd and the 5th") read as one range, as the model reads them.
    expect(combineRanges(findDates(text, today))).toMatchObject({ from, to });
  });

  it('finds no date in words that merely look like one', () => {
    expect(findDates('monthly numbers for the sundial project', '2026-11-20')).toEqual([]);
    // A small ordinal after "the" is a place in a list.
    expect(findDates('open the 2nd one', '2026-11-20')).toEqual([]);
    expect(findDates('read the 3rd', '2026-11-20')).toEqual([]);
  });
});

describe('"the one before that"', () => {
  it('moves a dated question by its own span, and asks for a date when the previous question had none', async () => {
    const ask = (q: string, context: BaseMessage[]) =>
      planTurn([new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })), ...context, new HumanMessage(q)], TOOLS, TODAY.getTime());
    const dated = await ask('the one before that', AFTER_SEARCH);
    expect(dated.kind === 'tools' && dated.calls[0]).toEqual({ name: 'search_emails', args: expect.objectContaining({ sender: 'Li Wei', after: '2026-11-18', before: '2026-11-19' }) });
    const undated = earlier('show my unread emails', 'search_emails', { label: 'unread', limit: 10 }, { total: 3, emails: [] });
    const en = await ask('the one before that', undated);
    expect(en.kind === 'answer' && en.text).toMatch(/^The previous question had no dates/);
    const zh = await ask('前一个呢', undated);
    expect(zh.kind === 'answer' && zh.text).toMatch(/^上一个问题没有日期/);
  });
});

describe('"next one" and "the one before that" after an email was opened', () => {
  const ask = (q: string, context: BaseMessage[]) =>
    planTurn([new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })), ...context, new HumanMessage(q)], TOOLS, TODAY.getTime());
  const opened = (n: number) => [...AFTER_SEARCH, ...earlier(`open #${n}`, 'read_email', { id: EMAILS[n - 1]!.id }, { id: EMAILS[n - 1]!.id, subject: EMAILS[n - 1]!.subject })];
  const reads = (plan: Awaited<ReturnType<typeof ask>>) => (plan.kind === 'tools' ? plan.calls[0] : plan.text);

  it('opens the neighbour in the list the email came from: down is older, up is newer', async () => {
    const read = (n: number) => ({ name: 'read_email', args: { id: EMAILS[n - 1]!.id } });
    expect(reads(await ask('next one', opened(1)))).toEqual(read(2));
    expect(reads(await ask('the previous one', opened(2)))).toEqual(read(1));
    expect(reads(await ask('the one before that', opened(2)))).toEqual(read(3));
    expect(reads(await ask('and the one after?', opened(2)))).toEqual(read(1));
    expect(reads(await ask('下一封', opened(1)))).toEqual(read(2));
    expect(reads(await ask('前一封呢', opened(1)))).toEqual(read(2));
    expect(reads(await ask('上一封', opened(3)))).toEqual(read(2));
  });

  it('says so at either end of the list, and when nothing was opened', async () => {
    expect(reads(await ask('next one', opened(3)))).toMatch(/^That was the last email of the list/);
    expect(reads(await ask('上一封', opened(1)))).toMatch(/^那是列表里的第一封/);
    expect(reads(await ask('next one', AFTER_SEARCH))).toMatch(/^No email of a list is open yet/);
    expect(reads(await ask('下一封', AFTER_SEARCH))).toMatch(/^还没有打开列表里的邮件/);
  });

  it('moves a day\'s report to the next day', async () => {
    expect(reads(await ask('next one', AFTER_REPORT))).toEqual({ name: 'read_daily_report', args: { date: '2026-11-19' } });
  });
});

describe('what the assistant says it is about to do', () => {
  it('names the recipient it searches for, in both languages', async () => {
    const plan = (q: string) => planTurn([new SystemMessage(currentDateLine({ now: TODAY, timezone: TZ })), new HumanMessage(q)], TOOLS, TODAY.getTime());
    const en = await plan('emails I sent to Sarah last week');
    expect(en.kind === 'tools' && en.say).toMatch(/^Using search_emails to find sent emails to Sarah last week/);
    const zh = await plan('我上周发给王芳的邮件');
    expect(zh.kind === 'tools' && zh.say).toMatch(/发给王芳的已发送邮件/);
  });
});
