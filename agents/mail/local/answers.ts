/**
 * The offline model's sentences, in English and Chinese, built only from
 * what the tools returned: lists of emails, one email, daily reports, and an
 * honest "I found nothing for …".
 */
import type { FoundEmail, ListDailyReportsResult, ReadDailyReportResult, ReadEmailResult, SearchEmailsResult } from '../tools/index.ts';
import { shiftDay } from '../../../server/time/calendar.ts';
import { weekdayOf } from './dateExpressions.ts';
import type { Lang } from './language.ts';

const EN_WEEKDAY = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ZH_WEEKDAY = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

const BODY_CHARS_IN_ANSWER = 1500;

export interface SearchDescription {
  sender?: string;
  query?: string;
  /** Inclusive day range, as applied. */
  from?: string;
  to?: string;
  /** How the user said the dates ("last week", "上周"). */
  phrase?: string;
}

/** "from Li Wei about "budget" last week (2026-11-09 – 2026-11-15)" / "李伟上周（…）关于“预算”的". */
export function describeSearch(d: SearchDescription, lang: Lang): string {
  const dates = describeDates(d, lang);
  if (lang === 'zh') {
    const head = [d.sender ?? '', dates, d.query ? `关于“${d.query}”` : ''].join('');
    return head ? `${head}的邮件` : '邮件';
  }
  return ['emails', d.sender ? `from ${d.sender}` : '', d.query ? `about "${d.query}"` : '', dates].filter(Boolean).join(' ');
}

export function describeDates(d: { from?: string; to?: string; phrase?: string }, lang: Lang): string {
  if (!d.from && !d.to) return '';
  if (lang === 'zh') {
    const span = d.from && d.to ? (d.from === d.to ? `${d.from}（${ZH_WEEKDAY[weekdayOf(d.from)]}）` : `${d.from} 至 ${d.to}`) : d.from ? `${d.from} 以来` : `${d.to} 以前`;
    return d.phrase && !/\d{4}-\d{2}-\d{2}/.test(d.phrase) ? `${d.phrase}（${span.replace(/（.*）/, '')}）` : span;
  }
  if (d.from && d.to) {
    const span = d.from === d.to ? `${EN_WEEKDAY[weekdayOf(d.from)]} ${d.from}` : `${d.from} – ${d.to}`;
    if (d.phrase && !/\d{4}-\d{2}-\d{2}/.test(d.phrase)) return `${d.phrase} (${span})`;
    return d.from === d.to ? `on ${span}` : `between ${d.from} and ${d.to}`;
  }
  return d.from ? `since ${d.from}` : `before ${d.to}`;
}

/** The applied filters of a search result, as a description. */
export function searchDescription(result: SearchEmailsResult, phrase?: string): SearchDescription {
  const f = result.filters;
  return {
    ...(f.sender ? { sender: f.sender } : {}),
    ...(f.query ? { query: f.query } : {}),
    ...(f.after ? { from: f.after } : {}),
    ...(f.before ? { to: shiftDay(f.before, -1) } : {}),
    ...(phrase ? { phrase } : {}),
  };
}

function senderName(from: string): string {
  const m = /^(.*?)\s*<[^>]+>$/.exec(from);
  return m?.[1] || from;
}

function listLine(e: FoundEmail, i: number, lang: Lang): string {
  const subject = e.subject || (lang === 'zh' ? '（无主题）' : '(no subject)');
  return lang === 'zh' ? `${i + 1}. **${subject}** — ${senderName(e.from)}，${e.date}` : `${i + 1}. **${subject}** — ${senderName(e.from)}, ${e.date}`;
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
  if (lang === 'zh') {
    const head = `找到 ${result.total} 封${what}${result.total > shown ? `，以下是最新的 ${shown} 封` : ''}：`;
    return `${head}\n\n${list}${shown > 1 ? '\n\n可以说“打开第二封”查看某一封的全文。' : ''}`;
  }
  const count = `${result.total} ${result.total === 1 ? 'email' : 'emails'}`;
  const head = `I found ${count}${what.replace(/^emails/, '')}${result.total > shown ? `; here are the ${shown} newest` : ''}:`;
  return `${head}\n\n${list}${shown > 1 ? '\n\nSay "open the second one" to read one in full.' : ''}`;
}

