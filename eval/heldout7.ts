/**
 * A seventh held-out set: conversations about the reference demo mailbox
 * (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), written from
 * what the HTTP API shows of that mailbox (GET /api/emails with and without
 * filters, /api/reports) by an engineer who had not read the offline model's
 * parser (agents/mail/local/) nor the original and earlier held-out sets
 * (only eval/heldout6.ts, for its format and readings). Its focus differs
 * from the earlier sets: senders written as an email address or a domain
 * ("anything from priya.patel@northwind.example", "mail from @contoso.example",
 * 来自 fabrikam.example 的邮件); subjects quoted ('Q3 budget review', "…",
 * 《…》, “…”); spans inside a month or named by part ("the first seven days of
 * November", "the first half of November", "the 10th through the 14th",
 * "between nov 3 and nov 6", 11月上旬, 上半月, 11号到14号); what someone wants
 * or asked ("what does Kenji want from me?", "has Laura gotten back to me?",
 * 李伟找我什么事, 赵磊回复我了吗); counts phrased as totals (total, 一共, 总共);
 * and follow-ups that narrow a daily report by label or person.
 *
 * Requests that cannot be scored by eval/run.ts are left out: "yesterday vs
 * today" (two counts in one turn), "who else wrote in that thread" (no thread
 * filter), "which of those are from customers" (the `customer` label also
 * covers the user's own sent mail and colleagues such as David Miller, so the
 * right reading is unclear), "mid-November" and "the first week of November"
 * (11-01…11-07 or the calendar week 11-02…11-08: both days hold mail).
 *
 * Readings chosen for the expectations, as in eval/heldout6.ts: a company is
 * its sender domain (an address or a domain, with or without "@", is the
 * sender filter as written); "this week" / 这周 11-16…11-20, "last week" / 上周
 * 11-09…11-15, "this month" / 本月 11-01…, "last month" / 上个月 and "October"
 * 10-01…10-31; a weekday without "last" is the one of this week (周三 and
 * "tuesday" 11-18 and 11-17); `before` is exclusive. A day number without a
 * month is in November; ranges ("between nov 3 and nov 6", "the 10th through
 * the 14th", 11号到14号, 3号到6号) include both ends. "The first seven days of
 * November" is 11-01…11-07; "the first half of November" and 上半月 (of this
 * month) 11-01…11-15; 11月上旬 11-01…11-10 (the usual Chinese reading).
 * A quoted subject is a query of the subject's words (checked through the API:
 * each selects exactly the emails of that subject's thread); "find"/"找" lists
 * them, "open"/"打开" opens the newest. "What does X want from me", "what is X
 * asking for", "has X replied / gotten back to me", X找我什么事, X想让我做什么,
 * X回复我了吗 open X's newest email. "How many … in total", 一共/总共多少封 is a
 * count without grouping; "who sent the most" a count grouped by sender (the
 * user's own address aside). An email count of a span counts every email of
 * the span, as the earlier sets do.
 *
 * Readings chosen for follow-ups: a follow-up keeps every filter of the turn
 * before and changes or adds only what it names; after a day's report, "which
 * emails that day were marked important" is that day with label important and
 * 那天王芳… that day with that sender; after a count, "list the important ones" /
 * 其中标了重要的有哪些 lists the counted span with label important; "read me the
 * second one" / 打开第二封 opens the second item the previous answer listed;
 * "show me the newest of them" / 打开最新那封 opens the newest of the previous
 * result.
 */
import type { Conversation } from './questions.ts';
import { C, LAST_MONTH, LAST_WEEK, LATEST, O, R, S, THIS_MONTH, THIS_WEEK } from './turns.ts';

const NOV17 = { after: '2026-11-17', before: '2026-11-18' };
const NOV18 = { after: '2026-11-18', before: '2026-11-19' };
/** The first seven days of November. */
const NOV1_7 = { after: '2026-11-01', before: '2026-11-08' };
/** 11月上旬: the 1st to the 10th. */
const NOV1_10 = { after: '2026-11-01', before: '2026-11-11' };
/** The first half of November, 上半月: the 1st to the 15th. */
const NOV1_15 = { after: '2026-11-01', before: '2026-11-16' };
/** Nov 3 to Nov 6, both included. */
const NOV3_6 = { after: '2026-11-03', before: '2026-11-07' };
/** The 10th through the 14th. */
const NOV10_14 = { after: '2026-11-10', before: '2026-11-15' };
/** The 11th to the 14th. */
const NOV11_14 = { after: '2026-11-11', before: '2026-11-15' };

const RENEWAL = 'Renewal of the Fabrikam enterprise agreement';
const DB_REVIEW = '数据库扩容方案评审';

