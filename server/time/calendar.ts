import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';

/** A calendar day as YYYY-MM-DD. Days are always meant in the user's time zone. */
export type IsoDay = string;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDay(s: string): boolean {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The instant a day starts in a time zone. */
export function startOfDayIn(day: IsoDay, tz: string): Date {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${day}`);
  return new Date(new TZDate(+m[1]!, +m[2]! - 1, +m[3]!, tz).getTime());
}

/** The calendar day an instant falls on in a time zone. */
export function dayOf(instant: Date | number, tz: string): IsoDay {
  return format(new TZDate(typeof instant === 'number' ? instant : instant.getTime(), tz), 'yyyy-MM-dd');
}

export function shiftDay(day: IsoDay, days: number): IsoDay {
  const m = ISO_DAY.exec(day);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${day}`);
  return format(addDays(new Date(+m[1]!, +m[2]! - 1, +m[3]!), days), 'yyyy-MM-dd');
}

/** [start, end) instants covering the given day in a time zone. */
export function dayRange(day: IsoDay, tz: string): { start: Date; end: Date } {
  return { start: startOfDayIn(day, tz), end: startOfDayIn(shiftDay(day, 1), tz) };
}

/** A `@db.Date` column value for a day (Prisma maps DATE to midnight UTC). */
export function dbDate(day: IsoDay): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function fromDbDate(d: Date): IsoDay {
  return d.toISOString().slice(0, 10);
}
