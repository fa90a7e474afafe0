/**
 * What a user's message asks, read with small tables of English and Chinese
 * patterns: the intent (search, read one of the listed emails, a daily
 * report, a follow-up on the previous question…) and its slots (sender,
 * topic, dates, which email). Deterministic: the same words always give the
 * same reading, which the question table in tests/agent pins down.
 */
import type { IsoDay } from '../../../server/time/calendar.ts';
import { combineRanges, findDates, withoutDates, type DateMatch, type DayRange } from './dateExpressions.ts';
import { detectLanguage, type Lang } from './language.ts';
import { EN_ORDINAL_SOURCE, parseEnglishOrdinal, parseNumber } from './numbers.ts';
import { labelIntent, type CountGroup } from './mailIntents.ts';

export type Intent =
  | 'greeting'
  | 'thanks'
  | 'identity'
  | 'help'
  | 'unsupported'
  /** Read an email of the previous answer's list ("open the second one"). */
  | 'read_listed'
  /** Find the newest matching email and read it ("open the latest email from Li Wei"). */
  | 'read_latest'
  | 'read_report'
  | 'list_reports'
  | 'search'
  /** Which emails are still waiting for the user's reply ("what needs a reply this week?"). */
  | 'needs_reply'
  /** What the mail asks of the user: deadlines and to-dos, from the daily reports ("any deadlines this week?"). */
  | 'deadlines'
  /** Same as the previous question with a change: another day, sender or topic ("and the day before?"). */
  | 'follow_up'
  /** How many, who the most, which day the busiest (count_emails). */
  | 'count'
  /** Open the newest email of the previous result ("what does the latest one say?"). */
  | 'read_newest'
  | 'unknown';

export interface Understanding {
  lang: Lang;
  intent: Intent;
  sender?: string;
  /** Whom the mail was sent to ("emails I sent to Li Wei", 发给李伟的). */
  recipient?: string;
  topic?: string;
  range?: DayRange;
  /** 1-based position in the previous list; -1 is the last one. */
  ordinal?: number;
  /** Follow-ups: move the previous dates by this many days. */
  shiftDays?: number;
  /** Follow-ups: the span as long as the previous one, just before (-1) or after (1) it ("the one before that", 前一个呢). */
  shiftSpan?: -1 | 1;
  /** Follow-ups: the next (1) or previous (-1) one, in the order of the previous list ("next one", 下一封). */
  step?: -1 | 1;
  limit?: number;
  /** Only mail with this label (important, sent, newsletter). */
  label?: string;
  /** Counting: how to group. */
  group?: CountGroup;
  /** Words of the question that are neither a contact nor in the mail: not used. */
  unknown?: string[];
  /** Topic words the named sender's mail never has (other mail may): not used as a filter on it. */
  notFromSender?: string[];
  /** Narrows or shifts the previous question: keep its filters. */
  refine?: boolean;
  /** Narrowing ("only", "just", 只看): topic words add to the previous ones. */
  narrow?: boolean;
  /** The question names only whose newest email to open ("what does Kenji want?", 赵磊回复我了吗): no topic. */
  onlySender?: boolean;
}

// ---------------------------------------------------------------- intent tables

const IDENTITY = [
  /\b(?:who|what)\s+are\s+you\b/i,
  /\bare\s+you\s+(?:an?\s+)?(?:ai|llm|bot|robot|human|person|real|language\s+model|gpt|chatgpt)\b/i,
  /\b(?:what|which)\s+(?:model|llm)\b/i,
  /你是谁|你是什么|你是(?:不是)?(?:AI|ai|人工智能|机器人|大模型|语言模型|真人|人)|什么模型|哪个模型/,
];
const HELP = [/^\s*help\b|\bwhat\s+can\s+you\s+do\b|\bhow\s+(?:do|can)\s+i\s+use\b|\bwhat\s+do\s+you\s+do\b/i, /你能做什么|你会什么|你可以做什么|怎么用|帮助|使用说明/];
const GREETING = [/^\s*(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening))\b[\s!.,]*(?:there)?[\s!.]*$/i, /^\s*(?:你好|您好|嗨|哈喽|早上好|下午好|晚上好)[\s！!。,，]*$/];
const THANKS = [/^\s*(?:thanks|thank\s+you|thx|cheers|great|perfect|ok(?:ay)?|cool)\b[\s\w!.,]*$/i, /^\s*(?:谢谢|多谢|感谢|好的|好|明白了|知道了)[\s\S]{0,6}$/];
/** Things a read-only, offline mail assistant cannot do. */
const UNSUPPORTED = [
  /^\s*(?:please\s+|can\s+you\s+|could\s+you\s+|would\s+you\s+|pls\s+)?(?:send|reply|respond|forward|delete|remove|archive|draft|compose|write|schedule|book|unsubscribe|mark|move|star|flag|translate)\b/i,
  /\b(?:weather|stock\s+price|joke|poem|recipe|capital\s+of)\b/i,
  /^\s*(?:请|帮我|帮忙|麻烦|给我)?(?:发送|发一封|回复|回一封|转发|删除|删掉|归档|写一封|写封|起草|安排|预定|预订|订一个|翻译|标记)/,
  /天气|股价|笑话|写首诗|写一首诗/,
];

