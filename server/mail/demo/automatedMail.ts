/**
 * Mail nobody answers: newsletters on their schedules, tool notifications
 * during working hours, and announcements from team mailboxes. Each stream
 * says what it sends on a given day.
 */
import { addDays, format } from 'date-fns';
import type { SenderKey } from './people.ts';
import type { Random } from './random.ts';
import type { Lang } from './threadScripts.ts';

export interface DemoDay {
  /** YYYY-MM-DD in the owner's time zone. */
  day: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Noon of the day as a plain date in the system zone: for calendar arithmetic and formatting only. */
  date: Date;
  /** Days since the first day of the mailbox. */
  index: number;
}

export interface AutomatedMessage {
  hour: number;
  minute: number;
  subject: string;
  body: string;
  /** Extra labels for this message (e.g. important on a failed build). */
  labels?: string[];
}

export interface AutomatedStream {
  sender: SenderKey;
  lang: Lang;
  labels: readonly string[];
  onDay(d: DemoDay, rng: Random, owner: { name: string }): AutomatedMessage[];
}

const isWeekday = (d: DemoDay) => d.weekday >= 1 && d.weekday <= 5;
const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const TECH_HEADLINES = [
  'Postgres 18 ships asynchronous I/O',
  'Why your p99 latency lies to you',
  'A practical guide to idempotent APIs',
  'The hidden cost of feature flags',
  'Server-sent events vs. WebSockets in 2026',
  'How we cut our CI time in half',
  'Designing rate limits that customers understand',
  'What the new EU AI Act means for SaaS teams',
  'Zero-downtime schema migrations, step by step',
  'Streaming LLM output to the browser without losing tokens',
  'The state of TypeScript tooling',
  'On-call without burnout: lessons from ten teams',
  'Full-text search in Postgres for Chinese and Japanese',
  'Cost anomaly detection on a budget',
];

const LAUNCHES = [
  ['Notably', 'an AI notebook for meeting notes'],
  ['Queuebird', 'serverless job queues with retries built in'],
  ['Pixelnest', 'design handoff without the screenshots'],
  ['Ledgerly', 'month-end close for startups'],
  ['Tidewatch', 'uptime monitoring with status pages'],
  ['Sheetsmith', 'spreadsheets that sync to your database'],
  ['Mailcraft', 'transactional email templates in React'],
  ['Orbitly', 'OKR tracking that lives in your chat'],
  ['Fieldkit', 'offline-first forms for field teams'],
  ['Quillpad', 'collaborative docs for engineering specs'],
];

const MARKET_HEADLINES = [
  'Tech stocks rally on strong cloud earnings',
  'Central bank holds rates steady',
  'Chip makers rise on data-centre demand',
  'Oil slips as inventories grow',
  'Software spending outlook improves for next year',
  'Yuan steadies after a volatile week',
  'Retail sales beat expectations',
  'IPO market shows signs of life',
];

const ZH_HEADLINES = [
  '国产大模型密集发布新版本',
  '多地出台数据要素流通新政',
  '云计算厂商新一轮降价',
  '新能源车企十月交付量创新高',
  '开源数据库社区发布年度路线图',
  '跨境电商平台加速出海',
  '芯片产业链迎来新一轮融资潮',
  '企业级SaaS市场整合加速',
  '低空经济试点城市扩容',
  '人工智能助手进入办公场景',
  '消费电子旺季备货启动',
  '数字人民币试点场景扩大',
];

const DEV_TOPICS_ZH = [
  'PostgreSQL 全文检索实战',
  '从零搭建可观测性平台',
  'TypeScript 类型体操的边界',
  '大模型应用的流式输出设计',
  '前端性能优化清单',
  '微服务拆分的十个坑',
  'Kubernetes 成本治理',
  '如何写好技术方案评审文档',
];

