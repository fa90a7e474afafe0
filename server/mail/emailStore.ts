import type { EmailDetail } from '../../shared/api.ts';
import type { Db } from '../data/prisma.ts';
import { indexStoredEmails, searchWordsOf } from './mailIndex.ts';

/** A message ready to store, from any source (demo generator, .eml/.mbox import, IMAP). */
export interface NewEmail {
  messageId: string;
  threadId: string;
  inReplyTo?: string | null;
  fromAddress: string;
  fromName: string;
  to: string[];
  cc: string[];
  subject: string;
  bodyText: string;
  receivedAt: Date;
  labels: string[];
  mailAccountId?: string | null;
}

const SNIPPET_CHARS = 160;

/** First words of the body, quoted replies and blank lines left out. */
export function makeSnippet(body: string): string {
  const lines = body
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('>') && l.trim() !== '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(lines);
  return chars.length <= SNIPPET_CHARS ? lines : chars.slice(0, SNIPPET_CHARS - 1).join('') + '…';
}

/**
 * Stores emails for one owner; a message already stored (same Message-ID) is
 * skipped. Returns how many were new. Every path that stores mail comes
 * through here, so the search index (jieba's words, contacts, vocabulary:
 * server/mail/mailIndex.ts) stays up to date.
 */
export async function insertEmails(db: Db, userId: string, emails: NewEmail[], batchSize = 500): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < emails.length; i += batchSize) {
    const batch = emails.slice(i, i + batchSize);
    const r = await db.email.createMany({
      data: batch.map((e) => ({
        userId,
        messageId: e.messageId,
        threadId: e.threadId,
        inReplyTo: e.inReplyTo ?? null,
        fromAddress: e.fromAddress,
        fromName: e.fromName,
        to: e.to,
        cc: e.cc,
        subject: e.subject,
        bodyText: e.bodyText,
        snippet: makeSnippet(e.bodyText),
        receivedAt: e.receivedAt,
        labels: e.labels,
        mailAccountId: e.mailAccountId ?? null,
        searchWords: searchWordsOf(e),
      })),
      skipDuplicates: true,
    });
    inserted += r.count;
    await indexStoredEmails(db, userId, batch);
  }
  return inserted;
}

/** One email of its owner, or null: another user's id is indistinguishable from a missing one. */
export async function getEmail(db: Db, userId: string, id: string): Promise<EmailDetail | null> {
  const e = await db.email.findFirst({ where: { id, userId } });
  if (!e) return null;
  return {
    id: e.id,
    messageId: e.messageId,
    threadId: e.threadId,
    inReplyTo: e.inReplyTo,
    from: e.fromAddress,
    fromName: e.fromName,
    to: e.to,
    cc: e.cc,
    subject: e.subject,
    snippet: e.snippet,
    bodyText: e.bodyText,
    receivedAt: e.receivedAt.toISOString(),
    labels: e.labels,
  };
}
