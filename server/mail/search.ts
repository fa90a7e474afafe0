/**
 * Mail search that forgives the way people type. Free text is cut into words
 * (Chinese by jieba, server/mail/segment.ts); words that say nothing ("the",
 * "plz", 的, 邮件) are dropped; a word that occurs nowhere in the mailbox is
 * corrected to the closest word that does (pg_trgm over mail_words) or left
 * out and reported; when all words together match nothing, any word matches
 * and the result says which words did. Senders resolve through the mailbox's
 * contacts, so "Li Wei", "李伟", "li.wei@…" and "wang fang" (for
 * wang.fang@…) name one person. Quoted phrases and -exclusions keep the exact
 * websearch semantics.
 */
import type { EmailSummary } from '../../shared/api.ts';
import { Prisma, type Db } from '../data/prisma.ts';
import { workMailGlossary as GLOSSARY } from './glossary.ts';
import { CJK_RUN, cutWords, isCjk } from './segment.ts';

export interface EmailSearchParams {
  userId: string;
  /** Free text: English and/or Chinese words, or websearch syntax ("phrase", -not, or). */
  q?: string;
  /** A contact: part of a name (any script) or address, or a company/domain name. */
  from?: string;
  /** Whom the email went to (To or Cc), read as `from` is. */
  to?: string;
  /** Received at or after this instant. */
  after?: Date;
  /** Received strictly before this instant. */
  before?: Date;
  /** Carries this label ("important", "sent", "inbox", "finance", "newsletter", …). */
  label?: string;
  limit: number;
  offset: number;
  /** newest (default): by date; relevance: how well the text matches, then how recent. */
  sort?: 'newest' | 'relevance';
}

/** How the text was matched. */
export interface TextMatch {
  /**
   * all: every word; most: no email had every word, but some had all but
   * one (matchedWords); any: emails with any of the words; none: no usable word.
   */
  mode: 'all' | 'most' | 'any' | 'none';
  /** The words searched for, after corrections. */
  words: string[];
  /** Any-word matching: the words that matched at least one email (in the other filters). */
  matchedWords: string[];
  /** Words that occur nowhere in the mailbox and were left out. */
  ignoredWords: string[];
  /** Misspellings corrected to a word of the mailbox. */
  corrections: { from: string; to: string }[];
  /** Words the mailbox has only in the other language: searched in both. */
  translations?: { from: string; to: string[] }[];
}

export interface SenderMatch {
  /** The contacts the sender filter resolved to (empty: none matched, the filter matched by substring). */
  contacts: { name: string; names: string[]; address: string }[];
}

export interface EmailSearchResult {
  items: EmailSummary[];
  total: number;
  text?: TextMatch;
  sender?: SenderMatch;
  recipient?: SenderMatch;
}

export type Term = {
  text: string;
  cjk: boolean;
  /** The word in the other language (the glossary): an email with any of them matches the term. */
  also?: Term[];
};

// Words that carry no topic in a mail question; English stop words are also dropped by the english configuration.
const LATIN_FILLERS = new Set(
  'email emails e-mail e-mails mail mails message messages inbox mailbox plz pls please thx thanks any anything something ' +
    'altogether total overall all some stuff thing things one ones etc about regarding re fw fwd hi hey ok okay lol'.split(' '),
);
const CJK_FILLERS = new Set(
  ('邮件 信件 来信 邮箱 消息 关于 有关 相关 涉及 提到 内容 什么 哪些 哪个 那个 这个 那封 这封 一封 几封 多少 总共 一共 所有 全部 ' +
    '一下 看看 找找 帮我 请问 麻烦 有没有 是不是 大概 好像 应该 可能 我们 你们 他们 收到 发来 发给 那些 这些 东西 事情 情况 问题').split(' '),
);
/** Single characters that end a run of unsegmented characters (particles, pronouns, verbs of asking). */
const CJK_STOP_CHARS = new Set('的了吗呢吧啊呀么是在有和与跟及或我你他她它给发找查看问说要想把被从到对那这哪谁几多封个条'.split(''));

