/**
 * Chat search: sessions whose title or messages (what was asked and
 * answered, not tool output) match, analysed as mail is: English stemming,
 * and Chinese cut into words by jieba (the mail search's own queryTerms and
 * termQuery), each word found as jieba's word or as the phrase of its
 * bigrams in the stored CJK bigrams. So a Chinese sentence finds a chat that
 * holds its words in any order, not only the sentence as typed.
 */
import type { SessionSearchHit } from '../../shared/api.ts';
import { CJK_RUN } from '../mail/segment.ts';
import { buildTextQuery, queryTerms, termQuery } from '../mail/search.ts';
import { Prisma, type Db } from './prisma.ts';
import { toSessionDto } from './conversations.ts';

const SNIPPET_CHARS = 140;
const MAX_HITS = 50;

/**
 * The tsquery of a chat search: Latin words with websearch syntax (quotes,
 * -word, or) through the English configuration; every Chinese word of the
 * query, as jieba cuts it, must occur. A query of Chinese filler words only
 * ("邮件") is searched as typed.
 */
export function chatTextQuery(q: string): Prisma.Sql | null {
  const cjk = queryTerms(q).filter((t) => t.cjk);
  if (cjk.length === 0) return buildTextQuery(q);
  const parts: Prisma.Sql[] = [];
  const latin = q.replace(CJK_RUN, ' ').trim();
  if (latin) parts.push(Prisma.sql`websearch_to_tsquery('english', ${latin})`);
  for (const t of cjk) parts.push(termQuery(t));
  return Prisma.join(parts, ' && ');
}

/** The text around the first place one of the query's words occurs. */
export function snippetAround(content: string, q: string): string {
  const lower = content.toLowerCase();
  const words = [
    ...q.replace(CJK_RUN, ' ').toLowerCase().split(/[\s"'“”]+/).filter((w) => w && !w.startsWith('-')),
    ...queryTerms(q).filter((t) => t.cjk).map((t) => t.text),
  ];
  const at = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0;
  const start = Math.max(0, at - 40);
  const text = content.slice(start, start + SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${text}${start + SNIPPET_CHARS < content.length ? '…' : ''}`;
}

export async function searchChats(db: Db, userId: string, q: string): Promise<SessionSearchHit[]> {
  const query = chatTextQuery(q);
  if (!query) return [];
  const rows = await db.$queryRaw<
    Array<{ id: string; title: string; created_at: Date; updated_at: Date; content: string | null }>
  >(Prisma.sql`
    WITH q AS (SELECT (${query}) AS query)
    SELECT s.id, s.title, s.created_at, s.updated_at, hit.content
    FROM chat_sessions s
    CROSS JOIN q
    LEFT JOIN LATERAL (
      SELECT m.content FROM conversation_messages m
      WHERE m.session_id = s.id AND m.search_vector @@ q.query
      ORDER BY m.position DESC
      LIMIT 1
    ) hit ON true
    WHERE s.user_id = ${userId}::uuid
      AND (hit.content IS NOT NULL
        OR (to_tsvector('english'::regconfig, agentwire_latin_text(s.title)) ||
            to_tsvector('simple'::regconfig, agentwire_cjk_bigrams(s.title))) @@ q.query)
    ORDER BY s.updated_at DESC
    LIMIT ${MAX_HITS}
  `);
  return rows.map((r) => ({
    session: toSessionDto({ id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at }),
    snippet: r.content === null ? null : snippetAround(r.content, q),
  }));
}