const PR_TITLES = [
  'Add retry budget to the webhook dispatcher',
  'Fix race condition in session cleanup',
  'Paginate the audit log API',
  'Reduce the dashboard bundle size',
  'Move billing jobs to the new queue',
  'Add Chinese translations for the settings page',
  'Cache permission checks per request',
  'Upgrade the PostgreSQL driver',
  'Stream export results instead of buffering',
  'Validate webhook signatures in constant time',
  'Add an index for report queries',
  'Handle expired refresh tokens gracefully',
];
const GITHUB_PEOPLE = ['sjohnson', 'zhangwei-nw', 'liuyang-fe', 'priya-qa', 'twilson', 'emily-c'];
const REPOS = ['api-gateway', 'billing-service', 'web-app', 'mobile-app', 'data-pipeline', 'auth-service'];

const JIRA_ISSUES = [
  'CSV import fails for files over 50 MB',
  'Dashboard shows wrong time zone for reports',
  'Add SSO login for enterprise workspaces',
  'Search does not find Chinese sender names',
  'Webhook deliveries delayed during peak hours',
  'Password reset email goes to spam',
  'Export to PDF cuts off wide tables',
  'Mobile app crashes when opening attachments',
];
const JIRA_PEOPLE = ['Priya Patel', 'Sarah Johnson', '王芳', '张伟', 'Tom Wilson'];

const MEETINGS = [
  ['Sprint review', 'Sarah Johnson'],
  ['Architecture sync', 'Michael Brown'],
  ['Customer call: Contoso', 'David Miller'],
  ['Design critique', 'Emily Carter'],
  ['项目例会', '王芳'],
  ['Budget check-in', 'Li Wei'],
  ['Hiring debrief', 'Sarah Johnson'],
  ['Ops review', 'Tom Wilson'],
];

function times(rng: Random, count: number, from = 9, to = 18): Array<{ hour: number; minute: number }> {
  return Array.from({ length: count }, () => ({ hour: rng.int(from, to), minute: rng.int(0, 59) }));
}

const weekOf = (d: DemoDay) => Math.floor(d.date.getTime() / (7 * 86_400_000));

