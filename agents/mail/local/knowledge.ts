/**
 * What the offline model knows about the user's own mailbox, so that it reads
 * a question against the data and not only the grammar: the contacts (to
 * recognise "Li Wei", "李伟", "wang fang", "Kenji", "Contoso" as senders) and
 * which words occur in the mail (a word in neither is not a filter).
 * Loaded per turn through the run's tool context; without it (unit tests of
 * the parser) the model falls back to grammar alone.
 */
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
  /** The user's own address (their sent mail). */
  ownAddress: string;
  /** The words of a topic the mailbox knows. */
  ground(text: string): Promise<GroundedWords>;
  /** For each word: whether it occurs in mail from these addresses. */
  inSendersMail(words: string[], addresses: string[]): Promise<boolean[]>;
}

export async function loadKnowledge(ctx: ToolContext): Promise<MailKnowledge> {
  const [contacts, user] = await Promise.all([
    ctx.db.contact.findMany({ where: { userId: ctx.userId }, select: { address: true, names: true }, orderBy: { emailCount: 'desc' }, take: 5000 }),
    ctx.db.user.findUnique({ where: { id: ctx.userId }, select: { email: true } }),
  ]);
  return {
    contacts,
    ownAddress: user?.email.toLowerCase() ?? '',
    ground: (text) => groundWords(ctx.db, ctx.userId, text),
    inSendersMail: (words, addresses) => wordsInSendersMail(ctx.db, ctx.userId, words, addresses),
  };
}

// ---------------------------------------------------------------- finding contacts in a question

export interface ContactMention {
  /** The words as the user typed them. */
  text: string;
  index: number;
  address: string;
  /** The contact's name in the question's script when it has one. */
  names: string[];
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

function formsOf(contacts: KnownContact[], ownAddress: string): Form[] {
  const forms: Form[] = [];
  const domainCount = new Map<string, number>();
  for (const c of contacts) {
    const d = c.address.split('@')[1] ?? '';
    domainCount.set(d, (domainCount.get(d) ?? 0) + 1);
  }
  for (const c of contacts) {
    if (c.address === ownAddress) continue;
    const add = (form: string, partial: boolean) => {
      const f = form.trim().toLowerCase();
      if (f.length < 2 || (!CJK.test(f) && f.length < 3 && !/^[a-z]{2}$/.test(f))) return;
      forms.push({ form: f, address: c.address, names: c.names, partial });
    };
    add(c.address, false);
    const [local = '', domain = ''] = c.address.split('@');
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
    // A company's own domain (not one shared by many senders, such as the user's employer).
    const labels = domain.split('.').slice(0, -1).filter((l) => !GENERIC_DOMAIN_LABELS.has(l));
    if (labels.length > 0 && (domainCount.get(domain) ?? 0) <= 3) {
      const company = labels.join(' ');
      add(company.replace(/-/g, ' '), true);
      add(company, true);
      const first = company.split(/[-\s]/)[0]!;
      if (first.length >= 5) add(first, true);
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
export function findContactMentions(question: string, contacts: KnownContact[], ownAddress: string): ContactMention[] {
  const forms = formsOf(contacts, ownAddress).sort((a, b) => b.form.length - a.form.length || Number(a.partial) - Number(b.partial));
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
