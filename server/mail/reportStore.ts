import { z } from 'zod';
import {
  ReportHighlightSchema,
  ReportStatisticsSchema,
  type DailyReportDto,
} from '../../shared/api.ts';
import { sqlOf, type Db } from '../data/prisma.ts';
import { dbDate, fromDbDate, type IsoDay } from '../time/calendar.ts';

type ReportRow = { id: string; date: Date; summary: string; summaryZh: string; highlights: unknown; statistics: unknown; updatedAt: Date };

export function toReportDto(r: ReportRow): DailyReportDto {
  return {
    id: r.id,
    date: fromDbDate(r.date),
    summary: r.summary,
    summaryZh: r.summaryZh,
    highlights: z.array(ReportHighlightSchema).parse(r.highlights),
    statistics: ReportStatisticsSchema.parse(r.statistics),
  };
}

export async function getReport(db: Db, userId: string, day: IsoDay): Promise<DailyReportDto | null> {
  const r = await db.dailyReport.findUnique({ where: { userId_date: { userId, date: dbDate(day) } } });
  return r ? toReportDto(r) : null;
}

/**
 * Reports between two days inclusive, newest first. Plain SQL on the pool: a
 * listing returns up to a year of reports, and Prisma's engine spent more
 * CPU shaping 366 rows than the query took.
 */
export async function listReports(
  db: Db,
  userId: string,
  range: { from?: IsoDay; to?: IsoDay; limit?: number },
): Promise<(DailyReportDto & { updatedAt: Date })[]> {
  const rows = await sqlOf(db).rows<Omit<ReportRow, 'date'> & { day: IsoDay }>(
    `SELECT id, to_char(date, 'YYYY-MM-DD') AS day, summary, summary_zh AS "summaryZh", highlights, statistics, updated_at AS "updatedAt"
     FROM daily_reports
     WHERE user_id = $1::uuid AND ($2::date IS NULL OR date >= $2::date) AND ($3::date IS NULL OR date <= $3::date)
     ORDER BY date DESC LIMIT $4`,
    [userId, range.from ?? null, range.to ?? null, range.limit ?? 366],
  );
  return rows.map((r) => ({ ...toReportDto({ ...r, date: dbDate(r.day) }), updatedAt: r.updatedAt }));
}
