/**
 * Who writes to the demo user: colleagues at Northwind (English names,
 * Chinese names written in Chinese, and a few who use both forms, such as
 * Li Wei / 李伟), customers, team mailboxes, notifications and newsletters.
 * Domains are reserved `.example` names except for the owner's own address.
 */
export type SenderKind =
  | 'colleague'
  | 'customer'
  | 'team' // HR, finance, IT, office admin mailboxes
  | 'notification'
  | 'newsletter';

export interface Sender {
  key: string;
  address: string;
  /** Display name on English mail (and on all mail when there is no Chinese form). */
  name: string;
  /** Display name on Chinese mail, for people who write under both forms. */
  nameZh?: string;
  kind: SenderKind;
  /** Job title for the signature block under a thread's first message. */
  title?: string;
}

const NW = 'northwind.example';

export const SENDERS = [
  // Colleagues who write under both an English and a Chinese name.
  { key: 'liwei', address: `li.wei@${NW}`, name: 'Li Wei', nameZh: '李伟', kind: 'colleague', title: 'Finance Business Partner, Engineering' },
  { key: 'zhangmin', address: `zhang.min@${NW}`, name: 'Zhang Min', nameZh: '张敏', kind: 'colleague', title: 'Data Analyst' },
  { key: 'chenhao', address: `chen.hao@${NW}`, name: 'Chen Hao', nameZh: '陈浩', kind: 'colleague', title: 'Office Manager, Shanghai' },
  // Colleagues with English names.
  { key: 'sarah', address: `sarah.johnson@${NW}`, name: 'Sarah Johnson', kind: 'colleague', title: 'Engineering Manager' },
  { key: 'david', address: `david.miller@${NW}`, name: 'David Miller', kind: 'colleague', title: 'Sales Director, EMEA' },
  { key: 'emily', address: `emily.carter@${NW}`, name: 'Emily Carter', kind: 'colleague', title: 'Design Lead' },
  { key: 'michael', address: `michael.brown@${NW}`, name: 'Michael Brown', kind: 'colleague', title: 'CTO' },
  { key: 'priya', address: `priya.patel@${NW}`, name: 'Priya Patel', kind: 'colleague', title: 'QA Lead' },
  { key: 'tom', address: `tom.wilson@${NW}`, name: 'Tom Wilson', kind: 'colleague', title: 'Site Reliability Engineer' },
  { key: 'anna', address: `anna.schmidt@${NW}`, name: 'Anna Schmidt', kind: 'colleague', title: 'Product Marketing Manager' },
  { key: 'james', address: `james.oconnor@${NW}`, name: "James O'Connor", kind: 'colleague', title: 'Legal Counsel' },
  // Colleagues with Chinese names.
  { key: 'wangfang', address: `wang.fang@${NW}`, name: '王芳', kind: 'colleague', title: '项目经理' },
  { key: 'zhangwei', address: `zhang.wei@${NW}`, name: '张伟', kind: 'colleague', title: '高级后端工程师' },
  { key: 'liuyang', address: `liu.yang@${NW}`, name: '刘洋', kind: 'colleague', title: '前端工程师' },
  { key: 'chenjing', address: `chen.jing@${NW}`, name: '陈静', kind: 'colleague', title: '用户运营' },
  { key: 'zhaolei', address: `zhao.lei@${NW}`, name: '赵磊', kind: 'colleague', title: '华东区销售经理' },
  { key: 'sunli', address: `sun.li@${NW}`, name: '孙丽', kind: 'colleague', title: '人力资源业务伙伴' },
  { key: 'zhoujie', address: `zhou.jie@${NW}`, name: '周杰', kind: 'colleague', title: '采购专员' },
  { key: 'wumin', address: `wu.min@${NW}`, name: '吴敏', kind: 'colleague', title: '财务会计' },
  // Customers and partners.
  { key: 'robert', address: 'robert.greene@contoso.example', name: 'Robert Greene', kind: 'customer', title: 'Head of Finance Systems, Contoso' },
  { key: 'laura', address: 'laura.martinez@fabrikam.example', name: 'Laura Martinez', kind: 'customer', title: 'IT Procurement, Fabrikam' },
  { key: 'kenji', address: 'k.tanaka@sakura-systems.example', name: 'Kenji Tanaka', kind: 'customer', title: 'Integration Engineer, Sakura Systems' },
  { key: 'huang', address: 'huang.zhiqiang@huaxin-tech.example', name: '黄志强', kind: 'customer', title: '华新科技 技术总监' },
  { key: 'lin', address: 'lin.xiaowen@jinghong.example', name: '林晓雯', kind: 'customer', title: '京鸿物流 采购经理' },
  // Team mailboxes.
  { key: 'hr', address: `hr@${NW}`, name: 'Northwind HR', kind: 'team' },
  { key: 'finance', address: `finance@${NW}`, name: 'Northwind Finance', kind: 'team' },
  { key: 'it', address: `it-helpdesk@${NW}`, name: 'IT Service Desk', kind: 'team' },
  { key: 'admin', address: `admin@${NW}`, name: '行政部', kind: 'team' },
  // Notifications.
  { key: 'github', address: 'notifications@github.example', name: 'GitHub', kind: 'notification' },
  { key: 'ci', address: `ci-noreply@${NW}`, name: 'Northwind CI', kind: 'notification' },
  { key: 'jira', address: `jira-noreply@${NW}`, name: 'Jira', kind: 'notification' },
  { key: 'calendar', address: `calendar-noreply@${NW}`, name: 'Calendar', kind: 'notification' },
  { key: 'cloudhost', address: 'billing@cloudhost.example', name: 'CloudHost Billing', kind: 'notification' },
  { key: 'expenses', address: `expenses-noreply@${NW}`, name: 'Expense System', kind: 'notification' },
  // Newsletters.
  { key: 'techweekly', address: 'digest@techweekly.example', name: 'Tech Weekly', kind: 'newsletter' },
  { key: 'launchdaily', address: 'hello@launchdaily.example', name: 'Launch Daily', kind: 'newsletter' },
  { key: 'marketbrief', address: 'brief@marketbrief.example', name: 'Market Brief', kind: 'newsletter' },
  { key: 'kejizaobao', address: 'newsletter@kejizaobao.example', name: '科技早报', kind: 'newsletter' },
  { key: 'devweekly', address: 'weekly@devweekly.example', name: '开发者周刊', kind: 'newsletter' },
] as const satisfies readonly Sender[];

export type SenderKey = (typeof SENDERS)[number]['key'];

const BY_KEY = new Map<string, Sender>(SENDERS.map((s) => [s.key, s]));

export function sender(key: SenderKey): Sender {
  return BY_KEY.get(key)!;
}

/** The name a sender shows on mail written in a language. */
export function displayName(s: Sender, lang: 'en' | 'zh'): string {
  return lang === 'zh' && s.nameZh ? s.nameZh : s.name;
}

/** How a person is addressed in a greeting: first name in English, full name in Chinese. */
export function callName(s: Sender, lang: 'en' | 'zh'): string {
  const name = displayName(s, lang);
  if (lang === 'zh' || /[\u4e00-\u9fff]/.test(name)) return name;
  // "Li Wei" is addressed in full, as Chinese colleagues are in English mail.
  return s.nameZh ? name : name.split(' ')[0]!;
}

export function domainOf(address: string): string {
  return address.slice(address.indexOf('@') + 1);
}