function hasWebsearchSyntax(q: string): boolean {
  return /["“”]|(?:^|\s)-\S|\bor\b/i.test(q);
}

/** The words of a query: Latin words as typed, Chinese cut by jieba, unknown characters grouped back into runs. */
export function queryTerms(q: string): Term[] {
  const terms: Term[] = [];
  const seen = new Set<string>();
  const push = (text: string, cjk: boolean) => {
    const key = text.toLowerCase();
    if (!text || seen.has(key)) return;
    seen.add(key);
    terms.push({ text, cjk });
  };
  const latin = q.replace(CJK_RUN, ' ');
  for (const w of latin.split(/[^\p{L}\p{N}'’.@+-]+/u)) {
    const word = w.replace(/^[.'’-]+|[.'’-]+$/g, '');
    if (word && !LATIN_FILLERS.has(word.toLowerCase())) push(word, false);
  }
  for (const run of q.match(CJK_RUN) ?? []) {
    let pending = '';
    const flush = () => {
      if (pending) push(pending, true);
      pending = '';
    };
    for (const w of cutWords(run)) {
      if (Array.from(w).length === 1) {
        if (CJK_STOP_CHARS.has(w)) flush();
        else pending += w;
        continue;
      }
      flush();
      if (!CJK_FILLERS.has(w)) push(w, true);
    }
    flush();
  }
  return terms;
}

/**
 * The words of a mail question, each with its other-language forms, so mail
 * written in either language matches: English words next to each other that
 * the glossary knows together ("white screen") become one term.
 */
export function mailQueryTerms(q: string): Term[] {
  const typed = queryTerms(q);
  const out: Term[] = [];
  for (let i = 0; i < typed.length; i++) {
    const t = typed[i]!;
    let taken = 1;
    let text = t.text;
    if (!t.cjk) {
      for (let n = Math.min(GLOSSARY.longestPhrase, typed.length - i); n > 1; n--) {
        const run = typed.slice(i, i + n);
        const phrase = run.map((r) => r.text).join(' ');
        if (run.every((r) => !r.cjk) && GLOSSARY.translations(phrase).length > 0) {
          [taken, text] = [n, phrase];
          break;
        }
      }
    }
    const also = GLOSSARY.translations(text).map((w) => ({ text: w, cjk: isCjk(w.replace(/\s+/g, '')) }));
    out.push(also.length > 0 ? { text, cjk: t.cjk, also } : { text, cjk: t.cjk });
    i += taken - 1;
  }
  return out;
}

function bigramPhrase(word: string): string {
  const chars = Array.from(word);
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]).join(' ');
}

/**
 * The tsquery of one word: a Latin word through the English configuration;
 * a Chinese word as jieba's word or as the phrase of its bigrams (for words
 * jieba cut differently in the email, and names it does not know); one
 * character as a prefix.
 */
export function termQuery(t: Term): Prisma.Sql {
  if (t.also?.length) {
    const { also, ...own } = t;
    return Prisma.sql`(${Prisma.join([own, ...also].map((x) => Prisma.sql`(${termQuery(x)})`), ' || ')})`;
  }
  if (!t.cjk) return Prisma.sql`plainto_tsquery('english', ${t.text})`;
  if (Array.from(t.text).length === 1) return Prisma.sql`to_tsquery('simple', quote_literal(${t.text}) || ':*')`;
  return Prisma.sql`(to_tsquery('simple', quote_literal(${t.text})) || phraseto_tsquery('simple', ${bigramPhrase(t.text)}))`;
}

/**
 * The exact tsquery for websearch syntax, mirroring how the search_vector
 * column is built: Latin through the English configuration, each CJK run as a
 * phrase of its bigrams. Null when nothing is searchable.
 */
export function buildTextQuery(q: string): Prisma.Sql | null {
  const parts: Prisma.Sql[] = [];
  const latin = q.replace(CJK_RUN, ' ').trim();
  if (latin) parts.push(Prisma.sql`websearch_to_tsquery('english', ${latin})`);
  for (const run of q.match(CJK_RUN) ?? []) parts.push(termQuery({ text: run, cjk: true }));
  if (parts.length === 0) return null;
  return Prisma.join(parts, ' && ');
}

/** LIKE pattern matching `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

type Row = {
  id: string;
  from_address: string;
  from_name: string;
  subject: string;
  snippet: string;
  received_at: Date;
  thread_id: string;
  labels: string[] | null;
};

export function toEmailSummary(r: Row): EmailSummary {
  return {
    id: r.id,
    from: r.from_address,
    fromName: r.from_name,
    subject: r.subject,
    snippet: r.snippet,
    receivedAt: r.received_at.toISOString(),
    threadId: r.thread_id,
    labels: r.labels ?? [],
  };
}

// ---------------------------------------------------------------- senders

const MIN_NAME_SIMILARITY = 0.45;

/**
 * The addresses a sender filter names, as SQL: contacts whose names or
 * address contain it (also without punctuation: "wang fang" for
 * wang.fang@…), else those spelt most like it (pg_trgm word similarity);
 * and the other addresses of the people found (same full name).
 */
function senderAddresses(userId: string, sender: string): Prisma.Sql {
  const s = sender.trim().toLowerCase();
  const squashed = s.replace(/[^\p{L}\p{N}]+/gu, '');
  return Prisma.sql`
    WITH c AS (
      SELECT address, names, email_count, lower(address || ' ' || array_to_string(names, ' ')) AS hay
      FROM contacts WHERE user_id = ${userId}::uuid
    ), m AS (
      SELECT address, names, email_count,
             (hay LIKE ${containsPattern(s)} OR (${squashed} <> '' AND regexp_replace(hay, '[^[:alnum:]]+', '', 'g') LIKE ${containsPattern(squashed)})) AS contains,
             word_similarity(${s}, hay) AS sim
      FROM c
    ), hits AS (
      SELECT * FROM m WHERE contains OR sim >= ${MIN_NAME_SIMILARITY}
    ), picked AS (
      SELECT address, names, email_count, contains, sim FROM hits
      WHERE contains OR (NOT EXISTS (SELECT 1 FROM hits WHERE contains) AND sim >= (SELECT max(sim) FROM hits) - 0.05)
    )
    SELECT address, names, email_count, contains, sim FROM picked
    UNION ALL
    -- One person, several addresses: a contact that wrote under the same full name as one named here
    -- ("李伟" names li.wei@work, which also signs "Li Wei"; "Li Wei" also writes from a private address).
    SELECT c.address, c.names, c.email_count, false, 0::real FROM c
    WHERE c.address NOT IN (SELECT address FROM picked)
      AND c.names && (SELECT coalesce(array_agg(n), '{}') FROM picked, unnest(picked.names) AS n WHERE picked.contains)`;
}

/** Contacts listed in a result; the filter itself uses every address that matched. */
const LISTED_CONTACTS = 50;

/** The contacts a sender filter names: by substring of a name or address (also without punctuation), else by similar spelling. */
async function resolveSender(db: Db, userId: string, sender: string): Promise<{ match: SenderMatch; addresses: string[] }> {
  const rows = await db.$queryRaw<{ address: string; names: string[] }[]>`
    SELECT address, names FROM (${senderAddresses(userId, sender)}) x ORDER BY contains DESC, sim DESC, email_count DESC`;
  return {
    match: { contacts: rows.slice(0, LISTED_CONTACTS).map((r) => ({ name: r.names[0] ?? r.address, names: r.names, address: r.address })) },
    addresses: rows.map((r) => r.address),
  };
}

// ---------------------------------------------------------------- words

/**
 * `EXISTS (SELECT … WHERE search_vector @@ q)` lets the planner bet on a
 * sequential scan that stops at the first hit, which reads the whole mailbox
 * when nothing matches (a second at 100,000 emails). A materialized CTE is
 * planned for all its rows, so the text index answers, and EXISTS still reads
 * only the first.
 */
function hitsCte(name: string, where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(name)} AS MATERIALIZED (SELECT 1 FROM emails e WHERE ${where})`;
}

/** Which terms occur somewhere in the mailbox (one indexed probe per term, one round trip). */
async function termsInMailbox(db: Db, userId: string, terms: Term[], fromAddresses?: string[]): Promise<boolean[]> {
  if (terms.length === 0) return [];
  const from = fromAddresses?.length ? Prisma.sql` AND lower(e.from_address) = ANY(${fromAddresses.map((a) => a.toLowerCase())}::text[])` : Prisma.empty;
  const ctes = terms.map((t, i) => hitsCte(`t${i}`, Prisma.sql`e.user_id = ${userId}::uuid${from} AND e.search_vector @@ ${termQuery(t)}`));
  const checks = terms.map(
    (t, i) => Prisma.sql`SELECT ${i}::int AS i, EXISTS (SELECT 1 FROM ${Prisma.raw(`t${i}`)}) AS found, numnode(${termQuery(t)}) AS nodes`,
  );
  const rows = await db.$queryRaw<{ i: number; found: boolean; nodes: number }[]>`WITH ${Prisma.join(ctes, ', ')} ${Prisma.join(checks, ' UNION ALL ')}`;
  const found = new Array<boolean | null>(terms.length).fill(false);
  // A term with no lexeme (an English stop word) is no filter at all: null.
  for (const r of rows) found[r.i] = r.nodes === 0 ? null : r.found;
  return found as boolean[];
}

/**
 * The mailbox word closest in spelling to a misspelt one, or null. Trigrams
 * find the candidates; a typo is also a few keystrokes away, which a shared
 * ending alone is not ("vacation" is no misspelling of "validation").
 */
async function correction(db: Db, userId: string, word: string): Promise<string | null> {
  const w = word.toLowerCase();
  const rows = await db.$queryRaw<{ word: string; sim: number }[]>`
    SELECT word, similarity(word, ${w}) AS sim FROM mail_words
    WHERE user_id = ${userId}::uuid AND word % ${w}
    ORDER BY sim DESC, length(word) LIMIT 5`;
  const typos = Math.max(2, Math.floor(w.length / 4));
  return rows.find((r) => r.sim >= 0.4 && editDistance(w, r.word) <= typos)?.word ?? null;
}

/** Levenshtein distance, a swap of neighbours counting once. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

interface TextPlan {
  match: TextMatch;
  terms: Term[];
}

/**
 * The words of a text as the mailbox knows them: stop words and fillers
 * dropped, misspellings corrected, words that occur nowhere left out (and
 * listed). What the offline model uses to tell a topic from noise.
 */
export async function groundWords(db: Db, userId: string, text: string): Promise<Pick<TextMatch, 'words' | 'ignoredWords' | 'corrections'>> {
  const { match } = await planText(db, userId, text);
  return { words: match.words, ignoredWords: match.ignoredWords, corrections: match.corrections };
}

/**
 * Which of these words occur in the mail of these senders (as the search
 * reads them): "GitHub 通知" asks for GitHub's mail, and 通知 is a word that
 * GitHub never writes. One query; the offline model's reading only.
 */
export async function wordsInSendersMail(db: Db, userId: string, words: string[], fromAddresses: string[]): Promise<boolean[]> {
  const terms = words.map((w) => mailQueryTerms(w));
  const flat = terms.flat();
  const found = await termsInMailbox(db, userId, flat, fromAddresses);
  let i = 0;
  // A word the search splits into several terms occurs when all of them do; one without terms is no filter (kept).
  return terms.map((ts) => ts.map(() => found[i++]).every((f) => f !== false));
}

/** A term as typed, without its other-language forms. */
function bare(t: Term): Term {
  return { text: t.text, cjk: t.cjk };
}

/**
 * Words the mailbox does not have are corrected, or found in the other
 * language (the glossary), or left out. Once one word is found only in the
 * other language, the topic is written in that language: every word is then
 * searched in both.
 */
async function planText(db: Db, userId: string, q: string): Promise<TextPlan> {
  const typed = mailQueryTerms(q);
  const withTranslations = typed.filter((t) => t.also);
  const found = await termsInMailbox(db, userId, [...typed.map(bare), ...withTranslations]);
  const present = found.slice(0, typed.length) as (boolean | null)[];
  const inEither = new Map(withTranslations.map((t, i) => [t, found[typed.length + i] === true]));
  const onlyTranslated = (t: Term, i: number) => present[i] === false && inEither.get(t) === true;
  const translating = typed.some(onlyTranslated);
  const terms: Term[] = [];
  const ignoredWords: string[] = [];
  const corrections: { from: string; to: string }[] = [];
  const translations: { from: string; to: string[] }[] = [];
  for (const [i, t] of typed.entries()) {
    const p = present[i];
    if (p === null) continue;
    if (p) {
      terms.push(translating ? t : bare(t));
      continue;
    }
    if (onlyTranslated(t, i)) {
      terms.push(t);
      translations.push({ from: t.text, to: t.also!.map((a) => a.text) });
      continue;
    }
    const fixed = !t.cjk && t.text.length >= 4 ? await correction(db, userId, t.text) : null;
    if (fixed) {
      terms.push({ text: fixed, cjk: isCjk(fixed) });
      corrections.push({ from: t.text, to: fixed });
    } else {
      ignoredWords.push(t.text);
    }
  }
  return {
    terms,
    match: {
      mode: terms.length > 0 ? 'all' : 'none',
      words: terms.map((t) => t.text),
      matchedWords: [],
      ignoredWords,
      corrections,
      ...(translations.length ? { translations } : {}),
    },
  };
}

// ---------------------------------------------------------------- filters

/** The WHERE clause of a search without its text: owner, sender, dates. */
export interface Scope {
  where: Prisma.Sql;
  /** Whom the sender filter names (for the result). */
  sender?: SenderMatch;
  /** Whom the recipient filter names. */
  recipient?: SenderMatch;
}

/**
 * The sender is resolved to addresses first (one small query over the
 * contacts), so the search itself filters on the sender index instead of
 * probing every email of the mailbox against a subquery.
 */
export async function scopeOf(db: Db, p: Pick<EmailSearchParams, 'userId' | 'from' | 'to' | 'after' | 'before' | 'label'>): Promise<Scope> {
  const conditions: Prisma.Sql[] = [Prisma.sql`e.user_id = ${p.userId}::uuid`];
  let sender: SenderMatch | undefined;
  let recipient: SenderMatch | undefined;
  const to = p.to?.trim();
  if (to) {
    // The contacts are the mailbox's senders: someone only ever written to is found in the addresses themselves.
    const resolved = await resolveSender(db, p.userId, to);
    recipient = resolved.match;
    const byText = Prisma.sql`r ILIKE ${containsPattern(to)}`;
    const addresses = resolved.addresses.map((a) => a.toLowerCase());
    const matches = addresses.length > 0 ? Prisma.sql`lower(r) = ANY(${addresses}::text[]) OR ${byText}` : byText;
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM unnest(e."to" || e.cc) r WHERE ${matches})`);
  }
  const from = p.from?.trim();
  if (from) {
    const resolved = await resolveSender(db, p.userId, from);
    sender = resolved.match;
    if (resolved.addresses.length > 0) {
      conditions.push(Prisma.sql`lower(e.from_address) = ANY(${resolved.addresses}::text[])`);
    } else {
      // A sender no contact matches still filters, by substring (mail stored before contacts existed).
      const pattern = containsPattern(from);
      conditions.push(Prisma.sql`(e.from_address ILIKE ${pattern} OR e.from_name ILIKE ${pattern})`);
    }
  }
  if (p.after) conditions.push(Prisma.sql`e.received_at >= ${p.after}`);
  if (p.before) conditions.push(Prisma.sql`e.received_at < ${p.before}`);
  const label = p.label?.trim().toLowerCase();
  if (label) conditions.push(Prisma.sql`e.labels @> ARRAY[${label}]::text[]`);
  return { where: Prisma.join(conditions, ' AND '), ...(sender ? { sender } : {}), ...(recipient ? { recipient } : {}) };
}

