/**
 * The offline model's decision for one turn: which tools to call with which
 * arguments, or the answer to write from the results so far — plus the
 * reasoning it shows as thoughts. A pure function of the conversation.
 */
import type { BaseMessage } from '@langchain/core/messages';
import type { CountEmailsResult, ListDailyReportsResult, ReadDailyReportResult, ReadEmailResult, SearchEmailsResult } from '../tools/index.ts';
import { isIsoDay, shiftDay, type IsoDay } from '../../../server/time/calendar.ts';
import {
  CANNED,
  countAnswer,
  describeDates,
  describeSearch,
  emailAnswer,
  needsReplyAnswer,
  deadlinesAnswer,
  reportAnswer,
  reportListAnswer,
  searchAnswer,
  searchDescription,
  toolFailureAnswer,
  notFromSenderNote,
  unusedWordsNote,
  type SearchDescription,
} from './answers.ts';
import { monthStart, weekdayOf } from './dateExpressions.ts';
import { dayArg, readConversation, type ConversationView, type ToolExchange } from './conversation.ts';
import type { Lang } from './language.ts';
import { understand, type Understanding } from './understand.ts';
import type { MailKnowledge } from './knowledge.ts';
import { readQuestion } from './reading.ts';

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
}

export type Plan = { lang: Lang; reasoning: string[] } & (
  | { kind: 'tools'; say: string; calls: PlannedCall[] }
  | { kind: 'answer'; text: string }
);

const DEFAULT_SEARCH_LIMIT = 10;
const LATEST_CANDIDATES = 5;
const SHIFTABLE = new Set(['search_emails', 'count_emails', 'read_daily_report', 'list_daily_reports']);

const INTENT_LABEL: Record<Understanding['intent'], { en: string; zh: string }> = {
  greeting: { en: 'a greeting', zh: '打招呼' },
  thanks: { en: 'thanks', zh: '致谢' },
  identity: { en: 'a question about me', zh: '询问我是谁' },
  help: { en: 'a request for help', zh: '寻求帮助' },
  unsupported: { en: 'something I cannot do', zh: '我做不到的请求' },
  read_listed: { en: 'open an item of the previous list', zh: '打开上一个列表中的一项' },
  read_latest: { en: 'open the newest matching email', zh: '打开最新的匹配邮件' },
  read_report: { en: 'read a daily report', zh: '查看日报' },
  list_reports: { en: 'list daily reports', zh: '列出日报' },
  search: { en: 'search emails', zh: '搜索邮件' },
  needs_reply: { en: 'emails waiting for my reply', zh: '待回复的邮件' },
  deadlines: { en: 'deadlines and to-dos in my mail', zh: '邮件里的截止事项和待办' },
  follow_up: { en: 'a follow-up on the previous question', zh: '追问上一个问题' },
  count: { en: 'count emails', zh: '统计邮件数量' },
  read_newest: { en: 'open the newest email of the previous answer', zh: '打开上一个结果中最新的邮件' },
  unknown: { en: 'unclear', zh: '不明确' },
};

/**
 * With `knowledge` (the user's contacts and mail vocabulary) senders and
 * topics are recognised from the mailbox; without it, from grammar alone.
 */
export async function planTurn(messages: BaseMessage[], tools: ReadonlySet<string>, fallbackNow: number, knowledge?: MailKnowledge): Promise<Plan> {
  const conv = readConversation(messages, fallbackNow);
  const u = await readQuestion(conv, knowledge);
  if (conv.current.length > 0) return planFromResults(conv, u, tools, []);
  const reasoning = [
    u.lang === 'zh'
      ? `问题是中文，意图：${INTENT_LABEL[u.intent].zh}。`
      : `The question is in English; intent: ${INTENT_LABEL[u.intent].en}.`,
  ];
  const slots = slotLine(u, conv);
  if (slots) reasoning.push(slots);
  return planForQuestion(conv, u, tools, reasoning);
}

// ---------------------------------------------------------------- before any tool ran

