/** The sidebar's groups by last activity, as ChatGPT and LibreChat show them. */
import type { ChatSessionDto } from '../../../shared/api.ts';

export interface SessionGroup {
  label: string;
  sessions: ChatSessionDto[];
}

const DAY = 86_400_000;
const startOfDay = (ms: number) => {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
};
const monthYear = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

export function groupSessions(sessions: ChatSessionDto[], now: number): SessionGroup[] {
  const today = startOfDay(now);
  const labelOf = (iso: string) => {
    const t = Date.parse(iso);
    if (Number.isNaN(t) || t >= today) return 'Today';
    if (t >= today - DAY) return 'Yesterday';
    if (t >= today - 7 * DAY) return 'Previous 7 days';
    if (t >= today - 30 * DAY) return 'Previous 30 days';
    return monthYear.format(new Date(t));
  };
  const groups: SessionGroup[] = [];
  for (const s of sessions) {
    const label = labelOf(s.updatedAt);
    const last = groups.at(-1);
    if (last?.label === label) last.sessions.push(s);
    else groups.push({ label, sessions: [s] });
  }
  return groups;
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** "14:05" today, "Nov 28" before. */
export function sessionDate(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return t >= startOfDay(now) ? time.format(new Date(t)) : day.format(new Date(t));
}
