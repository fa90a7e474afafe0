/**
 * A sixth held-out set: conversations about the reference demo mailbox
 * (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), written from
 * what the HTTP API shows of that mailbox (GET /api/emails with and without
 * filters, /api/reports) by an engineer who had not read the offline model's
 * parser (agents/mail/local/) nor the original and earlier held-out sets
 * (only eval/heldout5.ts, for its format and readings). Its focus differs
 * from the earlier sets: the way people talk to a chat assistant about their
 * inbox ("catch me up on this week", "what's new since yesterday morning",
 * "who's waiting on a reply from me", "summarize wednesday", "what's the
 * latest on the ap-east incident", "any updates from Fabrikam"); Chinese
 * colloquial and regional wording (帮我瞅瞅, 有啥, 这礼拜, 礼拜三, 上礼拜,
 * 今儿, 昨儿, 啥时候, 俩, 仨); dates written as numbers or with a time of day
 * (11/16, 11.18, 十一月十九号, 18号那天, "nov 18th", "the 19th of November",
 * "this morning", "last night", 今天上午, 昨晚, "since 9am"); ranges ("from the
 * 10th to the 13th", "between monday and wednesday", 2号到6号, 周一到周三); and
 * follow-ups that switch tool (a count, then that day's report; a report, then
 * who sent the most that day; a search, then how many of those are unread).
 *
 * Requests the assistant cannot carry out (reply, delete, send, forward, mark
 * as read) are left out: eval/run.ts has no expectation for "no tool, an
 * honest refusal", so such a turn could not be scored.
 *
 * Readings chosen for the expectations, as in eval/heldout5.ts: a company is
 * its sender domain; "this week" / 这礼拜 11-16…11-20, "last week" / 上礼拜
 * 11-09…11-15, "this month" 11-01…; a weekday without "last" is the one of
 * this week (礼拜三 11-18), 上礼拜五 is 11-13; `before` is exclusive. A day
 * number without a month ("the 13th", 18号, "from the 10th to the 13th",
 * 2号到6号) is in November; ranges include both ends. The tools filter by day
 * only, so a time of day is its day: "this morning", "since 9am", 今天上午,
 * 今儿 are today (11-20); "last night", 昨晚, 昨儿 are yesterday (11-19);
 * "since yesterday morning" is yesterday and today (after 11-19). 这俩礼拜 is
 * last week and this week (11-09…11-20). "Catch me up on" / "give me a rundown
 * of" a week, 每天都发生了啥, is the daily reports of its days; "summarize" /
 * "recap" / 总结 of a day, its daily report; "who's waiting on a reply from me"
 * / 谁在等我回信, the needs-reply of the reports of the span; "what deadlines
 * were mentioned", 截止日期, the deadlines and to-dos the reports quote. "What's
 * the latest on X" / X最新进展 and "what's the latest from Y" open the newest
 * email the topic words or the sender select (a topic is the subject words that
 * select its emails, checked through the API). "Who sent the most" is a count
 * grouped by sender (the user's own address aside), "which day was busiest" /
 * 哪天最多 one grouped by day. "Any updates from Fabrikam" with no time is all of
 * Fabrikam's emails.
 *
 * Readings chosen for follow-ups, as in eval/heldout5.ts: a follow-up keeps
 * every filter of the turn before and changes or adds only what it names
 * ("how many of those are unread" / 其中几封没读 / 其中没读的呢 add label
 * unread); "that day" / 那天 after a day's count or report is that day;
 * "list them" after a count lists the emails counted; "open the most recent
 * one" opens the newest of the previous result; 打开第一封 opens the first item
 * the previous answer listed.
 */
