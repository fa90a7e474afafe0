/**
 * What the offline model knows about the user's own mailbox, so that it reads
 * a question against the data and not only the grammar: the contacts (to
 * recognise "Li Wei", "李伟", "wang fang", "Kenji", "Contoso" as senders) and
 * which words occur in the mail (a word in neither is not a filter).
 * Loaded per turn through the run's tool context; without it (unit tests of
 * the parser) the model falls back to grammar alone.
 */
import { workMailGlossary } from '../../../server/mail/glossary.ts';
import type { ToolContext } from '../../../server/agent/toolContext.ts';
import { groundWords, wordsInSendersMail } from '../../../server/mail/search.ts';

export interface KnownContact {
  address: string;
  names: string[];
}

export interface GroundedWords {
  /** Words that occur in the mail (after corrections). */
  words: string[];
  /** Words that occur nowhere: not used as a filter. */
  ignoredWords: string[];
  corrections: { from: string; to: string }[];
}

export interface MailKnowledge {
  contacts: KnownContact[];
  /** The user's own addresses: the one they sign in with and each mail account's (never a contact to search by). */
  ownAddresses: ReadonlySet<string>;
  /** The words of a topic the mailbox knows. */
  ground(text: string): Promise<GroundedWords>;
  /** For each word: whether it occurs in mail from these addresses. */
  inSendersMail(words: string[], addresses: string[]): Promise<boolean[]>;
}

export async function loadKnowledge(ctx: ToolContext): Promise<MailKnowledge> {
  const [contacts, user, accounts] = await Promise.all([
    ctx.db.contact.findMany({ where: { userId: ctx.userId }, select: { address: true, names: true }, orderBy: { emailCount: 'desc' }, take: 5000 }),
    ctx.db.user.findUnique({ where: { id: ctx.userId }, select: { email: true } }),
    ctx.db.mailAccount.findMany({ where: { userId: ctx.userId }, select: { emailAddress: true } }),
  ]);
  return {
    contacts,
    ownAddresses: new Set([user?.email, ...accounts.map((a) => a.emailAddress)].filter((a): a is string => !!a).map((a) => a.toLowerCase())),
    ground: (text) => groundWords(ctx.db, ctx.userId, text),
    inSendersMail: (words, addresses) => wordsInSendersMail(ctx.db, ctx.userId, words, addresses),
  };
}

/** The words contacts are known by (name words and company domains, five letters or more): what a typo is corrected to. */
export function contactWords(contacts: KnownContact[]): Set<string> {
  const words = new Set<string>();
  for (const c of contacts) {
    for (const n of c.names) for (const w of n.toLowerCase().split(/[^a-z]+/)) if (w.length >= 5) words.add(w);
    const domain = c.address.split('@')[1] ?? '';
    for (const l of domain.toLowerCase().split('.').slice(0, -1)) if (l.length >= 5 && /^[a-z]+$/.test(l) && !GENERIC_DOMAIN_LABELS.has(l)) words.add(l);
  }
  return words;
}

// ---------------------------------------------------------------- finding contacts in a question

export interface ContactMention {
  /** The words as the user typed them. */
  text: string;
  index: number;
  address: string;
  /** The contact's name in the question's script when it has one. */
  names: string[];
  /** What to search by when the words typed are not in the mail's headers (a company named in Chinese: its domain). */
  sender?: string;
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff]/;
/** Domains of mail providers and of the reserved example names say nothing about who someone is. */
const GENERIC_DOMAIN_LABELS = new Set(['example', 'mail', 'gmail', 'outlook', 'hotmail', 'yahoo', 'qq', '163', '126', 'icloud', 'com', 'local']);
/** Words that are names of someone in some mailbox but mostly mean something else. */
const COMMON_WORDS = new Set(
  'will may mark bill grant rose june april august joy hope faith art ray dean page hall long young king love wang'.split(' '),
);

interface Form {
  form: string;
  address: string;
  names: string[];
  /** A part of a name (first name, company): loses to a full name. */
  partial: boolean;
}

/** Senders per domain: a domain with few is a company's own, one with many (the user's employer) names nobody. */
function domainCounts(contacts: KnownContact[]): Map<string, number> {
  const domainCount = new Map<string, number>();
  for (const c of contacts) {
    const d = c.address.split('@')[1] ?? '';
    domainCount.set(d, (domainCount.get(d) ?? 0) + 1);
  }
  return domainCount;
}

