/**
 * Dates as people say them, in English and Chinese, resolved to calendar days
 * in the user's time zone: "yesterday", "last week", "last Monday", "in the
 * last 3 days", "Nov 20", "2026-11-20", "昨天", "前天", "上周", "本周",
 * "最近三天", "11月20日", "上周一". Table-driven: each row is a pattern and
 * how to turn its match into a range of days.
 */
import { correctWords } from './typos.ts';
import { isIsoDay, shiftDay, type IsoDay } from '../../../server/time/calendar.ts';
import { NUMBER_SOURCE, parseNumber } from './numbers.ts';

export interface DayRange {
  /** First day, inclusive. */
  from: IsoDay;
  /** Last day, inclusive. */
  to: IsoDay;
  /** The words that said it, as written ("last week", "上周"). */
  phrase: string;
}

export interface DateMatch extends DayRange {
  index: number;
  length: number;
}

/** Monday = 0 … Sunday = 6. */
export function weekdayOf(day: IsoDay): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function mondayOf(day: IsoDay): IsoDay {
  return shiftDay(day, -weekdayOf(day));
}

export function monthStart(day: IsoDay): IsoDay {
  return `${day.slice(0, 7)}-01`;
}

function monthEnd(day: IsoDay): IsoDay {
  return shiftDay(monthStart(shiftDay(monthStart(day), 32)), -1);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Day `day` of the month `inMonth` falls in; undefined when there is no such day or it is still ahead. */
function dayIn(inMonth: IsoDay, day: number, today: IsoDay): IsoDay | undefined {
  const candidate = isoOf(Number(inMonth.slice(0, 4)), Number(inMonth.slice(5, 7)), day);
  return candidate && candidate <= today ? candidate : undefined;
}

/** A day of the month alone: the most recent month that has it, up to today ("the 31st" in March: January's). */
function dayOfMonth(today: IsoDay, day: number): IsoDay | undefined {
  let [y, m] = today.split('-').map(Number) as [number, number];
  for (let i = 0; i < 3; i++) {
    const candidate = isoOf(y, m, day);
    if (candidate && candidate <= today) return candidate;
    [y, m] = m === 1 ? [y - 1, 12] : [y, m - 1];
  }
  return undefined;
}

/** Month/day without a year: this year's, or last year's if that day is still ahead. */
function monthDay(today: IsoDay, month: number, day: number): IsoDay | undefined {
  const year = Number(today.slice(0, 4));
  const candidate = `${year}-${pad(month)}-${pad(day)}`;
  if (!isIsoDay(candidate)) return undefined;
  return candidate > today ? `${year - 1}-${pad(month)}-${pad(day)}` : candidate;
}

const EN_WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const EN_WEEKDAY_SOURCE = '(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?';
const ZH_WEEKDAY: Record<string, number> = { 一: 0, 二: 1, 三: 2, 四: 3, 五: 4, 六: 5, 日: 6, 天: 6, 末: 5 };
const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const EN_MONTH_SOURCE = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';

function enWeekday(word: string): number {
  return EN_WEEKDAYS.findIndex((d) => d.startsWith(word.toLowerCase().slice(0, 3)));
}

function enMonth(word: string): number {
  return EN_MONTHS.indexOf(word.toLowerCase().slice(0, 3)) + 1;
}

/** The most recent day with that weekday: before today (strict) or up to today. */
function recentWeekday(today: IsoDay, weekday: number, strict: boolean): IsoDay {
  let back = (weekdayOf(today) - weekday + 7) % 7;
  if (back === 0 && strict) back = 7;
  return shiftDay(today, -back);
}

type Resolve = (m: RegExpExecArray, today: IsoDay) => [IsoDay, IsoDay] | undefined;

const single = (day: IsoDay | undefined): [IsoDay, IsoDay] | undefined => (day ? [day, day] : undefined);
const lastDays = (today: IsoDay, n: number | undefined): [IsoDay, IsoDay] | undefined =>
  n && n > 0 && n <= 366 ? [shiftDay(today, -(n - 1)), today] : undefined;
/** The calendar week `n` weeks before this one. */
const weeksAgo = (today: IsoDay, n: number): [IsoDay, IsoDay] => [shiftDay(mondayOf(today), -7 * n), shiftDay(mondayOf(today), -7 * n + 6)];
const lastWeek = (today: IsoDay): [IsoDay, IsoDay] => weeksAgo(today, 1);
/** The calendar month `n` months before this one. */
const monthsAgo = (today: IsoDay, n: number): [IsoDay, IsoDay] => {
  let start = monthStart(today);
  for (let i = 0; i < n; i++) start = monthStart(shiftDay(start, -1));
  return [start, monthEnd(start)];
};
const lastMonth = (today: IsoDay): [IsoDay, IsoDay] => monthsAgo(today, 1);

const EN_MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const ZH_MONTH: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

/** A whole month without a year: this year's, or last year's when it is still ahead. */
function wholeMonth(today: IsoDay, month: number): [IsoDay, IsoDay] | undefined {
  if (!(month >= 1 && month <= 12)) return undefined;
  let year = Number(today.slice(0, 4));
  if (`${year}-${pad(month)}-01` > today) year -= 1;
  const start = `${year}-${pad(month)}-01`;
  const end = monthEnd(start);
  return [start, end < today ? end : today];
}

/** The month a part of a month belongs to: one named (11月, "November"), last month, or this one. */
function monthNamed(today: IsoDay, name: string | undefined): [IsoDay, IsoDay] | undefined {
  if (!name || /^(?:本月|这个月|这月|the\s+month|this\s+month)$/i.test(name.trim())) return [monthStart(today), monthEnd(today)];
  if (/^(?:上个?月|last\s+month)$/i.test(name.trim())) return lastMonth(today);
  const zh = /^(十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])月$/.exec(name.trim());
  const month = zh ? (/\d/.test(zh[1]!) ? Number(zh[1]) : ZH_MONTH[zh[1]!]!) : EN_MONTH_NAMES.findIndex((m) => m.startsWith(name.trim().toLowerCase().slice(0, 3))) + 1;
  const whole = wholeMonth(today, month);
  return whole ? [whole[0], monthEnd(whole[0])] : undefined;
}

