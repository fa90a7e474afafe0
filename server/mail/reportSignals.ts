/**
 * What a daily report looks for in a message's own text (quoted replies and
 * signatures left out): deadlines, requests, questions, in English and
 * Chinese. Plain patterns, no model: reports must be cheap to rebuild and
 * the same every time.
 */

const WEEKDAY_EN = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const MONTH_EN = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
const DEADLINE_EN = new RegExp(
  '\\b(?:by|before|until|no later than|due(?: on| by)?)\\s+(?:the\\s+)?(?:' +
    [
      'end of (?:the\\s+)?(?:day|week|month)',
      'eod|eow|cob',
      'tomorrow|tonight|today|noon|midnight',
      `(?:next\\s+|this\\s+)?${WEEKDAY_EN}`,
      `${MONTH_EN}\\s+\\d{1,2}\\b`,
      '\\d{1,2}(?::\\d{2})?\\s*(?:am|pm)\\b',
      '\\d{1,2}:\\d{2}',
      '\\d{4}-\\d{2}-\\d{2}',
    ].join('|') +
    ')|\\bdeadline\\b',
  'i',
);
const DAY_ZH = '(?:今天|今晚|明天|明早|后天|本周[一二三四五六日天]?|下周[一二三四五六日天]?|周[一二三四五六日天]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|\\d{1,2}月\\d{1,2}[日号]|月底|年底|下班)';
// "前" but not the 前 of 前端 / 前台 (front end, front desk).
const DEADLINE_ZH = new RegExp(`${DAY_ZH}[^，。；！？\\n]{0,8}?(?:之前|以前|前(?![端台面期]))|截止`);

const ACTION_EN = /\b(?:please|pls|could you|can you|would you|will you|kindly|let me know|need you to|make sure|action item)\b/i;
const NOT_ACTION_EN = /\b(?:please (?:welcome|note|find|see|ignore)|if you have any questions)\b/i;
// 请 as "please", not as part of 申请 / 邀请 / 聘请.
const ACTION_ZH = /(?<![申邀聘宴])请|麻烦|需要你|帮忙|务必|尽快/;
const NOT_ACTION_ZH = /^(?:如有|如需|若有)/;
const QUESTION = /[?？]\s*$|[吗呢][？?。]?\s*$/;

const QUOTE_HEADER = /^(?:On .+wrote:|在.+写道[:：]|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,})\s*$/i;

/** The text the sender wrote in this message: up to the quoted reply or the signature, quoted lines dropped. */
export function ownText(body: string): string {
  const out: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (QUOTE_HEADER.test(line.trim()) || line === '-- ' || line === '--') break;
    if (!line.startsWith('>')) out.push(line);
  }
  return out.join('\n').trim();
}

/** Sentences, one per line part; list markers ("1.") stay with their item. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const parts = line.split(/(?<=[.!?])\s+(?=\S)|(?<=[。！？；])/);
    let carry = '';
    for (const raw of parts) {
      const part = raw.trim();
      if (!part) continue;
      if (/^\d+[.)]$/.test(part)) {
        carry = part + ' ';
        continue;
      }
      out.push(carry + part);
      carry = '';
    }
  }
  return out;
}

export interface MailSignals {
  /** Sentences naming a deadline. */
  deadlines: string[];
  /** Requests without a deadline. */
  actions: string[];
  /** The message asks something or requests something. */
  asks: boolean;
}

export function isDeadline(sentence: string): boolean {
  return DEADLINE_EN.test(sentence) || DEADLINE_ZH.test(sentence);
}

export function isAction(sentence: string): boolean {
  return (
    (ACTION_EN.test(sentence) && !NOT_ACTION_EN.test(sentence)) ||
    (ACTION_ZH.test(sentence) && !NOT_ACTION_ZH.test(sentence))
  );
}

export function findSignals(body: string): MailSignals {
  const deadlines: string[] = [];
  const actions: string[] = [];
  let question = false;
  for (const s of sentences(ownText(body))) {
    if (QUESTION.test(s)) question = true;
    if (isDeadline(s)) deadlines.push(s);
    else if (isAction(s)) actions.push(s);
  }
  return { deadlines, actions, asks: question || deadlines.length > 0 || actions.length > 0 };
}

const MACHINE_ADDRESS = /(?:^|[._+-])(?:no-?reply|do-?not-?reply|notifications?|newsletters?|digest|mailer-daemon|postmaster|billing|alerts?|bounces?)(?:[._+-]|@)/i;

/** Mail written by a system: newsletters, notifications. Nobody expects an answer. */
export function isAutomated(e: { fromAddress: string; labels: readonly string[] }): boolean {
  return e.labels.includes('newsletter') || e.labels.includes('notification') || MACHINE_ADDRESS.test(e.fromAddress);
}

/** Sent to everyone (HR, office, finance notices): may carry deadlines, but asks nobody in particular for a reply. */
export function isBroadcast(e: { labels: readonly string[] }): boolean {
  return e.labels.includes('announcement');
}
