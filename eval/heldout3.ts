/**
 * A third held-out set: questions about the reference demo mailbox (seed
 * 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), written from what
 * the HTTP API shows of that mailbox (GET /api/emails with and without
 * filters, /api/reports) by an engineer who had not read the offline model's
 * parser (agents/mail/local/) nor the original and first held-out sets, in
 * phrasings of their own: relative dates ("the day before yesterday", "past
 * 3 days", "since tuesday", 上上周, 近三天, 从月初到现在), senders by first
 * name, full name, company, email domain or as recipients, topics by a
 * phrase of the subject (each checked to select only that subject's emails),
 * labels, grouped counts, reports, replies owed and deadlines.
 *
 * Readings chosen for the expectations, as in eval/heldout.ts and
 * eval/heldout2.ts: a company is its sender domain; "this week" 11-16…11-20,
 * "last week" 11-09…11-15, "the week before last"/上上周 11-02…11-08, "this
 * month" 11-01…, "last month" October; a weekday without "last" is the one of
 * this week, "since <weekday>" runs from it to today; "the past 3 days"/近三天
 * are today and the two days before (11-18…11-20); `before` is exclusive.
 */
import type { Conversation } from './questions.ts';
import { C, D, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

const DAY_BEFORE_YESTERDAY = { after: '2026-11-18', before: '2026-11-19' };
const PAST_3_DAYS = { after: '2026-11-18', before: '2026-11-21' };
const SINCE_TUESDAY = { after: '2026-11-17', before: '2026-11-21' };
const WEEK_BEFORE_LAST = { after: '2026-11-02', before: '2026-11-09' };
const NOV_2 = { after: '2026-11-02', before: '2026-11-03' };

export const HELDOUT3_ENGLISH: Conversation[] = [
  [
    S('could you pull up everything about the ap-east latency incident, please?', { query: 'ap-east' }),
    C('how many of them did tom write?', 'none', { query: 'ap-east', sender: 'Tom Wilson' }),
  ],
  [S('which mails mention the CSV timestamps problem?', { query: 'CSV timestamps' })],
  [S("david's emails about the woodgrove bank discount", { sender: 'David Miller', query: 'Woodgrove discount' })],
  [S('what came in the day before yesterday?', DAY_BEFORE_YESTERDAY), O('show me the third one', 3)],
  [S('has laura written in the past 3 days?', { sender: 'Laura Martinez', ...PAST_3_DAYS })],
  [S('anything from tom since tuesday?', { sender: 'Tom Wilson', ...SINCE_TUESDAY })],
  [C('how many emails has Emily sent me this month?', 'none', { sender: 'Emily Carter', ...THIS_MONTH })],
  [C('how busy was each day the week before last?', 'day', WEEK_BEFORE_LAST)],
  [C('top senders in october', 'sender', LAST_MONTH)],
  [C('which email thread has been the most active since monday?', 'thread', THIS_WEEK)],
  [R("can I see monday's report?", '2026-11-16'), R('and the one for the day after?', '2026-11-17')],
  [R('report for 13 november please', '2026-11-13')],
  [L('daily reports from the 1st to the 7th', '2026-11-01', '2026-11-07')],
  [NR('anything from yesterday I still need to respond to?', '2026-11-19', '2026-11-19')],
  [D('any deadlines I should know about from the past 3 days?', '2026-11-18', '2026-11-20')],
  [S('finance emails this week', { label: 'finance', ...THIS_WEEK })],
  [S('calendar invitations I received this week', { label: 'calendar', ...THIS_WEEK })],
  [S('emails from @sakura-systems.example this month', { sender: 'sakura-systems.example', ...THIS_MONTH })],
  [S("did James O'Connor send anything today?", { sender: "James O'Connor", ...TODAY })],
  [S('show me what priya sent this week', { sender: 'Priya Patel', ...THIS_WEEK }), O('read me the top one', 1)],
  [
    S('mails about the DPA review', { query: 'DPA review' }),
    C('and how many of those came from james?', 'none', { query: 'DPA review', sender: "James O'Connor" }),
  ],
  [S('find the open-source licence check emails', { query: 'licence check' }), S("just october's", { query: 'licence check', ...LAST_MONTH })],
  [LATEST("what's the last thing anna sent me?", { sender: 'Anna Schmidt' })],
  [C('how many important emails came in yesterday?', 'none', { label: 'important', ...YESTERDAY })],
  [S('unread mail from today', { label: 'unread', ...TODAY })],
  [S('what did I send to Kenji this week?', { recipient: 'Kenji Tanaka', ...THIS_WEEK })],
  [S('mail from the 2nd of november', NOV_2)],
  [S('on-call handover notes', { query: 'on-call handover' })],
  [S('anything from fabrikam in october?', { sender: 'fabrikam.example', ...LAST_MONTH })],
  [S('what did I send out yesterday?', { label: 'sent', ...YESTERDAY })],
  [S('anything tagged hr this month?', { label: 'hr', ...THIS_MONTH })],
  [C('how many emails with the customer label last week?', 'none', { label: 'customer', ...LAST_WEEK })],
];

export const HELDOUT3_CHINESE: Conversation[] = [
  [S('前天的邮件列一下', DAY_BEFORE_YESTERDAY)],
  [S('近三天黄志强发来的邮件', { sender: '黄志强', ...PAST_3_DAYS }), O('打开最后一封', -1)],
  [C('上上周一共收到几封邮件', 'none', WEEK_BEFORE_LAST)],
  [S('从周二到现在，吴敏发过哪些邮件', { sender: '吴敏', ...SINCE_TUESDAY })],
  [C('这个月赵磊给我发了多少封', 'none', { sender: '赵磊', ...THIS_MONTH })],
  [R('周一的日报给我看看', '2026-11-16')],
  [L('把这周每天的日报列出来', '2026-11-16', '2026-11-20')],
  [NR('昨天有哪些邮件还没回', '2026-11-19', '2026-11-19')],
  [D('这周有什么截止日期要注意', '2026-11-16', '2026-11-20')],
  [S('本周财务类的邮件', { label: 'finance', ...THIS_WEEK })],
  [S('数据库扩容方案评审的邮件', { query: '数据库扩容方案评审' }), O('第二封讲了什么', 2)],
  [LATEST('刘洋最近发的那封说了啥', { sender: '刘洋' })],
  [C('上个月每天收到多少邮件', 'day', LAST_MONTH)],
  [C('按发件人统计一下上上周的邮件', 'sender', WEEK_BEFORE_LAST)],
  [S('Kenji本周发的邮件', { sender: 'Kenji Tanaka', ...THIS_WEEK }), C('其中有几封', 'none', { sender: 'Kenji Tanaka', ...THIS_WEEK })],
  [S('这周的科技早报', { sender: '科技早报', ...THIS_WEEK })],
  [S('关于远航项目周报的邮件', { query: '远航项目周报' }), S('只要王芳发的', { query: '远航项目周报', sender: '王芳' })],
  [R('帮我看下12号那天的日报', '2026-11-12')],
  [S('有没有关于年度绩效评估的邮件', { query: '绩效评估' })],
  [C('昨天的重要邮件有几封', 'none', { label: 'important', ...YESTERDAY })],
  [S('jinghong.example 发来的邮件', { sender: 'jinghong.example' })],
  [S('我这周发给Robert的邮件', { recipient: 'Robert Greene', ...THIS_WEEK })],
  [C('这个月哪个邮件会话最长', 'thread', THIS_MONTH)],
  [S('从月初到现在收到的日历邀请', { label: 'calendar', ...THIS_MONTH })],
];
