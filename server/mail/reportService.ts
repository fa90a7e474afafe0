import type { DailyReportDto } from '../../shared/api.ts';
import type { Db } from '../data/prisma.ts';
import { dayOf, shiftDay, type IsoDay } from '../time/calendar.ts';
import { buildReportsForDays } from './reports.ts';
import { getReport, listReports } from './reportStore.ts';

/**
 * Reads daily reports, building the ones that are due but missing first: the
 * seed or an import built the days they covered, but a server that keeps
 * running meets new days with nobody to build them. Today's report is
 * rebuilt on every read, since today's mail is still arriving. Days before
 * the first email or after today have no report.
 */
async function catchUp(db: Db, userId: string, range: { from: IsoDay; to: IsoDay }, now: number): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { timezone: true } });
  if (!user) return;
  const first = await db.email.findFirst({ where: { userId }, orderBy: { receivedAt: 'asc' }, select: { receivedAt: true } });
  if (!first) return;
  const today = dayOf(now, user.timezone);
  const from = [range.from, dayOf(first.receivedAt, user.timezone)].sort().at(-1)!;
  const to = [range.to, today].sort()[0]!;
  if (from > to) return;
  const existing = new Set((await listReports(db, userId, { from, to, limit: 400 })).map((r) => r.date));
  const due: IsoDay[] = [];
  for (let d = from; d <= to; d = shiftDay(d, 1)) if (!existing.has(d) || d === today) due.push(d);
  if (due.length) await buildReportsForDays(db, userId, due, user.timezone);
}

export async function readReport(db: Db, userId: string, day: IsoDay, now: number): Promise<DailyReportDto | null> {
  await catchUp(db, userId, { from: day, to: day }, now);
  return getReport(db, userId, day);
}

/** Reports between two days inclusive (either end open), newest first. */
export async function readReports(
  db: Db,
  userId: string,
  range: { from?: IsoDay; to?: IsoDay },
  now: number,
): Promise<DailyReportDto[]> {
  if (range.from && range.to && range.from > range.to) return [];
  await catchUp(db, userId, { from: range.from ?? '0000-01-01', to: range.to ?? '9999-12-31' }, now);
  return listReports(db, userId, range);
}
