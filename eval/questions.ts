/**
 * The answer-quality eval's questions: conversations about the reference demo
 * mailbox (seed 20261122, "today" Friday 2026-11-20 in Asia/Shanghai), typed
 * the way people type. Written from what the HTTP API shows of that mailbox
 * (GET /api/emails, /api/reports), with the tool and arguments a careful
 * assistant would use. Expected results are not written here: eval/run.ts
 * computes them through the HTTP API from these arguments.
 *
 * Dates: yesterday 11-19, this week 11-16…11-20, last week 11-09…11-15,
 * this month 11-01…, last month October. `before` is exclusive.
 */

export interface Filters {
  query?: string;
  sender?: string;
  recipient?: string;
  after?: string;
  before?: string;
  label?: string;
}

export type Expected =
  /** A list of emails. */
  | { tool: 'search_emails'; args: Filters }
  /** The newest email matching the filters, opened. */
  | { tool: 'read_latest'; args: Filters }
  | { tool: 'count_emails'; args: Filters & { group_by: 'none' | 'day' | 'sender' | 'thread' } }
  | { tool: 'read_daily_report'; args: { date: string } }
  | { tool: 'list_daily_reports'; args: { from: string; to: string }; needsReply?: boolean; deadlines?: boolean }
  /** An email of the previous answer: its n-th listed item (1-based, -1 = last), or the newest of the previous result. */
  | { tool: 'read_email'; pick: number | 'newest' };

export interface Turn {
  q: string;
  expect: Expected;
  /** The language the answer should be in (default: zh when the question has Chinese words beyond names). */
  lang?: 'en' | 'zh';
}

export type Conversation = Turn[];

import { C, D, L, LAST_MONTH, LAST_WEEK, LATEST, NR, O, R, S, THIS_MONTH, THIS_WEEK, TODAY, YESTERDAY } from './turns.ts';

