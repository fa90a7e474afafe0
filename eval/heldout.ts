/**
 * A held-out set for the answer-quality eval (session 3): 134 questions about
 * the reference demo mailbox (seed 20261122, "today" Friday 2026-11-20 in
 * Asia/Shanghai), written from what the HTTP API shows of that mailbox
 * (GET /api/emails with q/from/after/before/label, /api/reports, /api/me) by
 * an engineer who had NOT read the offline model's parser (agents/mail/local/)
 * nor the questions of eval/questions.ts when writing them. Only the schema
 * (Filters, Expected, Turn) comes from eval/questions.ts, and the shorthands
 * from eval/turns.ts (shared with that file later).
 *
 * Readings chosen for the expectations (what a careful assistant would do):
 * - "urgent" / "important" / 紧急 / 重要: the label `important`;
 * - "unread" / 未读 / 没看: the label `unread` (IMAP's \Seen flag, kept as a
 *   label as Gmail does; in the demo: recent unanswered mail and last week's
 *   newsletters);
 * - "needs a reply" / 待回复: the daily reports' needs-reply lists of the window asked;
 * - a company (Contoso, Sakura Systems, 华新科技): the sender's domain;
 * - "this week" 11-16…11-20, "last week" 11-09…11-15, "this month" 11-01…,
 *   "last month" October, "two days ago"/前天 11-18. `before` is exclusive.
 */
