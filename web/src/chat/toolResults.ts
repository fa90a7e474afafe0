/**
 * What a tool result holds that the card can show better than JSON: emails
 * (search_emails, read_email) and daily reports. Tolerant by design: any
 * tool may be served, so unknown shapes simply fall back to raw JSON.
 */

export interface EmailRef {
  id: string;
  /** The sender's name (or address when there is no name). */
  from: string;
  subject: string;
  date?: string;
  snippet?: string;
}

export interface ReportRef {
  date: string;
  summary: string;
  emails?: number;
  highlights: Array<{ kind: string; text: string; emailId?: string }>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function parse(result: unknown): unknown {
  if (typeof result !== 'string') return result;
  try {
    return JSON.parse(result);
  } catch {
    return result;
  }
}

/** "Li Wei <li.wei@example.com>" → "Li Wei"; a bare address stays as it is. */
export function senderName(from: string): string {
  const named = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  return named?.[1] ? named[1] : from;
}

function toEmail(v: unknown): EmailRef | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const subject = str(v.subject);
  if (!id || subject === undefined) return null;
  const from = senderName(str(v.from) ?? str(v.fromName) ?? '');
  const date = str(v.date) ?? str(v.receivedAt);
  const snippet = str(v.snippet);
  return { id, from, subject, ...(date ? { date } : {}), ...(snippet ? { snippet } : {}) };
}

const emailList = (v: unknown): EmailRef[] | null => {
  if (!Array.isArray(v)) return null;
  const emails = v.map(toEmail);
  return emails.length > 0 && emails.every((e) => e !== null) ? (emails as EmailRef[]) : null;
};

/** Emails in a result, with the total matched when the tool reports one. */
/** A count (count_emails): the total and, grouped, each group's label and count, largest first. */
export function countIn(raw: unknown): { total: number; groups: { label: string; count: number; you: boolean }[] } | null {
  const result = parse(raw);
  if (!isObj(result) || typeof result.total !== 'number' || emailsIn(result)) return null;
  const groups = Array.isArray(result.groups)
    ? result.groups.flatMap((g) => (isObj(g) && typeof g.count === 'number' ? [{ label: str(g.label) ?? str(g.key) ?? '', count: g.count, you: g.is_you === true }] : []))
    : [];
  return { total: result.total, groups };
}

export function emailsIn(raw: unknown): { emails: EmailRef[]; total?: number } | null {
  const result = parse(raw);
  const direct = emailList(result);
  if (direct) return { emails: direct };
  if (!isObj(result)) return null;
  for (const key of ['emails', 'items', 'results']) {
    const list = result[key];
    if (Array.isArray(list) && list.length === 0) return { emails: [], total: 0 };
    const emails = emailList(list);
    if (emails) return { emails, ...(typeof result.total === 'number' ? { total: result.total } : {}) };
  }
  const single = toEmail(result);
  return single && (typeof result.body === 'string' || typeof result.bodyText === 'string') ? { emails: [single] } : null;
}

function toReport(v: unknown, date?: string): ReportRef | null {
  if (!isObj(v)) return null;
  const summary = str(v.summary);
  const day = str(v.date) ?? date;
  if (summary === undefined || !day) return null;
  const highlights = Array.isArray(v.highlights)
    ? v.highlights.filter(isObj).flatMap((h) => {
        const text = str(h.text);
        if (!text) return [];
        const emailId = str(h.emailId);
        return [{ kind: str(h.kind) ?? 'info', text, ...(emailId ? { emailId } : {}) }];
      })
    : [];
  const emails = typeof v.emails === 'number' ? v.emails : isObj(v.statistics) && typeof v.statistics.total === 'number' ? v.statistics.total : undefined;
  return { date: day, summary, highlights, ...(emails !== undefined ? { emails } : {}) };
}

/** Daily reports in a result (read_daily_report, list_daily_reports); an empty list when a day has none. */
export function reportsIn(raw: unknown): { reports: ReportRef[]; missingDate?: string } | null {
  const result = parse(raw);
  if (!isObj(result)) return null;
  if (Array.isArray(result.reports)) {
    const reports = result.reports.map((r) => toReport(r));
    return reports.every((r) => r !== null) ? { reports: reports as ReportRef[] } : null;
  }
  if ('report' in result) {
    const date = str(result.date);
    if (result.report === null) return { reports: [], ...(date ? { missingDate: date } : {}) };
    const report = toReport(result.report, date);
    return report ? { reports: [report] } : null;
  }
  return null;
}

/**
 * Subject → email id for every email a result names (search hits, a read
 * email, a report's highlights and waiting threads): an answer that names one
 * in bold links to it. Walks any shape, so other tools' results work too.
 */
export function namedEmailsIn(raw: unknown, into = new Map<string, string>(), depth = 0): Map<string, string> {
  const v = parse(raw);
  if (depth > 6) return into;
  if (Array.isArray(v)) {
    for (const x of v.slice(0, 500)) namedEmailsIn(x, into, depth + 1);
  } else if (isObj(v)) {
    const subject = str(v.subject)?.trim();
    const id = str(v.emailId) ?? (subject !== undefined ? str(v.id) : undefined);
    if (subject && id && !into.has(subject)) into.set(subject, id);
    for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) namedEmailsIn(x, into, depth + 1);
  }
  return into;
}