/** The text part of a search: the condition, the rank expression, how it matched. */
export interface TextFilter {
  condition?: Prisma.Sql;
  rank?: Prisma.Sql;
  match?: TextMatch;
}

/**
 * Resolves free text within a scope. Every word together first (one cheap
 * EXISTS); when that matches nothing, words the mailbox does not have are
 * corrected or left out, and then any word matches (ranked by how many do).
 * A query of nothing but unknown words matches nothing, never everything.
 */
export async function textFilterOf(
  db: Db,
  userId: string,
  q: string | undefined,
  scope: Scope,
  opts: { optimistic?: boolean; allWordsMatchNothing?: boolean } = {},
): Promise<TextFilter> {
  const text = q?.trim();
  if (!text) return {};
  const pattern = containsPattern(text);
  const substring = Prisma.sql`(e.subject ILIKE ${pattern} OR e.snippet ILIKE ${pattern})`;
  if (hasWebsearchSyntax(text)) {
    const tsquery = buildTextQuery(text);
    if (!tsquery) return { condition: substring };
    return {
      condition: Prisma.sql`(CASE WHEN numnode(${tsquery}) > 0 THEN e.search_vector @@ (${tsquery}) ELSE ${substring} END)`,
      rank: Prisma.sql`ts_rank(e.search_vector, ${tsquery}, 32)`,
    };
  }
  const typed = mailQueryTerms(text);
  const none: TextMatch = { mode: 'none', words: [], matchedWords: [], ignoredWords: [], corrections: [] };
  if (typed.length === 0) return { condition: substring, match: none };
  const allOf = (terms: Term[], match: TextMatch): TextFilter => {
    const all = Prisma.join(terms.map((t) => Prisma.sql`(${termQuery(t)})`), ' && ');
    return { condition: Prisma.sql`e.search_vector @@ (${all})`, rank: Prisma.sql`ts_rank(e.search_vector, ${all}, 32)`, match };
  };
  const exists = async (f: TextFilter) => {
    const rows = await db.$queryRaw<{ found: boolean }[]>`WITH ${hitsCte('hits', Prisma.sql`${scope.where} AND ${f.condition!}`)} SELECT EXISTS (SELECT 1 FROM hits) AS found`;
    return rows[0]?.found === true;
  };
  const first = allOf(typed.map(bare), { ...none, mode: 'all', words: typed.map((t) => t.text) });
  // Optimistic: the caller runs the all-words search and comes back only when it finds nothing (and says so).
  if (opts.optimistic) return first;
  if (!opts.allWordsMatchNothing && (await exists(first))) return first;

  const plan = await planText(db, userId, text);
  if (plan.terms.length === 0) {
    // Only stop words (match by substring, as before), or only words the mailbox does not have (match nothing).
    return { condition: plan.match.ignoredWords.length > 0 ? Prisma.sql`false` : substring, match: plan.match };
  }
  const known = allOf(plan.terms, plan.match);
  if (plan.terms.length === 1 || (plan.terms.length < typed.length && (await exists(known)))) return known;
  if (plan.terms.length === typed.length && (plan.match.corrections.length > 0 || plan.match.translations) && (await exists(known))) return known;

  const queries = plan.terms.map(termQuery);
  const any = Prisma.join(queries.map((tq) => Prisma.sql`(${tq})`), ' || ');
  if (plan.terms.length >= 3) {
    // All words but one: the one that fits least is left out ("discount requests annual billing").
    const subsets = plan.terms.map((_, i) => plan.terms.filter((__, j) => j !== i));
    const and = (terms: Term[]) => Prisma.join(terms.map((t) => Prisma.sql`(${termQuery(t)})`), ' && ');
    const [row] = await db.$queryRaw<Record<string, bigint>[]>`
      SELECT ${Prisma.join(subsets.map((sub, i) => Prisma.sql`count(*) FILTER (WHERE e.search_vector @@ (${and(sub)})) AS ${Prisma.raw(`s${i}`)}`), ', ')}
      FROM emails e WHERE ${scope.where} AND e.search_vector @@ (${any})`;
    let best = -1;
    let bestCount = 0;
    subsets.forEach((_, i) => {
      const n = Number(row?.[`s${i}`] ?? 0);
      if (n > bestCount) [best, bestCount] = [i, n];
    });
    if (best >= 0) {
      const sub = subsets[best]!;
      return { ...allOf(sub, { ...plan.match, mode: 'most', matchedWords: sub.map((t) => t.text) }) };
    }
  }
  const counts = await db.$queryRaw<Record<string, bigint>[]>`
    SELECT ${Prisma.join(queries.map((tq, i) => Prisma.sql`count(*) FILTER (WHERE e.search_vector @@ ${tq}) AS ${Prisma.raw(`t${i}`)}`), ', ')}
    FROM emails e WHERE ${scope.where} AND e.search_vector @@ (${any})`;
  const matchedWords = plan.terms.filter((_, i) => Number(counts[0]?.[`t${i}`] ?? 0) > 0).map((t) => t.text);
  // More matching words first, then the text rank.
  const hits = Prisma.join(queries.map((tq) => Prisma.sql`(e.search_vector @@ ${tq})::int`), ' + ');
  return {
    condition: Prisma.sql`e.search_vector @@ (${any})`,
    rank: Prisma.sql`((${hits}) + ts_rank(e.search_vector, ${any}, 32))`,
    match: { ...plan.match, mode: 'any', matchedWords },
  };
}

