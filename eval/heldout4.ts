/**
 * A fourth held-out set: conversations about the reference demo mailbox
 * (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), written from
 * what the HTTP API shows of that mailbox (GET /api/emails with and without
 * filters, /api/reports) by an engineer who had not read the offline model's
 * parser (agents/mail/local/) nor the original, first and second held-out
 * sets. Unlike the earlier sets it is mostly multi-turn, the way people chat
 * with an assistant: follow-ups that change one thing ("what about from
 * anna?", "and last month?", "only the important ones", "same for kenji",
 * 那上个月呢, 换成王芳的, 只看重要的), that open or step through results
 * ("open the third", "the next one", 打开第二封, 下一封), counts then "show
 * them", chatty sentences with fillers, lower case and no punctuation, English
 * names and terms inside Chinese sentences, and daily reports (a day's report,
 * a span's list, replies owed, deadlines and to-dos, then that day's emails).
 *
 * Readings chosen for the expectations, as in eval/heldout3.ts: a company is
 * its sender domain; "this week" 11-16…11-20, "last week" 11-09…11-15, "this
 * month" 11-01…, "last month" October; a weekday without "last" is the one of
 * this week; `before` is exclusive. A topic is the query words that select the
 * subject's emails (checked through the API).
 *
 * Readings chosen for follow-ups: a follow-up keeps every filter of the turn
 * before and changes only what it names (a new sender replaces the sender, a
 * new time span replaces the span, "only the important ones"/只看重要的 adds
 * the label); "show them"/列出来 after a count lists the emails counted; "open
 * the n-th"/打开第n封 and "the next one"/下一封 open an item of the list the
 * previous answer showed (the next one: the item after the one just opened);
 * "open the latest of those"/最新的那封 opens the newest of the previous
 * result; after a day's report, "that day's emails"/那天的邮件 are every email
 * of that day; "and yesterday?"/那昨天呢 after a report question asks the same
 * report question of the new day.
 */