function planForQuestion(conv: ConversationView, u: Understanding, tools: ReadonlySet<string>, reasoning: string[]): Plan {
  const answer = (text: string): Plan => ({ lang: u.lang, reasoning, kind: 'answer', text });
  const call = (c: PlannedCall, say: string): Plan => {
    if (!tools.has(c.name)) return answer(u.lang === 'zh' ? `现在无法使用 ${c.name}。` : `I can't use ${c.name} right now.`);
    return { lang: u.lang, reasoning, kind: 'tools', say, calls: [c] };
  };
  switch (u.intent) {
    case 'greeting':
    case 'thanks':
    case 'identity':
    case 'help':
    case 'unsupported':
    case 'unknown':
      return answer(CANNED[u.intent][u.lang]);
    case 'count': {
      const prev = u.refine ? [...conv.earlier].reverse().find((e) => e.name === 'search_emails' || e.name === 'count_emails') : undefined;
      const filters = prev ? filtersOf(followUpCall(prev, u, conv.today).args) : filtersOf(searchArgs(u));
      const args = { ...filters, ...(u.group && u.group !== 'none' ? { group_by: u.group } : {}) };
      const what = describeSearch(descriptionOf(args, prev ? undefined : u.range?.phrase), u.lang);
      return call({ name: 'count_emails', args }, say(u.lang, `Using count_emails to count ${what}${u.group && u.group !== 'none' ? ` by ${u.group}` : ''}.`, `用 count_emails 统计${what}${u.group && u.group !== 'none' ? `（按${{ sender: '发件人', recipient: '收件人', day: '天', thread: '会话' }[u.group]}）` : ''}。`));
    }
    case 'read_newest': {
      const prev = [...conv.earlier].reverse().find((e) => e.name === 'search_emails' && e.ok && e.data);
      const result = prev?.data as SearchEmailsResult | undefined;
      const newest = result?.newest ?? result?.emails?.[0];
      if (!newest) return answer(prev ? say(u.lang, 'The last search found nothing, so there is nothing to open.', '上一次搜索没有结果，没有可以打开的内容。') : CANNED.noList[u.lang]);
      reasoning.push(say(u.lang, `The newest email of the previous result is "${newest.subject}".`, `上一个结果中最新的一封是“${newest.subject}”。`));
      return call({ name: 'read_email', args: { id: newest.id } }, say(u.lang, `Using read_email to open the newest one, "${newest.subject}".`, `用 read_email 打开最新的一封：“${newest.subject}”。`));
    }
    case 'search':
    case 'read_latest': {
      const prev = u.refine ? [...conv.earlier].reverse().find((e) => e.name === 'search_emails' || e.name === 'count_emails') : undefined;
      if (prev) {
        const next = followUpCall(prev, u, conv.today);
        const args = { ...filtersOf(next.args), limit: DEFAULT_SEARCH_LIMIT };
        reasoning.push(say(u.lang, `Keeping the previous filters, now ${JSON.stringify(args)}.`, `沿用上一次的条件，现在是 ${JSON.stringify(args)}。`));
        return call({ name: 'search_emails', args }, sayForCall({ name: 'search_emails', args }, u.lang));
      }
      const args = searchArgs(u, u.intent === 'read_latest' ? LATEST_CANDIDATES : undefined);
      const what = describeSearch(descriptionOf(args, u.range?.phrase), u.lang);
      if (u.intent === 'read_latest') reasoning.push(say(u.lang, 'First find the matching emails, then open the newest one.', '先找到匹配的邮件，再打开最新的一封。'));
      return call({ name: 'search_emails', args }, say(u.lang, `Using search_emails to find ${what}.`, `用 search_emails 查找${what}。`));
    }
    case 'read_report': {
      const date = u.range?.from ?? conv.today;
      return call({ name: 'read_daily_report', args: { date } }, say(u.lang, `Using read_daily_report for ${date}.`, `用 read_daily_report 查看 ${date} 的日报。`));
    }
    case 'list_reports': {
      const to = u.range?.to ?? conv.today;
      const from = u.range?.from ?? shiftDay(to, -6);
      return call(
        { name: 'list_daily_reports', args: { from, to } },
        say(u.lang, `Using list_daily_reports for ${from} – ${to}.`, `用 list_daily_reports 列出 ${from} 至 ${to} 的日报。`),
      );
    }
    case 'needs_reply':
    case 'deadlines': {
      // The daily reports already know which threads wait for a reply and what the mail asks; a week unless the question says otherwise.
      const to = u.range?.to ?? conv.today;
      const from = u.range?.from ?? shiftDay(to, -6);
      const what =
        u.intent === 'needs_reply'
          ? { en: 'lists the threads waiting for your reply', zh: '都列出了待回复的邮件' }
          : { en: 'picks out the deadlines and to-dos its mail set', zh: '都摘出了邮件里的截止事项和待办' };
      return call(
        { name: 'list_daily_reports', args: { from, to } },
        say(u.lang, `Using list_daily_reports for ${from} – ${to}: each day's report ${what.en}.`, `用 list_daily_reports 查看 ${from} 至 ${to} 的日报：每天的日报${what.zh}。`),
      );
    }
    case 'read_listed':
      return readListed(conv, u, reasoning, call, answer);
    case 'follow_up': {
      // In a list (newest first) the one before in time is the next one down.
      const down = u.step ?? (u.shiftSpan ? -u.shiftSpan : undefined);
      if (down) {
        const neighbour = neighbourOfOpened(conv, down as -1 | 1);
        if (neighbour) return openNeighbour(neighbour, u, reasoning, call, answer);
      }
      const prev = [...conv.earlier].reverse().find((e) => SHIFTABLE.has(e.name));
      if (u.step) {
        // "next one" after a day's report or a list of reports: the following day or span; after a search, nothing was opened to step from.
        if (!prev || prev.name === 'search_emails' || prev.name === 'count_emails') return answer(CANNED.nothingOpened[u.lang]);
        u = { ...u, shiftSpan: u.step };
      }
      if (!prev) {
        if (u.sender || u.topic || u.range) return planForQuestion(conv, { ...u, intent: 'search' }, tools, reasoning);
        return answer(CANNED.noPrevious[u.lang]);
      }
      if (u.shiftSpan && !hasDates(prev)) return answer(CANNED.noSpan[u.lang]);
      const next = followUpCall(prev, u, conv.today);
      reasoning.push(
        say(
          u.lang,
          `Repeating the previous ${prev.name} call with ${JSON.stringify(next.args)}.`,
          `沿用上一次的 ${prev.name}，参数改为 ${JSON.stringify(next.args)}。`,
        ),
      );
      return call(next, sayForCall(next, u.lang));
    }
  }
}