const NEEDS_REPLY = [
  /\b(?:need(?:s|ed|ing)?|waiting\s+(?:for|on)|awaiting|pending|owe|should)\b[^.?!]{0,25}?\b(?:repl(?:y|ies)|respon(?:se|d)|answer|get\s+back\s+to)\b|\bunanswered\b|\b(?:haven'?t|have\s+not|not\s+yet|didn'?t)\s+(?:i\s+|we\s+)?(?:yet\s+)?(?:replied|answered|responded)\b/i,
  /需要回复|待回复|要回复|需回复|未回复|没回复|没有回复|还没回|要回的|(?:需要|要|该|得|等|让)我(?:来)?回|我(?:还)?(?:要|该|得|需要)回|(?:要|该|得|需要)回(?:信|邮件)?(?:\s*[？?。！!]|吗|呢|$)|需要答复|待答复|没答复/,
];

const DEADLINES = [
  /\b(?:deadlines?|due\s+dates?|action\s+items?|to-?dos?|on\s+my\s+plate)\b|\b(?:what(?:'s|\s+is|\s+are)?|anything|something)\s+(?:coming\s+)?due\b|\bwhat\s+(?:do|should|must)\s+i\s+(?:still\s+)?(?:need\s+to\s+|have\s+to\s+)?do\b/i,
  /截止|到期|期限|待办|(?:要|需要|该|得)(?:做|处理)(?:什么|哪些|的事)/,
];
/**
 * One deadline, or who wrote of it ("the deadline for the Q3 budget", "did anyone mention the deadline?",
 * "青鸟项目的截止日期"): a search of the mail.
 */
const DEADLINE_OF =
  /\b(?:(?<!\b(?:know|knows|think|worry|care|forget|remember)\s+)about|regarding|concerning|from(?=\s*[\p{L}\p{N}])|for\s+(?!(?:today|tomorrow|this|next|the\s+(?:week|month|day)|me)\b)|the\s+deadline\b(?!s)|mention(?:ed|s)?|said|says|wrote|talk(?:ed|s)?\s+about)\b|关于|有关|来自|发来|提到|提过|说过|([^\s，,。？?！!的]{2,})的(?:截止|期限|到期)/iu;
const DEADLINE_OF_ZH_NOT_A_TOPIC = /^(?:最近|近期|本周|这周|这个星期|下周|今天|明天|本月|这个月|我|所有|哪些|什么|有哪些|有什么|有没有)$/;

const ORDINAL_EN = new RegExp(`(?:\\b|(?<![\\w#])(?=#))(?:the\\s+)?(${EN_ORDINAL_SOURCE})(?:\\s+(?:one|email|e-mail|mail|message|result|item))?\\b`, 'i');
const ORDINAL_ZH = /第\s*([一二三四五六七八九十\d]{1,3})\s*(?:封|个|条|篇|项)?|(最后)一(?:封|个|条|篇)/;
const READ_VERB_EN = /\b(?:open|read|show|view|see|display|expand|check|what(?:'s|\s+is|\s+was|\s+does|\s+did)|tell\s+me\s+(?:more\s+)?about|more\s+(?:on|about)|details?\s+(?:of|on|for)|full\s+text)\b/i;
const READ_VERB_ZH = /打开|点开|看看|看一下|看下|看(?=\s*(?:第|最后))|读一下|读|查看|显示|展开|内容|(?:讲|说|写)(?:了|的)?(?:什么|啥|些啥)|详情|全文|详细/;
const OPEN_IT = /^\s*(?:please\s+)?(?:open|read|show)\s+(?:it|that|this)(?:\s+one)?\s*[.!?]*\s*$|^\s*(?:打开|看看|读一下|查看)(?:它|这封|那封)?\s*[。！!？?]*\s*$/i;
const LATEST_EN = /\b(?:latest|newest|most\s+recent|last)\s+(?:email|e-mail|mail|message)\b(?!s)|\bthe\s+(?:latest|newest|most\s+recent)\s+(?:one\s+)?(?:from|by)\b|\bmost\s+recently\b/i;
/** Asking for the single newest email needs no verb: "latest email from the CI", "Kenji 最新的邮件". */
const LATEST_ALONE_EN =
  /\bwhat(?:'s|\s+is)\s+(?:the\s+)?(?:latest|newest)\s+(?:on|about|with|regarding)\b|\b(?:any\s+)?(?:latest|newest)\s+(?:news|update)s?\s+(?:on|about)\b|\b(?:latest|newest|most\s+recent)\s+(?:email|e-mail|mail|message)\b(?!s)|\b(?:latest|newest|most\s+recent)\s+(?:one\s+|thing\s+)?(?:from|by)\b|\bthe\s+last\s+thing\b|\blast\s+(?:email|e-mail|mail|message)\s+(?:from|by)\b|\blast\s+(?:email|e-mail|mail|message)\s+(?:i|we)\s+(?:sent|wrote|emailed)\b/i;
const LATEST_ALONE_ZH = /最新(?:的)?(?:进展|进度|情况|消息)|最新(?:的)?(?:一封|那封)?(?:邮件|信|来信)(?![们里中])|最新(?:的)?一[封期]|最近(?:的)?一[封期]/;
const LATEST_ZH = /(?:最新|最近)(?:的)?(?:一封|那封)?(?:邮件|信)|最新一封|最近一封|最近(?:[^，。？?\s]{0,4}的)?那封/;
/** "open the email about the laptop purchase", 打开那封关于…的邮件: one email, asked to be read (the newest that matches). */
const THE_ONE_EN = /\b(?:open|read|show\s+me)\s+(?:the|that)\s+(?:email|e-mail|mail|message)\b(?!s)|\bwhat\s+(?:did|does)\s+(?:the|that)\s+(?:[\w'-]+\s+){0,6}?(?:email|e-mail|mail|message|note|notice)\s+(?:[\w'-]+\s+){0,5}?(?:say|said|says|tell\s+me|want)\b/i;
const THE_ONE_ZH = /(?:打开|读一下|看看|查看)(?:那|这)封|(?:那|这)封(?:邮件|通知|信)?(?:里)?(?:说|讲|写)(?:了|的)?(?:什么|啥|些什么)/;

/** "what does Kenji want from me?", "what is Robert asking for?", "has Laura replied?", 李伟找我什么事, 赵磊回复我了吗: their newest email, opened. */
const WANTS_EN = /^\s*(?:so\s+|and\s+)?what\s+(?:does|did|is|was|do)\s+(?!(?:i|you|we|they|it|he|she|this|that|the|anyone|anybody|someone|everyone)\b)([A-Za-z\u3400-\u9fff][\w.'\u3400-\u9fff-]*(?:\s+[A-Z][\w.'-]*)?)\s+(?:want(?:s|ing)?|need(?:s|ing)?|asking|ask|expect(?:ing)?)\b[^?]*\??\s*$/i;
const REPLIED_EN = /^\s*(?:has|have|did)\s+(?!(?:i|you|we|they|it|he|she|this|that|the|anyone|anybody|someone|everyone)\b)([A-Za-z\u3400-\u9fff][\w.'\u3400-\u9fff-]*(?:\s+[A-Z][\w.'-]*)?)\s+(?:(?:already|finally)\s+)?(?:replied|reply|responded|respond|answered|answer|written\s+back|write\s+back|gotten\s+back|got\s+back|get\s+back)\b[^?]*\??\s*$/i;
const WANTS_ZH = /^\s*([^\s，,。？?！!]{2,12}?)(?:找我(?:有)?(?:什么|啥)事|想让我(?:做|干)(?:什么|啥)|要我(?:做|干)(?:什么|啥)|(?:回复|回)(?:我)?了(?:吗|没(?:有)?)|有(?:没有)?回复(?:吗)?)\s*[？?]?\s*$/;

const SHIFT_EN = /\b(?:the\s+)?(day|week)\s+(before|after)\b|\bthe\s+(previous|next)\s+(day|week)\b/i;
const SHIFT_ZH = /(?:再)?(?:往)?(前|后)一(天|日|周|星期)|第二天|次日/;
// The whole turn: "the one before that", "and the one after?", 前一个呢, 再往前一个.
const SPAN_SHIFT_EN = /^\s*(?:and|what\s+about|how\s+about)?\s*the\s+one\s+(before|after)(?:\s+(?:that|it|this))?\s*\??\s*$/i;
const SPAN_SHIFT_ZH = /^\s*(?:那|那么)?(?:再)?(?:往)?(前|后)一(?:个|封)(?:呢)?\s*[？?]?\s*$/;
const STEP_EN = /^\s*(?:and|ok(?:ay)?,?|now|then)?\s*(?:(?:open|read|show(?:\s+me)?)\s+)?(?:the\s+)?(next|previous|prior)(?:\s+(?:one|email|mail|message))?(?:,?\s+please)?\s*[?.!]?\s*$/i;
const STEP_ZH = /^\s*(?:那|那么|好的?[，,]?)?(?:再)?(?:打开|看|看看|读|显示)?(下|上)一(?:封|个|条)(?:邮件)?(?:呢|吧)?\s*[？?。]?\s*$/;
const FOLLOW_UP_START = /^\s*(?:and|what\s+about|how\s+about|same\s+for|also|now)\b|^\s*(?:那|那么|还有|换成|改成)|呢\s*[？?]?\s*$/i;

const REPORT_EN = /\b(?:daily\s+)?(?:reports?|summar(?:y|ies)|digests?|recaps?|briefings?|overview|rundown|run-down|round-?up|wrap-?up)\b|\bsummari[sz]e\b|\bcatch\s+me\s+up\b(?!\s+(?:on|about|with)\s+(?!(?:this|last|the\s+past|my|today|yesterday|the\s+(?:week|day|month))\b))|\bbring\s+me\s+up\s+to\s+speed\b|\bwhat\s+happened\b|\bhighlights?\b|\bhow(?:'s|\s+is|\s+was|s)\s+(?:my\s+)?(?:inbox|mailbox|mail|email|day)\b(?:\s+(?:looking|going|doing))?/i;
const REPORT_ZH = /日报|每日报告|每日摘要|每日总结|报告|总结|概括|摘要|汇总|发生了什么|有什么重要|重要的事|概况|(?:邮件|收件箱)(?:的)?(?:情况|状况)(?:怎么样|如何)?/;
const NOT_DAILY_REPORT = /\bweekly\b|\bexpense\b|\bincident\b|\bbug\b|\bstatus\s+report\b|周报|报销|事故/i;
const LIST_EN = /\breports\b|\blist\b|\ball\b|\bsummaries\b/i;
const LIST_ZH = /列出|所有|哪些|几份|列表|每天/;

const MAIL_WORDS = /\b(?:e-?mails?|mails?|messages?|inbox|mailbox|sent|send|wrote|received|got|came|arrived|anything|something)\b|邮件|来信|信件|消息|收件箱|发的|发来|发给我|收到/i;

// ---------------------------------------------------------------- slot tables

const EN_SENDER = [
  /\b([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/,
  /\b(?:from|by|sent\s+by|written\s+by)\s+([^,.;?!"“”()]+)/i,
  /\bdid\s+([^,.;?!]+?)\s+(?:send|write|email|e-mail|mail|forward|reply)\b/i,
  /\bhas\s+([^,.;?!]+?)\s+(?:sent|written|emailed|replied)\b/i,
  /\b(?:e-?mails?|mails?|messages?)\s+(?:that\s+)?([^,.;?!]+?)\s+(?:sent|wrote|forwarded)\b/i,
  /\b([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)'s\s+(?:latest\s+|last\s+|newest\s+|recent\s+)?(?:e-?mails?|mails?|messages?)/,
];
const EN_SENDER_STOP = /\s+(?:between|around|until|till|at|about|regarding|concerning|re|on|in|during|since|before|after|last|this|that|which|with|and|or|to|for|mentioning|containing|related|recently|lately|today|yesterday|sent|send|me|us)\b.*$/i;
const EN_TOPIC = [
  /\b(?:about|regarding|concerning|re:|mentioning|containing|that\s+mention|related\s+to|on\s+the\s+(?:subject|topic)\s+of|titled|with\s+(?:the\s+)?subject)\s+([^?!;]+)/i,
];
const EN_TOPIC_STOP = /\s+(?:from|by|sent|since|before|after|during|in\s+the\s+last|last|this|that\s+(?:i|we)|and\s+(?:the|open|read))\b.*$/i;
const QUOTED = /["“”']([^"“”']{2,80})["“”']/;
// Also what "by …" groups by ("mail by day"): not a sender.
const GENERIC_PEOPLE = /^(?:i|we|me|us|anyone|anybody|someone|somebody|people|them|him|her|you|everyone|everybody|anything|something|to|till|until|through|and|the|day|days|date|week|sender|senders|thread|threads)$/i;

const EN_STOPWORDS = new Set(
  (
    'i me my mine we our you your the a an any anything all some something please can could would will find show search list look ' +
    'looking get give tell check see display pull up for of to in on at from by with about is are was were there have has had do does did ' +
    'got receive received came come arrived arrive sent send emails email e-mails e-mail mail mails messages message inbox mailbox what which who when where how ' +
    'new recent recently latest lately and or that this these those it them hey hi ok okay now just also me? any? every each more most ' +
    'want need like know been be let us me. whats what\'s there\'s many much news update updates word open read view one ones newest last first ' +
    'daily report reports summary summaries summarize summarise digest digests recap recaps briefing briefings overview highlights highlight happened happen'
  ).split(/\s+/),
);

const ZH_FILLERS = /^(?:请|麻烦|帮我|帮忙|给我|我想|我要|想|要|找一下|找找|查一下|查查|查找|搜索|搜一下|搜|看一下|看看|打开|读一下|查看|显示|列出|有没有|有哪些|是否有|有|找|查|看|读|所有|全部|一下|我的|我)+/;
const ZH_NAME_NOISE = /收到了?|哪些|什么|没有|所有|全部|最近|最新|一些|几封|多少|一封|那封|这封|之间|期间/g;
/** Common surnames: "X的邮件" names a sender when X looks like a person's name, else X is the topic. */
const ZH_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const ZH_SENDER = [
  /来自\s*([^，,。？?！!的\s]{1,20})\s*的/,
  /([^，,。？?！!\s]{1,20}?)\s*(?:发给我|发来|寄来|发送|写给我|发过来|回复|发)(?:了)?(?:的|什么|哪些|过)/,
  /([^，,。？?！!\s]{1,20}?)\s*(?:有没有|是否)?给我发/,
  /([^，,。？?！!\s]{1,20}?)\s*(?:最新|最近)?的?(?:一封)?(?:邮件|信件|来信|信|消息)/,
];
const ZH_TOPIC = /(?:关于|有关(?!于)|涉及|提到|包含|主题是|主题为)\s*([^，,。？?！!]+?)(?:的|[，,。？?！!]|$)/;
const ZH_GENERIC = /邮件|信件|来信|消息|的|吗|呢|了|吧|啊|一下|所有|全部|哪些|什么|有没有|有|没有|收到|最近|最新|新|我|给|发|一封|封|请|帮|查|找|看|打开|搜索|列出|显示|内容|[，,。？?！!、\s]/g;
const ZH_REPORT_WORDS = /日报|每日报告|每日摘要|每日总结|报告|总结|概括|摘要|汇总|发生了什么|重要的事|重要|概况|列出|每天|几份|列表/g;
const ZH_NOT_A_SENDER = /^(?:最近|最新|所有|全部|新|我|这些|那些|哪些|什么|重要|未读|今天|昨天|上周|本周)$/;

// ---------------------------------------------------------------- reading

function deadlineOfSomething(text: string): boolean {
  // "what deadlines were mentioned this week?": the deadlines of a span, whoever mentioned them.
  if (/\b(?:what|which|any|all)\s+(?:the\s+)?(?:deadlines|due\s+dates|to-?dos|action\s+items)\b/i.test(text)) return false;
  // "日报里提到哪些截止日期", "deadlines mentioned in the reports": the reports' own deadlines.
  if (/日报|报告|\b(?:daily\s+)?(?:reports?|digests?|summar(?:y|ies))\b/i.test(text)) return false;
  const m = DEADLINE_OF.exec(text);
  return !!m && !(m[1] !== undefined && DEADLINE_OF_ZH_NOT_A_TOPIC.test(m[1]));
}

export function understand(text: string, today: IsoDay): Understanding {
  const lang = detectLanguage(text);
  const base = { lang } as const;
  const matches = findDates(text, today);
  const range = combineRanges(matches);
  const undated = withoutDates(text, matches);
  const rcpt = readRecipient(undated);
  // The recipient's name is neither the sender nor the topic.
  const rest = rcpt ? undated.replace(rcpt.span, ' ') : undated;
  const rc = rcpt ? { recipient: rcpt.name } : {};

  if (IDENTITY.some((re) => re.test(text))) return { ...base, intent: 'identity' };
  if (GREETING.some((re) => re.test(text))) return { ...base, intent: 'greeting' };
  if (HELP.some((re) => re.test(text))) return { ...base, intent: 'help' };
  if (UNSUPPORTED.some((re) => re.test(text)) && !/^\s*did\b/i.test(text)) return { ...base, intent: 'unsupported' };
  if (THANKS.some((re) => re.test(text)) && !MAIL_WORDS.test(text) && !range) return { ...base, intent: 'thanks' };
  if (NEEDS_REPLY.some((re) => re.test(text))) return { ...base, intent: 'needs_reply', ...(range ? { range } : {}) };
  if (DEADLINES.some((re) => re.test(undated)) && !deadlineOfSomething(undated)) return { ...base, intent: 'deadlines', ...(range ? { range } : {}) };

  const asked = WANTS_EN.exec(undated) ?? REPLIED_EN.exec(undated) ?? WANTS_ZH.exec(undated);
  if (asked?.[1]?.trim()) return { ...base, intent: 'read_latest', sender: asked[1].trim(), onlySender: true, ...(range ? { range } : {}) };

  const span = SPAN_SHIFT_EN.exec(text) ?? SPAN_SHIFT_ZH.exec(text);
  if (span) return { ...base, intent: 'follow_up', shiftSpan: span[1] === 'before' || span[1] === '前' ? -1 : 1 };
  const step = STEP_EN.exec(text) ?? STEP_ZH.exec(text);
  if (step) return { ...base, intent: 'follow_up', step: step[1]!.toLowerCase() === 'next' || step[1] === '下' ? 1 : -1 };

  const shift = readShift(text, matches);
  if (shift !== undefined) {
    const { topicExplicit: _, ...changed } = slots(rest.replace(SHIFT_EN, ' ').replace(SHIFT_ZH, ' '), lang);
    return { ...base, intent: 'follow_up', shiftDays: shift, ...changed, ...rc };
  }

  const limit = readLimit(text);
  const { topicExplicit, ...s } = slots(rest.replace(LIMIT_EN, ' ').replace(LIMIT_ZH, ' ').replace(COMPARED_TO, ' '), lang);
  const ordinal = readOrdinal(rest, lang);
  const asksToRead = lang === 'zh' ? READ_VERB_ZH.test(text) : READ_VERB_EN.test(text);
  const latest =
    lang === 'zh'
      ? (LATEST_ZH.test(text) && READ_VERB_ZH.test(text)) || LATEST_ALONE_ZH.test(text) || THE_ONE_ZH.test(text)
      : (LATEST_EN.test(text) && READ_VERB_EN.test(text)) || LATEST_ALONE_EN.test(text) || THE_ONE_EN.test(text);
  if (latest && (s.sender || s.topic || range || rcpt || labelIntent(text) === 'sent')) return { ...base, intent: 'read_latest', ...s, ...rc, ...(range ? { range } : {}) };
  if (ordinal !== undefined && !limit.limit && (asksToRead || isBareOrdinal(text))) return { ...base, intent: 'read_listed', ordinal };
  if (OPEN_IT.test(text)) return { ...base, intent: 'read_listed', ordinal: 1 };

  const wantsReport = (lang === 'zh' ? REPORT_ZH : REPORT_EN).test(text) && !NOT_DAILY_REPORT.test(text);
  if (wantsReport && !s.sender && !topicExplicit) {
    const many = (lang === 'zh' ? LIST_ZH : LIST_EN).test(text) || (range !== undefined && range.from !== range.to);
    return { ...base, intent: many ? 'list_reports' : 'read_report', ...(range ? { range } : {}) };
  }
  if (wantsReport && !topicExplicit) {
    // "summarize Li Wei's emails": a search; words such as "summary" are not the topic.
    delete s.topic;
  }

  if (FOLLOW_UP_START.test(text) && (s.sender || s.topic || range || rcpt) && !MAIL_WORDS.test(rest)) {
    return { ...base, intent: 'follow_up', ...s, ...rc, ...(range ? { range } : {}) };
  }
  if (s.sender || s.topic || range || rcpt || MAIL_WORDS.test(text)) {
    return { ...base, intent: 'search', ...s, ...rc, ...(range ? { range } : {}), ...limit };
  }
  return { ...base, intent: 'unknown' };
}

// "sent/wrote/emailed to X", "(my) emails to X"; 发给X的, 给X发的 (not 给我: that is mail to the user).
const EN_RECIPIENT = /\b(?:(?:sent|send|wrote|write|written|emailed|mailed|forwarded|replied|reply)\s+(?:(?:an?|any|the)\s+)?(?:(?:e-?mails?|mails?|messages?)\s+)?to|(?:e-?mails?|mails?|messages?)\s+to|(?:cc(?:'?d|ed|-?ing|'ing)?|copied|copying)(?:\s+(?:to|in))?)\s+((?!me\b|us\b|myself\b)(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\u3400-\u9fff]{2,4}))/;
const ZH_RECIPIENT = /(?:发给|寄给|写给|回复给)(?!我)([^\s，,。？?！!的了过]{2,12}?)(?=的|了|过|什么|哪些|几|多少|\s|$)|给(?!我)([^\s，,。？?！!的]{2,12}?)(?:发|写|回)(?:的|了|过)/;

function readRecipient(text: string): { name: string; span: string } | undefined {
  // Names keep their capitals; the words before them may start the sentence ("Emails to Sarah").
  const en = EN_RECIPIENT.exec(text.replace(/^\s*[A-Z](?=[a-z])/, (c) => c.toLowerCase()));
  if (en) return { name: en[1]!.trim(), span: text.slice(en.index, en.index + en[0].length) };
  const zh = ZH_RECIPIENT.exec(text);
  const name = zh?.[1] ?? zh?.[2];
  return zh && name ? { name, span: zh[0] } : undefined;
}

/** "the day before", "往后一周": a follow-up's move, unless the words are part of a longer date ("the day before yesterday"). */
function readShift(text: string, dates: DateMatch[]): number | undefined {
  const inDate = (m: RegExpExecArray) => dates.some((d) => d.index <= m.index && m.index + m[0].length <= d.index + d.length && d.length > m[0].length);
  const en = SHIFT_EN.exec(text);
  if (en && !inDate(en)) {
    const unit = (en[1] ?? en[4])!.toLowerCase() === 'week' ? 7 : 1;
    const dir = /before|previous/i.test(en[2] ?? en[3]!) ? -1 : 1;
    return dir * unit;
  }
  const zh = SHIFT_ZH.exec(text);
  if (zh && !inDate(zh)) {
    if (zh[0] === '第二天' || zh[0] === '次日') return 1;
    const unit = zh[2] === '周' || zh[2] === '星期' ? 7 : 1;
    return (zh[1] === '前' ? -1 : 1) * unit;
  }
  return undefined;
}

function readOrdinal(text: string, lang: Lang): number | undefined {
  if (lang === 'zh') {
    const m = ORDINAL_ZH.exec(text);
    if (!m) return undefined;
    return m[2] ? -1 : parseNumber(m[1]!);
  }
  const m = ORDINAL_EN.exec(text);
  return m ? parseEnglishOrdinal(m[1]!.replace(/^number\s+/i, '')) : undefined;
}

/** "the second one", "第二封", "#3": an ordinal on its own. */
function isBareOrdinal(text: string): boolean {
  const t = text.trim().replace(/[.!?。！？]+$/, '');
  return (
    new RegExp(`^(?:and\\s+|now\\s+)?(?:the\\s+)?(?:${EN_ORDINAL_SOURCE})(?:\\s+(?:one|email|mail|message))?$`, 'i').test(t) ||
    /^(?:那|那么)?(?:第\s*[一二三四五六七八九十\d]{1,3}\s*(?:封|个|条|篇)?|最后一(?:封|个|条|篇))(?:呢)?$/.test(t)
  );
}

const LIMIT_EN = /\b(?:top|first|last|latest|newest|recent)\s+(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|twenty)(?=\s+(?:(?!(?:days?|weeks?|months?|years?|hours?)\b)[a-z-]+\s+){0,2}?(?:e-?mails?|mails?|messages?|newsletters?|notifications?|invit(?:es?|ations?)|ones)\b)/i;
const LIMIT_ZH = /(?:最近|最新)的?(\d{1,2}|[一二三四五六七八九十]{1,2})封/;

/** "more than 5", "at least ten": a count's yardstick, never a topic. */
const COMPARED_TO = /\b(?:(?:more|fewer|less)\s+than|at\s+(?:least|most))\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty)\b/gi;

function readLimit(text: string): { limit?: number } {
  const m = LIMIT_EN.exec(text) ?? LIMIT_ZH.exec(text);
  const n = m ? parseNumber(m[1]!) : undefined;
  return n && n >= 1 && n <= 50 ? { limit: n } : {};
}

type Slots = { sender?: string; topic?: string; topicExplicit?: boolean };

function slots(rest: string, lang: Lang): Slots {
  return lang === 'zh' ? chineseSlots(rest) : englishSlots(rest);
}

function englishSlots(text: string): Slots {
  let sender: string | undefined;
  let senderSpan = '';
  for (const re of EN_SENDER) {
    const m = re.exec(text);
    if (!m) continue;
    const candidate = cleanEnglishName(m[1]!);
    if (candidate && !GENERIC_PEOPLE.test(candidate)) {
      sender = candidate;
      senderSpan = m[0];
      break;
    }
  }
  let topic: string | undefined;
  let topicExplicit = false;
  const quoted = QUOTED.exec(text);
  if (quoted) {
    topic = quoted[1]!.trim();
    topicExplicit = true;
  } else {
    for (const re of EN_TOPIC) {
      const m = re.exec(text);
      if (!m) continue;
      const candidate = stripArticles(m[1]!.replace(EN_TOPIC_STOP, '').replace(/\s{2,}.*$/, '')).trim();
      if (candidate && !GENERIC_PEOPLE.test(candidate)) {
        topic = candidate;
        topicExplicit = true;
        break;
      }
    }
  }
  if (!topic) {
    // Words left once sender, dates and the usual phrasing are gone: "find invoices from CloudHost" → "invoices".
    let residual = text;
    if (senderSpan) residual = residual.replace(senderSpan, ' ');
    if (sender) residual = residual.replace(sender, ' ');
    const words = residual
      .replace(/'s\b/g, '')
      .split(/[^\p{L}\p{N}'-]+/u)
      .filter((w) => w && !EN_STOPWORDS.has(w.toLowerCase()));
    if (words.length > 0 && words.length <= 5) topic = words.join(' ');
  }
  return { ...(sender ? { sender } : {}), ...(topic ? { topic, topicExplicit } : {}) };
}

function cleanEnglishName(raw: string): string {
  return stripArticles(raw.replace(/\s{2,}.*$/, '').replace(EN_SENDER_STOP, ''))
    .replace(/'s$/i, '')
    .replace(/\s+(?:team|department|dept)$/i, '')
    .trim();
}

function stripArticles(s: string): string {
  return s.trim().replace(/^(?:the|a|an|our|my|any|all)\s+/i, '').replace(/[\s.?!]+$/, '');
}

function chineseSlots(text: string): Slots {
  let rest = text;
  let topic: string | undefined;
  let topicExplicit = false;
  const t = ZH_TOPIC.exec(rest);
  if (t) {
    topic = t[1]!.replace(/\s+/g, ' ').trim();
    topicExplicit = true;
    rest = rest.replace(t[0], ' ');
  }
  let sender: string | undefined;
  for (const [i, re] of ZH_SENDER.entries()) {
    const m = re.exec(rest);
    if (!m) continue;
    const candidate = cleanChineseName(m[1]!);
    // The last pattern ("X的邮件") is ambiguous: X is a sender only if it looks like a name.
    if (i === ZH_SENDER.length - 1 && !looksLikeName(candidate)) continue;
    if (candidate && (candidate.length >= 2 || /[A-Za-z]/.test(candidate)) && !ZH_NOT_A_SENDER.test(candidate)) {
      sender = candidate;
      rest = rest.replace(m[0], ' ');
      break;
    }
  }
  if (!topic) {
    const residual = rest.replace(ZH_FILLERS, '').replace(ZH_REPORT_WORDS, ' ').replace(ZH_GENERIC, ' ').replace(/\s+/g, ' ').trim();
    if (residual && (/[\u4e00-\u9fff]{2,}/.test(residual) || /[A-Za-z0-9]{2,}/.test(residual)) && residual.length <= 20) topic = residual;
  }
  const quoted = QUOTED.exec(text);
  if (quoted) {
    topic = quoted[1]!.trim();
    topicExplicit = true;
  }
  return { ...(sender ? { sender } : {}), ...(topic ? { topic, topicExplicit } : {}) };
}

function cleanChineseName(raw: string): string {
  return raw.replace(/\s+/g, '').replace(ZH_FILLERS, '').replace(ZH_NAME_NOISE, '').replace(/^(?:的|给|由)/, '').trim();
}

function looksLikeName(s: string): boolean {
  if (/^[A-Za-z][\w.' -]*$/.test(s)) return true;
  return s.length >= 2 && s.length <= 4 && ZH_SURNAMES.includes(s[0]!);
}
