/**
 * Imports .eml files, directories of them, and mbox files into a user's
 * mailbox. Messages are parsed with mailparser, stored in batches (a message
 * already stored, by Message-ID, is skipped, so importing twice adds
 * nothing), and the daily reports of the days that received mail are rebuilt.
 * A file that cannot be read or is not an email is skipped and counted; the
 * import goes on.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Db } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';
import { dayOf, type IsoDay } from '../time/calendar.ts';
import { insertEmails, type NewEmail } from './emailStore.ts';
import { looksLikeMbox, readMbox } from './mbox.ts';
import { buildReportsForDays } from './reports.ts';

export class ImportError extends Error {}

export interface ImportFailure {
  /** File path, with "#n" for the n-th message of an mbox. */
  source: string;
  reason: string;
}

export interface ImportSummary {
  /** Messages parsed and offered to the store. */
  parsed: number;
  imported: number;
  duplicates: number;
  failed: number;
  failures: ImportFailure[];
  /** Days whose reports were rebuilt (in the user's time zone). */
  reportDays: IsoDay[];
}

export interface ImportOptions {
  /** A .eml file, a directory (searched recursively for .eml and .mbox files), or an mbox file. */
  path: string;
  userEmail: string;
  log?: Logger;
  batchSize?: number;
}

/** One message to parse, with what the container knows about it. */
export interface RawMessage {
  source: string;
  raw: Buffer;
  fallbackDate?: Date;
}

export type ParsedMessage = { email: NewEmail; references: string[] };
type Parsed = { ok: true; email: NewEmail; references: string[] } | { ok: false; reason: string };

const MESSAGE_ID = /<[^<>\s]+>/g;

function ids(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(MESSAGE_ID) ?? (v.trim() ? [`<${v.trim()}>`] : []));
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const a of entries) {
      if (a.address) out.push(a.address.toLowerCase());
      if (a.group) visit(a.group);
    }
  };
  for (const obj of field ? (Array.isArray(field) ? field : [field]) : []) visit(obj.value);
  return out;
}

// PostgreSQL text cannot hold NUL.
const clean = (s: string) => s.replace(/\u0000/g, '');

function syntheticMessageId(p: ParsedMail, from: string, date: Date | undefined): string {
  const hash = createHash('sha256')
    .update([from, date?.toISOString() ?? '', p.subject ?? '', p.text ?? p.html ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}@agentwire.import>`;
}

/** mailparser's reading of one message, as every mail source stores it (import and IMAP sync). */
export async function parseMessage(m: RawMessage, ownerEmail: string): Promise<Parsed> {
  let p: ParsedMail;
  try {
    p = await simpleParser(m.raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (err) {
    return { ok: false, reason: `cannot parse: ${(err as Error).message}` };
  }
  if (!p.headers.has('from') && !p.headers.has('message-id') && !p.headers.has('date')) {
    return { ok: false, reason: 'not an email (no From, Date or Message-ID header)' };
  }
  const sender = p.from?.value[0];
  const fromAddress = clean(sender?.address?.toLowerCase() ?? '');
  const date = p.date && !Number.isNaN(p.date.getTime()) ? p.date : undefined;
  const messageId = ids(p.messageId)[0] ?? syntheticMessageId(p, fromAddress, date);
  const inReplyTo = ids(p.inReplyTo)[0] ?? null;
  const references = ids(p.references);
  const own = fromAddress !== '' && fromAddress === ownerEmail.toLowerCase();
  return {
    ok: true,
    references,
    email: {
      messageId: clean(messageId),
      // Provisional: the root of References; replies without References are resolved against their parent later.
      threadId: clean(references[0] ?? inReplyTo ?? messageId),
      inReplyTo: inReplyTo && clean(inReplyTo),
      fromAddress,
      fromName: clean(sender?.name ?? ''),
      to: addresses(p.to),
      cc: addresses(p.cc),
      subject: clean(p.subject ?? ''),
      // mailparser turns HTML-only mail into text; attachments are not kept.
      bodyText: clean(p.text ?? '').trim(),
      receivedAt: date ?? m.fallbackDate ?? new Date(),
      labels: [own ? 'sent' : 'inbox', 'imported'],
    },
  };
}

async function* filesUnder(dir: string, onFailure: (f: ImportFailure) => void): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    onFailure({ source: dir, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(full, onFailure);
    else if (/\.(eml|mbox)$/i.test(e.name)) yield full;
  }
}

/** Every message under a path, in a stable order; unreadable files become failures. */
async function* messagesAt(root: string, onFailure: (f: ImportFailure) => void): AsyncGenerator<RawMessage> {
  const stat = await fs.stat(root).catch(() => null);
  if (!stat) throw new ImportError(`No such file or directory: ${root}`);
  const files = stat.isDirectory() ? filesUnder(root, onFailure) : (async function* () { yield root; })();
  for await (const file of files) {
    try {
      const info = await fs.stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
      if (/\.mbox$/i.test(file) || (await looksLikeMbox(file))) {
        for await (const m of readMbox(file)) {
          yield { source: `${file}#${m.index}`, raw: m.raw, fallbackDate: m.envelopeDate ?? info.mtime };
        }
      } else {
        yield { source: file, raw: await fs.readFile(file), fallbackDate: info.mtime };
      }
    } catch (err) {
      onFailure({ source: file, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    }
  }
}

