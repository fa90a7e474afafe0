/**
 * Intents beyond "find emails", read from small English and Chinese pattern
 * tables: counting and ranking ("how many", "who writes most", "busiest day",
 * 几封, 谁发得最多), labels ("urgent", "what I sent", newsletters), "the
 * latest one", and refinements of the previous question ("only from Li Wei",
 * "just this week", 只看李伟的, 上周的呢).
 */
import { KIND_LABELS } from '../tools/labels.ts';
import type { Lang } from './language.ts';

export type CountGroup = 'none' | 'day' | 'sender' | 'recipient' | 'thread';

const GROUP_RULES: { group: CountGroup; en: RegExp; zh: RegExp }[] = [
  // Before 'sender': "who did I email the most" asks "who … most" too, about the other side.
  {
    group: 'recipient',
    en: /\bwho(?:m)?\s+(?:do|did|have|had)\s+(?:i|we)\s+(?:\w+\s+){0,2}?(?:e-?mail(?:ed)?|mail(?:ed)?|writ(?:e|ten)|wrote|sen[dt]|messaged?|contacted|repl(?:y|ied)|cc(?:'?d)?)\b[^?.!]{0,40}\b(?:most|more|often|frequent(?:ly)?)\b|\b(?:top|main|most\s+(?:frequent|common))\s+recipients?\b|\b(?:per|each|by)\s+recipient\b|\bwho\s+(?:gets|receives|got|received)\s+(?:the\s+)?most\s+(?:of\s+)?my\s+(?:mail|e-?mails?)\b/i,
    zh: /我[^，。？?]{0,6}(?:给|向)谁[^，。？?]{0,8}(?:最多|最频繁|最常|最勤)|我[^，。？?]{0,4}最(?:常|经常|多|频繁)(?:给|向)谁|我[^，。？?]{0,4}(?:发|写)(?:邮件)?给谁[^，。？?]{0,6}最多|收件人[^，。？?]{0,6}最多|最多的收件人|(?:按|每个|每位)\s*收件人/,
  },
  {
    group: 'sender',
    en: /\bwho\b[^?.!]{0,40}\b(?:most|more|often|frequent(?:ly)?|top)\b|\btop\s+senders?\b|\b(?:which|what)\s+senders?\b[^?.!]{0,30}\b(?:busiest|most|top|biggest)\b|\b(?:busiest|biggest)\s+senders?\b|\bmost\s+(?:active|frequent)\s+senders?\b|\bwho\s+(?:emails|mails|writes|sends)\s+me\s+(?:the\s+)?most\b|\b(?:per|each|by)\s+(?:sender|person|contact)\b/i,
    zh: /谁[^，。？?]{0,12}(?:最多|最频繁|最常|最勤)|(?:发|写)(?:得|的)?最多的(?:人|是谁)|哪个人[^，。？?]{0,8}最多|发件最多|(?:按|每个|每位)\s*发?\s*(?:件人|联系人)/,
  },
  {
    group: 'day',
    en: /\b(?:which|what)\s+(?:of\s+(?:those|these|the)\s+)?days?\b[^?.!]{0,40}\b(?:busiest|most|biggest|heaviest)\b|\bbusiest\s+day\b|\bday\s+with\s+the\s+most\b|\b(?:per|each|every|by)\s+day\b|\bday[-\s]by[-\s]day\b|\bdaily\s+(?:counts?|breakdown|totals?|numbers?)\b/i,
    zh: /哪(?:一)?天[^，。？?]{0,12}(?:最多|最忙|最频繁)|最忙的(?:一天|是哪天)|哪天最忙|邮件最多的(?:一天|是哪天)|(?:每天|每日|每一天|按天|逐日|分天)[^，。？?]{0,10}(?:多少|几封|数量|统计)/,
  },
  {
    group: 'thread',
    en: /\b(?:longest|biggest|busiest|most\s+active|hottest)\s+(?:thread|conversation|discussion|email\s+thread)s?\b|\b(?:which|what)\s+(?:(?:email|e-mail|mail)\s+)?(?:thread|conversation|discussion)\b[^?.!]{0,30}\b(?:longest|most|biggest|busiest|active)\b|\b(?:per|each|by)\s+(?:thread|conversation)\b/i,
    zh: /哪(?:个|一个|条)(?:会话|对话|讨论|话题|线程|邮件)[^，。？?]{0,8}(?:最长|最多|最热|最活跃)|最长的(?:会话|对话|讨论|线程)|(?:会话|对话|讨论)最长|(?:往来|来回|回复|讨论)(?:得)?最多|最(?:热|活跃)的(?:会话|对话|讨论|话题|线程|邮件)/,
  },
];
const COUNT_EN = /\bhow\s+many\b|^\s*(?:the\s+)?total\s+(?:number\s+of\s+)?(?:e-?mails?|mails?|messages?)\b|\b(?:more|fewer|less)\s+than\s+(?:\d+|one|two|three|four|five|ten)\b|\bat\s+(?:least|most)\s+(?:\d+|one|two|three|four|five|ten)\b|\bhow\s+much\s+(?:mail|email)|\bcount\b|\bnumber\s+of\b|\btotal\s+(?:number|count)\b/i;
const COUNT_ZH = /(?:发了|收到了?|来了)(?:\d+|[一二两俩三仨四五六七八九十]+)(?:封|个|条)?[^，。？?]{0,6}吗|(?<!哪)几封|多少封|统计|多少(?:个|条)?(?:邮件|信|消息)?|一共|总共|共有几|数量|有几(?:个|条)/;

/** "how many …" (none) or a ranking by day, sender or thread; undefined when the question does not count. */
export function countIntent(text: string, lang: Lang): CountGroup | undefined {
  for (const r of GROUP_RULES) if ((lang === 'zh' ? r.zh : r.en).test(text) || r.en.test(text)) return r.group;
  if (COUNT_EN.test(text) || (lang === 'zh' && COUNT_ZH.test(text))) return 'none';
  return undefined;
}

const LABEL_RULES: { label: string; en: RegExp; zh: RegExp }[] = [
  {
    label: 'unread',
    en: /\bunread\b|\bun-read\b|\bunopened\b|\bnot\s+(?:yet\s+)?(?:read|opened)(?:\s+yet)?\b|\b(?:haven'?t|have\s+not|didn'?t)\s+(?:yet\s+)?(?:read|opened|looked\s+at)\b/i,
    zh: /未读|没读|没有读|还没看|没看过|没有看过?|没打开|没有打开|未打开|未查看/,
  },
  { label: 'important', en: /\b(?:urgent|important|high[-\s]priority|critical|pressing)\b/i, zh: /紧急|重要|要紧|急事|加急/ },
  {
    label: 'sent',
    en: /\b(?:i|we)\s+(?:have\s+)?(?:sent|send|wrote|write|emailed|replied|forwarded|copied|cc(?:'?d|ed))(?![\w'])|\b(?:my\s+)?sent\s+(?:mail|emails|items|folder)\b|\bsent\s+by\s+me\b|(?<!\b(?:want|wants|wanted|need|needs|needed|expect|expects|expected)\s)\bfrom\s+me\b/i,
    zh: /(?<![给向对])我(?:[^，。？?的]{0,4})?(?:发出去|发出|寄出|发送)的|(?<![给向对])我(?:[^，。？?]{0,4})?给(?!我)[^，。？?]{1,12}?(?:发|写|回)(?:过|了|的)|(?<![给向对])我(?:[^，。？?的]{0,4})?(?:发出去|寄出去)|(?<![给向对])我(?:昨天|今天|上周|这周|本周|前天|最近)?(?:发了|写了)|(?<![给向对])我(?:昨天|今天|上周|这周|本周|前天|最近)?发的(?:邮件)?|(?<![给向对])我(?:昨天|今天|上周|这周|本周|前天|最近)?(?:发给|写给|回复给)(?!我)|已发送/,
  },
  { label: 'newsletter', en: /\bnewsletters?\b|\bdigests?\s+(?:emails?|mails?)\b/i, zh: /新闻简报|简报|订阅的?(?:邮件|内容)|电子报/ },
  ...KIND_LABELS.map(kindRule),
];

/**
 * A label named as a kind of mail: tagged or labelled with it, its label, tag, category or folder, "<label> emails";
 * in Chinese 财务类邮件, 财务相关的邮件, 财务邮件, 标签是财务. Invitations are the calendar's.
 */
function kindRule({ label, zh }: { label: string; zh: string }): { label: string; en: RegExp; zh: RegExp } {
  const named = `["'“]?${label}["'”]?(?![\\w-])`;
  const invitations = label === 'calendar' ? '|\\b(?:calendar|meeting)\\s+invit(?:es?|ations?)\\b' : '';
  const zhInvitations = label === 'calendar' ? '|(?:日历|日程|会议)邀请' : '';
  return {
    label,
    en: new RegExp(
      `\\b(?:tagged|labell?ed|marked)\\s+(?:as\\s+|with\\s+)?${named}|\\b${label}\\s+(?:label|tag|category|folder)\\b|\\b(?:label|tag|category|folder)\\s+${named}|\\b${label}\\s+(?:e-?mails?|mails?|messages?)\\b${invitations}`,
      'i',
    ),
    zh: new RegExp(`(?:${zh})(?:类|相关|方面)?的?(?:邮件|信)|标签(?:为|是)?[“"]?(?:${zh}|${label})|(?:${zh}|${label})(?:标签|类别|分类)${zhInvitations}`),
  };
}

/** The label words of a question, to keep them out of its topic. */
export function withoutLabelWords(text: string): string {
  let out = text;
  for (const r of LABEL_RULES) out = out.replace(new RegExp(r.en.source, 'gi'), ' ').replace(new RegExp(r.zh.source, 'g'), ' ');
  for (const r of GROUP_RULES) out = out.replace(new RegExp(r.en.source, 'gi'), ' ').replace(new RegExp(r.zh.source, 'g'), ' ');
  return out.replace(new RegExp(COUNT_ZH.source, 'g'), ' ');
}

/** "finance", "HR", 财务, 财务类: a word that only names the label (of the kinds of mail in KIND_LABELS). */
export function isLabelWord(label: string, word: string): boolean {
  const kind = KIND_LABELS.find((k) => k.label === label);
  if (!kind) return false;
  const w = word.trim().toLowerCase();
  return w === label || new RegExp(`^(?:${kind.zh})(?:类|相关|方面)?$`, 'i').test(w);
}

export function labelIntent(text: string): string | undefined {
  for (const r of LABEL_RULES) if (r.en.test(text) || r.zh.test(text)) return r.label;
  return undefined;
}

/** Words that only say what kind of question it is: never a topic. */
export const INTENT_WORDS_EN = new Set(
  ('how many much count counts tally breakdown number total altogether overall who whom whose which day days busiest busy biggest heaviest most more often frequent frequently top ' +
    'thread threads conversation conversations discussion longest urgent important priority critical pressing newsletter newsletters sent send wrote write writes ' +
    'writing emailed replied came come comes arrived arrive got get gets receive received recieved recived recieve mails emails only just ones one pls plz please ' +
    'hey hi hello ok okay catch marked flagged tagged labelled labeled ask asked asking asks his her their can could would u you ur yo pull bring dig fetch grab display read reading unread opened still yet stuff ' +
    'sends sender senders sent wrote busiest active hottest looking doing going how\'s hows ' +
    'week weeks month months year today yesterday tomorrow morning afternoon evening ago past recent recently lately ' +
    'email e-mail mail message messages inbox mailbox whats what say says said newest latest last first open think guess maybe probably was were it is are there that those them these up stuff things anything ' +
    'something new any some me my i we us from by of the a an and or in on at to for with about regarding re show find look see check give list tell ' +
    'mention mentions mentioned mentioning talk talks talked talking anyone anybody someone somebody reply replies respond responded thing').split(' '),
);

const LATEST_EN = /\b(?:latest|newest|most\s+recent|last)\b(?:\s+(?:one|email|e-mail|mail|message))?|\bwhat\s+does\s+the\s+(?:newest|latest)\b/i;
const LATEST_ZH = /最新|最近(?:的)?(?:那|一)封|最后收到/;
const READ_EN = /\b(?:open|read|show|view|see|what\s+(?:does|did)|say|says|tell\s+me)\b/i;
const READ_ZH = /打开|点开|看看|看一下|读|(?:说|讲|写)(?:了|的)?(?:什么|啥|些什么)|内容|说啥|讲啥/;

/** "open the latest one", "what does the newest say", "打开最新的那封": read the newest email. */
export function asksForLatest(text: string, lang: Lang): boolean {
  return lang === 'zh' ? LATEST_ZH.test(text) && READ_ZH.test(text) : LATEST_EN.test(text) && READ_EN.test(text);
}

const REFINE_EN = /^\s*(?:and|but|ok(?:ay)?|so|now|also|then)?\s*(?:only|just|what\s+about|how\s+about|and|also|from|the\s+ones|those|same|but|narrow|filter|limit|which\s+(?:of\s+(?:them|those|these)|ones)|(?:list|show)\s+(?:me\s+)?(?:just\s+|only\s+)?the\s+[\w-]+\s+ones)\b|^\s*(?:(?:only|just)\s+)?(?:from|by|about|in|on|during|since|for)\b[^?]{0,40}\??\s*$/i;
const REFINE_ZH = /^\s*(?:关于|有关)[^，。？?]{0,30}的\s*[？?]?$|^\s*(?:那|那么|还有|换成|改成|只看|只要|只|仅|就看|再看|那就|其中|里面)|呢\s*[？?]?\s*$|^[^，。？?]{0,10}的\s*[？?]?$|^\s*是[^，。？?]{1,10}(?:发的|的)吗/;

/** A short question that still asks anew: a question word or command first, or the mail it is about named ("any newsletters today?", "emails with attachments", 有新闻简报吗, 未读邮件). */
const ASKS_ANEW_EN = /^\s*(?:any|show|list|find|search|get|give|how|what|who|which|where|when|did|do|does|are|is|was|were|open|read|count)\b|\b(?:e-?mails?|mails?|messages?|newsletters?|reports?)\b/i;

const ASKS_ANEW_ZH = /吗|有没有|哪些|多少|几封|什么|谁|邮件|信件|简报|日报/;

/**
 * A count among the mail just listed: "how many of them are from GitHub?", "how many are unread?", 其中有几封是
 * GitHub 发的, 这些里面多少封有附件. A count that names its mail ("how many emails are from GitHub?") asks anew.
 */
const AMONG_THEM_EN = /\bhow\s+many\s+(?:of\s+(?:them|those|these)\b|(?:are|were|is|was|came|come|have|has|need|needs)\b)/i;
const AMONG_THEM_ZH = /(?:其中|这些|它们|这里面|里面|当中)[^，。？?]{0,8}(?:几封|多少)/;

export function countsAmongThem(text: string, lang: Lang): boolean {
  return (lang === 'zh' ? AMONG_THEM_ZH : AMONG_THEM_EN).test(text);
}

/** A short turn that narrows or shifts the previous question rather than asking a new one. */
export function looksLikeRefinement(text: string, lang: Lang): boolean {
  const t = text.trim();
  if (lang === 'zh') return REFINE_ZH.test(t) || (Array.from(t.replace(/\s+/g, '')).length <= 6 && !ASKS_ANEW_ZH.test(t));
  return REFINE_EN.test(t) || (t.split(/\s+/).length <= 3 && !ASKS_ANEW_EN.test(t));
}
