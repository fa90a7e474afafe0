/**
 * The question read against the conversation and the user's own mailbox:
 * the grammar's reading (understand.ts), then senders recognised from the
 * contacts, topic words kept only when they occur in the mail, counting and
 * label intents, and whether the turn refines the previous question.
 */
import { cutWords } from '../../../server/mail/segment.ts';
import { dayInView, type ConversationView, type ToolExchange } from './conversation.ts';
import { contactWords, findContactMentions, romanizedCompanyMentions, translatedNameMentions, type MailKnowledge } from './knowledge.ts';
import { parseNumber } from './numbers.ts';
import { corrections, correctWords } from './typos.ts';
import { detectLanguage } from './language.ts';
import { asksForLatest, countIntent, countsAmongThem, INTENT_WORDS_EN, isLabelWord, labelIntent, looksLikeRefinement, withoutLabelWords } from './mailIntents.ts';
import { correctDateTypos, findDates, withoutDates } from './dateExpressions.ts';
import { understand, type Understanding } from './understand.ts';

/** Calls whose filters a follow-up can keep. */
export const FILTERED_CALLS = new Set(['search_emails', 'count_emails']);

/** Chinese words that only say what kind of question it is. */
const INTENT_WORDS_ZH =
  /^(?:一共|总共|共有|几封|多少封|多少|数量|谁|最多|最少|最忙|最频繁|最常|哪天|哪一天|哪个|会话|最长|紧急|重要|要紧|加急|新闻简报|简报|订阅|发出去|发出|发送|已发送|发的|发了|发来|发过|发|写的|收到|收的|来信|邮件|信件|消息|只看|只要|仅|就看|其中|里面|一下|是不是|是否|吗|呢|的|了|给我|给|我|打开|看看|看|最新|最近|那封|一封|那|这|之间|期间|这段时间|这几天|以内|之内|列出来|列出|列一下|都|全部|显示出来|出去|瞅瞅|瞅|啥|有啥|上午|下午|晚上|早上|中午|进展|进度|情况|咋样|怎么样|如何)+$/;

/** Characters that never start or continue a topic word on their own (particles, pronouns, verbs of asking). */
const PARTICLES = new Set('的了吗呢吧啊呀么和与及或是在我你他她它给发找查问说要想把被从到对那这哪谁几多封个条帮请跟和有没'.split(''));

/** Words that say what follows is the topic ("about the printer", 关于打印机). */
const NAMES_A_TOPIC = /\b(?:about|regarding|concerning|mentioning)\b|关于|有关|相关|提到|涉及/i;
const SENDER_WORDS_EN = /\b(?:from|by|sent\s+by|written\s+by)\s*$/i;

export function previousFiltered(conv: ConversationView): ToolExchange | undefined {
  return [...conv.earlier].reverse().find((e) => FILTERED_CALLS.has(e.name) || e.name === 'read_daily_report' || e.name === 'list_daily_reports');
}

function stripMentions(text: string, mentions: { text: string }[]): string {
  let out = text;
  for (const m of mentions) out = out.split(m.text).join(' ');
  return out;
}

/** Topic words of a reading, without names, intent words and fillers. */
function topicWords(topic: string, lang: 'en' | 'zh'): string {
  const latin = topic
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w && !INTENT_WORDS_EN.has(w.toLowerCase()));
  const joined = latin.join(' ');
  if (lang === 'en' && !/[\u3400-\u9fff]/.test(joined)) return joined;
  // Chinese: cut into words so intent words can go, keep the rest.
  // Characters jieba leaves alone ("看", "板" of 看板) join back into runs; particles end a run.
  const cut: string[] = [];
  let run = '';
  const flush = () => {
    if (run) cut.push(run);
    run = '';
  };
  for (const w of cutWords(joined)) {
    if (/^[\u3400-\u9fff]$/.test(w) && !PARTICLES.has(w)) run += w;
    else {
      flush();
      cut.push(w);
    }
  }
  flush();
  const words = cut
    // Whole words that only say what kind of question it is, and lone characters (particles), are not a topic.
    .filter((w) => !INTENT_WORDS_ZH.test(w) && !/^[\u3400-\u9fff]$/.test(w) && !INTENT_WORDS_EN.has(w.toLowerCase()) && /[\p{L}\p{N}]/u.test(w));
  return joinTogether(words, joined);
}

