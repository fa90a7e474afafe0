/**
 * Chat search: sessions whose title or messages (what was asked and
 * answered, not tool output) match, analysed as mail is (English stemming
 * plus CJK bigrams; the query is built by the mail search's own builder).
 */
import type { SessionSearchHit } from '../../shared/api.ts';
import { buildTextQuery } from '../mail/search.ts';
import { Prisma, type Db } from './prisma.ts';
import { toSessionDto } from './conversations.ts';

const SNIPPET_CHARS = 140;
const MAX_HITS = 50;

/** The text around the first place one of the query's words occurs. */
export function snippetAround(content: string, q: string): string {
  const lower = content.toLowerCase();
  const words = q.toLowerCase().split(/[\s"'“”]+/).filter((w) => w && !w.startsWith('-'));
  const at = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? 0;
  const start = Math.max(0, at - 40);
  const text = content.slice(start, start + SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${text}${start + SNIPPET_CHARS < content.length ? '…' : ''}`;
}

export async function searchChats(db: Db, userId: string, q: string): Promise<SessionSearchHit[]> {
  const query = buildTextQuery(q);
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