export const ENGLISH: Conversation[] = [
  [S('emails from Li Wei last week', { sender: 'Li Wei', ...LAST_WEEK }), S('and the week before?', { sender: 'Li Wei', after: '2026-11-02', before: '2026-11-09' }), O('open the latest one', 'newest')],
  [S('anything about the q3 budget?', { query: 'Q3 budget' }), S('only the ones from li wei', { query: 'Q3 budget', sender: 'Li Wei' })],
  [C('how many emails did i get yesterday', 'none', YESTERDAY), C('and the day before?', 'none', { after: '2026-11-18', before: '2026-11-19' })],
  [C('who writes to me the most?', 'sender'), C('and just this month?', 'sender', THIS_MONTH)],
  [C('which day was busiest last week', 'day', LAST_WEEK)],
  [S('plz find the mails about the security questionnaire', { query: 'security questionnaire' }), S('just the ones from david', { query: 'security questionnaire', sender: 'David' }), O('open the first one', 1)],
  [S('any emails from sarah this week?', { sender: 'Sarah', ...THIS_WEEK }), O('what does the newest say', 'newest')],
  [S('did kenji send anything yesterday', { sender: 'Kenji', ...YESTERDAY }), O('open the second one', 2)],
  [S('show me mail from contoso', { sender: 'Contoso' }), S('only last week', { sender: 'Contoso', ...LAST_WEEK })],
  [S('emails about the nightly export', { query: 'nightly export' }), S('from robert?', { query: 'nightly export', sender: 'Robert' })],
  [S('find the recived invoices from cloudhost', { sender: 'CloudHost', query: 'invoices' })],
  [S('i think it was tom who wrote about the incident in eu-west', { sender: 'Tom', query: 'incident eu-west' })],
  [S('anything on webhook retries?', { query: 'webhook retries' }), S('what about from sakura systems', { query: 'webhook retries', sender: 'Sakura Systems' })],
  [S('emails from priya between nov 10 and nov 12', { sender: 'Priya', after: '2026-11-10', before: '2026-11-13' })],
  [S('flaky tests', { query: 'flaky tests' }), S('only this week', { query: 'flaky tests', ...THIS_WEEK }), O('open the last one', -1)],
  [LATEST('open the latest email from james', { sender: 'James' })],
  [LATEST("what's the newest mail from laura martinez say", { sender: 'Laura Martinez' })],
  [R("what was in yesterday's daily report", '2026-11-19'), R('and the day before?', '2026-11-18')],
  [R('summary of today', '2026-11-20')],
  [R('daily report for nov 16', '2026-11-16')],
  [L('list my daily reports for last week', '2026-11-09', '2026-11-15')],
  [NR('which emails still need a reply?', '2026-11-14', '2026-11-20'), NR('and last week?', '2026-11-09', '2026-11-15')],
  [NR("what haven't i answered yet today", '2026-11-20', '2026-11-20')],
  [D('any deadlines this week?', '2026-11-16', '2026-11-20'), D('and last week?', '2026-11-09', '2026-11-15')],
  [D('what do i need to do today?', '2026-11-20', '2026-11-20')],
  [S('any urgent emails today?', { label: 'important', ...TODAY }), S('and yesterday', { label: 'important', ...YESTERDAY })],
  [S('show important mail from customers this week', { label: 'important', ...THIS_WEEK }, 'en')],
  [C('how many emails came in this month altogether', 'none', THIS_MONTH), C('and last month?', 'none', LAST_MONTH)],
  [C('how many mails did li wei send me', 'none', { sender: 'Li Wei' })],
  [C('how many emails about the audit log?', 'none', { query: 'audit log' })],
  [C('which conversation is the longest?', 'thread')],
  [C('busiest day this month', 'day', THIS_MONTH)],
  [S('emails from github today', { sender: 'GitHub', ...TODAY }), C('how many is that', 'none', { sender: 'GitHub', ...TODAY })],
  [S('any news from emily about the mockups?', { sender: 'Emily', query: 'mockups' }), S('only last week pls', { sender: 'Emily', query: 'mockups', ...LAST_WEEK })],
  [S('whats up with staging being down', { query: 'staging down' })],
  [S('can we move our 1:1 - who sent that', { query: 'move 1:1' })],
  [S('emails about the DPA review', { query: 'DPA review' }), S('the ones for contoso', { query: 'DPA review Contoso' })],
  [S('mails from michael brown', { sender: 'Michael Brown' }), O('open the 2nd', 2)],
  [S('show me the interview feedback emails', { query: 'interview feedback' }), S('from last month', { query: 'interview feedback', ...LAST_MONTH })],
  [S('anything from fabrikam about renewal', { sender: 'Fabrikam', query: 'renewal' })],
  [S('emails from anna in october', { sender: 'Anna', ...LAST_MONTH })],
  [S('newsletters this week', { label: 'newsletter', ...THIS_WEEK })],
  [S('emails on 2026-11-18', { after: '2026-11-18', before: '2026-11-19' }), S('from zhang wei', { sender: 'Zhang Wei', after: '2026-11-18', before: '2026-11-19' })],
  [S('show me emails from the last 3 days about the incident', { query: 'incident', after: '2026-11-18', before: '2026-11-21' })],
  [S('the password expiry email', { query: 'password expires' })],
  [S('launch plan emails', { query: 'launch plan' }), C('how many are there', 'none', { query: 'launch plan' })],
  [S('engineering spend reports from li wei', { sender: 'Li Wei', query: 'engineering spend' }), O('open the newest one', 'newest')],
  [S('discount requests for annual billing', { query: 'discount annual billing' })],
  [S('emails about the on-call handover', { query: 'on-call handover' })],
  [S('look for the roadmap draft', { query: 'roadmap draft' })],
  [S('any mail from hr this month?', { sender: 'HR', ...THIS_MONTH })],
  [S('emails from 李伟 last week', { sender: '李伟', ...LAST_WEEK }, 'en')],
  [S('did wang fang write anything this week', { sender: 'Wang Fang', ...THIS_WEEK }, 'en')],
  [S('recieved anything about the csv export timestamps?', { query: 'CSV export timestamps' }), O('open the first', 1)],
  [S('licence check emails for web-app', { query: 'licence check web-app' })],
  [S('what did i send yesterday', { label: 'sent', ...YESTERDAY })],
  [C('how many emails did i send last week', 'none', { label: 'sent', ...LAST_WEEK })],
  // Added later, as new phrasings of the same intents (not tuned against: run as written).
  [S('hey can u pull up what priya patel sent this week', { sender: 'Priya Patel', ...THIS_WEEK }), C('how many was that?', 'none', { sender: 'Priya Patel', ...THIS_WEEK })],
  [C('total number of mails last week?', 'none', LAST_WEEK), C('what about this week', 'none', THIS_WEEK)],
  [C('top senders this month', 'sender', THIS_MONTH)],
  [S('stuff from jira yesterday', { sender: 'Jira', ...YESTERDAY }), O('show me the first one', 1)],
  [S('mails mentioning the audit log export', { query: 'audit log export' }), S('only from laura', { query: 'audit log export', sender: 'Laura' })],
  [S('any emails from the it service desk?', { sender: 'IT Service Desk' })],
  [S('what did kenji tanaka write about timestamps', { sender: 'Kenji Tanaka', query: 'timestamps' }), O("what's the newest one say", 'newest')],
  [S('emails about the sso settings mockups', { query: 'SSO settings mockups' })],
  [S('anything urgent from customers yesterday?', { label: 'important', ...YESTERDAY }, 'en')],
  [NR('anything i still need to reply to from yesterday?', '2026-11-19', '2026-11-19')],
  [R("how did tuesday's report look", '2026-11-17')],
  [S('emails from robert greene last week', { sender: 'Robert Greene', ...LAST_WEEK }), S('and this week?', { sender: 'Robert Greene', ...THIS_WEEK })],
  [S('find anything about the Q3 budjet', { query: 'Q3 budget' })],
  [S('emails from tom wilson about latency', { sender: 'Tom Wilson', query: 'latency' })],
  [C('how many newsletters did i get this month', 'none', { label: 'newsletter', ...THIS_MONTH })],
  // Right after an email was opened, "next one" and "the one before that" open its neighbours in the list it came from.
  [S('emails from Li Wei last week', { sender: 'Li Wei', ...LAST_WEEK }), O('open the second one', 2), O('next one', 3), O('the previous one', 2), O('and the one before that?', 3)],
];

