import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** "Li Wei <li.wei@example.com>", or the address alone. */
export function formatSender(name: string, address: string): string {
  return name && name !== address ? `${name} <${address}>` : address;
}

/** Local wall-clock time in the user's zone, e.g. "2026-11-20 14:05". */
export function formatLocalTime(iso: string | Date, timezone: string): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return format(new TZDate(ms, timezone), 'yyyy-MM-dd HH:mm');
}

/** At most `max` characters, cut on a word boundary when one is near. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd() + ' …[truncated]';
}
