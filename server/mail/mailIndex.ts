/**
 * What search needs beyond the emails themselves, kept up to date whenever
 * mail is stored (insertEmails calls these, so the demo seed, the .eml/.mbox
 * importer and IMAP sync all get them): jieba's Chinese words of each email
 * (the search_words column the generated search vector reads), the mailbox's
 * contacts (one per sender address, with every name it wrote under) and its
 * vocabulary (every word that occurs, for correcting misspelt query words).
 */
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { cjkIndexWords, latinVocabulary } from './segment.ts';

interface IndexableEmail {
  subject: string;
  fromName: string;
  bodyText: string;
}

const BODY_CHARS = 100_000;

/** The search_words of an email: jieba's Chinese words of its subject, sender name and body. */
export function searchWordsOf(e: IndexableEmail): string {
  return cjkIndexWords(`${e.subject}\n${e.fromName}\n${e.bodyText.slice(0, BODY_CHARS)}`).join(' ');
}

function vocabularyOf(emails: readonly IndexableEmail[]): string[] {
  const words = new Set<string>();
  for (const e of emails) {
    const text = `${e.subject}\n${e.fromName}\n${e.bodyText.slice(0, BODY_CHARS)}`;
    for (const w of latinVocabulary(text)) words.add(w);
    for (const w of cjkIndexWords(text)) words.add(w);
  }
  return [...words];
}

/** Adds the words of these emails to the mailbox's vocabulary. */
export async function addToVocabulary(db: Db, userId: string, emails: readonly IndexableEmail[]): Promise<void> {
  // Sorted: concurrent writers then take row locks in the same order and never deadlock.
  const words = vocabularyOf(emails).sort();
  for (let i = 0; i < words.length; i += 5000) {
    const chunk = words.slice(i, i + 5000);
    await db.$executeRaw`
      INSERT INTO mail_words (user_id, word)
      SELECT ${userId}::uuid, w FROM unnest(${chunk}::text[]) AS w
      ON CONFLICT DO NOTHING`;
  }
}

/**
 * Recomputes the contacts of these sender addresses from the stored mail
 * (idempotent: storing the same mail again changes nothing).
 */
export async function refreshContacts(db: Db, userId: string, addresses: readonly string[]): Promise<void> {
  const unique = [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter(Boolean))].sort();
  if (unique.length === 0) return;
  await db.$executeRaw`
    INSERT INTO contacts (user_id, address, names, email_count, last_email_at, updated_at)
    SELECT e.user_id, lower(e.from_address),
           array_remove(array_agg(DISTINCT nullif(e.from_name, '')), NULL),
           count(*)::int, max(e.received_at), now()
    FROM emails e
    WHERE e.user_id = ${userId}::uuid AND lower(e.from_address) = ANY(${unique}::text[])
    GROUP BY e.user_id, lower(e.from_address)
    ORDER BY lower(e.from_address)
    ON CONFLICT (user_id, address) DO UPDATE
      SET names = EXCLUDED.names, email_count = EXCLUDED.email_count,
          last_email_at = EXCLUDED.last_email_at, updated_at = now()`;
}

/** After mail was stored: contacts and vocabulary of the batch. */
export async function indexStoredEmails(
  db: Db,
  userId: string,
  emails: readonly (IndexableEmail & { fromAddress: string })[],
): Promise<void> {
  if (emails.length === 0) return;
  await addToVocabulary(db, userId, emails);
  await refreshContacts(db, userId, emails.map((e) => e.fromAddress));
}

/**
 * Segments mail stored before segmentation existed (search_words IS NULL),
 * in batches, and adds its words to the vocabulary. Cheap when nothing is
 * pending (a partial index finds those rows). Returns how many were done.
 */
export async function backfillSearchIndex(db: Db, log?: Logger, batchSize = 500): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db.$queryRaw<{ id: string; user_id: string; subject: string; from_name: string; body_text: string }[]>`
      SELECT id, user_id, subject, from_name, body_text FROM emails WHERE search_words IS NULL LIMIT ${batchSize}`;
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.id);
    const words = rows.map((r) => searchWordsOf({ subject: r.subject, fromName: r.from_name, bodyText: r.body_text }));
    await db.$executeRaw`
      UPDATE emails e SET search_words = v.words
      FROM unnest(${ids}::uuid[], ${words}::text[]) AS v(id, words)
      WHERE e.id = v.id`;
    const byUser = new Map<string, IndexableEmail[]>();
    for (const r of rows) {
      const list = byUser.get(r.user_id) ?? [];
      list.push({ subject: r.subject, fromName: r.from_name, bodyText: r.body_text });
      byUser.set(r.user_id, list);
    }
    for (const [userId, emails] of byUser) await addToVocabulary(db, userId, emails);
    done += rows.length;
  }
  if (done > 0) log?.info({ emails: done }, 'segmented stored mail for search');
  return done;
}