export const CHINESE: Conversation[] = [
  [S('李伟上周发的邮件', { sender: '李伟', ...LAST_WEEK }), S('再往前一周呢', { sender: '李伟', after: '2026-11-02', before: '2026-11-09' }), O('打开最新的那封', 'newest')],
  [S('有关预算的邮件', { query: '预算' }), S('只看李伟发的', { query: '预算', sender: '李伟' })],
  [C('昨天一共收到几封邮件', 'none', YESTERDAY), C('前天呢', 'none', { after: '2026-11-18', before: '2026-11-19' })],
  [C('谁给我发邮件最多', 'sender'), C('这个月呢', 'sender', THIS_MONTH)],
  [C('上周哪天邮件最多', 'day', LAST_WEEK)],
  [C('这个月总共几封', 'none', THIS_MONTH), C('上个月呢', 'none', LAST_MONTH)],
  [S('帮我找一下关于报销发票的邮件', { query: '报销 发票' }), O('打开第一封', 1)],
  [S('首页在Safari下白屏的问题有哪些邮件', { query: '首页 Safari 白屏' }), S('只看这周的', { query: '首页 Safari 白屏', ...THIS_WEEK })],
  [S('订单服务CPU报警的邮件', { query: '订单服务 CPU' }), S('张伟发的', { query: '订单服务 CPU', sender: '张伟' }), O('最新那封说了什么', 'newest')],
  [S('王芳的项目周报', { sender: '王芳', query: '项目周报' }), LATEST('打开王芳最新的一封邮件', { sender: '王芳' })],
  [S('黄志强这周发的邮件', { sender: '黄志强', ...THIS_WEEK }), O('打开第二封', 2)],
  [S('关于系统对接的邮件', { query: '系统对接' }), S('只要昨天的', { query: '系统对接', ...YESTERDAY })],
  [S('数据库扩容方案评审相关的邮件', { query: '数据库扩容方案评审' })],
  [S('有没有关于笔记本电脑采购的邮件', { query: '笔记本电脑 采购' }), S('是周杰发的吗', { query: '笔记本电脑 采购', sender: '周杰' })],
  [S('云服务账单核对的邮件', { query: '云服务账单核对' }), O('打开最后一封', -1)],
  [S('交互稿的邮件', { query: '交互稿' }), S('刘洋发的', { query: '交互稿', sender: '刘洋' })],
  [S('张敏最近的邮件', { sender: '张敏' }), S('上周的', { sender: '张敏', ...LAST_WEEK })],
  [S('Zhang Min 发的关于数据看板的邮件', { sender: 'Zhang Min', query: '数据看板' })],
  [S('帮我看看 Li Wei 的 email', { sender: 'Li Wei' }), O('第一封', 1)],
  [S('Sarah 这周给我发了什么', { sender: 'Sarah', ...THIS_WEEK })],
  [S('contoso 的邮件', { sender: 'Contoso' }), S('关于 nightly export 的', { sender: 'Contoso', query: 'nightly export' })],
  [S('接口超时的情况说明', { query: '接口超时' }), C('一共几封', 'none', { query: '接口超时' })],
  [S('请帮忙review支付回调PR的那个邮件', { query: '支付回调 PR' }), O('打开它', 1)],
  [S('供应商合同付款的邮件', { query: '供应商合同 付款' })],
  [S('华东区客户需求汇总', { query: '华东区 客户需求' }), S('赵磊发的', { query: '华东区 客户需求', sender: '赵磊' })],
  [S('上线计划评审会的邮件', { query: '上线计划评审会' }), S('这个月的', { query: '上线计划评审会', ...THIS_MONTH })],
  [S('拜访华新科技的安排', { query: '拜访 华新科技' })],
  [S('差旅费用预算提醒', { query: '差旅 预算' })],
  [S('吴敏发的邮件', { sender: '吴敏' }), S('昨天的呢', { sender: '吴敏', ...YESTERDAY })],
  [S('陈静最近有没有发邮件', { sender: '陈静' })],
  [S('科技早报这周的', { sender: '科技早报', ...THIS_WEEK })],
  [R('昨天的日报', '2026-11-19'), R('前一天的呢', '2026-11-18')],
  [R('今天发生了什么', '2026-11-20')],
  [R('11月16日的日报', '2026-11-16')],
  [L('列出上周的日报', '2026-11-09', '2026-11-15')],
  [NR('哪些邮件需要我回复', '2026-11-14', '2026-11-20'), NR('上周的呢', '2026-11-09', '2026-11-15')],
  [NR('今天还有哪些没回复的', '2026-11-20', '2026-11-20')],
  [D('本周有哪些截止日期', '2026-11-16', '2026-11-20'), D('上周的呢', '2026-11-09', '2026-11-15')],
  [D('最近有什么待办？', '2026-11-14', '2026-11-20')],
  [S('今天有紧急的邮件吗', { label: 'important', ...TODAY }), S('昨天呢', { label: 'important', ...YESTERDAY })],
  [S('这周重要的邮件', { label: 'important', ...THIS_WEEK })],
  [C('李伟总共给我发了多少封邮件', 'none', { sender: '李伟' })],
  [C('关于预算的邮件有几封', 'none', { query: '预算' })],
  [C('哪个会话最长', 'thread')],
  [C('这个月哪天最忙', 'day', THIS_MONTH)],
  [S('GitHub 今天的通知', { sender: 'GitHub', ...TODAY }), C('一共多少封', 'none', { sender: 'GitHub', ...TODAY })],
  [S('上周三的邮件', { after: '2026-11-11', before: '2026-11-12' }), S('只看张伟的', { sender: '张伟', after: '2026-11-11', before: '2026-11-12' })],
  [S('最近三天关于报警的邮件', { query: '报警', after: '2026-11-18', before: '2026-11-21' })],
  [S('我昨天发出去的邮件', { label: 'sent', ...YESTERDAY })],
  [C('我上周发了几封邮件', 'none', { label: 'sent', ...LAST_WEEK })],
  [S('大概是关于第三季度预算调整的邮件', { query: '第三季度预算调整' }), O('打开最新的', 'newest')],
  [S('孙丽发的', { sender: '孙丽' })],
  [S('林晓雯这个月的邮件', { sender: '林晓雯', ...THIS_MONTH })],
  [S('入职培训讲师邀请', { query: '入职培训 讲师' })],
  [S('新闻简报这周的', { label: 'newsletter', ...THIS_WEEK })],
  [LATEST('打开黄志强最新的邮件', { sender: '黄志强' })],
  [S('帮我找找 security questionnaire 相关的邮件', { query: 'security questionnaire' }), S('只看 David 的', { query: 'security questionnaire', sender: 'David' })],
  // 后来补充的新说法（同样的意图，按原样运行）。
  [S('帮我查下刘洋这周的邮件', { sender: '刘洋', ...THIS_WEEK }), C('一共几封', 'none', { sender: '刘洋', ...THIS_WEEK })],
  [C('上周总共收到多少邮件', 'none', LAST_WEEK), C('这周呢', 'none', THIS_WEEK)],
  [C('这个月谁发的邮件最多', 'sender', THIS_MONTH)],
  [S('Jira 昨天的邮件', { sender: 'Jira', ...YESTERDAY }), O('打开第一封', 1)],
  [S('跟数据库扩容有关的邮件', { query: '数据库扩容' }), S('只看张伟的', { query: '数据库扩容', sender: '张伟' })],
  [S('行政部发的通知', { sender: '行政部' })],
  [S('黄志强关于接口超时的邮件', { sender: '黄志强', query: '接口超时' }), O('最新的一封写了什么', 'newest')],
  [S('有没有关于发票抬头的邮件', { query: '发票抬头' })],
  [S('昨天有什么紧急邮件', { label: 'important', ...YESTERDAY })],
  [NR('昨天有哪些邮件要回', '2026-11-19', '2026-11-19')],
  [R('周二的日报', '2026-11-17')],
  [S('赵磊上周的邮件', { sender: '赵磊', ...LAST_WEEK }), S('这周的呢', { sender: '赵磊', ...THIS_WEEK })],
  [S('找一下关于采购申请的邮件', { query: '采购申请' })],
  [S('周杰发的关于付款的邮件', { sender: '周杰', query: '付款' })],
  [C('这个月收到几封订阅邮件', 'none', { label: 'newsletter', ...THIS_MONTH })],
  // Counted within the mail just listed ("of them", "how many are …", 其中/这些里面), or anew when the question names its mail.
  [S('show my unread emails', { label: 'unread' }), C('how many are from GitHub?', 'none', { label: 'unread', sender: 'GitHub' })],
  [S('emails about the budget', { query: 'budget' }), C('how many of them are from Li Wei?', 'none', { query: 'budget', sender: 'Li Wei' })],
  [S('show my unread emails', { label: 'unread' }), C('how many emails are from GitHub?', 'none', { sender: 'GitHub' })],
  [S('未读邮件', { label: 'unread' }), C('这些里面有几封是GitHub发的？', 'none', { label: 'unread', sender: 'GitHub' })],
  // "The one before that": the period before the previous one, as long as it (a day, a calendar week or month).
  [C('how many emails did I get yesterday?', 'none', YESTERDAY), C('the one before that', 'none', { after: '2026-11-18', before: '2026-11-19' })],
  [S('emails from Li Wei last week', { sender: 'Li Wei', ...LAST_WEEK }), S('and the one before?', { sender: 'Li Wei', after: '2026-11-02', before: '2026-11-09' })],
  [C('这个月收到多少邮件', 'none', THIS_MONTH), C('前一个呢', 'none', LAST_MONTH)],
  [L('reports for last week', '2026-11-09', '2026-11-15'), L('the one after that', '2026-11-16', '2026-11-22')],
  // Right after an email was opened, "next one" and "the one before that" open its neighbours in the list it came from.
  [S('GitHub这周的邮件', { sender: 'GitHub', ...THIS_WEEK }), O('打开最新的一封', 'newest'), O('下一封', 2), O('前一封呢', 3), O('上一封', 2)],
];
