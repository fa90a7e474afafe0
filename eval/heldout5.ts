/**
 * A fifth held-out set: conversations about the reference demo mailbox
 * (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), written from
 * what the HTTP API shows of that mailbox (GET /api/emails with and without
 * filters, /api/emails/:id, /api/reports) by an engineer who had not read the
 * offline model's parser (agents/mail/local/) nor the original, first, second
 * and third held-out sets. Its focus differs from the earlier sets: typos and
 * misspellings people really make ("emials", "yesterdy", "recieved", "frm",
 * "nvember", "githb", Chinese run together with English names: 看下Kenji上周的邮件);
 * very short queries ("budget?", "kenji", "unread", 昨天, 周报); people as
 * recipients ("what did I send to Priya", 我这周给周杰发了几封); counts with a
 * number asked and limits asked for ("the last 3", 最近5封); one email by its
 * subject words and what someone asked for; the daily reports in other
 * phrasings (recap, digest, 每天的日报); people named in the other script
 * (Chinese names, in characters or pinyin, in English sentences and English
 * names in Chinese ones); companies by their domain word.
 *
 * Readings chosen for the expectations, as in eval/heldout4.ts: a company is
 * its sender domain; "this week" 11-16…11-20, "last week" 11-09…11-15, "this
 * month" / "in November" 11-01…, "last month" / "in October" October; a
 * weekday without "last" is the one of this week; `before` is exclusive. A
 * topic is the query words that select the subject's emails (checked through
 * the API). A bare name ("kenji") asks for that person's emails, a bare label
 * word ("unread") or day (昨天) for those emails, a bare topic ("budget?",
 * 周报) for the emails with that word. "What did I send to X" / 我给X发的 is
 * label "sent" with recipient X (To or Cc). A limit asked for ("the last 3",
 * 最近5封) is not an argument eval/run.ts compares: the expectation is the
 * emails the limit is taken from. "What did the email about X say" and "what
 * did X ask for in his last email" open the newest email the words or the
 * sender select. A "digest", "recap" or "summary" of a day is its daily report.
 *
 * Readings chosen for follow-ups, as in eval/heldout4.ts: a follow-up keeps
 * every filter of the turn before and changes or adds only what it names;
 * "list em"/都是什么 after a count lists the emails counted; "open the 2nd",
 * 第一封, 打开最后一封 open an item of the list the previous answer showed;
 * "read the newest" opens the newest of the previous result; "that day" after a
 * day's report is that day.
 */
