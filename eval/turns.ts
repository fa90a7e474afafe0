/**
 * Shorthands both question sets are written with: one per expected tool, and
 * the demo's relative dates ("today" is Friday 2026-11-20 in Asia/Shanghai;
 * `before` is exclusive).
 */
import type { Filters, Turn } from './questions.ts';

type Lang = 'en' | 'zh';

export const S = (q: string, args: Filters, lang?: Lang): Turn => ({ q, expect: { tool: 'search_emails', args }, ...(lang ? { lang } : {}) });
export const LATEST = (q: string, args: Filters, lang?: Lang): Turn => ({ q, expect: { tool: 'read_latest', args }, ...(lang ? { lang } : {}) });
export const C = (q: string, group_by: 'none' | 'day' | 'sender' | 'thread', args: Filters = {}, lang?: Lang): Turn => ({
  q,
  expect: { tool: 'count_emails', args: { ...args, group_by } },
  ...(lang ? { lang } : {}),
});
export const R = (q: string, date: string): Turn => ({ q, expect: { tool: 'read_daily_report', args: { date } } });
export const L = (q: string, from: string, to: string): Turn => ({ q, expect: { tool: 'list_daily_reports', args: { from, to } } });
export const NR = (q: string, from: string, to: string): Turn => ({ q, expect: { tool: 'list_daily_reports', args: { from, to }, needsReply: true } });
/** Deadlines and to-dos: what the reports of the span quote. */
export const D = (q: string, from: string, to: string): Turn => ({ q, expect: { tool: 'list_daily_reports', args: { from, to }, deadlines: true } });
export const O = (q: string, pick: number | 'newest'): Turn => ({ q, expect: { tool: 'read_email', pick } });

export const YESTERDAY = { after: '2026-11-19', before: '2026-11-20' };
export const TODAY = { after: '2026-11-20', before: '2026-11-21' };
export const THIS_WEEK = { after: '2026-11-16', before: '2026-11-21' };
export const LAST_WEEK = { after: '2026-11-09', before: '2026-11-16' };
export const THIS_MONTH = { after: '2026-11-01', before: '2026-11-21' };
export const LAST_MONTH = { after: '2026-10-01', before: '2026-11-01' };