function readListed(
  conv: ConversationView,
  u: Understanding,
  reasoning: string[],
  call: (c: PlannedCall, say: string) => Plan,
  answer: (text: string) => Plan,
): Plan {
  const list = [...conv.earlier].reverse().find((e) => (e.name === 'search_emails' || e.name === 'list_daily_reports') && e.ok && e.data);
  if (!list) return answer(CANNED.noList[u.lang]);
  const items =
    list.name === 'search_emails'
      ? ((list.data as SearchEmailsResult).emails ?? []).map((e) => ({ key: e.id, label: e.subject }))
      : ((list.data as ListDailyReportsResult).reports ?? []).map((r) => ({ key: r.date, label: r.date }));
  if (items.length === 0) {
    return answer(say(u.lang, 'The last search found nothing, so there is nothing to open.', '上一次搜索没有结果，没有可以打开的内容。'));
  }
  const n = u.ordinal === -1 ? items.length : (u.ordinal ?? 1);
  const item = items[n - 1];
  if (!item) {
    return answer(say(u.lang, `The previous list has only ${items.length} item${items.length === 1 ? '' : 's'}.`, `上一个列表只有 ${items.length} 项。`));
  }
  reasoning.push(say(u.lang, `Item #${n} of the previous list is "${item.label}".`, `上一个列表的第 ${n} 项是“${item.label}”。`));
  return list.name === 'search_emails'
    ? call({ name: 'read_email', args: { id: item.key } }, say(u.lang, `Using read_email to open #${n}, "${item.label}".`, `用 read_email 打开第 ${n} 封：“${item.label}”。`))
    : call({ name: 'read_daily_report', args: { date: item.key } }, say(u.lang, `Using read_daily_report for ${item.key}.`, `用 read_daily_report 查看 ${item.key} 的日报。`));
}

interface Neighbour {
  emails: SearchEmailsResult['emails'];
  /** The opened email's place in the list. */
  at: number;
  /** The place asked for (may lie outside the list). */
  target: number;
}

/** "next one", "the one before that"… right after an email was opened: the one `down` places from it in the search it came from. */
function neighbourOfOpened(conv: ConversationView, down: -1 | 1): Neighbour | null {
  const last = conv.earlier.at(-1);
  if (last?.name !== 'read_email' || typeof last.args.id !== 'string') return null;
  const list = [...conv.earlier].reverse().find((e) => e.name === 'search_emails' && e.ok && e.data);
  const emails = (list?.data as SearchEmailsResult | undefined)?.emails ?? [];
  const at = emails.findIndex((e) => e.id === last.args.id);
  if (at < 0) return null;
  return { emails, at, target: at + down };
}

