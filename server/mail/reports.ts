/**
 * Daily reports: one per user and calendar day (in the user's time zone),
 * computed from that day's mail and upserted into daily_reports. Building a
 * range reads its mail in one query and writes every day in one statement;
 * a rebuild that finds nothing new leaves the rows untouched.
 */
import { format } from 'date-fns';
import { z } from 'zod';
import { ReportHighlightSchema, ReportStatisticsSchema } from '../../shared/api.ts';
import type { Db } from '../data/prisma.ts';
import { isIsoDay, shiftDay, startOfDayIn, type IsoDay } from '../time/calendar.ts';
import { findSignals, isAutomated, isBroadcast } from './reportSignals.ts';

type Highlight = z.infer<typeof ReportHighlightSchema>;
type Statistics = z.infer<typeof ReportStatisticsSchema>;

export interface ReportEmail {
  id: string;
  threadId: string;
  fromAddress: string;
  fromName: string;
  subject: string;
  bodyText: string;
  receivedAt: Date;
  labels: string[];
}

export interface ComputedReport {
  date: IsoDay;
  summary: string;
  /** The same summary in Chinese: a reader asking in Chinese gets no English pasted in. */
  summaryZh: string;
  highlights: Highlight[];
  statistics: Statistics;
}

const TOP_SENDERS = 5;
const MAX_DEADLINES = 5;
const MAX_ACTIONS = 5;
const MAX_THREADS = 3;
const HIGHLIGHT_CHARS = 160;

const clip = (s: string, n: number) => {
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
};
const baseSubject = (s: string) => s.replace(/^(?:\s*(?:re|fwd?|aw|回复|答复|转发)\s*[:：]\s*)+/i, '').trim() || '(no subject)';
const senderLabel = (e: ReportEmail) => e.fromName || e.fromAddress;
const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** "A, B and C". */
function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The report of one day from that day's mail (oldest first). `isOwner` tells
 * the user's own messages apart: they count in the totals but are not
 * "senders", and an owner's message answers its thread.
 */
export function computeDailyReport(
  date: IsoDay,
  emails: readonly ReportEmail[],
  isOwner: (e: ReportEmail) => boolean,
): ComputedReport {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const heading = format(new Date(y, m - 1, d), 'EEEE, d MMMM yyyy');
  const headingZh = `${date}（${ZH_WEEKDAYS[new Date(y, m - 1, d).getDay()]}）`;
  if (emails.length === 0) {
    return {
      date,
      summary: `${heading}: no email.`,
      summaryZh: `${headingZh}：没有邮件。`,
      highlights: [],
      statistics: { total: 0, threads: 0, topSenders: [], needsReply: [], byLabel: {} },
    };
  }

  const threads = new Map<string, ReportEmail[]>();
  const senders = new Map<string, { name: string; address: string; count: number; automated: boolean }>();
  const byLabel: Record<string, number> = {};
  let sent = 0;
  let automated = 0;
  for (const e of emails) {
    threads.set(e.threadId, [...(threads.get(e.threadId) ?? []), e]);
    // `unread` is the reader's state, not the day's mail: it changes after the report is built.
    for (const l of e.labels) if (l !== 'unread') byLabel[l] = (byLabel[l] ?? 0) + 1;
    if (isOwner(e)) {
      sent++;
      continue;
    }
    if (isAutomated(e)) automated++;
    const key = e.fromAddress.toLowerCase();
    const s = senders.get(key) ?? { name: '', address: e.fromAddress, count: 0, automated: isAutomated(e) };
    s.count++;
    s.name = e.fromName || s.name;
    senders.set(key, s);
  }
  const ranked = [...senders.values()].sort(
    (a, b) => b.count - a.count || a.name.localeCompare(b.name) || a.address.localeCompare(b.address),
  );
  const asTop = (s: (typeof ranked)[number]) => ({ name: s.name || s.address, address: s.address, count: s.count });
  const topSenders = ranked.slice(0, TOP_SENDERS).map(asTop);
  // The summary names people; notifications are counted in the info highlight.
  const topPeople = ranked.filter((s) => !s.automated).slice(0, 3).map(asTop);

  // A thread waits for the owner when its last message of the day is someone
  // else's and asks or requests something.
  const needsReply: Statistics['needsReply'] = [];
  for (const [threadId, mail] of threads) {
    const last = mail[mail.length - 1]!;
    if (isOwner(last) || isAutomated(last) || isBroadcast(last)) continue;
    if (!findSignals(last.bodyText).asks) continue;
    needsReply.push({ threadId, subject: baseSubject(last.subject), from: senderLabel(last), emailId: last.id });
  }

  // One highlight per thread, and none twice (the same request can come in two threads).
  const deadlines: Highlight[] = [];
  const actions: Highlight[] = [];
  const seenThreads = new Set<string>();
  const seenTexts = new Set<string>();
  for (const e of emails) {
    if (isOwner(e) || isAutomated(e) || seenThreads.has(e.threadId)) continue;
    const signals = findSignals(e.bodyText);
    const where = `${senderLabel(e)}, “${baseSubject(e.subject)}”`;
    const [kind, list, sentence, max] =
      signals.deadlines.length > 0
        ? (['deadline', deadlines, signals.deadlines[0]!, MAX_DEADLINES] as const)
        : signals.actions.length > 0
          ? (['action', actions, signals.actions[0]!, MAX_ACTIONS] as const)
          : [];
    if (!kind || list.length >= max || seenTexts.has(sentence)) continue;
    list.push({ kind, text: `${clip(sentence, HIGHLIGHT_CHARS)} (${where})`, emailId: e.id });
    seenThreads.add(e.threadId);
    seenTexts.add(sentence);
  }

  const busyThreads: Highlight[] = [...threads.values()]
    .filter((mail) => mail.length >= 3)
    .sort((a, b) => b.length - a.length || a[0]!.receivedAt.getTime() - b[0]!.receivedAt.getTime())
    .slice(0, MAX_THREADS)
    .map((mail) => {
      const people = [...new Set(mail.map(senderLabel))];
      return {
        kind: 'thread',
        text: `“${baseSubject(mail[0]!.subject)}”: ${mail.length} messages today between ${listing(people)}`,
        zh: `“${baseSubject(mail[0]!.subject)}”：当天 ${mail.length} 封往来（${people.join('、')}）`,
        emailId: mail[mail.length - 1]!.id,
      };
    });

  const info: Highlight[] =
    automated > 0
      ? [{ kind: 'info', text: `${plural(automated, 'newsletter or notification', 'newsletters and notifications')} arrived.`, zh: `收到 ${automated} 封新闻简报和通知。` }]
      : [];

  const statistics: Statistics = { total: emails.length, threads: threads.size, topSenders, needsReply, byLabel };
  return {
    date,
    summary: summarize(heading, statistics, topPeople, sent, deadlines.length),
    summaryZh: summarizeZh(headingZh, statistics, topPeople, sent, deadlines.length),
    highlights: [...deadlines, ...actions, ...busyThreads, ...info],
    statistics,
  };
}