export const AUTOMATED_STREAMS: readonly AutomatedStream[] = [
  {
    sender: 'techweekly',
    lang: 'en',
    labels: ['newsletter'],
    onDay(d, rng) {
      if (d.weekday !== 1) return [];
      const picks = rng.shuffle(TECH_HEADLINES).slice(0, 4);
      return [
        {
          hour: 7,
          minute: 0,
          subject: `Tech Weekly #${weekOf(d) - 2700}: ${picks[0]}`,
          body:
            `This week in engineering\n\n${picks.map((h, i) => `${i + 1}. ${h}\n   A ${rng.int(4, 12)}-minute read.`).join('\n\n')}\n\n` +
            'You are receiving this because you subscribed to Tech Weekly. Unsubscribe at any time from your preferences page.',
        },
      ];
    },
  },
  {
    sender: 'launchdaily',
    lang: 'en',
    labels: ['newsletter'],
    onDay(d, rng) {
      if (!isWeekday(d)) return [];
      const picks = rng.shuffle(LAUNCHES).slice(0, 3);
      return [
        {
          hour: 6,
          minute: 45,
          subject: `Launch Daily: ${picks[0]![0]}, ${picks[1]![0]} and more`,
          body:
            `Today's top launches\n\n${picks.map(([name, what]) => `${name}: ${what}.`).join('\n')}\n\n` +
            'Vote for your favourites and discover more on launchdaily.example.',
        },
      ];
    },
  },
  {
    sender: 'marketbrief',
    lang: 'en',
    labels: ['newsletter'],
    onDay(d, rng) {
      if (!isWeekday(d)) return [];
      const [lead, second] = rng.shuffle(MARKET_HEADLINES);
      return [
        {
          hour: 7,
          minute: 15,
          subject: `Market Brief, ${format(d.date, 'EEEE d MMMM')}: ${lead}`,
          body: `${lead}. ${second}.\n\nThe index closed ${rng.chance(0.5) ? 'up' : 'down'} ${(rng.int(1, 180) / 100).toFixed(2)}% yesterday.\n\nMarket Brief is for information only and is not investment advice.`,
        },
      ];
    },
  },
  {
    sender: 'kejizaobao',
    lang: 'zh',
    labels: ['newsletter'],
    onDay(d, rng) {
      const picks = rng.shuffle(ZH_HEADLINES).slice(0, 4);
      return [
        {
          hour: 7,
          minute: 30,
          subject: `科技早报｜${format(d.date, 'M月d日')}${WEEKDAYS_ZH[d.weekday]}：${picks[0]}`,
          body: `今日要闻\n\n${picks.map((h, i) => `${i + 1}. ${h}`).join('\n')}\n\n本邮件由科技早报自动发送，如需退订请在设置中操作。`,
        },
      ];
    },
  },
  {
    sender: 'devweekly',
    lang: 'zh',
    labels: ['newsletter'],
    onDay(d, rng) {
      if (d.weekday !== 5) return [];
      const picks = rng.shuffle(DEV_TOPICS_ZH).slice(0, 3);
      return [
        {
          hour: 18,
          minute: 0,
          subject: `开发者周刊 第${weekOf(d) - 2600}期：${picks[0]}`,
          body: `本期推荐\n\n${picks.map((t) => `· ${t}`).join('\n')}\n\n欢迎投稿，让更多开发者看到你的分享。`,
        },
      ];
    },
  },
  {
    sender: 'github',
    lang: 'en',
    labels: ['notification'],
    onDay(d, rng) {
      if (!isWeekday(d)) return [];
      return times(rng, rng.int(4, 8), 9, 20).map((t) => {
        const repo = rng.pick(REPOS);
        const pr = rng.int(1200, 2999);
        const title = rng.pick(PR_TITLES);
        const who = rng.pick(GITHUB_PEOPLE);
        const kind = rng.int(0, 2);
        const line =
          kind === 0
            ? `@${who} requested your review on: northwind/${repo}#${pr} ${title}.`
            : kind === 1
              ? `@${who} commented on this pull request:\n\nI think we also need a test for the empty case; otherwise looks good to me.`
              : `Merged #${pr} into main.`;
        return {
          ...t,
          subject: `[northwind/${repo}] ${title} (PR #${pr})`,
          body: `${line}\n\n--\nReply to this email directly or view it on GitHub:\nhttps://github.example/northwind/${repo}/pull/${pr}\nYou are receiving this because your review was requested.`,
        };
      });
    },
  },
  {
    sender: 'ci',
    lang: 'en',
    labels: ['notification'],
    onDay(d, rng) {
      if (!isWeekday(d)) return [];
      return times(rng, rng.int(1, 3), 9, 19).map((t) => {
        const repo = rng.pick(REPOS);
        const build = rng.int(4000, 9999);
        const failed = rng.chance(0.6);
        return {
          ...t,
          subject: failed ? `[${repo}] Build #${build} failed on main` : `[${repo}] Build #${build} fixed on main`,
          body: failed
            ? `Build #${build} of ${repo} failed in stage "test".\n\nCommit ${rng.int(0x1000000, 0xfffffff).toString(16)}: ${rng.pick(PR_TITLES)}\nFailed: ${rng.int(1, 4)} test(s)\n\nhttps://ci.northwind.example/${repo}/builds/${build}`
            : `Build #${build} of ${repo} passed again after ${rng.int(1, 3)} failed build(s).\n\nhttps://ci.northwind.example/${repo}/builds/${build}`,
        };
      });
    },
  },
  {
    sender: 'jira',
    lang: 'en',
    labels: ['notification'],
    onDay(d, rng) {
      if (!isWeekday(d)) return [];
      return times(rng, rng.int(2, 4)).map((t) => {
        const ticket = `NW-${rng.int(2100, 4899)}`;
        const issue = rng.pick(JIRA_ISSUES);
        const who = rng.pick(JIRA_PEOPLE);
        const change = rng.pick([
          `${who} assigned ${ticket} to you.`,
          `${who} changed the status of ${ticket} from "In Progress" to "In Review".`,
          `${who} commented on ${ticket}: "Reproduced on staging, attaching the logs."`,
          `${who} resolved ${ticket} as Done.`,
        ]);
        return {
          ...t,
          subject: `[JIRA] (${ticket}) ${issue}`,
          body: `${change}\n\nProject: Northwind Platform\nPriority: ${rng.pick(['High', 'Medium', 'Low'])}\n\nhttps://northwind.atlassian.example/browse/${ticket}\nThis message was sent by Jira; replies are not monitored.`,
        };
      });
    },
  },
  {
    sender: 'calendar',
    lang: 'en',
    labels: ['notification', 'calendar'],
    onDay(d, rng, owner) {
      if (!isWeekday(d)) return [];
      return times(rng, rng.int(0, 2), 8, 17).map((t) => {
        const [meeting, organizer] = rng.pick(MEETINGS);
        const when = addDays(d.date, rng.int(1, 6));
        const hour = rng.int(9, 16);
        const slot = `${format(when, 'EEE MMM d')}, ${hour}:00 – ${hour + 1}:00`;
        const kind = rng.pick(['Invitation', 'Updated invitation', 'Invitation']);
        return {
          ...t,
          subject: `${kind}: ${meeting} @ ${slot} (${owner.name})`,
          body: `${organizer} has invited you to "${meeting}".\n\nWhen: ${slot}\nWhere: ${rng.pick(['Room 5B', 'Video call', '3号会议室', 'the Harbour room'])}\n\nGoing? Yes / Maybe / No\n\nInvitation from the Northwind calendar.`,
        };
      });
    },
  },
  {
    sender: 'cloudhost',
    lang: 'en',
    labels: ['notification', 'finance'],
    onDay(d, rng) {
      const dayOfMonth = Number(d.day.slice(8));
      const out: AutomatedMessage[] = [];
      if (dayOfMonth === 2) {
        const month = format(addDays(d.date, -5), 'MMMM yyyy');
        out.push({
          hour: 9,
          minute: 5,
          subject: `Your CloudHost invoice for ${month} is available`,
          body: `Invoice CH-${d.day.replace(/-/g, '')}-${rng.int(100, 999)} for ${month}: $${(rng.int(3_800_000, 5_200_000) / 100).toFixed(2)}.\n\nThe amount will be charged to the card on file on the 10th. View the invoice in the billing console.`,
        });
      }
      if (rng.chance(0.05)) {
        out.push({
          hour: rng.int(0, 23),
          minute: rng.int(0, 59),
          subject: 'Usage alert: compute spend is 80% of your monthly budget',
          body: `Compute spend for this month has reached 80% of the $${rng.int(40, 55)},000 budget you set. Review your usage in the billing console.`,
          labels: ['important'],
        });
      }
      return out;
    },
  },
  {
    sender: 'expenses',
    lang: 'en',
    labels: ['notification', 'finance'],
    onDay(d, rng) {
      if (!isWeekday(d) || !rng.chance(0.3)) return [];
      const id = `EXP-${rng.int(10000, 99999)}`;
      const approved = rng.chance(0.75);
      return [
        {
          ...times(rng, 1)[0]!,
          subject: approved ? `Expense report ${id} approved` : `Expense report ${id} needs your approval`,
          body: approved
            ? `Your expense report ${id} (¥${rng.int(300, 9000).toLocaleString('en-US')}) was approved and will be paid with the next payroll.`
            : `${rng.pick(['张伟', 'Tom Wilson', '刘洋', 'Priya Patel'])} submitted expense report ${id} (¥${rng.int(300, 9000).toLocaleString('en-US')}) for your approval.\n\nApprove or reject it in the expense system.`,
        },
      ];
    },
  },
  {
    sender: 'hr',
    lang: 'en',
    labels: ['hr', 'announcement'],
    onDay(d, rng) {
      if (!isWeekday(d) || !rng.chance(0.12)) return [];
      const month = format(d.date, 'MMMM');
      const deadline = format(addDays(d.date, rng.int(3, 9)), 'MMMM d');
      return [
        {
          ...times(rng, 1, 9, 11)[0]!,
          ...rng.pick([
            { subject: `Reminder: submit your ${month} timesheet`, body: `Hi everyone,\n\nPlease submit your ${month} timesheet by ${deadline}. Late timesheets delay project billing.\n\nThanks,\nNorthwind HR` },
            { subject: 'Open enrollment for 2027 benefits', body: `Hi everyone,\n\nOpen enrollment for 2027 benefits is now open and closes on ${deadline}. This year adds a new mental health plan and a higher dental allowance.\n\nNorthwind HR` },
            { subject: 'Welcome our new colleagues', body: `Hi everyone,\n\nPlease welcome ${rng.int(3, 7)} new colleagues who joined this week in engineering, sales and support. Say hello at Friday's coffee hour!\n\nNorthwind HR` },
            { subject: 'Holiday calendar 2027', body: 'Hi everyone,\n\nThe 2027 holiday calendars for the London, Berlin and Shanghai offices are now on the intranet.\n\nNorthwind HR' },
          ]),
        },
      ];
    },
  },
  {
    sender: 'finance',
    lang: 'en',
    labels: ['finance', 'announcement'],
    onDay(d, rng) {
      if (!isWeekday(d) || !rng.chance(0.08)) return [];
      const deadline = format(addDays(d.date, rng.int(3, 8)), 'MMMM d');
      return [
        {
          ...times(rng, 1, 9, 12)[0]!,
          ...rng.pick([
            { subject: 'Month-end close: submit all expenses', body: `Dear colleagues,\n\nTo close the month on time, please submit all expense reports and supplier invoices by ${deadline}.\n\nNorthwind Finance` },
            { subject: 'New travel policy from December', body: 'Dear colleagues,\n\nFrom December, economy class is required for flights under six hours and hotel bookings go through the travel portal. The full policy is on the intranet.\n\nNorthwind Finance' },
            { subject: 'Corporate card statements available', body: 'Dear colleagues,\n\nThis month\'s corporate card statements are available. Please match every line with a receipt in the expense system.\n\nNorthwind Finance' },
          ]),
        },
      ];
    },
  },
  {
    sender: 'it',
    lang: 'en',
    labels: ['announcement'],
    onDay(d, rng) {
      if (!isWeekday(d) || !rng.chance(0.1)) return [];
      const day = format(addDays(d.date, rng.int(2, 6)), 'EEEE, MMMM d');
      return [
        {
          ...times(rng, 1)[0]!,
          ...rng.pick([
            { subject: `Scheduled maintenance: VPN upgrade on ${day}`, body: `The VPN will be unavailable on ${day} from 22:00 to 23:30 for an upgrade. No action is needed.\n\nIT Service Desk` },
            { subject: 'Your password expires in 7 days', body: 'Your Northwind password expires in 7 days. Change it from the account portal; the new password must differ from the last five.\n\nIT Service Desk' },
            { subject: 'Phishing warning: fake invoice emails', body: 'We are seeing emails with fake invoices that ask you to sign in to a look-alike page. Do not click the links; forward such emails to security@northwind.example.\n\nIT Service Desk' },
          ]),
        },
      ];
    },
  },
  {
    sender: 'admin',
    lang: 'zh',
    labels: ['announcement'],
    onDay(d, rng) {
      if (!isWeekday(d) || !rng.chance(0.1)) return [];
      return [
        {
          ...times(rng, 1, 9, 11)[0]!,
          ...rng.pick([
            { subject: '消防演练通知', body: '各位同事：\n\n本周五下午3点将进行消防演练，届时请听从楼层安全员指挥，从最近的安全出口有序撤离到楼下广场，预计持续30分钟。\n\n行政部' },
            { subject: '办公室空调检修通知', body: '各位同事：\n\n本周六将对12楼空调系统进行检修，周六加班的同事请注意，检修期间空调暂停使用。\n\n行政部' },
            { subject: '本月员工生日会', body: '各位同事：\n\n本月生日会定于周四下午4点在茶水间举行，欢迎大家参加，蛋糕和水果已经准备好了。\n\n行政部' },
            { subject: '快递收发室搬迁通知', body: '各位同事：\n\n快递收发室自下周一起搬到1楼东侧，取件时间不变。\n\n行政部' },
          ]),
        },
      ];
    },
  },
];