function openNeighbour(
  n: Neighbour,
  u: Understanding,
  reasoning: string[],
  call: (c: PlannedCall, say: string) => Plan,
  answer: (text: string) => Plan,
): Plan {
  const email = n.emails[n.target];
  if (!email) {
    return answer(
      n.target > n.at
        ? say(u.lang, `That was the last email of the list (#${n.at + 1}, the oldest shown); there is none after it.`, `那是列表里的最后一封（第 ${n.at + 1} 封，列出的最早一封），后面没有了。`)
        : say(u.lang, 'That was the first email of the list (the newest); there is none before it.', '那是列表里的第一封（最新的一封），前面没有了。'),
    );
  }
  const place = n.target + 1;
  reasoning.push(say(u.lang, `Item #${place} of the previous list, next to #${n.at + 1}, is "${email.subject}".`, `上一个列表中与第 ${n.at + 1} 封相邻的第 ${place} 封是“${email.subject}”。`));
  return call({ name: 'read_email', args: { id: email.id } }, say(u.lang, `Using read_email to open #${place}, "${email.subject}".`, `用 read_email 打开第 ${place} 封：“${email.subject}”。`));
}

/** The filter arguments of a search or count call, without limit or grouping. */
function filtersOf(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['query', 'sender', 'recipient', 'label', 'after', 'before']) if (args[k] !== undefined && args[k] !== '') out[k] = args[k];
  return out;
}

function searchArgs(u: Pick<Understanding, 'sender' | 'recipient' | 'topic' | 'range' | 'limit' | 'label'>, limit?: number): Record<string, unknown> {
  return {
    ...(u.topic ? { query: u.topic } : {}),
    ...(u.sender ? { sender: u.sender } : {}),
    ...(u.recipient ? { recipient: u.recipient } : {}),
    ...(u.label ? { label: u.label } : {}),
    ...(u.range ? { after: u.range.from, before: shiftDay(u.range.to, 1) } : {}),
    limit: limit ?? u.limit ?? DEFAULT_SEARCH_LIMIT,
  };
}

/** The previous call again, with what the follow-up changed. */
function followUpCall(prev: ToolExchange, u: Understanding, today: IsoDay): PlannedCall {
  const args = { ...prev.args };
  if (prev.name === 'search_emails' || prev.name === 'count_emails') {
    if (u.sender) args.sender = u.sender;
    if (u.recipient) args.recipient = u.recipient;
    if (u.topic) args.query = u.narrow && typeof args.query === 'string' && args.query ? `${args.query} ${u.topic}` : u.topic;
    if (u.label) args.label = u.label;
    if (u.range) {
      args.after = u.range.from;
      args.before = shiftDay(u.range.to, 1);
    } else if (u.shiftSpan) {
      const from = dayArg(args.after, today);
      const end = dayArg(args.before, today);
      if (from && end) [args.after, args.before] = nextPeriod(from, end, u.shiftSpan);
    } else if (u.shiftDays) {
      const from = dayArg(args.after, today);
      const end = dayArg(args.before, today);
      const [f, e] = shiftRange(from ?? today, end ? shiftDay(end, -1) : from ?? today, u.shiftDays);
      args.after = f;
      args.before = shiftDay(e, 1);
    }
    return { name: prev.name, args };
  }
  if (prev.name === 'read_daily_report') {
    const date = u.range?.from ?? shiftDay(dayArg(args.date, today) ?? today, u.shiftSpan ?? u.shiftDays ?? 0);
    return { name: 'read_daily_report', args: { date } };
  }
  const from = dayArg(args.from, today) ?? shiftDay(today, -6);
  const to = dayArg(args.to, today) ?? today;
  const [f, e] = u.range
    ? [u.range.from, u.range.to]
    : u.shiftSpan
      ? lastDayIncluded(nextPeriod(from, shiftDay(to, 1), u.shiftSpan))
      : shiftRange(from, to, u.shiftDays ?? 0);
  return { name: 'list_daily_reports', args: { from: f, to: e } };
}

/**
 * The period before (-1) or after (1) the days [from, end): a day, a calendar week (one that starts on a
 * Monday, "this week" so far included), a calendar month (one that starts on the 1st), or else as many days.
 */
