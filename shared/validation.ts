/**
 * Rules every untrusted string and date shares, whichever boundary it
 * crosses (HTTP, Socket.IO, import). PostgreSQL text cannot hold NUL, and
 * its timestamps have no year 0: both would otherwise fail deep in a query
 * as a 500 instead of a 400 at the door. Half a UTF-16 pair would be stored
 * silently changed (UTF-8 cannot carry it): refused at the door too.
 */
import { z } from 'zod';

const NUL = /^[^\u0000]*$/;
const NUL_MESSAGE = 'must not contain NUL characters';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BROKEN_TEXT_MESSAGE = 'must be valid Unicode text';

/** A string without NUL characters or broken UTF-16 (chain .trim/.min/.max as usual). */
export const text = () =>
  z
    .string()
    .regex(NUL, NUL_MESSAGE)
    .refine((s) => !LONE_SURROGATE.test(s), BROKEN_TEXT_MESSAGE);

/** Years PostgreSQL and JavaScript both represent without surprises. */
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/** A real instant: ISO 8601 with an offset, an existing calendar day and a year in 0001–9999. */
export const isoInstant = () =>
  z.iso.datetime({ offset: true }).refine((s) => {
    const year = Number.parseInt(s.slice(0, 4), 10);
    if (year < MIN_YEAR || year > MAX_YEAR) return false;
    const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(2000, m - 1, d));
    // Day-of-month check in a leap year, then leap day for the actual year.
    if (day.getUTCMonth() !== m - 1) return false;
    if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
    return Number.isFinite(Date.parse(s));
  }, 'Expected a real date and time between years 0001 and 9999');