/** Chinese words that stood together in the question stay together ("第三季度预算调整"). */
function joinTogether(words: string[], source: string): string {
  const together = words.join('');
  if (words.length > 1 && /^[\u3400-\u9fff]+$/.test(together) && source.replace(/\s+/g, '').includes(together)) return together;
  return words.join(' ');
}

/** "that day", 那天: the day the conversation was just about, written out so that the rest reads it as a date. */
const THAT_DAY_EN = /\b(?:(?:on|from|for)\s+)?(?:that|the\s+same)\s+day\b(?!'|\s+before|\s+after)/gi;
const THAT_DAY_ZH = /那天|当天|那一天|同一天/g;

/** After a count (or a list): "show them", "list them", 列出来, 给我看看 — the counted emails, listed. */
const LIST_THEM_EN = /^\s*(?:what|which)\s+(?:are|were)\s+(?:they|those|these|them)\s*\??\s*$|^\s*(?:(?:ok(?:ay)?|so|now|then|and|great|thanks)[,!.]?\s+)*(?:(?:please|can\s+you|could\s+you)\s+)?(?:show|list|display|give|let\s+me\s+see)\s+(?:me\s+)?(?:them|em|'em|those|these|the\s+(?:emails|mails|messages|list)|those\s+(?:emails|mails|messages))(?:\s+(?:all|please))?\s*[.!?]*\s*$/i;
const LIST_THEM_ZH = /^\s*(?:那|好的?|那就)?[，,]?\s*(?:把)?(?:它们|这些|那些)?(?:邮件)?(?:都|全部|全)?(?:列出来|列一下|列出|显示出来|展示一下|给我看看|给我看一下|看看|是什么|是哪些|有哪些|是哪几封)(?:看看|吧|呢|一下)?\s*[。！!？?]*\s*$/;

/** "which of them came today", 哪些是今天的: the emails themselves, not a number. */
const ASKS_WHICH = /\bwhich\b|^\s*(?:now\s+|ok(?:ay)?,?\s+)?(?:list|show)\b|哪些|哪几封|是哪|列出/i;

const QUOTED = /["“《「『]([^"”》」』]{3,120})["”》」』]|(?<![\w])['‘]([^'’]{3,120})['’](?![\w])/;
const OPENS_QUOTED = /\b(?:open|read|show\s+me\s+the\s+(?:email|mail|message)|what\s+(?:does|did)\b[^?]*\bsay)\b|打开|看看|查看|读一下|说了什么|讲了什么/i;
const ADDRESS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;

/** The words just before a contact that make it the recipient of what the user sent. */
const SENT_TO_BEFORE = /(?:\b(?:sen[dt]|wrote|write|written|e-?mailed|mailed|forwarded|replied|reply|cc'?d)\s+(?:(?:an?|any|the|some)\s+)?(?:(?:e-?mails?|mails?|messages?)\s+)?(?:to\s+)?|(?:发给|写给|回复给|给))\s*$/i;

/** After a list of daily reports: "open the one for the 12th", 打开12号的 — that day's report. */
const OPENS_EN = /\b(?:open|read|show)\b/i;
const OPENS_ZH = /打开|看看|查看|看一下/;

/**
 * The name and the topic words stand together as one phrase ("Sakura Systems security questionnaire"), not "from
 * Sakura Systems". English only: in Chinese a name before a noun is whose it is (GitHub通知).
 */
function namesASubject(question: string, name: string, words: string[]): boolean {
  const q = question.toLowerCase();
  const at = q.indexOf(name.toLowerCase());
  if (at < 0 || !words[0] || /[\u3400-\u9fff]/.test(name)) return false;
  const before = q.slice(0, at);
  const after = q.slice(at + name.length).trimStart();
  return !/\b(?:from|by|sent\s+by|written\s+by)\s*$/.test(before) && after.startsWith(words[0].toLowerCase());
}

/** Contacts' names typed with one slip ("githb", "kenjii"), unless the mail has the word as typed. */
async function withContactsSpelt(text: string, k: MailKnowledge): Promise<string> {
  const known = contactWords(k.contacts);
  const found = corrections(text, known);
  if (found.size === 0) return text;
  const g = await k.ground([...found.keys()].join(' '));
  const inMail = new Set(g.words.filter((w) => found.has(w) && !g.corrections.some((c) => c.from === w)));
  return correctWords(text, known, inMail);
}

export async function readQuestion(conv: ConversationView, k: MailKnowledge | undefined): Promise<Understanding> {
  const day = dayInView(conv);
  // "yesterdy", "githb": date words and contacts' names typed with one slip.
  const typed = correctDateTypos(k ? await withContactsSpelt(conv.question, k) : conv.question);
  const q = day ? typed.replace(THAT_DAY_EN, ` on ${day} `).replace(THAT_DAY_ZH, day) : typed;
  const base = understand(q, conv.today);
  // The person the mail went to is no sender ("emails I sent to Li Wei").
  const notRecipient = (m: { text: string }) => !base.recipient || (!base.recipient.includes(m.text) && !m.text.includes(base.recipient));
  const byName = k ? findContactMentions(q, k.contacts, k.ownAddresses).filter(notRecipient) : [];
  const romanized = k ? (await romanizedCompanyMentions(q, k.contacts, k.ownAddresses, byName)).filter(notRecipient) : [];
  const translated = k ? translatedNameMentions(q, k.contacts, k.ownAddresses, [...byName, ...romanized]).filter(notRecipient) : [];
  const mentions = [...byName, ...romanized, ...translated];
  // "emails from 李伟 last week" is an English question: names do not decide the language.
  const lang = mentions.length ? detectLanguage(stripMentions(q, mentions)) : base.lang;
  const u: Understanding = lang === base.lang ? base : { ...understand(q, conv.today), lang };
  const REPORT_WORDS = /\b(?:daily\s+)?(?:reports?|summar(?:y|ies)|digests?|recaps?|briefings?|overview|highlights?)\b|日报|每日报告|每日摘要|每日总结|报告|总结|概括|摘要|汇总|概况/gi;
  if ((u.intent === 'read_report' || u.intent === 'list_reports') && !u.range && k) {
    // "华东区客户需求汇总" names mail, not a report: words the mail has, beyond the report words, make it a search.
    const rest = topicWords(stripMentions(q, mentions).replace(REPORT_WORDS, ' '), lang);
    const g = rest ? await k.ground(rest) : undefined;
    if (g && g.words.length > 0) return { lang, intent: 'search', topic: g.words.join(' ') };
  }
  if (u.onlySender) {
    const said = u.sender!.toLowerCase();
    const named = mentions.find((m) => m.text.toLowerCase().includes(said) || said.includes(m.text.toLowerCase())) ?? mentions[0];
    return { lang, intent: 'read_latest', sender: named ? (named.sender ?? named.text) : u.sender!, ...(u.range ? { range: u.range } : {}) };
  }
  const prev = previousFiltered(conv);
  // A subject quoted ("the thread called "Renewal of …"", 《第三季度预算调整》): searched as written, names in it included.
  const quoted = QUOTED.exec(q);
  const subject = (quoted?.[1] ?? quoted?.[2])?.trim();
  if (subject && subject.length >= 3) {
    return { lang, intent: OPENS_QUOTED.test(q) ? 'read_latest' : 'search', topic: subject, ...(base.range ? { range: base.range } : {}) };
  }
  if (prev && FILTERED_CALLS.has(prev.name) && (lang === 'zh' ? LIST_THEM_ZH : LIST_THEM_EN).test(q)) return { lang, intent: 'search', refine: true };
  // "The one before that" and "next one" move within the previous list or span (the planner answers when there is none); they name nothing else.
  if (u.shiftSpan || u.step || ['greeting', 'thanks', 'identity', 'help', 'unsupported', 'read_listed', 'read_report', 'list_reports', 'needs_reply', 'deadlines'].includes(u.intent)) {
    return u;
  }
  const group = countIntent(q, lang);
  const label = labelIntent(q);
  const unknown: string[] = [];

  // Senders: a contact named anywhere in the question wins over the grammar's guess; of several, the one the grammar
  // read as the sender ("emails from David about Contoso"), and a name in the grammar's topic then stays the topic.
  const lower = (s: string) => s.toLowerCase();
  // "tagged hr", "finance emails": the label's own word is neither a sender nor a topic.
  let senders = label ? mentions.filter((m) => !isLabelWord(label, m.text)) : mentions;
  // "did i send to zhang wei", "emails I sent tom", 我给Laura发过: a contact right after the sending is whom it went to.
  const sentTo = !u.recipient && label === 'sent' ? senders.find((m) => SENT_TO_BEFORE.test(q.slice(0, m.index))) : undefined;
  // A sender written as an address is that address, not the company a word of it names.
  const address = ADDRESS.exec(q);
  if (address && !sentTo && !u.recipient && !SENT_TO_BEFORE.test(q.slice(0, address.index))) {
    senders = senders.filter((m) => m.index < address.index || m.index >= address.index + address[0].length);
  }
  if (sentTo) {
    u.recipient = sentTo.sender ?? sentTo.text;
    senders = senders.filter((m) => m !== sentTo);
    if (u.sender && (lower(u.sender).includes(lower(sentTo.text)) || lower(sentTo.text).includes(lower(u.sender)))) delete u.sender;
  }
  const grammarSender = base.sender ? senders.find((m) => lower(base.sender!).includes(lower(m.text)) || lower(m.text).includes(lower(base.sender!))) : undefined;
  const mention = grammarSender ?? senders[0];
  const names = grammarSender ? mentions.filter((m) => m === grammarSender || !(base.topic && lower(base.topic).includes(lower(m.text)))) : mentions;
  let dropped: string | undefined;
  if (mention) {
    u.sender = mention.sender ?? mention.text;
  } else if (u.sender && /谁|哪/.test(u.sender)) {
    // "谁给我发的邮件最多": the question word, not a sender.
    delete u.sender;
  } else if (u.sender && label === 'sent' && /^(?:i|me|my|我)$/i.test(u.sender)) {
    delete u.sender;
  } else if (u.sender && label && isLabelWord(label, u.sender)) {
    delete u.sender;
  } else if (u.sender && k && label && !/[A-Z\u3400-\u9fff@]/.test(u.sender)) {
    // "important mail from customers": a word, not someone in the mailbox.
    unknown.push(u.sender);
    dropped = u.sender;
    delete u.sender;
  }

  /** Topic words of which the mail has none at all. */
  let unfound: string[] = [];
  // Topic: what is left once names, dates and intent words are gone, and only words the mail has.
  const topicOf = async (raw: string | undefined): Promise<string | undefined> => {
    let t = raw ? withoutLabelWords(stripMentions(raw, names)) : undefined;
    if (u.sender && t) t = t.split(u.sender).join(' ');
    if (t) t = topicWords(t.replace(SENDER_WORDS_EN, ' '), lang);
    if (t && label) t = t.split(/\s+/).filter((w) => !isLabelWord(label, w)).join(' ');
    // "the last 5 newsletters", 最近5封: the number is how many to show.
    if (t && u.limit) t = t.split(/\s+/).filter((w) => parseNumber(w) !== u.limit).join(' ');
    // Pieces of a name the grammar had already cut apart ("华新科技" read as 华 … 科技) are not a topic either.
    if (t) t = t.split(/\s+/).filter((w) => !names.some((m) => m.text.includes(w))).join(' ');
    if (t && k) {
      const g = await k.ground(t);
      unknown.push(...g.ignoredWords);
      unfound = g.words.length === 0 ? g.ignoredWords : [];
      t = joinTogether(g.words, t);
    }
    return t || undefined;
  };
  let topic = await topicOf(u.topic);
  if (!topic && k) {
    // The grammar found no topic (or only filler): whatever words are left may still name one ("帮我找找 security questionnaire 相关的邮件").
    unknown.length = 0;
    const undated = withoutDates(q, findDates(q, conv.today));
    const rest = u.recipient ? undated.split(u.recipient).join(' ') : undated;
    topic = await topicOf(dropped ? rest.split(dropped).join(' ') : rest);
    if (dropped) unknown.push(dropped);
  }
  if (topic && mention && k) {
    // A topic word the named sender never writes is not a filter on their mail ("GitHub 的通知": GitHub writes no 通知).
    const words = topic.split(/\s+/).filter(Boolean);
    const named = mention.text.toLowerCase();
    // One name can write from several addresses: all of them are this sender.
    const addresses = k.contacts
      .filter((c) => c.address === mention.address || c.names.some((n) => n.toLowerCase() === named) || (mention.sender !== undefined && c.address.endsWith(`@${mention.sender}`)))
      .map((c) => c.address);
    const present = await k.inSendersMail(words, addresses);
    const kept = words.filter((_, i) => present[i]);
    if (kept.length === 0 && lang === 'en' && namesASubject(q, mention.text, words)) {
      // "the sakura systems security questionnaire thread": a company that never writes these words, named with them
      // as one phrase (no "from"), is part of what the mail is about.
      topic = `${mention.text} ${topic}`;
      delete u.sender;
    } else if (kept.length < words.length) {
      u.notFromSender = words.filter((_, i) => !present[i]);
      topic = kept.join(' ') || undefined;
    }
  }
  if (!topic && !u.sender && unfound.length && NAMES_A_TOPIC.test(q)) {
    // Asked about something the mail never mentions ("emails about the printer"): searched as asked, so the answer is
    // "none", not every email. Without such a word, what is left may be words the grammar did not remove (还有, 出去).
    topic = unfound.join(' ');
    const searched = new Set(unfound);
    unknown.splice(0, unknown.length, ...unknown.filter((w) => !searched.has(w)));
  }
  if (topic) u.topic = topic;
  else delete u.topic;
  if (label) u.label = label;
  if (unknown.length) u.unknown = unknown;

  if (group) {
    u.intent = 'count';
    u.group = group;
    // Whom the user writes to is read in what the user sent (the inbox has the user as its recipient).
    if (group === 'recipient') u.label ??= 'sent';
  } else if (u.intent === 'unknown' && (label || u.sender || u.topic || u.range)) {
    u.intent = 'search';
  }

  if (prev?.name === 'list_daily_reports' && u.range && u.range.from === u.range.to && !u.sender && !u.topic && (lang === 'zh' ? OPENS_ZH : OPENS_EN).test(q)) {
    return { lang, intent: 'read_report', range: u.range };
  }
  if (prev && FILTERED_CALLS.has(prev.name)) {
    const hasOwnFilters = !!(u.sender || u.topic || u.range || u.label || u.shiftDays);
    // The newest of what was only counted: found first, with the count's filters, then opened.
    if (asksForLatest(q, lang) && !hasOwnFilters && !group) return prev.name === 'count_emails' ? { lang, intent: 'read_latest', refine: true } : { ...u, intent: 'read_newest' };
    if (u.intent === 'count' && !hasOwnFilters) return { ...u, refine: true };
    // Counted within the previous result: its filters stay, and what the turn names is added to them.
    if (u.intent === 'count' && countsAmongThem(q, lang)) return { ...u, refine: true, narrow: true };
    if ((u.intent === 'search' || u.intent === 'follow_up' || u.intent === 'unknown' || u.intent === 'count') && (u.intent === 'follow_up' || looksLikeRefinement(q, lang))) {
      const narrow = /\b(?:only|just)\b|只看|只要|^\s*只|仅|其中|里面/i.test(q);
      // A refinement of a count stays a count ("and just this month?"), unless it asks which ones.
      if (prev.name === 'count_emails' && u.intent !== 'count' && !ASKS_WHICH.test(q)) {
        u.intent = 'count';
        const g = prev.args.group_by;
        u.group = g === 'day' || g === 'sender' || g === 'recipient' || g === 'thread' ? g : 'none';
      } else if (u.intent !== 'count') {
        u.intent = 'search';
      }
      return { ...u, refine: true, ...(narrow ? { narrow } : {}) };
    }
  }
  if (u.intent === 'read_latest' && !(u.sender || u.topic || u.range || u.label)) u.intent = 'search';
  return u;
}