function nextPeriod(from: IsoDay, end: IsoDay, dir: -1 | 1): [IsoDay, IsoDay] {
  const days = daysFrom(from, end);
  if (days > 1 && days <= 7 && weekdayOf(from) === 0) return [shiftDay(from, 7 * dir), shiftDay(from, 7 * dir + 7)];
  const nextMonth = monthStart(shiftDay(from, 32));
  if (days > 1 && from === monthStart(from) && end <= nextMonth) {
    return dir < 0 ? [monthStart(shiftDay(from, -1)), from] : [nextMonth, monthStart(shiftDay(nextMonth, 32))];
  }
  return [shiftDay(from, dir * days), shiftDay(end, dir * days)];
}

function lastDayIncluded([from, end]: [IsoDay, IsoDay]): [IsoDay, IsoDay] {
  return [from, shiftDay(end, -1)];
}

/** Whether the call asked about days: a search or count with both ends, or a report call (which always has them). */
function hasDates(call: ToolExchange): boolean {
  if (call.name === 'search_emails' || call.name === 'count_emails') return call.args.after !== undefined && call.args.before !== undefined;
  return true;
}

/** Whole days from `from` to `to`. */
function daysFrom(from: IsoDay, to: IsoDay): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** "The day before" a one-day range is the previous day; before a longer range, the day before it starts. */
function shiftRange(from: IsoDay, to: IsoDay, shift: number): [IsoDay, IsoDay] {
  if (from === to || Math.abs(shift) !== 1) return [shiftDay(from, shift), shiftDay(to, shift)];
  const day = shift < 0 ? shiftDay(from, -1) : shiftDay(to, 1);
  return [day, day];
}

function descriptionOf(args: Record<string, unknown>, phrase?: string): SearchDescription {
  const after = typeof args.after === 'string' ? args.after : undefined;
  const before = typeof args.before === 'string' ? args.before : undefined;
  return {
    ...(typeof args.label === 'string' ? { label: args.label } : {}),
    ...(typeof args.sender === 'string' ? { sender: args.sender } : {}),
    ...(typeof args.recipient === 'string' ? { recipient: args.recipient } : {}),
    ...(typeof args.query === 'string' ? { query: args.query } : {}),
    ...(after ? { from: after } : {}),
    ...(before && isIsoDay(before) ? { to: shiftDay(before, -1) } : {}),
    ...(phrase ? { phrase } : {}),
  };
}

function sayForCall(c: PlannedCall, lang: Lang): string {
  if (c.name === 'count_emails') {
    const what = describeSearch(descriptionOf(c.args), lang);
    return say(lang, `Using count_emails to count ${what}.`, `用 count_emails 统计${what}。`);
  }
  if (c.name === 'search_emails') {
    const what = describeSearch(descriptionOf(c.args), lang);
    return say(lang, `Using search_emails to find ${what}.`, `用 search_emails 查找${what}。`);
  }
  if (c.name === 'read_daily_report') return say(lang, `Using read_daily_report for ${c.args.date}.`, `用 read_daily_report 查看 ${c.args.date} 的日报。`);
  return say(lang, `Using list_daily_reports for ${c.args.from} – ${c.args.to}.`, `用 list_daily_reports 列出 ${c.args.from} 至 ${c.args.to} 的日报。`);
}

// ---------------------------------------------------------------- after tools answered

