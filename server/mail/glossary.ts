/**
 * Work-mail words in English and Chinese, so that a question in one language
 * finds mail written in the other ("laptop purchase" finds 笔记本电脑采购申请,
 * 发票 finds "invoice"). A mailbox here is often both: a person writes to
 * colleagues in Chinese and to customers and services in English.
 *
 * Each line is one meaning: English forms, then Chinese forms. An English
 * word of a line is searched together with the line's Chinese forms, and the
 * other way round; words of the same language are not made synonyms (that
 * would widen every search in that language too).
 */
const LINES = `
meeting, meetings, meet = 会议, 开会
agenda = 议程
minutes = 会议纪要, 纪要
schedule, scheduling = 日程, 安排, 排期
calendar = 日历
invitation, invite = 邀请
reminder, remind = 提醒
notice, announcement = 通知, 公告
deadline = 截止, 截止日期, 到期
urgent = 紧急
important = 重要
review = 评审, 审核, 复盘
approval, approve, approved = 审批, 批准
approved = 通过
rejected, reject = 驳回, 拒绝
request, requests = 申请, 请求
application, apply = 申请
purchase, purchasing, procurement, buy = 采购, 购买
order, orders = 订单
invoice, invoices = 发票
receipt, receipts = 收据
expense, expenses, reimbursement, reimburse = 报销, 费用
budget, budgets = 预算
payment, payments, pay = 付款, 支付
refund, refunds = 退款
salary, payroll = 工资, 薪资
bonus = 奖金
tax, taxes = 税, 税务
contract, contracts, agreement = 合同, 协议
quote, quotation = 报价
price, pricing = 价格, 定价
discount = 折扣
billing = 账单, 计费
account = 账户, 账号
finance, financial = 财务
audit = 审计
report, reports = 报告, 报表
weekly = 周报, 每周
monthly = 月报, 每月
daily = 日报, 每日
summary = 总结, 汇总
plan, plans, planning = 计划, 规划
proposal = 方案, 提案
project, projects = 项目
progress, status = 进度, 状态
milestone = 里程碑
requirement, requirements = 需求
feedback = 反馈
customer, customers, client, clients = 客户
visit, visits = 拜访, 访问
supplier, vendor = 供应商
partner, partners = 合作伙伴
sales = 销售
marketing = 市场, 营销
product = 产品
team = 团队
department = 部门
manager = 经理
boss = 老板, 领导
colleague, colleagues = 同事
employee, employees, staff = 员工
hiring, recruiting, recruitment = 招聘
interview, interviews = 面试
candidate, candidates, resume = 候选人, 简历
onboarding = 入职
resignation, resign = 离职, 辞职
leave, vacation, holiday = 请假, 休假, 假期
training = 培训
performance = 绩效, 性能
performance review, performance evaluation, appraisal = 绩效评估, 绩效考核
evaluation, assessment = 评估
promotion = 晋升, 促销
office = 办公室
move, relocation = 搬迁
travel, trip, business trip = 出差, 差旅
flight, flights = 航班, 机票
hotel = 酒店
visa = 签证
laptop, laptops = 笔记本电脑, 笔记本
computer = 电脑
monitor = 显示器
phone = 手机, 电话
printer = 打印机
password = 密码
login, sign in = 登录
permission, permissions, access = 权限
security = 安全
server, servers = 服务器
database, databases = 数据库
network = 网络
system, systems = 系统
service, services = 服务
deployment, deploy, release = 部署, 发布, 上线
version = 版本
upgrade, update = 升级, 更新
migration, migrate = 迁移
backup, backups = 备份
outage, downtime = 故障, 宕机
incident, incidents = 事故, 事件
alert, alerts, alarm = 报警, 告警
bug, bugs, issue, issues = 缺陷, 问题
fix = 修复
test, testing = 测试
code review = 代码评审
documentation, docs = 文档
design = 设计
interface = 接口
capacity, scaling, expansion = 扩容
memory = 内存
disk, storage = 磁盘, 存储
cache = 缓存
export = 导出
import = 导入
data = 数据
log, logs = 日志
white screen, blank page = 白屏
crash, crashes = 崩溃
slow = 慢, 卡顿
delivery, shipping, package, parcel = 快递, 包裹, 发货
mailroom = 收发室
newsletter = 简报, 通讯
subscription = 订阅
event, events = 活动
party = 聚会, 聚餐
dinner = 晚餐, 晚饭
lunch = 午餐, 午饭
birthday = 生日
congratulations = 祝贺, 恭喜
complaint = 投诉
survey = 调查, 问卷
`;

export interface Glossary {
  /** The other language's forms of a word (lower case), or none. */
  translations(word: string): string[];
  /** How many words the longest English entry has. */
  longestPhrase: number;
}

function isChinese(s: string): boolean {
  return /[\u3400-\u9fff]/.test(s);
}

function createGlossary(lines = LINES): Glossary {
  const map = new Map<string, Set<string>>();
  const add = (from: string, to: string[]) => {
    const set = map.get(from) ?? new Set<string>();
    for (const t of to) if (t !== from) set.add(t);
    map.set(from, set);
  };
  let longestPhrase = 1;
  for (const line of lines.split('\n')) {
    const [en, zh] = line.split('=').map((side) => side?.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean) ?? []);
    if (!en?.length || !zh?.length || en.some(isChinese) || !zh.every(isChinese)) continue;
    for (const w of en) {
      add(w, zh);
      longestPhrase = Math.max(longestPhrase, w.split(' ').length);
    }
    for (const w of zh) add(w, en);
  }
  return {
    translations(word) {
      const w = word.toLowerCase();
      const found = map.get(w) ?? (/[^s]s$/.test(w) ? map.get(w.slice(0, -1)) : undefined);
      return found ? [...found] : [];
    },
    longestPhrase,
  };
}

/** The work-mail glossary above, built once (search and the offline model read the same table). */
export const workMailGlossary: Glossary = createGlossary();