import type { Conversation } from './questions.ts';
import { C, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

const TWO_DAYS_AGO = { after: '2026-11-18', before: '2026-11-19' };
const MONDAY = { after: '2026-11-16', before: '2026-11-17' };
const LAST_FRIDAY = { after: '2026-11-13', before: '2026-11-14' };

const IMPORTANT = { label: 'important' };
const UNREAD = { label: 'unread' };

export const HELDOUT_ENGLISH: Conversation[] = [
  [S('any emails from robert greene today?', { sender: 'Robert Greene', ...TODAY }), O('what does the newest say', 'newest')],
  [C('how many emails this week altogether', 'none', THIS_WEEK)],
  [C('who emailed me the most last month?', 'sender', LAST_MONTH)],
  [C('busiest day this month?', 'day', THIS_MONTH)],
  [
    S('plz show me the safari white screen emails', { query: 'Safari' }),
    S('only the ones from liu yang', { query: 'Safari', sender: '刘洋' }),
    O('open the first one', 1),
  ],
  [S('anything urgent today?', { ...IMPORTANT, ...TODAY })],
  [
    S("what's still unread", UNREAD),
    S('just the ones from yesterday', { ...UNREAD, ...YESTERDAY }),
    C('how many is that', 'none', { ...UNREAD, ...YESTERDAY }),
  ],
  [NR('what do i still need to reply to this week', '2026-11-16', '2026-11-20')],
  [R('summary of yesterdays report pls', '2026-11-19')],
  [S("Kenji's emails about the CSV timestamps", { sender: 'Kenji', query: 'CSV' }), O('what does the latest one say?', 'newest')],
  [S('anything from Contoso last week?', { sender: 'contoso.example', ...LAST_WEEK }), S('and this week?', { sender: 'contoso.example', ...THIS_WEEK })],
  [
    S('emails about the Q3 budget', { query: 'Q3 budget' }),
    S('only from li wei', { query: 'Q3 budget', sender: 'Li Wei' }),
    S('just last month', { query: 'Q3 budget', sender: 'Li Wei', ...LAST_MONTH }),
  ],
  [C('how many github notifications came in last week', 'none', { sender: 'GitHub', ...LAST_WEEK })],
  [LATEST("what's the latest from Laura at Fabrikam", { sender: 'Laura Martinez' })],
  [L('show me the daily reports for last week', '2026-11-09', '2026-11-15')],
  [S('did James send anything about the DPA?', { sender: "James O'Connor", query: 'DPA' }), O('read me the newest one', 'newest')],
  [S('recieved any invoices this month?', { query: 'invoice', ...THIS_MONTH })],
  [C('who sends me the most mail', 'sender')],
  [C('which thread was the busiest this week', 'thread', THIS_WEEK)],
  [S('show mails from Priya this week', { sender: 'Priya', ...THIS_WEEK }), O('open the last one', -1)],
  [S('I think it was Emily who wrote about the new icons?', { sender: 'Emily', query: 'icons' })],
  [C('how many emails did Tom Wilson send in October', 'none', { sender: 'Tom Wilson', ...LAST_MONTH })],
  [R('what was in the daily report on monday', '2026-11-16')],
  [S('emails from Zhang Min about churn', { sender: 'Zhang Min', query: 'churn' }), O('show me the 2nd one', 2)],
  [S('any newsletters today', { label: 'newsletter', ...TODAY })],
  [NR('what needs a reply today?', '2026-11-20', '2026-11-20')],
  [
    S('emials from david miller about discounts', { sender: 'David Miller', query: 'discount' }),
    S('only the woodgrove one', { sender: 'David Miller', query: 'discount Woodgrove' }),
    O('whats the newest say', 'newest'),
  ],
  [R("how's my inbox looking today", '2026-11-20')],
  [S('mail from 李伟 about the budget', { sender: 'Li Wei', query: 'budget' }, 'en')],
  [C('count the jira emails this month', 'none', { sender: 'Jira', ...THIS_MONTH })],
  [C('who wrote the most yesterday?', 'sender', YESTERDAY)],
  [S('unread stuff from github', { ...UNREAD, sender: 'GitHub' }), C('how many are there', 'none', { ...UNREAD, sender: 'GitHub' })],
  [S('anything from anna schmidt two days ago', { sender: 'Anna Schmidt', ...TWO_DAYS_AGO })],
  [S('the expense system emails last month', { sender: 'Expense System', ...LAST_MONTH })],
  [S('interview feedback emails', { query: 'interview feedback' }), C('who sent the most of those', 'sender', { query: 'interview feedback' })],
  [S('is there anything important from Contoso?', { ...IMPORTANT, sender: 'contoso.example' }), S('only this week', { ...IMPORTANT, sender: 'contoso.example', ...THIS_WEEK })],
  [S('emails about the nightly export failing', { query: 'nightly export' }), S('just the ones from today', { query: 'nightly export', ...TODAY })],
  [C('how many mails did wu min send me this month', 'none', { sender: 'Wu Min', ...THIS_MONTH })],
  [S('stuff from last friday about webhooks', { query: 'webhook', ...LAST_FRIDAY })],
  [S('important emails this week', { ...IMPORTANT, ...THIS_WEEK }), S('only from robert', { ...IMPORTANT, ...THIS_WEEK, sender: 'Robert Greene' })],
  [LATEST('latest email from the CI', { sender: 'Northwind CI' })],
  [S('emails about the laptop purchase request', { query: '笔记本' }, 'en')],
  [C('which day last week had the most mail', 'day', LAST_WEEK)],
  [L('daily reports from monday to wednesday', '2026-11-16', '2026-11-18')],
  [NR('anything waiting on my reply from yesterday', '2026-11-19', '2026-11-19')],
  [S('tom wilson emails about staging being down', { sender: 'Tom Wilson', query: 'staging' }), O('what did he say in the newest one', 'newest')],
  [S('any mail from Sakura Systems that is important?', { ...IMPORTANT, sender: 'sakura-systems.example' })],
];

export const HELDOUT_CHINESE: Conversation[] = [
  [S('今天有没有张伟的邮件', { sender: '张伟', ...TODAY }), O('最新那封说了啥', 'newest')],
  [C('这周一共收到多少封邮件', 'none', THIS_WEEK)],
  [C('上个月谁给我发邮件最多', 'sender', LAST_MONTH)],
  [C('这个月哪天邮件最多', 'day', THIS_MONTH)],
  [
    S('帮我找下报销单发票的邮件', { query: '发票' }),
    S('只看吴敏发的', { query: '发票', sender: '吴敏' }),
    O('打开第一封', 1),
  ],
  [S('今天有什么紧急的邮件吗', { ...IMPORTANT, ...TODAY })],
  [
    S('我还有哪些未读邮件', UNREAD),
    S('只看昨天的', { ...UNREAD, ...YESTERDAY }),
    C('一共几封', 'none', { ...UNREAD, ...YESTERDAY }),
  ],
  [NR('这周还有哪些邮件需要我回复', '2026-11-16', '2026-11-20')],
  [R('昨天的日报总结一下', '2026-11-19')],
  [S('黄志强关于接口超时的邮件', { sender: '黄志强', query: '接口超时' }), O('最新的一封写了什么', 'newest')],
  [S('华新科技上周发来的邮件', { sender: 'huaxin-tech.example', ...LAST_WEEK }), S('那这周呢', { sender: 'huaxin-tech.example', ...THIS_WEEK })],
  [
    S('关于数据库扩容的邮件', { query: '扩容' }),
    S('只要张伟发的', { query: '扩容', sender: '张伟' }),
    S('就看上周的', { query: '扩容', sender: '张伟', ...LAST_WEEK }),
  ],
  [C('上周收到多少封GitHub的通知', 'none', { sender: 'GitHub', ...LAST_WEEK })],
  [LATEST('王芳最近一封邮件说了什么', { sender: '王芳' })],
  [L('把上周的日报列一下', '2026-11-09', '2026-11-15')],
  [S('周杰有没有发过采购审批的邮件', { sender: '周杰', query: '采购' }), O('打开最新的', 'newest')],
  [S('这个月收到的账单邮件', { query: '账单', ...THIS_MONTH })],
  [C('谁给我发的邮件最多', 'sender')],
  [C('这周哪个邮件往来最多', 'thread', THIS_WEEK)],
  [S('昨天赵磊的邮件', { sender: '赵磊', ...YESTERDAY }), O('打开最后一封', -1)],
  [S('好像是刘洋发的那个设置页交互稿', { sender: '刘洋', query: '交互稿' })],
  [C('10月份张伟一共发了几封邮件', 'none', { sender: '张伟', ...LAST_MONTH })],
  [R('周一的日报里有什么', '2026-11-16')],
  [S('张敏关于数据看板的邮件', { sender: '张敏', query: '数据看板' }), O('看第二封', 2)],
  [S('今天的科技早报', { sender: '科技早报', ...TODAY })],
  [NR('今天有哪些需要回复的', '2026-11-20', '2026-11-20')],
  [
    S('李伟发的邮件', { sender: '李伟' }),
    S('只看关于预算的', { sender: '李伟', query: '预算' }),
    O('最新那封讲什么', 'newest'),
  ],
  [R('今天的邮件情况怎么样', '2026-11-20')],
  [S('Robert 关于 export 的邮件', { sender: 'Robert Greene', query: 'export' }, 'zh')],
  [C('这个月Jira发了多少封', 'none', { sender: 'Jira', ...THIS_MONTH })],
  [C('昨天谁发邮件最多', 'sender', YESTERDAY)],
  [S('GitHub 的未读邮件', { ...UNREAD, sender: 'GitHub' }), C('有多少封', 'none', { ...UNREAD, sender: 'GitHub' })],
  [S('前天王芳发的邮件', { sender: '王芳', ...TWO_DAYS_AGO })],
  [S('上个月报销系统的邮件', { sender: 'Expense System', ...LAST_MONTH })],
  [S('线上报警的邮件', { query: '报警' }), C('这些邮件谁发得最多', 'sender', { query: '报警' })],
  [S('华新科技有重要的邮件吗', { ...IMPORTANT, sender: 'huaxin-tech.example' })],
  [S('首页白屏的问题', { query: '白屏' }), S('只看今天的', { query: '白屏', ...TODAY })],
  [C('吴敏这个月给我发了几封邮件', 'none', { sender: '吴敏', ...THIS_MONTH })],
  [S('上周关于拜访客户的邮件', { query: '拜访', ...LAST_WEEK })],
  [S('这周的重要邮件', { ...IMPORTANT, ...THIS_WEEK }), S('只看黄志强的', { ...IMPORTANT, ...THIS_WEEK, sender: '黄志强' })],
  [LATEST('Kenji 最新的邮件', { sender: 'Kenji Tanaka' })],
  [S('有关供应商合同付款的邮件', { query: '合同付款' })],
  [C('上周哪天邮件最多', 'day', LAST_WEEK)],
  [L('周一到周三的日报', '2026-11-16', '2026-11-18')],
  [NR('昨天有没有要我回的邮件', '2026-11-19', '2026-11-19')],
  [S('Tom Wilson 关于 staging 的邮件', { sender: 'Tom Wilson', query: 'staging' }, 'zh'), O('最新一封说了什么', 'newest')],
  [S('有没有陈浩的邮件', { sender: '陈浩' }), C('一共几封', 'none', { sender: '陈浩' })],
];
