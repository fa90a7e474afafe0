/**
 * The generic offline model's whole "understanding": which of the agent's
 * tools a question is about (words shared with the tool's name, description,
 * parameter names and enum values) and its arguments, read from the question
 * by the parameters' JSON-schema types.
 */
import { contentWords, hasCjk, identifierWords, isStopWord, languageOf, tokens, type Language } from './text.ts';

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

export interface ToolChoice {
  tool: ToolSpec;
  args: Record<string, unknown>;
  /** Required parameters the question did not give. */
  missing: string[];
  /** The tool words the question used (for the reasoning line). */
  matched: string[];
}

interface Vocabulary {
  words: Map<string, number>;
}

const NAME_WEIGHT = 3;
const DESCRIPTION_WEIGHT = 1;
const PARAMETER_WEIGHT = 1;

function vocabulary(tool: ToolSpec): Vocabulary {
  const words = new Map<string, number>();
  const add = (w: string, weight: number) => words.set(w, Math.max(words.get(w) ?? 0, weight));
  for (const w of identifierWords(tool.name)) add(w, NAME_WEIGHT);
  for (const w of contentWords(tool.description)) add(w, DESCRIPTION_WEIGHT);
  for (const [name, prop] of Object.entries(tool.parameters.properties ?? {})) {
    for (const w of identifierWords(name)) add(w, PARAMETER_WEIGHT);
    for (const v of enumOf(prop) ?? []) if (typeof v === 'string') for (const w of contentWords(v)) add(w, PARAMETER_WEIGHT);
  }
  return { words };
}

function wordsMatch(toolWord: string, questionWord: string): boolean {
  if (toolWord === questionWord) return true;
  if (hasCjk(toolWord) || hasCjk(questionWord)) {
    // Chinese: one word contains the other (气温 / 当前气温), never on one shared character.
    const [short, long] = toolWord.length <= questionWord.length ? [toolWord, questionWord] : [questionWord, toolWord];
    return short.length >= 2 && long.includes(short);
  }
  // English: a shared stem of five letters (convert / conversion, calculate / calculation).
  return toolWord.length >= 5 && questionWord.length >= 5 && toolWord.slice(0, 5) === questionWord.slice(0, 5);
}