export async function importMail(db: Db, o: ImportOptions): Promise<ImportSummary> {
  const user = await db.user.findUnique({ where: { email: o.userEmail.trim().toLowerCase() } });
  if (!user) throw new ImportError(`No user with the email ${o.userEmail}; register first or pass --user with an existing account`);
  const batchSize = o.batchSize ?? 200;
  const summary: ImportSummary = { parsed: 0, imported: 0, duplicates: 0, failed: 0, failures: [], reportDays: [] };
  const days = new Set<IsoDay>();
  // Threads of recently seen messages, for replies that carry only In-Reply-To
  // (bounded: replies follow their parents closely in real archives).
  const threadOf = new LRUCache<string, string>({ max: 50_000 });
  const fail = (f: ImportFailure) => {
    summary.failed++;
    summary.failures.push(f);
    o.log?.warn({ source: f.source, reason: f.reason }, 'skipped a message that could not be imported');
  };

  let batch: { email: NewEmail; references: string[] }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await resolveThreads(db, user.id, batch, threadOf);
    const emails = batch.map((b) => b.email);
    const inserted = await insertEmails(db, user.id, emails);
    summary.imported += inserted;
    summary.duplicates += emails.length - inserted;
    for (const e of emails) days.add(dayOf(e.receivedAt, user.timezone));
    o.log?.debug({ parsed: summary.parsed, imported: summary.imported }, 'import progress');
    batch = [];
  };

  for await (const m of messagesAt(path.resolve(o.path), fail)) {
    const parsed = await parseMessage(m, user.email);
    if (!parsed.ok) {
      fail({ source: m.source, reason: parsed.reason });
      continue;
    }
    summary.parsed++;
    batch.push(parsed);
    if (batch.length >= batchSize) await flush();
  }
  await flush();

  summary.reportDays = [...days].sort();
  if (summary.reportDays.length > 0) await buildReportsForDays(db, user.id, summary.reportDays, user.timezone);
  return summary;
}

/**
 * A reply without References joins its parent's thread when the parent is
 * known (from this import or already stored); otherwise the parent's id
 * stands in as the thread root.
 */
export async function resolveThreads(
  db: Db,
  userId: string,
  batch: { email: NewEmail; references: string[] }[],
  threadOf: LRUCache<string, string>,
): Promise<void> {
  const unknownParents = batch
    .filter((b) => b.references.length === 0 && b.email.inReplyTo && !threadOf.has(b.email.inReplyTo))
    .map((b) => b.email.inReplyTo!);
  if (unknownParents.length > 0) {
    const stored = await db.email.findMany({
      where: { userId, messageId: { in: [...new Set(unknownParents)] } },
      select: { messageId: true, threadId: true },
    });
    for (const s of stored) threadOf.set(s.messageId, s.threadId);
  }
  for (const b of batch) {
    if (b.references.length === 0 && b.email.inReplyTo) b.email.threadId = threadOf.get(b.email.inReplyTo) ?? b.email.threadId;
    threadOf.set(b.email.messageId, b.email.threadId);
  }
}