function planFromResults(conv: ConversationView, u: Understanding, tools: ReadonlySet<string>, reasoning: string[]): Plan {
  const lang = u.lang;
  for (const e of conv.latest) reasoning.push(resultLine(e, lang));

  if (u.intent === 'read_latest' && !conv.current.some((e) => e.name === 'read_email')) {
    // The last search: a looser retry may have found what the first did not.
    const search = [...conv.current].reverse().find((e) => e.name === 'search_emails' && e.ok);
    // With words the list is by relevance: the newest match is the result's own `newest`.
    const found = search?.data as SearchEmailsResult | undefined;
    const newest = found?.newest ?? found?.emails?.[0];
    if (newest && tools.has('read_email')) {
      return {
        lang,
        reasoning,
        kind: 'tools',
        say: say(lang, `Using read_email to open the newest one, "${newest.subject}".`, `用 read_email 打开最新的一封：“${newest.subject}”。`),
        calls: [{ name: 'read_email', args: { id: newest.id } }],
      };
    }
  }

  // Nothing found: once, search again with a looser filter (and say so in the answer).
  const searches = conv.current.filter((e) => e.name === 'search_emails');
  if (searches.length === 1 && searches[0]!.ok && (searches[0]!.data as SearchEmailsResult | undefined)?.total === 0 && u.intent !== 'read_newest') {
    const looser = loosen(searches[0]!.args, searches[0]!.data as SearchEmailsResult);
    if (looser) {
      reasoning.push(say(lang, `Nothing matched; trying once more ${looser.how.en}.`, `没有结果；${looser.how.zh}再试一次。`));
      return { lang, reasoning, kind: 'tools', say: sayForCall({ name: 'search_emails', args: looser.args }, lang), calls: [{ name: 'search_emails', args: looser.args }] };
    }
  }

  const parts: string[] = [];
  const retried = searches.length === 2 ? searches[0]! : undefined;
  if (retried) {
    const first = describeSearch(searchDescription(retried.data as SearchEmailsResult, u.intent === 'follow_up' ? undefined : u.range?.phrase), lang);
    const how = loosen(retried.args, retried.data as SearchEmailsResult)?.how;
    parts.push(say(lang, `Nothing matched ${first}, so I searched more loosely (${how?.en ?? 'fewer filters'}).`, `没有找到${first}，所以放宽了条件（${how?.zh ?? '减少了条件'}）。`));
  }
  const search = searches.at(-1);
  for (const e of conv.current) {
    if (e === retried) continue;
    if (!e.ok || e.data === undefined) {
      parts.push(toolFailureAnswer(e.name, (e.content ?? '').replace(/^Error:\s*/, ''), lang));
      continue;
    }
    const phrase = u.intent === 'follow_up' ? undefined : u.range?.phrase;
    if (e.name === 'search_emails') {
      // Shown only when it is the answer; for "open the latest", the email is.
      if (u.intent === 'read_latest' && conv.current.some((x) => x.name === 'read_email' && x.ok)) continue;
      const result = e.data as SearchEmailsResult;
      parts.push(searchAnswer(result, searchDescription(result, phrase), lang));
    } else if (e.name === 'read_email') {
      const total = (search?.data as SearchEmailsResult | undefined)?.total;
      const note =
        u.intent === 'read_latest' && search?.data
          ? say(
              lang,
              `The newest of ${total} ${describeSearch(searchDescription(search.data as SearchEmailsResult, phrase), lang)}:`,
              `${describeSearch(searchDescription(search.data as SearchEmailsResult, phrase), lang)}共 ${total} 封，最新的一封：`,
            )
          : undefined;
      parts.push(emailAnswer(e.data as ReadEmailResult, lang, note));
    } else if (e.name === 'count_emails') {
      const result = e.data as CountEmailsResult;
      const described = searchDescription(result, phrase);
      parts.push(countAnswer(result, { ...described, today: conv.today }, lang));
    } else if (e.name === 'read_daily_report') {
      parts.push(reportAnswer(e.data as ReadDailyReportResult, lang));
    } else if (e.name === 'list_daily_reports') {
      const list = e.data as ListDailyReportsResult;
      const prevAsked = [...conv.earlier].reverse().find((x) => x.name === 'list_daily_reports');
      // A follow-up ("and last week?") asks what the question before it asked.
      const asked = u.intent === 'follow_up' && prevAsked ? understand(prevAsked.question, conv.today).intent : u.intent;
      parts.push(
        asked === 'needs_reply' ? needsReplyAnswer(list, lang, phrase) : asked === 'deadlines' ? deadlinesAnswer(list, lang, phrase) : reportListAnswer(list, lang, phrase),
      );
    } else {
      parts.push('```json\n' + JSON.stringify(e.data, null, 2).slice(0, 2000) + '\n```');
    }
  }
  const match = (search?.data as SearchEmailsResult | undefined)?.match;
  // Words searched for that no email has: the answer is already "nothing found", not "not used".
  const unused = [...(u.unknown ?? []), ...(match?.mode === 'none' ? [] : (match?.ignored_words ?? []))];
  const note = unusedWordsNote(unused, lang);
  if (note) parts.push(note);
  const senderNote = u.sender ? notFromSenderNote(u.notFromSender ?? [], u.sender, lang) : '';
  if (senderNote) parts.push(senderNote);
  return { lang, reasoning, kind: 'answer', text: parts.join('\n\n') };
}

