import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import type { DailyReportDto } from '../../../shared/api.ts';
import { readReport, readReports } from '../../../server/mail/reportService.ts';
import { dayOf, shiftDay } from '../../../server/time/calendar.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { DateArgSchema, resolveDay } from './dates.ts';
import { ToolError } from '../../../server/agent/toolError.ts';

export const ListDailyReportsArgsSchema = z.object({
  from: DateArgSchema.optional().describe('First day included (default: 6 days before "to")'),
  to: DateArgSchema.optional().describe('Last day included (default: today)'),
});

export const ReadDailyReportArgsSchema = z.object({
  date: DateArgSchema.describe('The report\'s day: "today", "yesterday" or YYYY-MM-DD'),
});

const MAX_RANGE_DAYS = 92;

export interface ReportSummary {
  date: string;
  summary: string;
  /** The summary in Chinese ("" for a report built before it was written). */
  summary_zh: string;
  emails: number;
  /** Threads of that day still waiting for the user's reply. */
  needs_reply: { subject: string; from: string; email_id: string }[];
  /** Deadlines the day's mail set, quoted: "sentence (sender, “subject”)". */
  deadlines: ReportQuote[];
  /** Things the day's mail asks the user to do, quoted the same way. */
  action_items: ReportQuote[];
}

export interface ReportQuote {
  text: string;
  email_id?: string;
}

export interface ListDailyReportsResult {
  from: string;
  to: string;
  reports: ReportSummary[];
}

export interface ReadDailyReportResult {
  date: string;
  /** null when there is no report for that day. */
  report: Omit<DailyReportDto, 'id' | 'date'> | null;
}

export const listDailyReportsTool = tool(
  async (args: z.infer<typeof ListDailyReportsArgsSchema>, config): Promise<ListDailyReportsResult> => {
    const ctx = toolContext(config);
    const now = ctx.now();
    const to = args.to ? resolveDay(args.to, now, ctx.timezone) : dayOf(now, ctx.timezone);
    const from = args.from ? resolveDay(args.from, now, ctx.timezone) : shiftDay(to, -6);
    if (from > to) throw new ToolError(`"from" (${from}) is after "to" (${to})`);
    if (shiftDay(from, MAX_RANGE_DAYS) < to) throw new ToolError(`A range of at most ${MAX_RANGE_DAYS} days, please`);
    const reports = await readReports(ctx.db, ctx.userId, { from, to }, now);
    return {
      from,
      to,
      reports: reports.map((r) => ({
        date: r.date,
        summary: r.summary,
        summary_zh: r.summaryZh,
        emails: r.statistics.total,
        needs_reply: r.statistics.needsReply.map((n) => ({ subject: n.subject, from: n.from, email_id: n.emailId })),
        deadlines: quotes(r.highlights, 'deadline'),
        action_items: quotes(r.highlights, 'action'),
      })),
    };
  },
  {
    name: 'list_daily_reports',
    description:
      "List the user's daily mail reports between two days (inclusive, at most 92 days), newest first: each day's summary, its number of emails, the threads " +
      "still waiting for the user's reply, and the deadlines and action items its mail set (quoted sentences). Each summary is in English (summary) and Chinese (summary_zh): " +
      'answer in the user\'s language. Use it for "what needs my reply / what haven\'t I answered", "any deadlines / what do I have to do this week", "anything urgent this week", and overviews of several days.',
    schema: ListDailyReportsArgsSchema,
  },
);

function quotes(highlights: DailyReportDto['highlights'], kind: 'deadline' | 'action'): ReportQuote[] {
  return highlights.filter((h) => h.kind === kind).map((h) => ({ text: h.text, ...(h.emailId ? { email_id: h.emailId } : {}) }));
}

export const readDailyReportTool = tool(
  async (args: z.infer<typeof ReadDailyReportArgsSchema>, config): Promise<ReadDailyReportResult> => {
    const ctx = toolContext(config);
    const now = ctx.now();
    const date = resolveDay(args.date, now, ctx.timezone);
    const report = await readReport(ctx.db, ctx.userId, date, now);
    if (!report) return { date, report: null };
    const { id: _id, date: _date, ...rest } = report;
    return { date, report: rest };
  },
  {
    name: 'read_daily_report',
    description:
      'Read the daily mail report of one day: summary (English; summaryZh in Chinese, answer in the user\'s language), highlights (deadlines, action items, busy threads; zh where the report wrote them), statistics (emails per label such as ' +
      '"important", top senders, threads needing a reply). Use it for "what happened today/yesterday", "昨天的日报", deadlines and urgent items of a day.',
    schema: ReadDailyReportArgsSchema,
  },
);