import type { Conversation } from './questions.ts';
import { C, D, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

export const HELDOUT5_ENGLISH: Conversation[] = [
  [
    C('how many emials did anna send in october', 'none', { sender: 'Anna Schmidt', ...LAST_MONTH }),
    S('list em', { sender: 'Anna Schmidt', ...LAST_MONTH }),
    O('open the 2nd', 2),
  ],
  [S('budget?', { query: 'budget' })],
  [
    S('kenji', { sender: 'Kenji Tanaka' }),
    S('just this week', { sender: 'Kenji Tanaka', ...THIS_WEEK }),
    O('read the newest', 'newest'),
  ],
  [S('unread', { label: 'unread' }), S('only the ones from yesterdy', { label: 'unread', ...YESTERDAY })],
  [S('what did I send to Priya last week', { recipient: 'Priya Patel', label: 'sent', ...LAST_WEEK }), O('open #2', 2)],
  [S('show the last 3 emails from githb', { sender: 'GitHub' })],
  [LATEST('what did the email about open enrollment say?', { query: 'open enrollment' })],
  [LATEST('what did robert ask for in his last email', { sender: 'Robert Greene' })],
  [R('give me a recap of tuesday', '2026-11-17'), NR('what needed a reply that day?', '2026-11-17', '2026-11-17')],
  [S('any mail frm fabrikam this month', { sender: 'fabrikam.example', ...THIS_MONTH })],
  [S('emails i recieved yesterdy from tom', { sender: 'Tom Wilson', ...YESTERDAY })],
  [S('anything from 周杰 this week?', { sender: '周杰', ...THIS_WEEK })],
  [C('how many emails did huang zhiqiang send yesterday', 'none', { sender: '黄志强', ...YESTERDAY })],
  [R('summarize yesterdays digest for me', '2026-11-19')],
  [C('did kenji send more than 5 emails this week?', 'none', { sender: 'Kenji Tanaka', ...THIS_WEEK })],
  [
    C('how many mails did i send to zhang wei last month', 'none', { recipient: '张伟', label: 'sent', ...LAST_MONTH }),
    S('show me those', { recipient: '张伟', label: 'sent', ...LAST_MONTH }),
  ],
  [S('last 5 newsletters', { label: 'newsletter' })],
  [L('pls list this weeks daily summaries', '2026-11-16', '2026-11-20'), R("show me wednesday's", '2026-11-18')],
  [S('any important emials today', { label: 'important', ...TODAY })],
  [LATEST('what did the new travel policy email say', { query: 'travel policy' })],
  [S('what has 陈浩 sent me', { sender: '陈浩' })],
  [S('emails about the nvember timesheet', { query: 'timesheet' })],
  [
    S('emails I sent tom this week', { recipient: 'Tom Wilson', label: 'sent', ...THIS_WEEK }),
    C('and how many last week?', 'none', { recipient: 'Tom Wilson', label: 'sent', ...LAST_WEEK }),
  ],
  [S('anything from contoso yesterdy', { sender: 'contoso.example', ...YESTERDAY })],
];

export const HELDOUT5_CHINESE: Conversation[] = [
  [S('看下Kenji上周的邮件', { sender: 'Kenji Tanaka', ...LAST_WEEK }), O('第一封说了啥', 1)],
  [S('昨天', YESTERDAY), S('其中未读的呢', { label: 'unread', ...YESTERDAY })],
  [S('周报', { query: '周报' }), S('只要这个月的', { query: '周报', ...THIS_MONTH })],
  [
    C('我这周给周杰发了几封', 'none', { recipient: '周杰', label: 'sent', ...THIS_WEEK }),
    S('都是什么', { recipient: '周杰', label: 'sent', ...THIS_WEEK }),
    O('打开最后一封', -1),
  ],
  [S('最近5封未读邮件', { label: 'unread' })],
  [L('这周每天的日报都给我看看', '2026-11-16', '2026-11-20'), R('周三那份打开', '2026-11-18')],
  [S('Priya这周发了啥', { sender: 'Priya Patel', ...THIS_WEEK })],
  [S('huaxin这周有邮件吗', { sender: 'huaxin-tech.example', ...THIS_WEEK })],
  [C('这周githb发了几封通知', 'none', { sender: 'GitHub', ...THIS_WEEK })],
  [R('周一日报', '2026-11-16')],
  [S('上周我给Laura发过邮件吗', { recipient: 'Laura Martinez', label: 'sent', ...LAST_WEEK })],
  [LATEST('快递收发室搬迁那封邮件说了什么', { query: '快递收发室' })],
  [LATEST('黄志强最新那封邮件要我做啥', { sender: '黄志强' })],
  [C('11月份黄志强发了几封邮件', 'none', { sender: '黄志强', ...THIS_MONTH }), C('10月呢', 'none', { sender: '黄志强', ...LAST_MONTH })],
  [S('Zhang Min这周发了什么', { sender: '张敏', ...THIS_WEEK })],
  [C('上个月Tom发了多少封邮件', 'none', { sender: 'Tom Wilson', ...LAST_MONTH }), C('那11月呢', 'none', { sender: 'Tom Wilson', ...THIS_MONTH })],
  [S('最近3封科技早报', { sender: '科技早报' })],
  [LATEST('绩效评估那封通知讲了啥', { query: '绩效评估' })],
  [S('sakura这个月发来的邮件', { sender: 'sakura-systems.example', ...THIS_MONTH })],
  [D('昨天日报里提到哪些截止日期', '2026-11-19', '2026-11-19')],
];