/**
 * A looser search after an empty one: an unknown sender becomes topic words;
 * a sender and a topic together become topic words; then dates go, then the
 * label. Undefined when there is nothing to loosen.
 */
function loosen(args: Record<string, unknown>, result: SearchEmailsResult | undefined): { args: Record<string, unknown>; how: { en: string; zh: string } } | undefined {
  const a = { ...args };
  const sender = typeof a.sender === 'string' ? a.sender : undefined;
  const query = typeof a.query === 'string' ? a.query : undefined;
  if (sender && (result?.sender_unknown || query)) {
    delete a.sender;
    a.query = query ? `${query} ${sender}` : sender;
    return { args: a, how: { en: `with "${sender}" as a word of the text instead of the sender`, zh: `把“${sender}”当作关键词而不是发件人` } };
  }
  if ((a.after || a.before) && (sender || query || a.label)) {
    delete a.after;
    delete a.before;
    return { args: a, how: { en: 'without the dates', zh: '去掉日期限制' } };
  }
  if (a.label && (sender || query)) {
    delete a.label;
    return { args: a, how: { en: 'without the label', zh: '去掉标签限制' } };
  }
  return undefined;
}

function resultLine(e: ToolExchange, lang: Lang): string {
  if (!e.ok) return say(lang, `${e.name} failed: ${(e.content ?? '').replace(/^Error:\s*/, '')}`, `${e.name} 出错：${(e.content ?? '').replace(/^Error:\s*/, '')}`);
  if (e.name === 'search_emails') {
    const r = e.data as SearchEmailsResult;
    return say(lang, `search_emails found ${r.total} email${r.total === 1 ? '' : 's'} and returned ${r.emails.length}.`, `search_emails 找到 ${r.total} 封，返回 ${r.emails.length} 封。`);
  }
  if (e.name === 'read_email') {
    const r = e.data as ReadEmailResult;
    return say(lang, `read_email returned "${r.subject}" from ${r.from}.`, `read_email 返回了 ${r.from} 的“${r.subject}”。`);
  }
  if (e.name === 'read_daily_report') {
    const r = e.data as ReadDailyReportResult;
    return r.report ? say(lang, `There is a daily report for ${r.date}.`, `${r.date} 有日报。`) : say(lang, `There is no daily report for ${r.date}.`, `${r.date} 没有日报。`);
  }
  if (e.name === 'list_daily_reports') {
    const r = e.data as ListDailyReportsResult;
    return say(lang, `list_daily_reports returned ${r.reports.length} report${r.reports.length === 1 ? '' : 's'}.`, `list_daily_reports 返回了 ${r.reports.length} 份日报。`);
  }
  return say(lang, `${e.name} answered.`, `${e.name} 已返回。`);
}

function slotLine(u: Understanding, conv: ConversationView): string | undefined {
  const parts: string[] = [];
  if (u.lang === 'zh') {
    if (u.sender) parts.push(`发件人“${u.sender}”`);
    if (u.topic) parts.push(`主题“${u.topic}”`);
    if (u.range) parts.push(`日期“${u.range.phrase}” → ${u.range.from} 至 ${u.range.to}（${conv.timezone}，今天是 ${conv.today}）`);
    if (u.ordinal !== undefined) parts.push(u.ordinal === -1 ? '最后一项' : `第 ${u.ordinal} 项`);
    if (u.shiftDays) parts.push(`日期平移 ${u.shiftDays} 天`);
    return parts.length ? parts.join('；') + '。' : undefined;
  }
  if (u.sender) parts.push(`sender "${u.sender}"`);
  if (u.topic) parts.push(`topic "${u.topic}"`);
  if (u.range) parts.push(`dates "${u.range.phrase}" → ${describeDates({ from: u.range.from, to: u.range.to }, 'en')} (${conv.timezone}, today is ${conv.today})`);
  if (u.ordinal !== undefined) parts.push(u.ordinal === -1 ? 'the last item' : `item #${u.ordinal}`);
  if (u.shiftDays) parts.push(`dates moved by ${u.shiftDays} day${Math.abs(u.shiftDays) === 1 ? '' : 's'}`);
  return parts.length ? `Understood: ${parts.join('; ')}.` : undefined;
}

function say(lang: Lang, en: string, zh: string): string {
  return lang === 'zh' ? zh : en;
}
