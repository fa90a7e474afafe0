import type { EmailSummary } from '../../shared/api.ts';
import { Prisma, type Db } from '../data/prisma.ts';

/** The same CJK ranges the migration's agentwire_cjk_bigrams() recognises. */
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/g;

export interface EmailSearchParams {
  userId: string;
  /** Free text: English words (stemmed; websearch syntax: "phrase", -not, or) and/or Chinese. */
  q?: string;
  /** Matches the sender's name or address, case-insensitively, anywhere in it. */
  from?: string;
  /** Received at or after this instant. */
  after?: Date;
  /** Received strictly before this instant. */
  before?: Date;
  limit: number;
  offset: number;
}

export interface EmailSearchResult {
  items: EmailSummary[];
  total: number;
}

/**
 * The tsquery for free text, mirroring how the search_vector column is built:
 * Latin words through the English configuration, each CJK run as a phrase of
 * its overlapping bigrams (a single character as a prefix match). Returns null
 * when the text has nothing searchable.
 */
export function buildTextQuery(q: string): Prisma.Sql | null {
  const parts: Prisma.Sql[] = [];
  const latin = q.replace(CJK_RUN, ' ').trim();
  if (latin) parts.push(Prisma.sql`websearch_to_tsquery('english', ${latin})`);
  for (const run of q.match(CJK_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) {
      parts.push(Prisma.sql`to_tsquery('simple', quote_literal(${run}) || ':*')`);
    } else {
      const bigrams = chars.slice(0, -1).map((c, i) => c + chars[i + 1]).join(' ');
      parts.push(Prisma.sql`phraseto_tsquery('simple', ${bigrams})`);
    }
  }
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

/**
 * Newest first, always scoped to the owner. Text that yields no lexemes
 * (only stop words, punctuation) falls back to a substring match on subject
 * and snippet, so a query never silently matches everything.
 */
export async function searchEmails(db: Db, p: EmailSearchParams): Promise<EmailSearchResult> {
  const conditions: Prisma.Sql[] = [Prisma.sql`e.user_id = ${p.userId}::uuid`];
  const q = p.q?.trim();
  if (q) {
    const tsquery = buildTextQuery(q);
    const pattern = containsPattern(q);
    const substring = Prisma.sql`(e.subject ILIKE ${pattern} OR e.snippet ILIKE ${pattern})`;
    conditions.push(
      tsquery
        ? Prisma.sql`(CASE WHEN numnode(${tsquery}) > 0 THEN e.search_vector @@ (${tsquery}) ELSE ${substring} END)`
        : substring,
    );
  }
  const from = p.from?.trim();
  if (from) {
    const pattern = containsPattern(from);
    conditions.push(Prisma.sql`(e.from_address ILIKE ${pattern} OR e.from_name ILIKE ${pattern})`);
  }
  if (p.after) conditions.push(Prisma.sql`e.received_at >= ${p.after}`);
  if (p.before) conditions.push(Prisma.sql`e.received_at < ${p.before}`);
  const where = Prisma.join(conditions, ' AND ');

  const [rows, count] = await Promise.all([
    db.$queryRaw<Row[]>`
      SELECT e.id, e.from_address, e.from_name, e.subject, e.snippet, e.received_at, e.thread_id, e.labels
      FROM emails e WHERE ${where}
      ORDER BY e.received_at DESC, e.id DESC
      LIMIT ${p.limit} OFFSET ${p.offset}`,
    db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM emails e WHERE ${where}`,
  ]);
  return { items: rows.map(toEmailSummary), total: Number(count[0]?.total ?? 0) };
}
