import { z } from 'zod';
import { dayOf, isIsoDay, shiftDay, startOfDayIn, type IsoDay } from '../../../server/time/calendar.ts';
import { ToolError } from '../../../server/agent/toolError.ts';

/** "today", "yesterday", "YYYY-MM-DD" or a full ISO timestamp: what a model may pass as a date. */
export const DateArgSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe('"today", "yesterday", a day as YYYY-MM-DD (in the user\'s time zone), or an ISO 8601 timestamp');

const RELATIVE: Record<string, number> = { today: 0, yesterday: -1, 今天: 0, 昨天: -1, 前天: -2 };

/** A date argument as a calendar day in the user's time zone. */
export function resolveDay(value: string, now: number, timezone: string): IsoDay {
  const v = value.trim().toLowerCase();
  const today = dayOf(now, timezone);
  if (v in RELATIVE) return shiftDay(today, RELATIVE[v]!);
  if (isIsoDay(v)) return v;
  const instant = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(instant)) return dayOf(instant, timezone);
  throw new ToolError(`Cannot read the date "${value}": use today, yesterday, YYYY-MM-DD or an ISO timestamp`);
}

/** A date argument as an instant: a day means its start in the user's time zone. */
export function resolveInstant(value: string, now: number, timezone: string): Date {
  if (/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) {
    const instant = Date.parse(value);
    if (!Number.isNaN(instant)) return new Date(instant);
  }
  return startOfDayIn(resolveDay(value, now, timezone), timezone);
}

/** after/before arguments as instants (a day means its start) and as days in the user's zone; after must precede before. */
export function resolveWindow(
  args: { after?: string; before?: string },
  now: number,
  timezone: string,
): { after?: Date; before?: Date; days: { after?: string; before?: string } } {
  const after = args.after ? resolveInstant(args.after, now, timezone) : undefined;
  const before = args.before ? resolveInstant(args.before, now, timezone) : undefined;
  if (after && before && after >= before) {
    throw new ToolError(`"after" (${args.after}) must be earlier than "before" (${args.before}); "before" is exclusive`);
  }
  return {
    after,
    before,
    days: {
      ...(args.after ? { after: resolveDay(args.after, now, timezone) } : {}),
      ...(before ? { before: dayOf(before, timezone) } : {}),
    },
  };
}