/** Operator-like symbols a description may list ("+ - * / ^") and a question may use ("12 * (3 + 4)"). */
const SYMBOLS = /[+\-*/^%=<>$€¥£°#×÷]/g;

function score(tool: ToolSpec, question: string): { score: number; matched: string[] } {
  const vocab = vocabulary(tool);
  const matched = new Set<string>();
  let total = 0;
  const toolSymbols = new Set(tool.description.match(SYMBOLS) ?? []);
  for (const symbol of new Set(question.match(SYMBOLS) ?? [])) {
    if (toolSymbols.has(symbol)) total += DESCRIPTION_WEIGHT;
  }
  const questionWords = new Set(contentWords(question));
  for (const [word, weight] of vocab.words) {
    const hit = [...questionWords].find((q) => wordsMatch(word, q)) ?? (hasCjk(word) && word.length >= 2 && question.includes(word) ? word : undefined);
    if (hit === undefined) continue;
    matched.add(hit);
    total += weight;
  }
  return { score: total, matched: [...matched] };
}

/**
 * The tool a question is about, with its arguments. A question that shares no
 * word with any tool gets no tool, except that an agent with a single tool
 * uses it whenever the question supplies all of its required arguments.
 */
export function chooseTool(tools: ToolSpec[], question: string): ToolChoice | null {
  if (tools.length === 0 || contentWords(question).length === 0) return null;
  const ranked = tools
    .map((tool, index) => ({ tool, index, ...score(tool, question) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const best = ranked[0]!;
  if (best.score > 0) return { tool: best.tool, matched: best.matched, ...fillArguments(best.tool, question, best.matched) };
  if (tools.length === 1) {
    const filled = fillArguments(best.tool, question, []);
    if (filled.missing.length === 0 && Object.keys(filled.args).length > 0) return { tool: best.tool, matched: [], ...filled };
  }
  return null;
}

// ---------------------------------------------------------------- arguments

const TARGET_PARAMS = /^(to|into|target|to_\w+|target_\w+|dest\w*)$/i;
const TARGET_BEFORE = /(\b(to|in|into|as|many|much)\s*|成|为|换成|转成|转换成)$/i;
const WHOLE_QUESTION_PARAMS = /^(q|query|question|text|input|search|search_?query|keywords?|prompt|term|terms|topic|message)$/i;
const LANGUAGE_PARAMS = /^(lang|language|locale)$/i;
const EMAIL_PARAMS = /(e?mail|^to$|recipient|address)/i;
const URL_PARAMS = /(url|link|href|website)/i;

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  const option = schema.anyOf?.find((s) => s.type && s.type !== 'null');
  return option ? typeOf(option) : enumOf(schema) ? 'string' : undefined;
}

function enumOf(schema: JsonSchema): unknown[] | undefined {
  return schema.enum ?? schema.anyOf?.find((s) => s.enum)?.enum;
}

const NUMBER = /-?\d+(?:[.,]\d+)?/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_PATTERN = /https?:\/\/\S+/g;
const QUOTED = /"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』|'([^']{2,})'/g;

function languageValue(schema: JsonSchema, language: Language): unknown {
  const options = enumOf(schema);
  if (!options) return language;
  const wanted = language === 'zh' ? /^(zh|cn|chinese|中文)/i : /^(en|english)/i;
  return options.find((o) => typeof o === 'string' && wanted.test(o));
}

function mentionsValue(question: string, value: string): number {
  const lower = question.toLowerCase();
  const v = value.toLowerCase();
  if (hasCjk(v)) return lower.indexOf(v);
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(v)}(e?s)?(?=$|[^\\p{L}\\p{N}])`, 'u');
  const m = pattern.exec(lower);
  return m ? m.index + m[1]!.length : -1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Arguments from the question by type: the question's language for a
 * language parameter; enum values in the order the question mentions them;
 * numbers in order; emails, URLs and quoted text where the name asks for
 * them; and for other strings what is left of the question once the tool's
 * own words and filler words are removed ("weather in New York" → "New York").
 */
export function fillArguments(tool: ToolSpec, question: string, toolWords: string[]): { args: Record<string, unknown>; missing: string[] } {
  const props = tool.parameters.properties ?? {};
  const required = new Set(tool.parameters.required ?? []);
  const args: Record<string, unknown> = {};
  const language = languageOf(question);
  const numbers = [...question.matchAll(NUMBER)].map((m) => m[0]);
  const emails = [...question.matchAll(EMAIL)].map((m) => m[0]);
  const urls = [...question.matchAll(URL_PATTERN)].map((m) => m[0]);
  const quoted = [...question.matchAll(QUOTED)].map((m) => m.slice(1).find(Boolean)!);
  const usedText = new Set<string>([...emails, ...urls]);
  const usedEnum = new Set<unknown>();
  let numberIndex = 0;
  let quoteIndex = 0;

  // Enums first, in mention order, so two parameters over the same units ("10 km to miles") get both.
  const enumParams = Object.entries(props)
    .filter(([, s]) => enumOf(s))
    .sort(([a], [b]) => Number(TARGET_PARAMS.test(b)) - Number(TARGET_PARAMS.test(a)));
  for (const [name, schema] of enumParams) {
    if (LANGUAGE_PARAMS.test(name)) continue;
    const mentioned = (enumOf(schema) ?? [])
      .map((value) => ({ value, at: typeof value === 'string' ? mentionsValue(question, value) : -1 }))
      .filter((m) => m.at >= 0 && !usedEnum.has(m.value))
      .sort((a, b) => a.at - b.at);
    // A target parameter takes the value the question names as the target ("how many lb is 3 kg", "in celsius").
    const target = TARGET_PARAMS.test(name) ? mentioned.find((m) => TARGET_BEFORE.test(question.slice(0, m.at))) : undefined;
    const pick = target ?? mentioned[0];
    if (pick) {
      args[name] = pick.value;
      usedEnum.add(pick.value);
      usedText.add(String(pick.value));
    } else if (required.has(name) && schema.default !== undefined) {
      args[name] = schema.default;
    }
  }

  const stringParams: string[] = [];
  for (const [name, schema] of Object.entries(props)) {
    if (name in args) continue;
    const type = typeOf(schema);
    if (LANGUAGE_PARAMS.test(name) && (type === 'string' || enumOf(schema))) {
      const value = languageValue(schema, language);
      if (value !== undefined) args[name] = value;
      continue;
    }
    // An enum takes only a value the question names (above), never free text.
    if (enumOf(schema)) continue;
    if (type === 'number' || type === 'integer') {
      const raw = numbers[numberIndex];
      if (raw === undefined) continue;
      numberIndex++;
      usedText.add(raw);
      const n = Number(raw.replace(',', '.'));
      args[name] = type === 'integer' ? Math.trunc(n) : n;
      continue;
    }
    if (type === 'boolean') {
      if (required.has(name)) args[name] = /\b(yes|true|on)\b|是|开/i.test(question);
      continue;
    }
    if (type !== 'string') continue;
    if (EMAIL_PARAMS.test(name) && emails.length > 0) {
      args[name] = emails.shift();
      continue;
    }
    if (URL_PARAMS.test(name) && urls.length > 0) {
      args[name] = urls.shift();
      continue;
    }
    if (quoteIndex < quoted.length) {
      args[name] = quoted[quoteIndex++];
      usedText.add(args[name] as string);
      continue;
    }
    if (required.has(name)) stringParams.push(name);
  }

  if (stringParams.length > 0) {
    const runs = leftoverRuns(question, toolWords, usedText, numbers.slice(0, numberIndex));
    stringParams.forEach((name, i) => {
      const value = WHOLE_QUESTION_PARAMS.test(name) && stringParams.length === 1 ? runs.join(' ') || question.trim() : runs[i];
      if (value) args[name] = value;
    });
  }

  const missing = [...required].filter((name) => args[name] === undefined || args[name] === '');
  return { args, missing };
}

const EDGE_PUNCTUATION = /^[\s?？!！。.,，、;；:：]+|[\s?？!！。.,，、;；:：]+$/gu;
const PREPOSITIONS = new Set(['in', 'at', 'for', 'of', 'about', 'from', 'to', 'near', 'on', 'called', 'named', '在', '于', '到', '关于']);
/** Chinese parts of speech that never carry an argument: time words, particles, pronouns, prepositions, conjunctions, adverbs, adjectives. */
const FILLER_TAGS = /^(t|y|r|u\w*|p|c|d|a\w*|e|o|x|zg)$/;
const PROPER_TAGS = /^(ns|nr\w*|nt|nz|eng)$/;

interface Run {
  text: string;
  /** How much it looks like the argument: a proper noun, after a preposition. */
  weight: number;
}

/**
 * What the question says besides filler words and the tool's own words, as
 * runs of the original text ("What is 12 * (3 + 4)?" → "12 * (3 + 4)"), the
 * likeliest argument first. Chinese words are runs of their own.
 */
function leftoverRuns(question: string, toolWords: string[], used: Set<string>, usedNumbers: string[]): string[] {
  const tool = new Set(toolWords);
  const numbers = new Set(usedNumbers);
  const usedLower = new Set([...used].map((u) => u.toLowerCase()));
  const runs: Run[] = [];
  let current = '';
  let weight = 0;
  let pendingSpace = '';
  let afterPreposition = false;
  let first = true;
  const flush = () => {
    const text = current.replace(EDGE_PUNCTUATION, '').trim();
    if (text && /[\p{L}\p{N}]/u.test(text)) runs.push({ text, weight });
    current = '';
    pendingSpace = '';
    weight = 0;
  };
  for (const token of tokens(question)) {
    if (/^\s+$/.test(token.text)) {
      if (current) pendingSpace = token.text;
      continue;
    }
    const plain = token.text.toLowerCase().replace(/^'+|'+$/g, '');
    const isFirst = first;
    first = false;
    const dropped =
      isStopWord(plain) ||
      (token.tag !== undefined && FILLER_TAGS.test(token.tag)) ||
      tool.has(plain) ||
      contentWords(token.text).some((w) => tool.has(w)) ||
      usedLower.has(plain) ||
      usedLower.has(plain.replace(/e?s$/, '')) ||
      numbers.has(token.text);
    if (dropped) {
      flush();
      afterPreposition = PREPOSITIONS.has(plain);
      continue;
    }
    if (token.tag !== undefined) flush();
    if (!current) weight = afterPreposition ? 2 : 0;
    afterPreposition = false;
    if ((token.tag !== undefined && PROPER_TAGS.test(token.tag)) || (!isFirst && /^\p{Lu}/u.test(token.text))) weight = Math.max(weight, 0) + 3;
    current += pendingSpace + token.text;
    pendingSpace = '';
    if (token.tag !== undefined) flush();
  }
  flush();
  // Stable: equally likely runs keep the question's order.
  return runs
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map((r) => r.text);
}