/** Relevance with recency: the text rank, fading by half over 30 days from the newest email of the scope. */
function relevanceOrder(rank: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${rank}) * (0.6 + 0.4 / (1 + extract(epoch FROM (now() - e.received_at)) / 2592000.0)) DESC, e.received_at DESC, e.id DESC`;
}

/** Newest first unless relevance is asked for, always scoped to the owner. */
export async function searchEmails(db: Db, p: EmailSearchParams): Promise<EmailSearchResult> {
  const scope = await scopeOf(db, p);
  const run = async (text: TextFilter) => {
    const where = text.condition ? Prisma.sql`${scope.where} AND ${text.condition}` : scope.where;
    const order = p.sort === 'relevance' && text.rank ? relevanceOrder(text.rank) : Prisma.sql`e.received_at DESC, e.id DESC`;
    const [rows, count] = await Promise.all([
      db.$queryRaw<Row[]>`
        SELECT e.id, e.from_address, e.from_name, e.subject, e.snippet, e.received_at, e.thread_id, e.labels
        FROM emails e WHERE ${where}
        ORDER BY ${order}
        LIMIT ${p.limit} OFFSET ${p.offset}`,
      db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM emails e WHERE ${where}`,
    ]);
    return { rows, total: Number(count[0]?.total ?? 0), text };
  };
  // One round trip when every word matches (the common case); the forgiving steps only after an empty result.
  let found = await run(await textFilterOf(db, p.userId, p.q, scope, { optimistic: true }));
  if (found.total === 0 && found.text.match?.mode === 'all') found = await run(await textFilterOf(db, p.userId, p.q, scope, { allWordsMatchNothing: true }));
  const sender = scope.sender;
  return {
    items: found.rows.map(toEmailSummary),
    total: found.total,
    ...(found.text.match ? { text: found.text.match } : {}),
    ...(sender ? { sender } : {}),
    ...(scope.recipient ? { recipient: scope.recipient } : {}),
  };
}

