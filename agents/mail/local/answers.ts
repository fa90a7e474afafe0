/**
 * The offline model's sentences, in English and Chinese, built only from
 * what the tools returned: lists of emails, one email, daily reports, and an
 * honest "I found nothing for …".
 */
import type { CountEmailsResult, FoundEmail, ListDailyReportsResult, ReadDailyReportResult, ReadEmailResult, SearchEmailsResult } from '../tools/index.ts';
import { shiftDay } from '../../../server/time/calendar.ts';
import { weekdayOf } from './dateExpressions.ts';
import type { Lang } from './language.ts';

const EN_WEEKDAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ZH_WEEKDAY = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

const BODY_CHARS_IN_ANSWER = 1500;

/** An invisible word joiner: breaks GFM's literal autolinks (www., http://, a@b.c), which match on the text itself, not its markup. */
const JOINER = '\u2060';

/**
 * Text from an email (subject, name, snippet, body, report text) as inert
 * markdown: every character that could start markup is escaped, and the
 * shapes GFM turns into links by themselves (http://…, www.…, name@host) get
 * an invisible word joiner, so an email holding `![x](http://…)`, a link, a
 * URL or HTML shows as the text it is and never loads or links anything.
 */
export function md(text: string): string {
  return text
    .replace(/[\\`*_{}\[\]<>()#!|~&$]/g, '\\$&')
    .replace(/\b(https?|ftp|mailto|javascript|data|file)(?=:)/gi, `$1${JOINER}`)
    .replace(/\b(www)(?=\.)/gi, `$1${JOINER}`)
    .replace(/@/g, `${JOINER}@`)
    .replace(/^(\s*)([-+=]|\d+[.)])/gm, '$1\\$2');
}

const LABEL_EN: Record<string, string> = { important: 'important', sent: 'sent', newsletter: 'newsletter', inbox: 'inbox', unread: 'unread', hr: 'HR' };
const LABEL_ZH: Record<string, string> = {
  important: '重要',
  sent: '已发送',
  newsletter: '订阅',
  inbox: '收件箱',
  unread: '未读',
  finance: '财务',
  customer: '客户',
  notification: '通知',
  hr: '人事',
  calendar: '日历邀请',
  announcement: '公告',
  work: '工作',
};

export interface SearchDescription {
  label?: string;
  sender?: string;
  recipient?: string;
  query?: string;
  /** Inclusive day range, as applied. */
  from?: string;
  to?: string;
  /** How the user said the dates ("last week", "上周"). */
  phrase?: string;
  /** The user's today: a range that ended before it is told in the past tense. */
  today?: string;
}

/** "from Li Wei about "budget" last week (2026-11-09 – 2026-11-15)" / "李伟上周（…）关于“预算”的". */
export function describeSearch(d: SearchDescription, lang: Lang): string {
  const dates = describeDates(d, lang);
  if (lang === 'zh') {
    const label = d.label ? LABEL_ZH[d.label] ?? `标签“${md(d.label)}”` : '';
    // "张伟上周（…）的", "上周（…）发给王芳的": the recipient after the dates, as it is said.
    const head = [d.sender ? md(d.sender) : '', dates, d.recipient ? `发给${md(d.recipient)}` : '', d.query ? `关于“${md(d.query)}”` : ''].join('');
    return head || label ? `${head}${head ? '的' : ''}${label}邮件` : '邮件';
  }
  const label = d.label ? LABEL_EN[d.label] ?? `${md(d.label)}` : '';
  return [label ? `${label} emails` : 'emails', d.sender ? `from ${md(d.sender)}` : '', d.recipient ? `to ${md(d.recipient)}` : '', d.query ? `about "${md(d.query)}"` : '', dates]
    .filter(Boolean)
    .join(' ');
}

export function describeDates(d: { from?: string; to?: string; phrase?: string }, lang: Lang): string {
  if (!d.from && !d.to) return '';
  if (lang === 'zh') {
    const span = d.from && d.to ? (d.from === d.to ? `${d.from}（${ZH_WEEKDAY[weekdayOf(d.from)]}）` : `${d.from} 至 ${d.to}`) : d.from ? `${d.from} 以来` : `${d.to} 以前`;
    return d.phrase && !/\d{4}-\d{2}-\d{2}/.test(d.phrase) ? `${d.phrase}（${span.replace(/（.*）/, '')}）` : span;
  }
  if (d.from && d.to) {
    const weekday = EN_WEEKDAY[weekdayOf(d.from)]!;
    // "on Monday (2026-11-16)", not "on Monday (Monday 2026-11-16)".
    const named = d.phrase !== undefined && d.phrase.toLowerCase().includes(weekday.toLowerCase());
    const span = d.from === d.to ? (named ? d.from : `${weekday} ${d.from}`) : `${d.from} – ${d.to}`;
    // "this week's reports": the phrase names the days, without the possessive.
    if (d.phrase && !/\d{4}-\d{2}-\d{2}/.test(d.phrase)) return `${d.phrase.replace(/['’]s$/i, '')} (${span})`;
    return d.from === d.to ? `on ${span}` : `between ${d.from} and ${d.to}`;
  }
  return d.from ? `since ${d.from}` : `before ${d.to}`;
}

/** The applied filters of a search result, as a description. */
export function searchDescription(result: Pick<SearchEmailsResult, 'filters' | 'match'>, phrase?: string): SearchDescription {
  const f = result.filters;
  const query = searchedQuery(result);
  return {
    ...(f.label ? { label: f.label } : {}),
    ...(f.sender ? { sender: f.sender } : {}),
    ...(f.recipient ? { recipient: f.recipient } : {}),
    ...(query ? { query } : {}),
    ...(f.after ? { from: f.after } : {}),
    ...(f.before ? { to: shiftDay(f.before, -1) } : {}),
    ...(phrase ? { phrase } : {}),
  };
}

const HAN = /\p{Script=Han}/u;

/**
 * The query as typed less the words no email has, which the search left out
 * (a note names them): the answer says what was searched. Unchanged when that
 * would leave nothing.
 */
function searchedQuery(result: Pick<SearchEmailsResult, 'filters' | 'match'>): string | undefined {
  const { query } = result.filters;
  const ignored = (result.match?.ignored_words ?? []).map((w) => w.toLowerCase());
  if (!query || !ignored.length) return query;
  const left = query
    .split(/\s+/)
    // Chinese runs its words together: an ignored word is cut out of the run; other words go whole.
    .map((token) => (ignored.includes(token.toLowerCase()) ? '' : HAN.test(token) ? ignored.reduce((t, w) => (HAN.test(w) ? t.replaceAll(w, '') : t), token) : token))
    .filter(Boolean);
  return left.length ? left.join(' ') : query;
}

function senderName(from: string): string {
  const m = /^(.*?)\s*<[^>]+>$/.exec(from);
  return m?.[1] || from;
}

function listLine(e: FoundEmail, i: number, lang: Lang): string {
  const subject = e.subject ? md(e.subject) : lang === 'zh' ? '（无主题）' : '(no subject)';
  return lang === 'zh' ? `${i + 1}. **${subject}** — ${md(senderName(e.from))}，${e.date}` : `${i + 1}. **${subject}** — ${md(senderName(e.from))}, ${e.date}`;
}

function matchNote(result: SearchEmailsResult, lang: Lang): string {
  const m = result.match;
  if (!m) return '';
  const notes: string[] = [];
  const q = (w: string) => (lang === 'zh' ? `“${md(w)}”` : `"${md(w)}"`);
  if (m.corrected?.length) {
    notes.push(lang === 'zh' ? `按 ${m.corrected.map((c) => `${q(c.to)}（而不是 ${q(c.from)}）`).join('、')} 搜索` : `searched ${m.corrected.map((c) => `${q(c.to)} for ${q(c.from)}`).join(', ')}`);
  }
  if (m.translated?.length) {
    const pairs = m.translated.map((t) => `${q(t.from)} → ${t.to.map(q).join(lang === 'zh' ? '／' : '/')}`);
    notes.push(lang === 'zh' ? `邮件里这些词是另一种语言写的，也按译词搜索：${pairs.join('、')}` : `the mail has these words in the other language, so I searched both: ${pairs.join(', ')}`);
  }
  if (m.mode === 'most' && m.matched_words) {
    const left = m.words.filter((w) => !m.matched_words!.includes(w));
    notes.push(lang === 'zh' ? `没有邮件同时包含所有词，以下邮件包含除 ${left.map(q).join('、')} 以外的词` : `no email has all the words, so these have all but ${left.map(q).join(', ')}`);
  }
  if (m.mode === 'any' && m.matched_words) {
    notes.push(lang === 'zh' ? `没有邮件同时包含所有词，以下邮件包含 ${m.matched_words.map(q).join('、')} 中的任意一个` : `no email has all the words, so these have any of ${m.matched_words.map(q).join(', ')}`);
  }
  if (!notes.length) return '';
  return lang === 'zh' ? `（${notes.join('；')}。）` : `(${notes.join('; ')}.)`;
}

/** A note on topic words left out because the named sender's mail never has them (other mail does). */
export function notFromSenderNote(words: string[], sender: string, lang: Lang): string {
  const unique = [...new Set(words.filter(Boolean))];
  if (!unique.length) return '';
  return lang === 'zh'
    ? `（${md(sender)} 的邮件里没有 ${unique.map((w) => `“${md(w)}”`).join('、')}，所以没有按这些词筛选。）`
    : `(${md(sender)}'s mail never has ${unique.map((w) => `"${md(w)}"`).join(', ')}, so I did not filter by ${unique.length === 1 ? 'it' : 'them'}.)`;
}

/** A note on words of the question that were not used because the mailbox does not have them. */
export function unusedWordsNote(words: string[], lang: Lang): string {
  const unique = [...new Set(words.filter(Boolean))];
  if (!unique.length) return '';
  return lang === 'zh'
    ? `（没有用上 ${unique.map((w) => `“${md(w)}”`).join('、')}：既不是联系人，你的邮件里也没有这些词。）`
    : `(I did not use ${unique.map((w) => `"${md(w)}"`).join(', ')}: not a contact and not a word in your mail.)`;
}

export function searchAnswer(result: SearchEmailsResult, d: SearchDescription, lang: Lang): string {
  const what = describeSearch(d, lang);
  const shown = result.emails.length;
  if (shown === 0) {
    return lang === 'zh'
      ? `没有找到${what}。可以换个时间范围、发件人或关键词再试试。`
      : `I found nothing for ${what}. Try a wider date range, another sender or fewer words.`;
  }
  const list = result.emails.map((e, i) => listLine(e, i, lang)).join('\n');
  const note = matchNote(result, lang);
  const newest = result.newest && !result.emails.some((e) => e.id === result.newest!.id) ? result.newest : undefined;
  const ranked = result.sort === 'relevance';
  if (lang === 'zh') {
    const head = `找到 ${result.total} 封${what}${result.total > shown ? `，以下是${ranked ? '最相关' : '最新'}的 ${shown} 封` : ''}：${note}`;
    const tail = newest ? `\n\n最新的一封是 **${md(newest.subject)}** — ${md(senderName(newest.from))}，${newest.date}。` : '';
    return `${head}\n\n${list}${tail}${shown > 1 ? '\n\n可以说“打开第二封”查看某一封的全文。' : ''}`;
  }
  const head = `I found ${result.total} ${result.total === 1 ? what.replace(/\bemails\b/, 'email') : what}${result.total > shown ? `; here are the ${shown} ${ranked ? 'best matches' : 'newest'}` : ''}:${note ? ` ${note}` : ''}`;
  const tail = newest ? `\n\nThe newest is **${md(newest.subject)}** — ${md(senderName(newest.from))}, ${newest.date}.` : '';
  return `${head}\n\n${list}${tail}${shown > 1 ? '\n\nSay "open the second one" to read one in full.' : ''}`;
}

export function emailAnswer(e: ReadEmailResult, lang: Lang, note?: string): string {
  const body = e.body.length > BODY_CHARS_IN_ANSWER ? `${e.body.slice(0, BODY_CHARS_IN_ANSWER).trimEnd()} …` : e.body;
  const quoted = body
    .split('\n')
    .map((l) => (l ? `> ${md(l)}` : '>'))
    .join('\n');
  const subject = e.subject ? md(e.subject) : lang === 'zh' ? '（无主题）' : '(no subject)';
  const to = md(e.to.join(', ')) || '—';
  const lines =
    lang === 'zh'
      ? [`**${subject}**`, `发件人：${md(e.from)}`, `收件人：${to}`, ...(e.cc.length ? [`抄送：${md(e.cc.join(', '))}`] : []), `时间：${e.date}`]
      : [`**${subject}**`, `From: ${md(e.from)}`, `To: ${to}`, ...(e.cc.length ? [`Cc: ${md(e.cc.join(', '))}`] : []), `Date: ${e.date}`];
  return `${note ? `${note}\n\n` : ''}${lines.join('  \n')}\n\n${quoted}`;
}

const HIGHLIGHT_KIND: Record<string, { en: string; zh: string }> = {
  deadline: { en: 'Deadline', zh: '截止' },
  action: { en: 'To do', zh: '待办' },
  thread: { en: 'Busy thread', zh: '热门会话' },
  info: { en: 'Note', zh: '提示' },
};

/** A highlight as "<quote> (<who>, “<subject>”)": the quote marked as the email's words, the rest in the reader's language. */
function highlightLine(h: { kind: string; text: string; zh?: string }, lang: Lang): string {
  const kind = HIGHLIGHT_KIND[h.kind]?.[lang] ?? h.kind;
  // What the report wrote itself comes in Chinese too; quotes of mail stay as written.
  if (lang === 'zh' && h.zh) return `- ${kind}：${md(h.zh)}`;
  const m = /^(.*)\s\((.+?), “(.+)”\)$/s.exec(h.text);
  if (m) {
    return lang === 'zh' ? `- ${kind}：「${md(m[1]!)}」（${md(m[2]!)}，**${md(m[3]!)}**）` : `- ${kind}: 「${md(m[1]!)}」 (${md(m[2]!)}, **${md(m[3]!)}**)`;
  }
  return `- ${kind}${lang === 'zh' ? '：' : ': '}「${md(h.text)}」`;
}

/** The day's summary in the reader's language, from the report's statistics. */
function summaryFrom(r: NonNullable<ReadDailyReportResult['report']>, day: string, lang: Lang): string {
  const s = r.statistics;
  const sent = s.byLabel?.sent ?? 0;
  const top = s.topSenders.slice(0, 3).map((t) => `${md(t.name)} (${t.count})`);
  const waiting = s.needsReply.slice(0, 2).map((n) => (lang === 'zh' ? `**${md(n.subject)}**（${md(senderName(n.from))}）` : `**${md(n.subject)}** from ${md(senderName(n.from))}`));
  if (lang === 'zh') {
    return [
      `${day}：共 ${s.total} 封邮件，${s.threads} 个会话${sent ? `（其中你发出 ${sent} 封）` : ''}。`,
      top.length ? `发件最多：${top.join('、')}。` : '',
      s.needsReply.length ? `${s.needsReply.length} 个会话需要你回复，包括${waiting.join('和')}。` : '没有需要你回复的会话。',
    ].join('');
  }
  return [
    `${day}: ${s.total} emails in ${s.threads} threads${sent ? ` (${sent} sent by you)` : ''}.`,
    top.length ? ` Most from ${top.join(', ')}.` : '',
    s.needsReply.length ? ` ${s.needsReply.length} thread${s.needsReply.length === 1 ? ' needs' : 's need'} your reply, including ${waiting.join(' and ')}.` : ' Nothing needs your reply.',
  ].join('');
}

export function reportAnswer(r: ReadDailyReportResult, lang: Lang): string {
  const day = lang === 'zh' ? `${r.date}（${ZH_WEEKDAY[weekdayOf(r.date)]}）` : `${EN_WEEKDAY[weekdayOf(r.date)]}, ${r.date}`;
  if (!r.report) return lang === 'zh' ? `${day} 没有日报。` : `There is no daily report for ${day}.`;
  const parts: string[] = [lang === 'zh' ? `**${day} 的日报**` : `**Daily report for ${day}**`, summaryFrom(r.report, day, lang)];
  if (r.report.highlights.length) {
    parts.push((lang === 'zh' ? '**要点**\n' : '**Highlights**\n') + r.report.highlights.map((h) => highlightLine(h, lang)).join('\n'));
  }
  return parts.join('\n\n');
}

/** A listed day's summary: the report's own in English; in Chinese, its figures. */
function listedSummary(x: { date: string; summary: string; emails: number; needs_reply: unknown[] }, lang: Lang): string {
  return lang === 'zh' ? `共 ${x.emails} 封邮件，${x.needs_reply.length} 个会话待回复` : md(x.summary);
}

export function reportListAnswer(r: ListDailyReportsResult, lang: Lang, phrase?: string): string {
  const span = describeDates({ from: r.from, to: r.to, ...(phrase ? { phrase } : {}) }, lang);
  if (r.reports.length === 0) {
    return lang === 'zh' ? `${span}没有日报。` : `I found no daily reports ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`}.`;
  }
  const lines = r.reports.map((x) =>
    lang === 'zh' ? `- **${x.date}**（${x.emails} 封）：${listedSummary(x, lang)}` : `- **${x.date}** (${x.emails} emails): ${listedSummary(x, lang)}`,
  );
  return lang === 'zh'
    ? `${span}的日报（${r.reports.length} 份）：\n\n${lines.join('\n')}\n\n想看某一天的详情，可以说“${r.reports[0]!.date} 的日报”这样的话。`
    : `Daily reports ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`} (${r.reports.length}):\n\n${lines.join('\n')}\n\nAsk for "the daily report of ${r.reports[0]!.date}" to see one in full.`;
}

const NEEDS_REPLY_SHOWN = 15;

/** The threads of a span still waiting for a reply, newest day first, each thread once. */
export function needsReplyAnswer(r: ListDailyReportsResult, lang: Lang, phrase?: string): string {
  const span = describeDates({ from: r.from, to: r.to, ...(phrase ? { phrase } : {}) }, lang);
  const seen = new Set<string>();
  const items: { date: string; subject: string; from: string }[] = [];
  for (const day of r.reports) {
    for (const n of day.needs_reply ?? []) {
      if (seen.has(n.subject)) continue;
      seen.add(n.subject);
      items.push({ date: day.date, subject: n.subject, from: senderName(n.from) });
    }
  }
  if (items.length === 0) {
    return lang === 'zh' ? `${span}没有等待你回复的邮件。` : `Nothing is waiting for your reply ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`}.`;
  }
  const lines = items
    .slice(0, NEEDS_REPLY_SHOWN)
    .map((i) => (lang === 'zh' ? `- **${md(i.subject)}**（${md(i.from)}，${i.date}）` : `- **${md(i.subject)}** from ${md(i.from)} (${i.date})`));
  const more = items.length - lines.length;
  if (more > 0) lines.push(lang === 'zh' ? `- ……还有 ${more} 个（可以问某一天的日报查看）` : `- … and ${more} more (ask for one day's report to see them)`);
  return lang === 'zh'
    ? `${span}有 ${items.length} 个会话在等你回复：\n\n${lines.join('\n')}`
    : `${items.length} thread${items.length === 1 ? ' is' : 's are'} waiting for your reply ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`}:\n\n${lines.join('\n')}`;
}

const DEADLINES_SHOWN = 15;

/** The deadlines, then the to-dos, the mail of a span set (as its daily reports quote them), newest day first, each once. */
export function deadlinesAnswer(r: ListDailyReportsResult, lang: Lang, phrase?: string): string {
  const span = describeDates({ from: r.from, to: r.to, ...(phrase ? { phrase } : {}) }, lang);
  // "this week (…)", "today (…)", "between … and …", "in the last 3 days (…)".
  const inSpan = span.startsWith('the ') ? `in ${span}` : span;
  const seen = new Set<string>();
  const pick = (kind: 'deadline' | 'action') =>
    r.reports.flatMap((day) =>
      (kind === 'deadline' ? day.deadlines : day.action_items).flatMap((q) => {
        if (seen.has(q.text)) return [];
        seen.add(q.text);
        return [{ kind, text: q.text, date: day.date }];
      }),
    );
  const deadlines = pick('deadline');
  const actions = pick('action');
  if (deadlines.length + actions.length === 0) {
    return lang === 'zh' ? `${span}的邮件里没有截止事项或待办。` : `Your mail ${inSpan} sets no deadlines and asks nothing of you.`;
  }
  const items = [...deadlines, ...actions];
  const lines = items.slice(0, DEADLINES_SHOWN).map((i) => `${highlightLine(i, lang)}${lang === 'zh' ? `（${i.date}）` : ` (${i.date})`}`);
  const more = items.length - lines.length;
  if (more > 0) lines.push(lang === 'zh' ? `- ……还有 ${more} 项（可以问某一天的日报查看）` : `- … and ${more} more (ask for one day's report to see them)`);
  const head =
    lang === 'zh'
      ? `${span}的邮件里有 ${deadlines.length} 个截止事项和 ${actions.length} 个待办：`
      : `Your mail ${inSpan} sets ${deadlines.length} deadline${deadlines.length === 1 ? '' : 's'} and asks ${actions.length} thing${actions.length === 1 ? '' : 's'} of you:`;
  return `${head}\n\n${lines.join('\n')}`;
}

/** The answer to a count: the number, or the largest groups (the user's own sent mail set apart). */
export function countAnswer(r: CountEmailsResult, d: SearchDescription, lang: Lang): string {
  const what = describeSearch(d, lang);
  if (r.group_by === 'none' || !r.groups) {
    if (lang === 'zh') return `${what}共有 ${r.total} 封。`;
    const past = d.to !== undefined && d.today !== undefined && d.to < d.today;
    const verb = r.total === 1 ? (past ? 'was' : 'is') : past ? 'were' : 'are';
    return `There ${verb} ${r.total} ${r.total === 1 ? what.replace(/\bemails\b/, 'email') : what}.`;
  }
  const own = r.groups.find((g) => g.is_you);
  const groups = r.groups.filter((g) => !g.is_you);
  if (groups.length === 0) return lang === 'zh' ? `没有找到${what}。` : `I found no ${what}.`;
  const name = (g: { key: string; label: string }) => {
    if (r.group_by === 'day') return lang === 'zh' ? `${g.key}（${ZH_WEEKDAY[weekdayOf(g.key)]}）` : `${EN_WEEKDAY[weekdayOf(g.key)]} ${g.key}`;
    return `**${md(g.label || g.key)}**`;
  };
  // Groups tied at the top are named together: "most emails went to A" would be only half true.
  const top = groups[0]!;
  const tied = groups.filter((g) => g.count === top.count).slice(0, 3);
  const rest = groups.slice(tied.length);
  const names = listOf(tied.map(name), lang);
  const n = top.count;
  const more = rest.slice(0, 4).map((g) => (lang === 'zh' ? `${name(g)}（${g.count} 封）` : `${name(g)} (${g.count})`));
  const scope = lang === 'zh' ? `${what}共 ${r.total} 封` : `${r.total} ${what}`;
  if (lang === 'zh') {
    const each = tied.length > 1 ? `各 ${n} 封` : `共 ${n} 封`;
    const head = {
      sender: `发邮件最多的是 ${names}，${each}`,
      recipient: r.filters.label === 'sent' ? `你发给 ${names} 的邮件最多，${each}` : `收到邮件最多的是 ${names}，${each}`,
      day: `邮件最多的${tied.length > 1 ? '日子' : '一天'}是 ${names}，${each}`,
      thread: `最长的会话是 ${names}，${each}`,
    }[r.group_by];
    return `${head}。${more.length ? `其次是${more.join('、')}。` : ''}\n\n（${scope}${own ? `，其中你自己发出 ${own.count} 封` : ''}。）`;
  }
  const head =
    tied.length > 1
      ? {
          sender: `Most emails come from ${names}: ${n} each`,
          recipient: r.filters.label === 'sent' ? `You wrote most often to ${names}: ${n} emails each` : `Most emails went to ${names}: ${n} each`,
          day: `The busiest days were ${names}, with ${n} emails each`,
          thread: `The longest conversations are ${names}, with ${n} emails each`,
        }[r.group_by]
      : {
          sender: `Most emails come from ${names}: ${n}`,
          recipient: r.filters.label === 'sent' ? `You wrote most often to ${names}: ${n} emails` : `Most emails went to ${names}: ${n}`,
          day: `The busiest day was ${names}, with ${n} emails`,
          thread: `The longest conversation is ${names}, with ${n} emails`,
        }[r.group_by];
  return `${head}.${more.length ? ` Then ${more.join(', ')}.` : ''}\n\n(${scope}${own ? `; ${own.count} of them sent by you` : ''}.)`;
}

/** "A", "A and B", "A, B and C" (A、B 和 C). */
function listOf(items: string[], lang: Lang): string {
  if (items.length < 2) return items.join('');
  const last = items.at(-1)!;
  return lang === 'zh' ? `${items.slice(0, -1).join('、')} 和 ${last}` : `${items.slice(0, -1).join(', ')} and ${last}`;
}

export function toolFailureAnswer(tool: string, message: string, lang: Lang): string {
  return lang === 'zh' ? `${tool} 没能完成：${message}` : `I couldn't get an answer from ${tool}: ${message}`;
}

export const SAMPLES = {
  en: ['"emails from Li Wei last week"', '"anything about the Q3 budget?"', '"yesterday\'s daily report"', '"open the second one"'],
  zh: ['“李伟上周发的邮件”', '“关于预算的邮件”', '“昨天的日报”', '“打开第二封”'],
};

export const CANNED = {
  identity: {
    en: `I'm Agentwire's built-in offline assistant: a deterministic program, not a language model. I read your question with fixed English and Chinese patterns, call the mailbox tools (search_emails, read_email, list_daily_reports, read_daily_report) and answer only from what they return. Try ${SAMPLES.en.join(', ')}. (An administrator can connect a real model with LLM_PROVIDER=openai.)`,
    zh: `我是 Agentwire 内置的离线助手：一个确定性的程序，不是大语言模型。我用固定的中英文规则理解问题，调用邮箱工具（search_emails、read_email、list_daily_reports、read_daily_report），只根据工具返回的内容回答。可以试试${SAMPLES.zh.join('、')}。（管理员可以通过 LLM_PROVIDER=openai 接入真正的模型。）`,
  },
  help: {
    en: `I can search your mail by sender, topic and date, open an email from a list, and read your daily reports. Try ${SAMPLES.en.join(', ')}.`,
    zh: `我可以按发件人、主题和日期搜索邮件，打开列表中的某一封，也可以查看每日报告。可以试试${SAMPLES.zh.join('、')}。`,
  },
  greeting: {
    en: `Hello! I can search your mail and read your daily reports. Try ${SAMPLES.en.join(', ')}.`,
    zh: `你好！我可以帮你搜索邮件、查看日报。可以试试${SAMPLES.zh.join('、')}。`,
  },
  thanks: { en: "You're welcome!", zh: '不客气！' },
  unsupported: {
    en: `I can't do that. I'm a deterministic offline assistant that can only search and read your mail and daily reports: no sending, replying, deleting or general questions. Try ${SAMPLES.en.join(', ')}.`,
    zh: `这个我做不到。我是一个确定性的离线助手，只能搜索和阅读你的邮件和日报，不能发送、回复、删除邮件，也不能回答一般性问题。可以试试${SAMPLES.zh.join('、')}。`,
  },
  unknown: {
    en: `I'm not sure what you're looking for. I'm a deterministic offline assistant: I understand questions about your mail (sender, topic, dates) and daily reports. Try ${SAMPLES.en.join(', ')}.`,
    zh: `我没太明白你想找什么。我是一个确定性的离线助手，能理解关于邮件（发件人、主题、日期）和日报的问题。可以试试${SAMPLES.zh.join('、')}。`,
  },
  noList: {
    en: 'There is no list of emails in this conversation to pick from yet. Ask me to search first, for example "emails from Li Wei last week".',
    zh: '这段对话里还没有邮件列表可以选。请先让我搜索，比如“李伟上周发的邮件”。',
  },
  nothingOpened: {
    en: 'No email of a list is open yet, so there is no next or previous one. Say which to open, for example "open the first one".',
    zh: '还没有打开列表里的邮件，所以没有下一封或上一封。请说要打开哪一封，比如“打开第一封”。',
  },
  noSpan: {
    en: 'The previous question had no dates, so I cannot tell which one comes before or after it. Name the day or the week, for example "the day before yesterday" or "last week".',
    zh: '上一个问题没有日期，我不知道它的前一个或后一个指什么。请说出具体的日期或周，比如“前天”或“上周”。',
  },
  noPrevious: {
    en: 'I have no earlier question to follow up on. Ask me something like "emails from Li Wei yesterday" first.',
    zh: '之前没有可以接着问的问题。可以先问比如“李伟昨天发的邮件”。',
  },
} as const;