const COMPANY_DOMAIN_MAX_SENDERS = 3;
/** A company's first word shorter than this names it only together with the rest. */
const COMPANY_WORD_MIN_LETTERS = 5;

/**
 * The company of an address when its domain is a company's own (not one
 * shared by many senders, such as the user's employer, nor a mail provider):
 * the domain, its labels ("huaxin-tech" of huaxin-tech.example) and their
 * first word when it is long enough to name the company alone ("huaxin").
 */
function companyOf(address: string, domainCount: Map<string, number>): { domain: string; labels: string[]; word?: string } | undefined {
  const domain = address.split('@')[1] ?? '';
  const labels = domain.split('.').slice(0, -1).filter((l) => !GENERIC_DOMAIN_LABELS.has(l));
  if (labels.length === 0 || (domainCount.get(domain) ?? 0) > COMPANY_DOMAIN_MAX_SENDERS) return undefined;
  const first = labels[0]!.split('-')[0]!;
  return { domain, labels, ...(first.length >= COMPANY_WORD_MIN_LETTERS ? { word: first } : {}) };
}

function formsOf(contacts: KnownContact[], own: ReadonlySet<string>): Form[] {
  const forms: Form[] = [];
  const domainCount = domainCounts(contacts);
  for (const c of contacts) {
    if (own.has(c.address)) continue;
    const add = (form: string, partial: boolean) => {
      const f = form.trim().toLowerCase();
      if (f.length < 2 || (!CJK.test(f) && f.length < 3 && !/^[a-z]{2}$/.test(f))) return;
      forms.push({ form: f, address: c.address, names: c.names, partial });
    };
    add(c.address, false);
    const [local = ''] = c.address.split('@');
    const localParts = local.split(/[._-]+/).filter(Boolean);
    for (const name of c.names) {
      add(name, false);
      const tokens = name.split(/\s+/).filter(Boolean);
      // A person's first or last name: the name has 2–3 words and the address is made of them.
      const personal = tokens.length >= 2 && tokens.length <= 3 && localParts.length >= 2 && tokens.some((t) => localParts.includes(t.toLowerCase().replace(/[^a-z]/g, '')));
      if (personal) for (const t of tokens) if (t.length >= 3 && !COMMON_WORDS.has(t.toLowerCase())) add(t.replace(/['’]/g, ''), true), add(t, true);
      // Team mailboxes: their short name ("HR", "IT").
      for (const t of tokens) if (/^[A-Z]{2,4}$/.test(t)) add(t, true);
    }
    if (localParts.length >= 2 && localParts.every((p) => /^[a-z]+$/.test(p))) add(localParts.join(' '), false);
    const company = companyOf(c.address, domainCount);
    if (company) {
      const labels = company.labels.join(' ');
      add(labels.replace(/-/g, ' '), true);
      add(labels, true);
      if (company.word) add(company.word, true);
    }
  }
  // A partial form several contacts share ("wei", "zhang") names nobody.
  const owners = new Map<string, Set<string>>();
  for (const f of forms) owners.set(f.form, (owners.get(f.form) ?? new Set()).add(f.address));
  return forms.filter((f) => !f.partial || owners.get(f.form)!.size === 1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The contacts the question names, longest mention first; overlapping mentions keep the longest. */
export function findContactMentions(question: string, contacts: KnownContact[], own: ReadonlySet<string>): ContactMention[] {
  const forms = formsOf(contacts, own).sort((a, b) => b.form.length - a.form.length || Number(a.partial) - Number(b.partial));
  const lower = question.toLowerCase();
  const taken: [number, number][] = [];
  const found: ContactMention[] = [];
  for (const f of forms) {
    const re = CJK.test(f.form)
      ? new RegExp(escapeRegExp(f.form), 'g')
      : // A Latin name ends at a Latin letter or digit, not at a Chinese character ("上周收到多少封GitHub的通知").
        new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${escapeRegExp(f.form).replace(/\\ |\s+/g, '[\\s._-]*')}(?![\\p{Script=Latin}\\p{N}])`, 'gu');
    for (const m of lower.matchAll(re)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (taken.some(([s, e]) => start < e && s < end)) continue;
      taken.push([start, end]);
      found.push({ text: question.slice(start, end), index: start, address: f.address, names: f.names });
    }
  }
  return found.sort((a, b) => b.text.length - a.text.length);
}

// ---------------------------------------------------------------- companies named in Chinese

/** What a Chinese company name carries after its own name and its romanized domain leaves out. */
const ZH_COMPANY_SUFFIX = /^(?:有限公司|科技|公司|集团|物流|银行|证券|软件|网络|信息|技术|零售|实业|控股|股份)+/;
const ZH_COMPANY_AS_OBJECT = /(?:拜访|访问|关于|有关|涉及|提到|去|到|给|跟|和|与|对|向|同)\s*$/;
const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff]{2,}/g;

/**
 * Companies named in Chinese whose own domain is that name in pinyin: "华新科技"
 * for huaxin-tech.example, "京鸿物流" for jinghong.example. Only where no
 * contact was found (`taken`), only a company's own domain (a few senders),
 * and only when the pinyin of two to four characters is the domain's first
 * word; a company suffix after them (科技, 物流…) belongs to the mention. The
 * mention searches by the domain, which the mail's headers do have.
 */
export async function romanizedCompanyMentions(question: string, contacts: KnownContact[], own: ReadonlySet<string>, taken: ContactMention[]): Promise<ContactMention[]> {
  const domainCount = domainCounts(contacts);
  const companies = new Map<string, { domain: string; address: string; names: string[] }>();
  for (const c of contacts) {
    if (own.has(c.address)) continue;
    const company = companyOf(c.address, domainCount);
    // Only a long first word (companyOf): a short one is too often another word's pinyin.
    if (company?.word && /^[a-z]+$/.test(company.word) && !companies.has(company.word)) companies.set(company.word, { domain: company.domain, address: c.address, names: c.names });
  }
  if (companies.size === 0 || !CJK.test(question)) return [];
  // Loaded on the first Chinese question that may name one (its dictionary is a megabyte).
  const { pinyin } = await import('pinyin-pro');
  const found: ContactMention[] = [];
  const free = (start: number, end: number) => ![...taken, ...found].some((m) => start < m.index + m.text.length && m.index < end);
  for (const run of question.matchAll(CJK_RUN)) {
    const chars = Array.from(run[0]);
    const syllables = pinyin(run[0], { toneType: 'none', type: 'array' });
    if (syllables.length !== chars.length) continue;
    for (let i = 0; i < chars.length; i++) {
      for (let n = Math.min(4, chars.length - i); n >= 2; n--) {
        const company = companies.get(syllables.slice(i, i + n).join(''));
        if (!company) continue;
        const start = run.index! + chars.slice(0, i).join('').length;
        const name = chars.slice(i, i + n).join('');
        const suffix = ZH_COMPANY_SUFFIX.exec(question.slice(start + name.length))?.[0] ?? '';
        const text = name + suffix;
        // "拜访华新科技的安排": the company is what the mail is about, not who wrote it.
        if (ZH_COMPANY_AS_OBJECT.test(question.slice(0, start))) continue;
        if (!free(start, start + text.length)) continue;
        found.push({ text, index: start, address: company.address, names: company.names, sender: company.domain });
        i += n - 1;
        break;
      }
    }
  }
  return found;
}

/**
 * Contacts whose English name the question says in Chinese, word by word
 * (报销系统 for "Expense System", from the search glossary's forms of each
 * word). Only names of two or three words, said in three characters or more:
 * a single common word (支持 for "Support") stays a topic.
 */
export function translatedNameMentions(question: string, contacts: KnownContact[], own: ReadonlySet<string>, taken: ContactMention[]): ContactMention[] {
  if (!CJK.test(question)) return [];
  const found: ContactMention[] = [];
  const free = (start: number, end: number) => ![...taken, ...found].some((m) => start < m.index + m.text.length && m.index < end);
  for (const c of contacts) {
    if (own.has(c.address)) continue;
    for (const name of c.names) {
      const words = name.split(/\s+/);
      if (words.length < 2 || words.length > 3 || !words.every((w) => /^[A-Za-z]+$/.test(w))) continue;
      const forms = words.map((w) => workMailGlossary.translations(w).filter((t) => CJK.test(t)));
      if (forms.some((f) => f.length === 0)) continue;
      const said = forms.reduce<string[]>((acc, f) => acc.flatMap((a) => f.map((t) => a + t)), ['']).filter((t) => t.length >= 3);
      for (const text of said) {
        const index = question.indexOf(text);
        if (index < 0 || !free(index, index + text.length)) continue;
        found.push({ text, index, address: c.address, names: c.names, sender: name });
        break;
      }
    }
  }
  return found;
}