/** Days `from`…`to` (1-based, `to` capped at the month's end) of a month, up to today. */
function partOfMonth(month: [IsoDay, IsoDay] | undefined, from: number, to: number, today: IsoDay): [IsoDay, IsoDay] | undefined {
  if (!month) return undefined;
  const start = shiftDay(month[0], from - 1);
  const last = shiftDay(month[0], to - 1);
  const end = last > month[1] ? month[1] : last;
  if (start > today) return undefined;
  return [start, end < today ? end : today];
}

const PART_ZH: Record<string, [number, number]> = { 上旬: [1, 10], 中旬: [11, 20], 下旬: [21, 31], 上半月: [1, 15], 下半月: [16, 31], 月中: [11, 20], 月底: [21, 31], 月末: [21, 31] };

/** Longer and more specific patterns first: the first row that matches at a position wins. */
const RULES: { re: RegExp; resolve: Resolve }[] = [
  { re: /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/, resolve: (m) => single(isoOf(+m[1]!, +m[2]!, +m[3]!)) },
  { re: /(\d{4})年(\d{1,2})月(\d{1,2})[日号]/, resolve: (m) => single(isoOf(+m[1]!, +m[2]!, +m[3]!)) },
  { re: /(\d{1,2})月(\d{1,2})[日号]/, resolve: (m, t) => single(monthDay(t, +m[1]!, +m[2]!)) },
  // Parts of a month: 11月上旬, 本月上半月, 上半月; "the first half of November", "the first 7 days of this month", "early/late November".
  { re: /((?:十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])月|本月|这个月|这月|上个?月)?(?:的)?(上旬|中旬|下旬|上半月|下半月)|(十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9]|本|这个|这|上个?)(月中|月底|月末)/, resolve: (m, t) => {
      // "11月底" shares its 月 with the part: the month is named by what comes before it.
      const month = m[2] ? m[1] : m[3] && !m[3].endsWith('月') ? `${m[3]}月` : m[3];
      const part = PART_ZH[(m[2] ?? m[4])!]!;
      return partOfMonth(monthNamed(t, month), part[0], part[1], t);
    } },
  {
    re: new RegExp(`\\b(?:in\\s+|during\\s+)?the\\s+(first|second|last)\\s+half\\s+of\\s+(the\\s+month|this\\s+month|last\\s+month|${EN_MONTH_SOURCE})`, 'i'),
    resolve: (m, t) => (m[1]!.toLowerCase() === 'first' ? partOfMonth(monthNamed(t, m[2]), 1, 15, t) : partOfMonth(monthNamed(t, m[2]), 16, 31, t)),
  },
  {
    re: new RegExp(`\\b(?:in\\s+|during\\s+)?the\\s+first\\s+(${NUMBER_SOURCE})\\s+days\\s+of\\s+(the\\s+month|this\\s+month|last\\s+month|${EN_MONTH_SOURCE})`, 'i'),
    resolve: (m, t) => partOfMonth(monthNamed(t, m[2]), 1, parseNumber(m[1]!) ?? 0, t),
  },
  { re: new RegExp(`\\b(early|late)[\\s-]+(${EN_MONTH_SOURCE})`, 'i'), resolve: (m, t) => (m[1]!.toLowerCase() === 'early' ? partOfMonth(monthNamed(t, m[2]), 1, 10, t) : partOfMonth(monthNamed(t, m[2]), 21, 31, t)) },
  // "十一月十九号"; "11/16", "11.18" (month first; not a version number such as 2.16.0).
  { re: /(十[一二]?|[一二三四五六七八九])月(三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])[日号]/, resolve: (m, t) => single(monthDay(t, parseNumber(m[1]!) ?? 0, parseNumber(m[2]!) ?? 0)) },
  { re: /(?<![\d./#])(1[0-2]|0?[1-9])[/.](3[01]|[12]\d|0?[1-9])(?![\d]|[./]\d)/, resolve: (m, t) => single(monthDay(t, +m[1]!, +m[2]!)) },
  // "本月1号", "上个月15号": a day of the month named (本月 alone is the month so far, below).
  { re: /(?:本月|这个月|这月)(\d{1,2})[日号]/, resolve: (m, t) => single(dayIn(t, +m[1]!, t)) },
  { re: /(?:上个月|上月)(\d{1,2})[日号]/, resolve: (m, t) => single(dayIn(shiftDay(monthStart(t), -1), +m[1]!, t)) },
  { re: new RegExp(`\\b${EN_MONTH_SOURCE}\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`, 'i'), resolve: (m, t) => single(monthDay(t, enMonth(m[1]!), +m[2]!)) },
  { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${EN_MONTH_SOURCE}`, 'i'), resolve: (m, t) => single(monthDay(t, enMonth(m[2]!), +m[1]!)) },
  // A day of the month alone: "on the 10th", "report for the 17th", "10号". Small ordinals after "the" alone are list positions ("open the 2nd").
  { re: /\b(?:on|for|since|from|until|till|before|after|between|and|to|through|thru)\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i, resolve: (m, t) => single(dayOfMonth(t, +m[1]!)) },
  { re: /\bthe\s+(1\d|2\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:one|email|e-mail|mail|message|result|item))/i, resolve: (m, t) => single(dayOfMonth(t, +m[1]!)) },
  { re: /(?<![\d月])(\d{1,2})[号日](?!\d)/, resolve: (m, t) => single(dayOfMonth(t, +m[1]!)) },
  { re: /\b(?:the\s+)?day\s+before\s+yesterday\b/i, resolve: (_m, t) => single(shiftDay(t, -2)) },
  { re: /大前天/, resolve: (_m, t) => single(shiftDay(t, -3)) },
  { re: /前天/, resolve: (_m, t) => single(shiftDay(t, -2)) },
  // A time of day is its day: the tools filter by day.
  { re: /\byesterday(?:'?s)?\b|\blast\s+night(?:'?s)?\b|昨天|昨日|昨儿(?:个)?|昨晚|昨夜/i, resolve: (_m, t) => single(shiftDay(t, -1)) },
  { re: /\btoday(?:'?s)?\b|\btonight\b|\bthis\s+(?:morning|afternoon|evening)\b|\b(?:since|after)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)\b|今天|今日|今儿(?:个)?|今早|今晚/i, resolve: (_m, t) => single(t) },
  { re: /前儿(?:个)?/, resolve: (_m, t) => single(shiftDay(t, -2)) },
  { re: /这(?:俩|两)(?:个)?(?:礼拜|星期|周)/, resolve: (_m, t) => [shiftDay(mondayOf(t), -7), t] },
  { re: new RegExp(`\\b(${NUMBER_SOURCE})\\s+days?\\s+ago\\b`, 'i'), resolve: (m, t) => single(shiftDay(t, -(parseNumber(m[1]!) ?? 0))) },
  { re: new RegExp(`(${NUMBER_SOURCE})天(?:以)?前`), resolve: (m, t) => single(shiftDay(t, -(parseNumber(m[1]!) ?? 0))) },
  {
    re: new RegExp(`\\b(?:(?:in|over|during)\\s+)?(?:the\\s+)?(?:last|past|previous)\\s+(${NUMBER_SOURCE})\\s+days\\b`, 'i'),
    resolve: (m, t) => lastDays(t, parseNumber(m[1]!)),
  },
  { re: new RegExp(`(?:最近|过去|近|前)(${NUMBER_SOURCE})天`), resolve: (m, t) => lastDays(t, parseNumber(m[1]!)) },
  {
    re: new RegExp(`\\b(?:(?:in|over|during)\\s+)?(?:the\\s+)?(?:last|past|previous)\\s+(${NUMBER_SOURCE})\\s+weeks\\b`, 'i'),
    resolve: (m, t) => lastDays(t, (parseNumber(m[1]!) ?? 0) * 7),
  },
  { re: new RegExp(`(?:最近|过去|近)(${NUMBER_SOURCE})(?:周|个星期|个礼拜)`), resolve: (m, t) => lastDays(t, (parseNumber(m[1]!) ?? 0) * 7) },
  { re: /\b(?:(?:in|over|during)\s+)?(?:the\s+)?(?:last|past|previous)\s+fortnight\b/i, resolve: (_m, t) => lastDays(t, 14) },
  { re: /\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?:24|twenty-four)\s+hours\b/i, resolve: (_m, t) => [shiftDay(t, -1), t] },
  { re: /(?:最近|过去|近)(?:一个|1个)?月/, resolve: (_m, t) => lastDays(t, 30) },
  { re: /这两天|这几天/, resolve: (m, t) => lastDays(t, m[0] === '这两天' ? 2 : 3) },
  // The weekend just gone (or this one, on a Saturday or Sunday); "上周末" is the rule below.
  { re: /\b(?:this|over\s+the|on\s+the)\s+weekend\b|这个周末|这周末|(?<!上个?)周末/i, resolve: (_m, t) =>
      weekdayOf(t) >= 5 ? [shiftDay(mondayOf(t), 5), t] : [shiftDay(mondayOf(t), -2), shiftDay(mondayOf(t), -1)] },
  { re: /上上(?:个)?(?:周|星期|礼拜)([一二三四五六日天])(?![共直起般样定次些])/, resolve: (m, t) => single(shiftDay(mondayOf(t), ZH_WEEKDAY[m[1]!]! - 14)) },
  { re: /上上(?:个)?(?:周|星期|礼拜)/, resolve: (_m, t) => weeksAgo(t, 2) },
  { re: /\b(?:the\s+)?week\s+before\s+last\b/i, resolve: (_m, t) => weeksAgo(t, 2) },
  { re: /上上(?:个)?月/, resolve: (_m, t) => monthsAgo(t, 2) },
  { re: /\b(?:the\s+)?month\s+before\s+last\b/i, resolve: (_m, t) => monthsAgo(t, 2) },
  // The first days of this month, or (from, since, 从…, …以来) the month so far.
  { re: /\b(?:(since|from)\s+)?the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+month\b/i, resolve: (m, t) => (m[1] ? [monthStart(t), t] : partOfMonth(monthNamed(t, undefined), 1, 10, t)) },
  { re: /(从)?(?:本|这个|这)?月初(开始)?/, resolve: (m, t) => (m[1] || m[2] ? [monthStart(t), t] : partOfMonth(monthNamed(t, undefined), 1, 10, t)) },
  { re: /(?:上周|上星期|上个星期|上礼拜|上个礼拜)([一二三四五六日天])(?![共直起般样定次些])/, resolve: (m, t) => single(shiftDay(mondayOf(t), ZH_WEEKDAY[m[1]!]! - 7)) },
  { re: /(?:本周|这周|这个星期|本星期|这星期)([一二三四五六日天])(?![共直起般样定次些])/, resolve: (m, t) => single(shiftDay(mondayOf(t), ZH_WEEKDAY[m[1]!]!)) },
  { re: /(?:上周末|上个周末)/, resolve: (_m, t) => [shiftDay(mondayOf(t), -2), shiftDay(mondayOf(t), -1)] },
  { re: /(?:上周|上星期|上个星期|上一周|上礼拜|上个礼拜)/, resolve: (_m, t) => lastWeek(t) },
  { re: /(?:本周|这周|这个星期|本星期|这一周|这礼拜)/, resolve: (_m, t) => [mondayOf(t), t] },
  { re: /(?:周|星期|礼拜)([一二三四五六日天])(?![共直起般样定次些])/, resolve: (m, t) => single(recentWeekday(t, ZH_WEEKDAY[m[1]!]!, false)) },
  { re: /(?:上个月|上月)/, resolve: (_m, t) => lastMonth(t) },
  { re: /(?:本月|这个月|这月)/, resolve: (_m, t) => [monthStart(t), t] },
  { re: new RegExp(`\\blast\\s+${EN_WEEKDAY_SOURCE}\\b`, 'i'), resolve: (m, t) => single(recentWeekday(t, enWeekday(m[1]!), true)) },
  // "The past week / month" are the days just gone, as 最近一个月; "last week / month" the calendar ones.
  { re: /\bpast\s+week\b(?!end)/i, resolve: (_m, t) => lastDays(t, 7) },
  { re: /\bpast\s+month\b/i, resolve: (_m, t) => lastDays(t, 30) },
  { re: /\b(?:last|previous|past)\s+week(?:end|'?s)?\b|\bthe\s+week\s+before\b/i, resolve: (m, t) =>
      /end$/i.test(m[0]) ? [shiftDay(mondayOf(t), -2), shiftDay(mondayOf(t), -1)] : lastWeek(t) },
  { re: /\bthis\s+week(?:'?s)?\b/i, resolve: (_m, t) => [mondayOf(t), t] },
  { re: /\b(?:last|previous|past)\s+month\b/i, resolve: (_m, t) => lastMonth(t) },
  {
    // Whole month names only ("in October", "october"); "may" only after "in". The "in" is part of the phrase ("emails in October").
    re: /\b(?:in\s+)?(january|february|march|april|june|july|august|september|october|november|december|may(?<=in\s+may))\b/i,
    resolve: (m, t) => wholeMonth(t, EN_MONTH_NAMES.indexOf(m[1]!.toLowerCase()) + 1),
  },
  { re: /(?:在)?(十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9])月份?(?![\d一二三四五六七八九十]*[日号])(?!底|初|中)/, resolve: (m, t) => wholeMonth(t, /\d/.test(m[1]!) ? Number(m[1]) : ZH_MONTH[m[1]!]!) },
  { re: /\bthis\s+month\b/i, resolve: (_m, t) => [monthStart(t), monthEnd(t) < t ? monthEnd(t) : t] },
  { re: new RegExp(`\\b(?:on\\s+|this\\s+past\\s+)?${EN_WEEKDAY_SOURCE}\\b`, 'i'), resolve: (m, t) => single(recentWeekday(t, enWeekday(m[1]!), /past/i.test(m[0]))) },
];

function isoOf(y: number, m: number, d: number): IsoDay | undefined {
  const day = `${y}-${pad(m)}-${pad(d)}`;
  return isIsoDay(day) ? day : undefined;
}

/** Every date expression in the text, left to right, without overlaps. */
export function findDates(text: string, today: IsoDay): DateMatch[] {
  const found: DateMatch[] = [];
  for (const { re, resolve } of RULES) {
    const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    for (let m = global.exec(text); m; m = global.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => start < f.index + f.length && f.index < end)) continue;
      const range = resolve(m, today);
      if (!range) continue;
      // "since Monday", "10号以来": from that day up to today (the word is part of the expression).
      const before = /\bsince\s+$/i.exec(text.slice(0, start))?.[0] ?? '';
      const after = /^\s*(?:以来|至今|到现在|到今天)/.exec(text.slice(end))?.[0] ?? '';
      const since = before !== '' || after !== '' || /^since\b/i.test(m[0]);
      const index = start - before.length;
      const length = before.length + m[0].length + after.length;
      if (before && found.some((f) => index < f.index + f.length && f.index < end)) continue;
      const said = text.slice(index, index + length).trim();
      // A month named bare ("october emails") reads as "in October" where the answer repeats it.
      const phrase = EN_MONTH_NAMES.includes(said.toLowerCase()) ? `in ${said}` : said;
      found.push({ from: range[0], to: since ? today : range[1], phrase, index, length });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The text with the matched date expressions blanked out (so they are not read as names or topics). */
export function withoutDates(text: string, matches: DateMatch[]): string {
  let out = text;
  for (const m of [...matches].sort((a, b) => b.index - a.index)) {
    out = out.slice(0, m.index) + ' '.repeat(m.length) + out.slice(m.index + m.length);
  }
  return out;
}

/** One range covering several expressions ("between Monday and Wednesday" reads as Monday … Wednesday). */
export function combineRanges(matches: DateMatch[]): DayRange | undefined {
  if (matches.length === 0) return undefined;
  if (matches.length === 1) return matches[0];
  const from = matches.map((m) => m.from).sort()[0]!;
  const to = matches.map((m) => m.to).sort().at(-1)!;
  return { from, to, phrase: matches.map((m) => m.phrase).join(' – ') };
}

/** Date words long enough that one slip of the keyboard still names only them. */
const DATE_WORDS: ReadonlySet<string> = new Set([
  'yesterday', 'tomorrow', 'weekend', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'january', 'february', 'august', 'september', 'october', 'november', 'december',
]);

/** "yesterdy", "wednsday", "nvember", "yestreday": a date word typed with one letter missing, extra, wrong or swapped. */
export function correctDateTypos(text: string): string {
  return correctWords(text, DATE_WORDS);
}
