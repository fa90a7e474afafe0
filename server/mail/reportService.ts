import type { DailyReportDto } from '../../shared/api.ts';
import { sqlOf, type Db } from '../data/prisma.ts';
import { dayOf, dayRange, dbDate, fromDbDate, shiftDay, type IsoDay } from '../time/calendar.ts';
import { buildReportsForDays } from './reports.ts';
import { getReport, listReports } from './reportStore.ts';

/** A listing returns at most this many reports (newest first), so it never looks further back. */
export const REPORT_LIST_LIMIT = 366;

/**
 * Builds the due reports of a window before they are read. The seed, imports,
 * IMAP sync and the nightly job build reports as mail arrives and days end;
 * this covers what they could not (a server that was down at midnight, mail
 * stored by other means). The window is what the read returns, at most
 * REPORT_LIST_LIMIT days, so a read costs the same whatever the mailbox's age.
 * A stored report is never recomputed on read, quiet days included, except
 * today's when mail arrived after it was built.
 */
type StoredReport = { updatedAt: Date; summaryZh: string };

async function catchUp(
  db: Db,
  userId: string,
  range: { from: IsoDay; to: IsoDay },
  now: number,
  stored: Map<IsoDay, StoredReport> | undefined,
): Promise<boolean> {
  // The zone and the first email in one statement: every listing runs this.
  const [owner] = await sqlOf(db).rows<{ timezone: string; first: Date | null }>(
    `SELECT u.timezone, (SELECT e.received_at FROM emails e WHERE e.user_id = u.id ORDER BY e.received_at LIMIT 1) AS first
     FROM users u WHERE u.id = $1::uuid`,
    [userId],
  );
  if (!owner?.first) return false;
  const tz = owner.timezone;
  const today = dayOf(now, tz);
  const to = [range.to, today].sort()[0]!;
  const windowStart = shiftDay(to, -(REPORT_LIST_LIMIT - 1));
  const from = [range.from, windowStart, dayOf(owner.first, tz)].sort().at(-1)!;
  if (from > to) return false;

  stored ??= new Map(
    (
      await db.dailyReport.findMany({
        where: { userId, date: { gte: dbDate(from), lte: dbDate(to) } },
        select: { date: true, updatedAt: true, summaryZh: true },
      })
    ).map((r) => [fromDbDate(r.date), r]),
  );
  const due: IsoDay[] = [];
  // A report built before reports had a Chinese summary (migration 20261130174200 left "") is rebuilt once.
  for (let d = from; d <= to; d = shiftDay(d, 1)) if (!stored.get(d)?.summaryZh) due.push(d);
  if (to === today && stored.get(today)?.summaryZh) {
    const { start, end } = dayRange(today, tz);
    const [latest] = await sqlOf(db).rows<{ created_at: Date }>(
      `SELECT created_at FROM emails WHERE user_id = $1::uuid AND received_at >= $2 AND received_at < $3 ORDER BY created_at DESC LIMIT 1`,
      [userId, start, end],
    );
    if (latest && latest.created_at > stored.get(today)!.updatedAt) due.push(today);
  }
  if (due.length) await buildReportsForDays(db, userId, due, tz);
  return due.length > 0;
}

export async function readReport(db: Db, userId: string, day: IsoDay, now: number): Promise<DailyReportDto | null> {
  await catchUp(db, userId, { from: day, to: day }, now, undefined);
  return getReport(db, userId, day);
}

/**
 * Reports between two days inclusive (either end open), newest first, at most
 * REPORT_LIST_LIMIT. The listing itself tells which days of its window are
 * missing, so a read with nothing due is three small queries.
 */
export async function readReports(
  db: Db,
  userId: string,
  range: { from?: IsoDay; to?: IsoDay },
  now: number,
): Promise<DailyReportDto[]> {
  if (range.from && range.to && range.from > range.to) return [];
  const list = () => listReports(db, userId, { ...range, limit: REPORT_LIST_LIMIT });
  const listed = await list();
  const stored = new Map(listed.map((r) => [r.date, r]));
  const built = await catchUp(db, userId, { from: range.from ?? '0000-01-01', to: range.to ?? '9999-12-31' }, now, stored);
  return (built ? await list() : listed).map(({ updatedAt: _, ...r }) => r);
}
