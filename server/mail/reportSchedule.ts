/**
 * The nightly reports: shortly after midnight in each user's time zone, the
 * day that just ended gets its final report. A queue job runs every few
 * minutes and builds it for every user with mail whose previous day has no
 * report yet or one built before the day was over; everyone else costs one
 * indexed lookup.
 */
import type { Db } from '../data/prisma.ts';
import type { JobQueue } from '../jobs/jobQueue.ts';
import type { Logger } from '../logger.ts';
import { dayOf, dbDate, shiftDay, startOfDayIn } from '../time/calendar.ts';
import { buildReportsForDays } from './reports.ts';

export const NIGHTLY_REPORTS_QUEUE = 'reports-nightly';

/** Builds the previous day's report where it is due; returns the users whose report was built. */
export async function buildDueDailyReports(db: Db, now: number, log?: Logger): Promise<string[]> {
  const built: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    // Users with any mail, a page at a time (ids ascending).
    const users = await db.user.findMany({
      where: { emails: { some: {} }, ...(cursor ? { id: { gt: cursor } } : {}) },
      select: { id: true, timezone: true },
      orderBy: { id: 'asc' },
      take: 500,
    });
    if (users.length === 0) break;
    cursor = users.at(-1)!.id;
    for (const u of users) {
      try {
        const today = dayOf(now, u.timezone);
        const yesterday = shiftDay(today, -1);
        const report = await db.dailyReport.findUnique({
          where: { userId_date: { userId: u.id, date: dbDate(yesterday) } },
          select: { updatedAt: true },
        });
        if (report && report.updatedAt >= startOfDayIn(today, u.timezone)) continue;
        await buildReportsForDays(db, u.id, [yesterday], u.timezone);
        // A rebuild that changed nothing leaves the row as it was: mark it final all the same.
        await db.dailyReport.updateMany({ where: { userId: u.id, date: dbDate(yesterday) }, data: { updatedAt: new Date(now) } });
        built.push(u.id);
      } catch (err) {
        log?.warn({ userId: u.id, err }, 'nightly report failed');
      }
    }
  }
  return built;
}

export async function scheduleNightlyReports(queue: JobQueue, db: Db, now: () => number, log: Logger): Promise<void> {
  await queue.define(NIGHTLY_REPORTS_QUEUE, async () => {
    const built = await buildDueDailyReports(db, now(), log);
    if (built.length) log.info({ users: built.length }, 'built the previous day’s reports');
  }, { policy: 'short', retryLimit: 2, expireInS: 30 * 60 });
  // Every 10 minutes: each zone's midnight is followed by a run within 10 minutes.
  await queue.schedule(NIGHTLY_REPORTS_QUEUE, '*/10 * * * *');
}