function summarize(
  heading: string,
  s: Statistics,
  people: Statistics['topSenders'],
  sent: number,
  deadlineCount: number,
): string {
  const first =
    `${heading}: ${plural(s.total, 'email')} in ${plural(s.threads, 'thread')}` +
    (sent > 0 ? ` (${sent} sent by you)` : '') +
    (people.length > 0 ? `, most from ${listing(people.map((t) => `${t.name} (${t.count})`))}.` : '.');
  const waiting = s.needsReply;
  let second =
    waiting.length === 0
      ? 'Nothing is waiting for your reply'
      : `${plural(waiting.length, 'thread needs', 'threads need')} your reply, including ` +
        listing(waiting.slice(0, 2).map((w) => `“${w.subject}” from ${w.from}`));
  if (deadlineCount > 0) second += `; ${plural(deadlineCount, 'deadline was', 'deadlines were')} mentioned`;
  return `${first} ${second}.`;
}

const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function summarizeZh(heading: string, s: Statistics, people: Statistics['topSenders'], sent: number, deadlineCount: number): string {
  const first =
    `${heading}：共 ${s.total} 封邮件，${s.threads} 个会话` +
    (sent > 0 ? `（其中你发出 ${sent} 封）` : '') +
    (people.length > 0 ? `，发件最多的是 ${people.map((t) => `${t.name}（${t.count}）`).join('、')}。` : '。');
  const waiting = s.needsReply;
  let second =
    waiting.length === 0
      ? '没有等待你回复的会话'
      : `${waiting.length} 个会话需要你回复，包括` + waiting.slice(0, 2).map((w) => `${w.from} 的“${w.subject}”`).join('和');
  if (deadlineCount > 0) second += `；提到了 ${deadlineCount} 个截止日期`;
  return `${first}${second}。`;
}

// ------------------------------------------------------------------ database

interface ReportOwner {
  email: string;
  timezone: string;
}

async function ownerOf(db: Db, userId: string): Promise<ReportOwner> {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, timezone: true } });
}

function ownerTest(owner: ReportOwner) {
  const address = owner.email.toLowerCase();
  return (e: ReportEmail) => e.fromAddress.toLowerCase() === address || e.labels.includes('sent');
}

