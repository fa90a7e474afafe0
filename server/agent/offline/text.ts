/**
 * Words of a question or of a tool's name and description, for the generic
 * offline model: English words lowercased (with a crude plural strip),
 * Chinese cut into words with jieba.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

export type Language = 'en' | 'zh';

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

/** Chinese when Chinese characters outnumber Latin words ("Tell me the weather in 深圳" is English). */
export function languageOf(text: string): Language {
  const chinese = text.match(new RegExp(CJK.source, 'g'))?.length ?? 0;
  if (chinese === 0) return 'en';
  const latinWords = text.replace(CJK_RUN, ' ').match(/\p{L}+/gu)?.length ?? 0;
  return chinese >= latinWords ? 'zh' : 'en';
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

// The dictionary takes ~200 ms to load and never changes: load it on first use, once per process.
let jieba: Jieba | undefined;
function cutChinese(text: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(text, true);
}

/** Words that say nothing about which tool or which argument is meant. */
const STOP_EN = new Set(
  `a an the is are was were be been am do does did can could would will shall should may might must please pls me my i you your we our us it its
  this that these those what whats what's which who whom whose when where why how hi hello hey tell show give get find know let lets let's
  of in on at to for from by with about into onto as and or but if then than so not no yes up out over under
  any some there here now today tonight tomorrow yesterday current currently right just also too very much many one ok okay thanks thank
  like going gonna look looks feel feels outside way kind sort bit need want wanna would'd use uses using used`
    .split(/\s+/)
    .filter(Boolean),
);

const STOP_ZH = new Set(
  `的 了 吗 呢 吧 啊 呀 么 是 在 和 与 或 把 被 给 让 我 我们 你 你们 请 请问 帮 帮我 帮忙 我查 查 查询 查一下 一下 看看 看一下 告诉 告诉我 想 想知道 知道
  现在 今天 明天 昨天 后天 今晚 目前 当前 怎么样 怎样 如何 多少 什么 哪里 哪儿 几 几点 一个 这个 那个 这 那 有 没有 能 可以 会 要 需要 下 上 用 对 吗？ 呢？ 好 谢谢 你好 您好 您`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopWord(word: string): boolean {
  return STOP_EN.has(word.toLowerCase()) || STOP_ZH.has(word);
}

function normaliseEnglish(word: string): string {
  const w = word.toLowerCase().replace(/^'+|'+$/g, '');
  // "cities" -> "city", "emails" -> "email"; short words keep their s ("is", "us").
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** Content words of a text: English words (normalised) and Chinese words, stop words removed. */
export function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const piece of text.split(CJK_RUN)) {
    for (const w of piece.split(/[^\p{L}\p{N}']+/u)) if (w && !STOP_EN.has(w.toLowerCase())) words.push(normaliseEnglish(w));
  }
  for (const run of text.match(CJK_RUN) ?? []) {
    for (const w of cutChinese(run)) if (!STOP_ZH.has(w)) words.push(w);
  }
  return words;
}

/** Words of an identifier: get_weather, getWeather, get-weather → get, weather. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(normaliseEnglish)
    .filter((w) => !STOP_EN.has(w));
}

export interface Token {
  text: string;
  /** Chinese words only: jieba's part of speech (ns place, nr person, t time, …). */
  tag?: string;
}

/**
 * The question cut into tokens in order, Chinese through jieba with parts of
 * speech, so the argument filler can remove words and keep what is left.
 */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(CJK_RUN)) {
    if (m.index > last) out.push(...splitLatin(text.slice(last, m.index)));
    jieba ??= Jieba.withDict(dict);
    for (const { word, tag } of jieba.tag(m[0], true)) out.push({ text: word, tag });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(...splitLatin(text.slice(last)));
  return out;
}

function splitLatin(text: string): Token[] {
  return (text.match(/\s+|[\p{L}\p{N}][\p{L}\p{N}'.\-@_+]*|[^\s\p{L}\p{N}]/gu) ?? []).map((t) => ({ text: t }));
}

/** Words with their trailing space; CJK one character at a time (how the offline model streams). */
export function streamTokens(text: string): string[] {
  return text.match(/[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+/g) ?? [];
}