import type { Conversation } from './questions.ts';
import { C, D, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

const NOV_17 = { after: '2026-11-17', before: '2026-11-18' };
const NOV_18 = { after: '2026-11-18', before: '2026-11-19' };

export const HELDOUT4_ENGLISH: Conversation[] = [
  [
    C('how many from GitHub this week?', 'none', { sender: 'GitHub', ...THIS_WEEK }),
    S('show them', { sender: 'GitHub', ...THIS_WEEK }),
    O('open the third', 3),
    O('the next one', 4),
  ],
  [S('hey, quick question — did Sarah get back to me about moving our 1:1 this week?', { sender: 'Sarah Johnson', query: '1:1', ...THIS_WEEK })],
  [
    S('anything from anna this month', { sender: 'Anna Schmidt', ...THIS_MONTH }),
    S('and last month?', { sender: 'Anna Schmidt', ...LAST_MONTH }),
    O('read the latest of those', 'newest'),
  ],
  [
    S('what did tom send me last week', { sender: 'Tom Wilson', ...LAST_WEEK }),
    S('what about from priya?', { sender: 'Priya Patel', ...LAST_WEEK }),
  ],
  [
    S("can you pull up robert's emails from this week", { sender: 'Robert Greene', ...THIS_WEEK }),
    S('only the important ones', { sender: 'Robert Greene', label: 'important', ...THIS_WEEK }),
  ],
  [
    C('how many emails did laura send me this month', 'none', { sender: 'Laura Martinez', ...THIS_MONTH }),
    C('same for kenji', 'none', { sender: 'Kenji Tanaka', ...THIS_MONTH }),
  ],
  [
    C('how many jira notifications this week', 'none', { sender: 'Jira', ...THIS_WEEK }),
    C('and last month?', 'none', { sender: 'Jira', ...LAST_MONTH }),
  ],
  [
    R("what was in tuesday's daily report", '2026-11-17'),
    S('ok show me the emails from that day', NOV_17),
    O('open the first one', 1),
  ],
  [NR('anything left from this week that i still owe a reply on', '2026-11-16', '2026-11-20'), NR('and from last week?', '2026-11-09', '2026-11-15')],
  [D('what deadlines came up on monday', '2026-11-16', '2026-11-16'), D('and yesterday?', '2026-11-19', '2026-11-19')],
  [L('daily reports for last week please', '2026-11-09', '2026-11-15'), R('open the one for the 12th', '2026-11-12')],
  [
    C('how many emails each day this week', 'day', THIS_WEEK),
    S("ok list wednesday's emails", NOV_18),
  ],
  [C('which senders were the busiest last month', 'sender', LAST_MONTH), C('and so far this month?', 'sender', THIS_MONTH)],
  [
    S('did laura write anything about the audit log export', { sender: 'Laura Martinez', query: 'audit log' }),
    C('how many of those were this week', 'none', { sender: 'Laura Martinez', query: 'audit log', ...THIS_WEEK }),
  ],
  [
    S('find the sakura systems security questionnaire thread', { query: 'Sakura Systems security questionnaire' }),
    S('just the ones david sent', { query: 'Sakura Systems security questionnaire', sender: 'David Miller' }),
  ],
  [LATEST('yo whats the newest thing from priya', { sender: 'Priya Patel' })],
  [S('hey can you check if anything came in from contoso today', { sender: 'contoso.example', ...TODAY })],
  [S('any newsletters today?', { label: 'newsletter', ...TODAY }), O('open the second', 2)],
  [C('how many unread emails have i got', 'none', { label: 'unread' }), S('which of them came today', { label: 'unread', ...TODAY })],
  [
    S('emails about the eu-west latency incident', { query: 'eu-west' }),
    S('only the ones from last week', { query: 'eu-west', ...LAST_WEEK }),
    O('open the first', 1),
  ],
  [C('how many emails did i send yesterday', 'none', { label: 'sent', ...YESTERDAY }), S('list them', { label: 'sent', ...YESTERDAY })],
  [S('what has kenji sent me this week', { sender: 'Kenji Tanaka', ...THIS_WEEK }), S('same for laura', { sender: 'Laura Martinez', ...THIS_WEEK })],
  [S('anything from fabrikam last week', { sender: 'fabrikam.example', ...LAST_WEEK }), S('and this week?', { sender: 'fabrikam.example', ...THIS_WEEK })],
  [
    C('quick one: how many QA sign-off mails did priya send in october', 'none', { sender: 'Priya Patel', query: 'QA sign-off', ...LAST_MONTH }),
    O('open the most recent of them', 'newest'),
  ],
];

export const HELDOUT4_CHINESE: Conversation[] = [
  [S('看看 GitHub 上周的通知', { sender: 'GitHub', ...LAST_WEEK }), O('打开第二封', 2), O('下一封', 3)],
  [
    C('王芳这个月给我发了几封邮件', 'none', { sender: '王芳', ...THIS_MONTH }),
    S('列出来看看', { sender: '王芳', ...THIS_MONTH }),
    O('打开最新的那封', 'newest'),
  ],
  [S('吴敏这周发的邮件', { sender: '吴敏', ...THIS_WEEK }), S('换成王芳的', { sender: '王芳', ...THIS_WEEK })],
  [S('上周有哪些重要邮件', { label: 'important', ...LAST_WEEK }), S('那上个月呢', { label: 'important', ...LAST_MONTH })],
  [S('黄志强今天发了些什么', { sender: '黄志强', ...TODAY }), O('打开第一封', 1)],
  [R('把11月17号的日报调出来', '2026-11-17'), S('那天的邮件都列出来', NOV_17)],
  [NR('今天有哪些邮件需要我回复', '2026-11-20', '2026-11-20'), NR('那昨天呢', '2026-11-19', '2026-11-19')],
  [D('这周有啥待办', '2026-11-16', '2026-11-20')],
  [L('上周每天的日报列一下', '2026-11-09', '2026-11-15'), R('打开12号的', '2026-11-12')],
  [S('吴敏上个月发的财务邮件', { sender: '吴敏', label: 'finance', ...LAST_MONTH })],
  [LATEST('打开最新一期的科技早报', { sender: '科技早报' })],
  [S('帮我找一下Kenji关于CSV时间戳的邮件', { sender: 'Kenji Tanaka', query: 'CSV' }), S('只看本周的', { sender: 'Kenji Tanaka', query: 'CSV', ...THIS_WEEK })],
  [C('这周收到几封日历邀请', 'none', { label: 'calendar', ...THIS_WEEK }), S('都列出来', { label: 'calendar', ...THIS_WEEK }), O('打开第三封', 3)],
  [C('昨天我发出去几封邮件', 'none', { label: 'sent', ...YESTERDAY }), O('最新的那封打开看看', 'newest')],
  [C('按天统计一下这周的邮件量', 'day', THIS_WEEK), C('那上周呢', 'day', LAST_WEEK)],
  [C('上个月发件最多的是哪些人', 'sender', LAST_MONTH), C('这个月呢', 'sender', THIS_MONTH)],
  [S('contoso 这周有什么邮件', { sender: 'contoso.example', ...THIS_WEEK })],
  [C('刘洋上周发了几封', 'none', { sender: '刘洋', ...LAST_WEEK }), S('给我看看', { sender: '刘洋', ...LAST_WEEK }), O('打开第一封', 1)],
  [R('13号的日报', '2026-11-13'), NR('那天有哪些要回复的', '2026-11-13', '2026-11-13')],
  [S('嗨，帮我看下赵磊有没有发过拜访蓝海零售的邮件', { sender: '赵磊', query: '拜访蓝海零售' })],
  [S('张伟这周的邮件', { sender: '张伟', ...THIS_WEEK }), S('只看重要的', { sender: '张伟', label: 'important', ...THIS_WEEK })],
];
