/**
 * Fill-ins for the mail templates: `{project}`, `{dueDay}`, `{cny}` … Values
 * are drawn once per thread, so every message of a thread talks about the
 * same project and the same deadline; dates are relative to the thread's
 * first message, in the mailbox owner's time zone.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, format, getISOWeek } from 'date-fns';
import type { Random } from './random.ts';

export type Slots = Record<string, string>;

const PROJECTS = ['Atlas', 'Phoenix', 'Horizon', 'Lighthouse', 'Mercury', 'Nimbus'];
const PROJECTS_ZH = ['北极星', '星火', '远航', '天枢', '青鸟'];
const CUSTOMERS = ['Contoso', 'Fabrikam', 'Sakura Systems', 'Tailspin Toys', 'Woodgrove Bank'];
const CUSTOMERS_ZH = ['华新科技', '京鸿物流', '蓝海零售', '东方证券信息部'];
const FEATURES = ['bulk export', 'audit log', 'SSO settings', 'usage dashboard', 'team invitations', 'webhook replay'];
const FEATURES_ZH = ['批量导出', '审计日志', '单点登录', '用量看板', '团队邀请', '消息推送'];
const REPOS = ['api-gateway', 'billing-service', 'web-app', 'mobile-app', 'data-pipeline', 'auth-service'];
const ROOMS = ['Room 5B', 'the Harbour room', 'Room 3A', 'the large meeting room on 12'];
const ROOMS_ZH = ['12楼大会议室', '3号会议室', '5B会议室', '浦江厅'];
const REGIONS = ['eu-west', 'us-east', 'ap-east'];
const DUE_TIMES = ['10:00', '12:00', '14:00', '16:00', '17:00', 'noon', 'end of day'];
const DUE_TIMES_ZH = ['', '', '上午10点', '中午12点', '下午3点', '下班'];
const MEET_TIMES = ['09:30', '10:00', '11:00', '14:00', '15:30', '16:00'];
const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const money = (n: number) => n.toLocaleString('en-US');

/** The day `n` working days after `from` (Saturday and Sunday skipped). */
function addWorkingDays(from: Date, n: number): Date {
  let d = from;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (d.getDay() !== 0 && d.getDay() !== 6) left--;
  }
  return d;
}

export function drawSlots(rng: Random, start: Date, timeZone: string, names: { me: string; them: string; other: string }): Slots {
  // The local calendar day as a plain date (noon, system zone): day arithmetic
  // and formatting need no time zone from here on, and are much cheaper.
  const zoned = new TZDate(start.getTime(), timeZone);
  const local = new Date(zoned.getFullYear(), zoned.getMonth(), zoned.getDate(), 12);
  const due = addWorkingDays(local, rng.int(1, 3));
  const dueLater = addWorkingDays(local, rng.int(4, 8));
  const meet = addWorkingDays(local, rng.int(1, 4));
  const event = addDays(local, rng.int(8, 20));
  const dueTimeZh = rng.pick(DUE_TIMES_ZH);
  return {
    me: names.me,
    them: names.them,
    other: names.other,
    project: rng.pick(PROJECTS),
    projectZh: rng.pick(PROJECTS_ZH),
    customer: rng.pick(CUSTOMERS),
    customerZh: rng.pick(CUSTOMERS_ZH),
    feature: rng.pick(FEATURES),
    featureZh: rng.pick(FEATURES_ZH),
    repo: rng.pick(REPOS),
    room: rng.pick(ROOMS),
    roomZh: rng.pick(ROOMS_ZH),
    region: rng.pick(REGIONS),
    usd: '$' + money(rng.int(180, 960) * 500),
    usd2: '$' + money(rng.int(8, 60) * 250),
    cny: '¥' + money(rng.int(60, 480) * 1000),
    pct: String(rng.int(4, 18)),
    pct2: String(rng.int(91, 99)),
    n: String(rng.int(12, 48)),
    count: String(rng.int(120, 980)),
    // Two-week sprints and ISO weeks follow the calendar, so threads agree with each other.
    sprint: String(Math.floor(getISOWeek(local) / 2) + 20),
    week: String(getISOWeek(local)),
    pr: String(rng.int(1200, 2999)),
    ticket: `NW-${rng.int(2100, 4899)}`,
    version: `2.${rng.int(14, 19)}.${rng.int(0, 6)}`,
    dueDay: format(due, 'EEEE'),
    dueTime: rng.pick(DUE_TIMES),
    dueDate: format(dueLater, 'MMMM d'),
    dueDayZh: WEEKDAYS_ZH[due.getDay()]!,
    dueTimeZh,
    dueDateZh: format(dueLater, 'M月d日'),
    meetDay: format(meet, 'EEEE'),
    meetDayZh: WEEKDAYS_ZH[meet.getDay()]!,
    meetTime: rng.pick(MEET_TIMES),
    eventDate: format(event, 'EEEE, MMMM d'),
    eventDateZh: format(event, 'M月d日') + `（${WEEKDAYS_ZH[event.getDay()]}）`,
    month: format(local, 'MMMM'),
    monthZh: format(local, 'M月'),
    today: format(local, 'MMMM d'),
    todayZh: format(local, 'M月d日'),
  };
}

/** Replaces `{name}` placeholders; an unknown name is a template bug, so it throws. */
export function fill(template: string, slots: Slots): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`Unknown template slot {${name}} in: ${template.slice(0, 60)}`);
    return value;
  });
}
