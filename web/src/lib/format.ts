/** "35 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clock = new Intl.DateTimeFormat('en-GB', { minute: '2-digit', second: '2-digit' });

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** Minutes, seconds and milliseconds of a time, for the debug log (mm:ss.mmm). */
export function formatClock(ms: number): string {
  return `${clock.format(new Date(ms))}.${String(Math.floor(ms % 1000)).padStart(3, '0')}`;
}

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Marks Chinese text as such, so the browser picks Chinese glyphs and line breaking. */
export const langOf = (text: string): 'zh-CN' | undefined => (HAN.test(text) ? 'zh-CN' : undefined);

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** "14:05" (the date is in the title). */
export function formatTime(iso: string | number): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : timeOfDay.format(d);
}