/** Consecutive days from `from` to `to` inclusive. */
function daysBetween(from: IsoDay, to: IsoDay): IsoDay[] {
  const out: IsoDay[] = [];
  for (let d = from; d <= to; d = shiftDay(d, 1)) out.push(d);
  return out;
}

/** Computes the reports of consecutive days with one query. */
async function computeRun(db: Db, userId: string, days: IsoDay[], tz: string, isOwner: (e: ReportEmail) => boolean) {
  const bounds = [...days.map((d) => startOfDayIn(d, tz)), startOfDayIn(shiftDay(days[days.length - 1]!, 1), tz)];
  const emails = await db.email.findMany({
    where: { userId, receivedAt: { gte: bounds[0], lt: bounds[bounds.length - 1] } },
    select: { id: true, threadId: true, fromAddress: true, fromName: true, subject: true, bodyText: true, receivedAt: true, labels: true },
    orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
  });
  const reports: ComputedReport[] = [];
  let i = 0;
  days.forEach((day, k) => {
    const end = bounds[k + 1]!.getTime();
    const start = i;
    while (i < emails.length && emails[i]!.receivedAt.getTime() < end) i++;
    reports.push(computeDailyReport(day, emails.slice(start, i), isOwner));
  });
  return reports;
}

const StoredReportSchema = z.object({ highlights: z.array(ReportHighlightSchema), statistics: ReportStatisticsSchema });

/** Inserts or updates reports in one statement; rows whose content is unchanged are not touched. */
async function saveReports(db: Db, userId: string, reports: ComputedReport[]): Promise<void> {
  if (reports.length === 0) return;
  // What GET /api/reports will parse on the way out must hold on the way in.
  for (const r of reports) StoredReportSchema.parse(r);
  const rows = JSON.stringify(reports);
  await db.$executeRaw`
    INSERT INTO daily_reports (id, user_id, date, summary, summary_zh, highlights, statistics, created_at, updated_at)
    SELECT gen_random_uuid(), ${userId}::uuid, r.date::date, r.summary, r."summaryZh", r.highlights, r.statistics, now(), now()
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(date text, summary text, "summaryZh" text, highlights jsonb, statistics jsonb)
    ON CONFLICT (user_id, date) DO UPDATE
      SET summary = EXCLUDED.summary, summary_zh = EXCLUDED.summary_zh, highlights = EXCLUDED.highlights, statistics = EXCLUDED.statistics, updated_at = now()
      WHERE (daily_reports.summary, daily_reports.summary_zh, daily_reports.highlights, daily_reports.statistics)
        IS DISTINCT FROM (EXCLUDED.summary, EXCLUDED.summary_zh, EXCLUDED.highlights, EXCLUDED.statistics)`;
}

/** Groups sorted distinct days into runs of consecutive days. */
function consecutiveRuns(days: IsoDay[]): IsoDay[][] {
  const runs: IsoDay[][] = [];
  for (const d of [...new Set(days)].sort()) {
    const run = runs[runs.length - 1];
    if (run && shiftDay(run[run.length - 1]!, 1) === d) run.push(d);
    else runs.push([d]);
  }
  return runs;
}

/**
 * (Re)builds the reports of the given days, in the user's time zone unless
 * one is given. Returns the reports as stored.
 */
export async function buildReportsForDays(
  db: Db,
  userId: string,
  days: IsoDay[],
  timeZone?: string,
): Promise<ComputedReport[]> {
  for (const d of days) if (!isIsoDay(d)) throw new RangeError(`Not a calendar date: ${d}`);
  const owner = await ownerOf(db, userId);
  const tz = timeZone ?? owner.timezone;
  const isOwner = ownerTest(owner);
  const reports: ComputedReport[] = [];
  for (const run of consecutiveRuns(days)) reports.push(...(await computeRun(db, userId, run, tz, isOwner)));
  await saveReports(db, userId, reports);
  return reports;
}

/** Builds and stores the report of one day (the day in `timeZone`). */
export async function buildDailyReport(db: Db, userId: string, day: IsoDay, timeZone?: string): Promise<ComputedReport> {
  return (await buildReportsForDays(db, userId, [day], timeZone))[0]!;
}

/** Builds and stores the report of every day from `from` to `to` inclusive, days without mail included. */
export async function buildDailyReports(
  db: Db,
  userId: string,
  range: { from: IsoDay; to: IsoDay },
  timeZone?: string,
): Promise<ComputedReport[]> {
  if (range.from > range.to) return [];
  return buildReportsForDays(db, userId, daysBetween(range.from, range.to), timeZone);
}