export const HELDOUT7_ENGLISH: Conversation[] = [
  [
    S('anything from priya.patel@northwind.example this week?', { sender: 'priya.patel@northwind.example', ...THIS_WEEK }),
    O('read me the second one', 2),
  ],
  [
    S('mail from @contoso.example last month', { sender: 'contoso.example', ...LAST_MONTH }),
    S('and so far this month?', { sender: 'contoso.example', ...THIS_MONTH }),
  ],
  [C('total emails from GitHub in October', 'none', { sender: 'GitHub', ...LAST_MONTH })],
  [LATEST('what does Kenji want from me?', { sender: 'Kenji Tanaka' })],
  [LATEST('what is Robert asking for?', { sender: 'Robert Greene' })],
  [LATEST('has Laura gotten back to me?', { sender: 'Laura Martinez' })],
  [
    S("find 'Engineering spend, week 47'", { query: 'Engineering spend, week 47' }),
    O('show me the newest of them', 'newest'),
  ],
  [LATEST("open the email titled 'Q3 budget review'", { query: 'Q3 budget review' })],
  [
    S(`find the thread called "${RENEWAL}"`, { query: RENEWAL }),
    S('only the messages David sent', { query: RENEWAL, sender: 'David Miller' }),
  ],
  [C('how many emails came in during the first seven days of November?', 'none', NOV1_7)],
  [S('emails from Li Wei in the first half of November', { sender: 'Li Wei', ...NOV1_15 })],
  [
    C('how many emails between nov 3 and nov 6?', 'none', NOV3_6),
    C('who sent the most in that stretch?', 'sender', NOV3_6),
  ],
  [
    C('count the emails from the 10th through the 14th', 'none', NOV10_14),
    S('list the important ones', { label: 'important', ...NOV10_14 }),
  ],
  [
    R('show me the report for tuesday', '2026-11-17'),
    S('which emails that day were marked important?', { label: 'important', ...NOV17 }),
  ],
  [S('what did huaxin-tech.example send this week?', { sender: 'huaxin-tech.example', ...THIS_WEEK })],
  [C('how many emails in total from northwind.example last week?', 'none', { sender: 'northwind.example', ...LAST_WEEK })],
  [LATEST('what is Emily asking me to do?', { sender: 'Emily Carter' })],
  [S('any mail from james.oconnor@northwind.example this month?', { sender: 'james.oconnor@northwind.example', ...THIS_MONTH })],
  [S("find the emails with the subject 'Heads-up: turning off the v1 endpoints'", { query: 'Heads-up: turning off the v1 endpoints' })],
  [C('what is the total number of emails from sakura-systems.example?', 'none', { sender: 'sakura-systems.example' })],
  [LATEST('has James replied yet?', { sender: "James O'Connor" })],
];

export const HELDOUT7_CHINESE: Conversation[] = [
  [
    S('来自 fabrikam.example 的邮件', { sender: 'fabrikam.example' }),
    S('只要上个月的', { sender: 'fabrikam.example', ...LAST_MONTH }),
  ],
  [S('11月上旬张伟发的邮件', { sender: '张伟', ...NOV1_10 })],
  [C('本月上半月总共有多少封邮件', 'none', NOV1_15)],
  [LATEST('李伟找我什么事', { sender: '李伟' })],
  [LATEST('标题是《第三季度预算调整》的那封邮件打开看看', { query: '第三季度预算调整' })],
  [
    S(`帮我找标题是“${DB_REVIEW}”的邮件`, { query: DB_REVIEW }),
    C('其中张伟发的一共几封', 'none', { query: DB_REVIEW, sender: '张伟' }),
  ],
  [C('上个月Jira总共发了多少封邮件', 'none', { sender: 'Jira', ...LAST_MONTH })],
  [LATEST('黄志强想让我做什么', { sender: '黄志强' })],
  [LATEST('赵磊回复我了吗', { sender: '赵磊' })],
  [
    S('k.tanaka@sakura-systems.example 上周发来的邮件', { sender: 'k.tanaka@sakura-systems.example', ...LAST_WEEK }),
    O('打开最新那封', 'newest'),
  ],
  [
    S('11号到14号赵磊的邮件', { sender: '赵磊', ...NOV11_14 }),
    O('打开第二封', 2),
  ],
  [
    C('11月3号到6号之间一共多少封', 'none', NOV3_6),
    S('其中标了重要的有哪些', { label: 'important', ...NOV3_6 }),
  ],
  [
    R('周三的日报', '2026-11-18'),
    S('那天王芳给我发了哪几封', { sender: '王芳', ...NOV18 }),
  ],
  [S('来自 @contoso.example 的邮件，这周的', { sender: 'contoso.example', ...THIS_WEEK })],
  [S('标题叫“笔记本电脑采购申请待审批”的邮件有哪些', { query: '笔记本电脑采购申请待审批' })],
  [C('吴敏在上半月一共发了几封', 'none', { sender: '吴敏', ...NOV1_15 })],
];
