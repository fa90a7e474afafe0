import { Router } from 'express';
import { z } from 'zod';
import { EmailListQuerySchema, ReportDateParamSchema, ReportListQuerySchema } from '../../../shared/api.ts';
import type { Db } from '../../data/prisma.ts';
import { AppError, notFound, parseOrThrow } from '../../errors.ts';
import { getEmail } from '../../mail/emailStore.ts';
import { readReport, readReports } from '../../mail/reportService.ts';
import { searchEmails } from '../../mail/search.ts';
import { isIsoDay, shiftDay, startOfDayIn } from '../../time/calendar.ts';
import { currentUser } from '../authenticate.ts';

const IdParam = z.object({ id: z.uuid('Email id must be a UUID') });

/** A day boundary in the user's zone, or an exact instant when a time was given. */
function instant(value: string | undefined, tz: string, nextDay = false): Date | undefined {
  if (!value) return undefined;
  if (value.length === 10) {
    if (!isIsoDay(value)) throw new AppError('validation_error', `${value} is not a calendar date`);
    return startOfDayIn(nextDay ? shiftDay(value, 1) : value, tz);
  }
  return new Date(value);
}

function checkDay(day: string | undefined) {
  if (day && !isIsoDay(day)) throw new AppError('validation_error', `${day} is not a calendar date`);
}

export function mailRoutes(db: Db, timezoneOf: (userId: string) => Promise<string>, now: () => number): Router {
  const router = Router();

  // after=D: from the start of day D; before=D: up to the start of day D (as mail search operators do).
  router.get('/emails', async (req, res) => {
    const query = parseOrThrow(EmailListQuerySchema, req.query, 'Query');
    const user = currentUser(res);
    const tz = await timezoneOf(user.id);
    const result = await searchEmails(db, {
      userId: user.id,
      q: query.q,
      from: query.from,
      to: query.to,
      after: instant(query.after, tz),
      before: instant(query.before, tz),
      label: query.label,
      limit: query.limit,
      offset: query.offset,
    });
    res.json(result);
  });

  router.get('/emails/:id', async (req, res) => {
    const { id } = parseOrThrow(IdParam, req.params, 'Email id');
    const email = await getEmail(db, currentUser(res).id, id);
    if (!email) throw notFound('Email');
    res.json(email);
  });

  router.get('/reports', async (req, res) => {
    const query = parseOrThrow(ReportListQuerySchema, req.query, 'Query');
    checkDay(query.from);
    checkDay(query.to);
    const items = await readReports(db, currentUser(res).id, { from: query.from, to: query.to }, now());
    res.json({ items });
  });

  router.get('/reports/:date', async (req, res) => {
    const { date } = parseOrThrow(ReportDateParamSchema, req.params, 'Date');
    checkDay(date);
    const report = await readReport(db, currentUser(res).id, date, now());
    if (!report) throw notFound(`Daily report for ${date}`);
    res.json(report);
  });

  return router;
}
