import { z } from 'zod';
import {
  ReportHighlightSchema,
  ReportStatisticsSchema,
  type DailyReportDto,
} from '../../shared/api.ts';
import type { Db } from '../data/prisma.ts';
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

/** Reports between two days inclusive, newest first. */
export async function listReports(
  db: Db,
  userId: string,
  range: { from?: IsoDay; to?: IsoDay; limit?: number },
): Promise<(DailyReportDto & { updatedAt: Date })[]> {
  const rows = await db.dailyReport.findMany({
    where: {
      userId,
      date: {
        ...(range.from ? { gte: dbDate(range.from) } : {}),
        ...(range.to ? { lte: dbDate(range.to) } : {}),
      },
    },
    orderBy: { date: 'desc' },
    take: range.limit ?? 366,
  });
  return rows.map((r) => ({ ...toReportDto(r), updatedAt: r.updatedAt }));
}