import type { Conversation } from './questions.ts';
import { C, D, L, LAST_WEEK, LATEST, NR, O, R, S, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

const DAY = (d: string, next: string) => ({ after: d, before: next });
const NOV13 = DAY('2026-11-13', '2026-11-14');
const NOV16 = DAY('2026-11-16', '2026-11-17');
const NOV17 = DAY('2026-11-17', '2026-11-18');
const NOV18 = DAY('2026-11-18', '2026-11-19');
const NOV19 = DAY('2026-11-19', '2026-11-20');
/** Monday to Wednesday of this week. */
const MON_WED = { after: '2026-11-16', before: '2026-11-19' };
/** The 10th to the 13th of November, both included. */
const NOV10_13 = { after: '2026-11-10', before: '2026-11-14' };
/** The 2nd to the 6th of November, both included. */
const NOV2_6 = { after: '2026-11-02', before: '2026-11-07' };
/** Last week and this week. */
const TWO_WEEKS = { after: '2026-11-09', before: '2026-11-21' };

export const HELDOUT6_ENGLISH: Conversation[] = [
  [L('catch me up on this week', '2026-11-16', '2026-11-20'), R('ok, and what happened on thursday?', '2026-11-19')],
  [S("what's new since yesterday morning?", { after: '2026-11-19' })],
  [S('anything marked important this morning?', { label: 'important', ...TODAY })],
  [NR("who's waiting on a reply from me this week?", '2026-11-16', '2026-11-20')],
  [R('summarize wednesday', '2026-11-18'), C('who sent the most that day?', 'sender', NOV18)],
  [LATEST("what's the latest on the ap-east incident?", { query: 'ap-east' })],
  [S('any updates from Fabrikam?', { sender: 'fabrikam.example' })],
  [C('how many emails were there on 11/16?', 'none', NOV16), R('pull up the daily report for that day', '2026-11-16')],
  [S('what did Tom send on nov 18th?', { sender: 'Tom Wilson', ...NOV18 })],
  [S('anything from David Miller on the 19th of November?', { sender: 'David Miller', ...NOV19 })],
  [S("show me last night's emails", YESTERDAY)],
  [C('how many emails since 9am?', 'none', TODAY)],
  [C('how many emails from the 10th to the 13th?', 'none', NOV10_13), C('which of those days was busiest?', 'day', NOV10_13)],
  [S('emails from Priya between monday and wednesday', { sender: 'Priya Patel', ...MON_WED })],
  [
    S("show me Kenji's emails from this week", { sender: 'Kenji Tanaka', ...THIS_WEEK }),
    C('how many of those are unread?', 'none', { sender: 'Kenji Tanaka', ...THIS_WEEK, label: 'unread' }),
  ],
  [L('give me a rundown of last week', '2026-11-09', '2026-11-15')],
  [D('what deadlines were mentioned in my email this week?', '2026-11-16', '2026-11-20')],
  [S('any news from Contoso since monday?', { sender: 'contoso.example', after: '2026-11-16' }), O('open the most recent one', 'newest')],
  [LATEST("what's the latest from Kenji?", { sender: 'Kenji Tanaka' })],
  [R('recap of the 13th please', '2026-11-13')],
  [R('can I see the report from 11/12?', '2026-11-12')],
  [S('anything from Sarah since monday?', { sender: 'Sarah Johnson', after: '2026-11-16' })],
  [
    C('how many unread emails do I have from this week?', 'none', { label: 'unread', ...THIS_WEEK }),
    S('list them', { label: 'unread', ...THIS_WEEK }),
  ],
  [S("what's new today?", TODAY), C('who sent the most?', 'sender', TODAY)],
  [C('how many GitHub notifications on the 18th of November?', 'none', { sender: 'GitHub', ...NOV18 })],
];

export const HELDOUT6_CHINESE: Conversation[] = [
  [S('帮我瞅瞅今儿有啥新邮件', TODAY), S('其中没读的呢', { label: 'unread', ...TODAY })],
  [S('昨晚有啥邮件', YESTERDAY)],
  [C('这礼拜一共多少封邮件', 'none', THIS_WEEK)],
  [R('礼拜三那天的总结给我看看', '2026-11-18')],
  [L('上礼拜每天都发生了啥，给我总结一下', '2026-11-09', '2026-11-15')],
  [S('11.18 张伟发的邮件', { sender: '张伟', ...NOV18 })],
  [C('11/17那天一共多少封', 'none', NOV17), R('那天的日报呢', '2026-11-17')],
  [S('十一月十九号黄志强有没有来信', { sender: '黄志强', ...NOV19 })],
  [S('18号那天赵磊发了啥', { sender: '赵磊', ...NOV18 })],
  [C('2号到6号一共多少封邮件', 'none', NOV2_6), C('哪天最多', 'day', NOV2_6)],
  [S('周一到周三王芳发过什么邮件', { sender: '王芳', ...MON_WED })],
  [
    S('这礼拜黄志强的邮件帮我列一下', { sender: '黄志强', ...THIS_WEEK }),
    C('其中几封没读', 'none', { sender: '黄志强', ...THIS_WEEK, label: 'unread' }),
  ],
  [NR('今儿有谁在等我回信', '2026-11-20', '2026-11-20')],
  [LATEST('eu-west那个故障最新进展咋样了', { query: 'eu-west' })],
  [S('Sakura那边这礼拜有啥动静', { sender: 'sakura-systems.example', ...THIS_WEEK })],
  [S('今天上午有啥重要邮件', { label: 'important', ...TODAY })],
  [R('昨儿的日报', '2026-11-19'), C('那天谁发得最多', 'sender', YESTERDAY)],
  [S('上礼拜五刘洋发了啥', { sender: '刘洋', ...NOV13 }), O('打开第一封', 1)],
  [S('这俩礼拜李伟发了啥', { sender: '李伟', ...TWO_WEEKS })],
  [D('这礼拜有啥截止日期要注意的', '2026-11-16', '2026-11-20')],
  [S('上礼拜Laura啥时候给我发过邮件', { sender: 'Laura Martinez', ...LAST_WEEK })],
  [C('今儿GitHub发了仨通知吗', 'none', { sender: 'GitHub', ...TODAY })],
];