// ---------------------------------------------------------------- counting

export type CountGrouping = 'none' | 'day' | 'sender' | 'recipient' | 'thread';

export interface EmailCountParams extends Omit<EmailSearchParams, 'limit' | 'offset' | 'sort'> {
  groupBy: CountGrouping;
  /** The user's zone: what a day is. */
  timezone: string;
  /** Groups returned, largest first (ties: newest). */
  top: number;
}

export interface CountGroup {
  /** Day (YYYY-MM-DD), sender or recipient address, or thread id. */
  key: string;
  /** Sender's or recipient's names, or the thread's subject. */
  label: string;
  count: number;
  /** Newest email of the group. */
  latest: string;
  /** A sender group of the user's own mail (one of their addresses). */
  own?: true;
}

export interface EmailCountResult {
  total: number;
  /** Number of distinct groups (days with mail, senders, recipients, threads). */
  groupCount: number;
  groups: CountGroup[];
  text?: TextMatch;
  sender?: SenderMatch;
  recipient?: SenderMatch;
}

export async function countEmails(db: Db, p: EmailCountParams): Promise<EmailCountResult> {
  const scope = await scopeOf(db, p);
  const text = await textFilterOf(db, p.userId, p.q, scope);
  const where = text.condition ? Prisma.sql`${scope.where} AND ${text.condition}` : scope.where;
  const [{ total } = { total: 0n }] = await db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM emails e WHERE ${where}`;
  let groups: CountGroup[] = [];
  let groupCount = 0;
  if (p.groupBy !== 'none') {
    const rows = await db.$queryRaw<{ key: string; label: string | null; count: bigint; latest: Date; own: boolean; groups: bigint }[]>(
      p.groupBy === 'recipient' ? recipientGroupsSql(p.userId, where, p.top) : groupsSql(p.groupBy, p.userId, p.timezone, where, p.top),
    );
    groupCount = Number(rows[0]?.groups ?? 0);
    groups = rows.map((r) => ({ key: r.key, label: r.label ?? '', count: Number(r.count), latest: r.latest.toISOString(), ...(r.own ? { own: true } : {}) }));
  }
  return {
    total: Number(total),
    groupCount,
    groups,
    ...(text.match ? { text: text.match } : {}),
    ...(scope.sender ? { sender: scope.sender } : {}),
    ...(scope.recipient ? { recipient: scope.recipient } : {}),
  };
}

function groupsSql(groupBy: 'day' | 'sender' | 'thread', userId: string, timezone: string, where: Prisma.Sql, top: number): Prisma.Sql {
  const key =
    groupBy === 'day'
      ? Prisma.sql`to_char(e.received_at AT TIME ZONE ${timezone}, 'YYYY-MM-DD')`
      : groupBy === 'sender'
        ? Prisma.sql`lower(e.from_address)`
        : Prisma.sql`e.thread_id`;
  const label =
    groupBy === 'day'
      ? Prisma.sql`''`
      : groupBy === 'sender'
        ? Prisma.sql`string_agg(DISTINCT nullif(e.from_name, ''), ' / ')`
        : Prisma.sql`(array_agg(e.subject ORDER BY e.received_at))[1]`;
  // Whose the group is, asked of the top groups only (and outside the grouping, which a subquery may not look into).
  return Prisma.sql`
    SELECT g.*, ${groupBy === 'sender' ? isOwnAddress(userId, Prisma.sql`g.key`) : Prisma.sql`false`} AS own
    FROM (
      SELECT ${key} AS key, ${label} AS label, count(*) AS count, max(e.received_at) AS latest, count(*) OVER () AS groups
      FROM emails e WHERE ${where}
      GROUP BY 1 ORDER BY count(*) DESC, max(e.received_at) DESC
      LIMIT ${top}
    ) g
    ORDER BY g.count DESC, g.latest DESC`;
}

/**
 * Per address in To or Cc (an email to three people counts for each), the
 * user's own addresses (sign-in and mail accounts) left out: in the inbox one
 * is on nearly every email. The names are the contact's, when the person ever
 * wrote to the user.
 */
function recipientGroupsSql(userId: string, where: Prisma.Sql, top: number): Prisma.Sql {
  return Prisma.sql`
    WITH r AS (
      SELECT lower(r.address) AS key, count(DISTINCT e.id) AS count, max(e.received_at) AS latest
      FROM emails e CROSS JOIN LATERAL unnest(e."to" || e.cc) AS r(address)
      WHERE ${where} AND NOT ${isOwnAddress(userId, Prisma.sql`lower(r.address)`)}
      GROUP BY 1
    )
    SELECT r.key, array_to_string(c.names, ' / ') AS label, r.count, r.latest, false AS own, count(*) OVER () AS groups
    FROM r LEFT JOIN contacts c ON c.user_id = ${userId}::uuid AND c.address = r.key
    ORDER BY r.count DESC, r.latest DESC
    LIMIT ${top}`;
}

/** The address (a lower-case SQL expression) is one of the user's: the sign-in one or a connected mailbox's. */
function isOwnAddress(userId: string, address: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXISTS (SELECT 1 FROM users u WHERE u.id = ${userId}::uuid AND lower(u.email) = ${address})
    OR EXISTS (SELECT 1 FROM mail_accounts a WHERE a.user_id = ${userId}::uuid AND lower(a.email_address) = ${address}))`;
}