export function emailAnswer(e: ReadEmailResult, lang: Lang, note?: string): string {
  const body = e.body.length > BODY_CHARS_IN_ANSWER ? `${e.body.slice(0, BODY_CHARS_IN_ANSWER).trimEnd()} …` : e.body;
  const quoted = body
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
  const lines =
    lang === 'zh'
      ? [`**${e.subject || '（无主题）'}**`, `发件人：${e.from}`, `收件人：${e.to.join(', ') || '—'}`, ...(e.cc.length ? [`抄送：${e.cc.join(', ')}`] : []), `时间：${e.date}`]
      : [`**${e.subject || '(no subject)'}**`, `From: ${e.from}`, `To: ${e.to.join(', ') || '—'}`, ...(e.cc.length ? [`Cc: ${e.cc.join(', ')}`] : []), `Date: ${e.date}`];
  return `${note ? `${note}\n\n` : ''}${lines.join('  \n')}\n\n${quoted}`;
}

export function reportAnswer(r: ReadDailyReportResult, lang: Lang): string {
  const day = lang === 'zh' ? `${r.date}（${ZH_WEEKDAY[weekdayOf(r.date)]}）` : `${EN_WEEKDAY[weekdayOf(r.date)]}, ${r.date}`;
  if (!r.report) return lang === 'zh' ? `${day} 没有日报。` : `There is no daily report for ${day}.`;
  const { summary, highlights, statistics: s } = r.report;
  const parts: string[] = [lang === 'zh' ? `**${day} 的日报**` : `**Daily report for ${day}**`, summary];
  if (highlights.length) {
    parts.push((lang === 'zh' ? '**要点**\n' : '**Highlights**\n') + highlights.map((h) => `- ${h.text}`).join('\n'));
  }
  const top = s.topSenders.slice(0, 3).map((t) => `${t.name} (${t.count})`).join(', ');
  if (lang === 'zh') {
    parts.push(`共 ${s.total} 封邮件，${s.threads} 个会话。${top ? `发件最多：${top}。` : ''}${s.needsReply.length ? `待回复：${s.needsReply.map((n) => `“${n.subject}”（${senderName(n.from)}）`).join('、')}。` : ''}`);
  } else {
    parts.push(
      `${s.total} emails in ${s.threads} threads.${top ? ` Top senders: ${top}.` : ''}${s.needsReply.length ? ` Waiting for your reply: ${s.needsReply.map((n) => `"${n.subject}" from ${senderName(n.from)}`).join('; ')}.` : ''}`,
    );
  }
  return parts.join('\n\n');
}

export function reportListAnswer(r: ListDailyReportsResult, lang: Lang, phrase?: string): string {
  const span = describeDates({ from: r.from, to: r.to, ...(phrase ? { phrase } : {}) }, lang);
  if (r.reports.length === 0) {
    return lang === 'zh' ? `${span}没有日报。` : `I found no daily reports ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`}.`;
  }
  const lines = r.reports.map((x) =>
    lang === 'zh' ? `- **${x.date}**（${x.emails} 封）：${x.summary}` : `- **${x.date}** (${x.emails} emails): ${x.summary}`,
  );
  return lang === 'zh'
    ? `${span}的日报（${r.reports.length} 份）：\n\n${lines.join('\n')}\n\n想看某一天的详情，可以说“2026-11-19 的日报”这样的话。`.replace('2026-11-19', r.reports[0]!.date)
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
    .map((i) => (lang === 'zh' ? `- **${i.subject}**（${i.from}，${i.date}）` : `- **${i.subject}** from ${i.from} (${i.date})`));
  const more = items.length - lines.length;
  if (more > 0) lines.push(lang === 'zh' ? `- ……还有 ${more} 个（可以问某一天的日报查看）` : `- … and ${more} more (ask for one day's report to see them)`);
  return lang === 'zh'
    ? `${span}有 ${items.length} 个会话在等你回复：\n\n${lines.join('\n')}`
    : `${items.length} thread${items.length === 1 ? ' is' : 's are'} waiting for your reply ${span.startsWith('on ') || span.startsWith('between') ? span : `for ${span}`}:\n\n${lines.join('\n')}`;
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
  noPrevious: {
    en: 'I have no earlier question to follow up on. Ask me something like "emails from Li Wei yesterday" first.',
    zh: '之前没有可以接着问的问题。可以先问比如“李伟昨天发的邮件”。',
  },
} as const;
