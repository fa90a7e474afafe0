/**
 * A second held-out set (session 7): questions about the reference demo
 * mailbox (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai),
 * written from what the HTTP API shows of that mailbox (every email's date,
 * sender, labels and subject from GET /api/emails; /api/reports) by an
 * engineer who had not read the offline model's parser (agents/mail/local/)
 * nor most of the other two sets, in phrasings of their own: topics named by
 * a word of the subject, senders by first name or company, dates as
 * weekdays, day numbers and ranges, counts and "who/which" questions.
 *
 * Readings chosen for the expectations, as in eval/heldout.ts: a company is
 * its sender domain; "this week" 11-16…11-20, "last week" 11-09…11-15,
 * "this month" 11-01…, "last month" October; a weekday without "last" is the
 * one of this week; `before` is exclusive.
 */
import type { Conversation } from './questions.ts';
import { C, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

const WEDNESDAY = { after: '2026-11-18', before: '2026-11-19' };
const NOV_3_TO_5 = { after: '2026-11-03', before: '2026-11-06' };
const NOV_10 = { after: '2026-11-10', before: '2026-11-11' };

export const HELDOUT2_ENGLISH: Conversation[] = [
  [S('did anyone ask about exporting the audit log?', { query: 'audit log' }), O('open the newest', 'newest')],
  [S("what's going on with staging", { query: 'staging' })],
  [S('show me the eu-west incident mails', { query: 'eu-west' }), C('how many of those are there', 'none', { query: 'eu-west' })],
  [S('interview feedback this week?', { query: 'interview feedback', ...THIS_WEEK })],
  [S('anything from sakura systems this month', { sender: 'sakura-systems.example', ...THIS_MONTH })],
  [LATEST('latest email from sarah', { sender: 'Sarah Johnson' })],
  [LATEST('what did kenji say most recently?', { sender: 'Kenji Tanaka' })],
  [R('pull up the report for the 17th', '2026-11-17')],
  [L('list this weeks daily reports', '2026-11-16', '2026-11-20')],
  [R('what happened on wednesday?', '2026-11-18')],
  [S('emails between nov 3 and nov 5', NOV_3_TO_5), C('and per day?', 'day', NOV_3_TO_5)],
  [S('did michael brown write in october', { sender: 'Michael Brown', ...LAST_MONTH })],
  [C('email count per day last week', 'day', LAST_WEEK)],
  [C('how many newsletters did i get last week', 'none', { label: 'newsletter', ...LAST_WEEK })],
  [S('the DPA emails for Tailspin Toys', { query: 'DPA Tailspin' })],
  [S('anything about turning off the v1 endpoints?', { query: 'v1 endpoints' })],
  [C('who wrote to me the most this week', 'sender', THIS_WEEK)],
  [S('mails from anna in the last week', { sender: 'Anna Schmidt', ...LAST_WEEK }), O('read the second', 2)],
  [S('find the flaky test emails', { query: 'flaky tests' }), S('just the ones from this month', { query: 'flaky tests', ...THIS_MONTH })],
  [S('what did Fabrikam send me this week', { sender: 'fabrikam.example', ...THIS_WEEK })],
  [NR('anything I owe a reply since monday?', '2026-11-16', '2026-11-20')],
  [C('how many mails came in on the 10th', 'none', NOV_10)],
  [S('emails about the webhook retries from robert', { sender: 'Robert Greene', query: 'webhook retries' })],
  [S('show me important mail from yesterday', { label: 'important', ...YESTERDAY })],
  [C('which thread had the most mail last month', 'thread', LAST_MONTH)],
  [S('Priya emails today', { sender: 'Priya Patel', ...TODAY })],
];

export const HELDOUT2_CHINESE: Conversation[] = [
  [LATEST('赵磊最新的一封邮件说了什么', { sender: '赵磊' })],
  [C('上周一共有多少封邮件', 'none', LAST_WEEK)],
  [C('这个月谁发给我的邮件最多', 'sender', THIS_MONTH)],
  [S('吴敏发的账单邮件', { sender: '吴敏', query: '账单' }), O('打开最新的那封', 'newest')],
  [C('周杰这周发了几封邮件', 'none', { sender: '周杰', ...THIS_WEEK })],
  [R('前天的日报总结一下', '2026-11-18')],
  [C('本周每天收到多少封邮件', 'day', THIS_WEEK)],
  [S('王芳发的项目周报', { sender: '王芳', query: '周报' }), O('看第三封', 3)],
  [S('11月10号的邮件', NOV_10)],
  [C('上个月科技早报发了多少期', 'none', { sender: '科技早报', ...LAST_MONTH })],
  [R('上周五的日报', '2026-11-13')],
  [NR('这周有哪些邮件需要我回复', '2026-11-16', '2026-11-20')],
  [S('黄志强上周的邮件', { sender: '黄志强', ...LAST_WEEK }), C('一共几封', 'none', { sender: '黄志强', ...LAST_WEEK })],
  [LATEST('Contoso的Robert最近一封邮件', { sender: 'Robert Greene' })],
  [S('订单服务CPU飙高的报警邮件', { query: '订单服务CPU飙高' })],
  [S('刘洋关于Safari白屏的邮件', { sender: '刘洋', query: 'Safari' }), S('只看这周的', { sender: '刘洋', query: 'Safari', ...THIS_WEEK })],
  [S('今天有哪些重要邮件', { label: 'important', ...TODAY })],
  [C('上周哪个会话邮件最多', 'thread', LAST_WEEK)],
  [S('周三收到的邮件', WEDNESDAY)],
  [S('华新科技这个月发来的邮件', { sender: 'huaxin-tech.example', ...THIS_MONTH })],
  [L('列一下上周的日报', '2026-11-09', '2026-11-15')],
  [S('张伟昨天发的邮件', { sender: '张伟', ...YESTERDAY }), O('打开第一封', 1)],
  [C('这个月一共收到多少封GitHub通知', 'none', { sender: 'GitHub', ...THIS_MONTH })],
  [S('关于供应商合同付款的邮件', { query: '供应商合同付款' })],
  [S('笔记本电脑采购的邮件有哪些', { query: '笔记本电脑采购' })],
  [C('昨天谁给我发的邮件最多', 'sender', YESTERDAY)],
];
