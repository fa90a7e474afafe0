/**
 * One sync of one IMAP account: every configured folder is brought in line
 * with the server. New messages are fetched newest first in bounded batches
 * (parsed with the import pipeline, stored, their days' reports rebuilt, the
 * user told), messages gone from the server are dropped, and a folder whose
 * UIDVALIDITY changed is matched again from scratch (Message-ID keeps it from
 * duplicating anything). Progress is stored per batch, so a sync cut short
 * (crash, server gone) resumes where it stopped.
 *
 * A folder that looks the same as last time (UIDVALIDITY, UIDNEXT, message
 * count and, with CONDSTORE, HIGHESTMODSEQ) costs one EXAMINE.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ImapFlow, ListResponse } from 'imapflow';
import { LRUCache } from 'lru-cache';
import type { MailAccountDto } from '../../../shared/api.ts';
import { sqlOf, type Db } from '../../data/prisma.ts';
import type { Logger } from '../../logger.ts';
import { dayOf, type IsoDay } from '../../time/calendar.ts';
import { insertEmails } from '../emailStore.ts';
import { parseMessage, resolveThreads, type ParsedMessage } from '../importer.ts';
import { buildReportsForDays } from '../reports.ts';
import { type FolderCursor, type SyncCursor, toMailAccountDto } from './accountStore.ts';
import { classifyImapError, createImapClient, MailConnectionError, type ImapClientOptions } from './imapConnection.ts';
import type { SecretBox } from './secretBox.ts';

export interface MailEvents {
  mailReceived(userId: string, e: { accountId: string; count: number; days: IsoDay[]; newestReceivedAt: Date }): void;
  accountStatus(userId: string, account: MailAccountDto): void;
}

export interface AccountSyncDeps {
  db: Db;
  log: Logger;
  secretBox: SecretBox;
  events: MailEvents;
  /** Messages fetched, parsed and stored per batch. */
  batchSize?: number;
  client?: ImapClientOptions;
}

export interface SyncOutcome {
  added: number;
  removed: number;
  /** The failure, when the sync did not finish; `transient` failures are worth retrying. */
  error?: MailConnectionError;
}

const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;
const INSERT_CHUNK = 20;

export async function syncAccount(deps: AccountSyncDeps, accountId: string, signal?: AbortSignal): Promise<SyncOutcome> {
  const { db } = deps;
  const account = await db.mailAccount.findUnique({ where: { id: accountId }, include: { user: { select: { email: true, timezone: true } } } });
  if (!account) return { added: 0, removed: 0 };
  const log = deps.log.child({ accountId });
  const setStatus = async (data: { syncStatus: string; lastError?: string | null; lastSyncedAt?: Date; messageCount?: number }) => {
    const updated = await db.mailAccount.update({ where: { id: accountId }, data }).catch(() => null);
    if (updated) deps.events.accountStatus(account.userId, toMailAccountDto(updated));
  };
  await setStatus({ syncStatus: 'syncing' });

  const endpoint = {
    host: account.imapHost,
    port: account.imapPort,
    tls: account.imapSecure,
    username: account.imapUser,
    password: deps.secretBox.open(account.passwordEncrypted),
  };
  const client = createImapClient(endpoint, log, deps.client);
  const outcome: SyncOutcome = { added: 0, removed: 0 };
  const ctx: FolderContext = {
    deps,
    log,
    client,
    accountId,
    userId: account.userId,
    ownerEmail: account.user.email,
    timezone: account.user.timezone,
    cursor: { ...(account.syncCursor as unknown as SyncCursor) },
    outcome,
    threadOf: new LRUCache({ max: 20_000 }),
    signal,
  };
  try {
    await client.connect();
    const folders = resolveFolders(account.mailboxes, await client.list());
    for (const f of folders) {
      signal?.throwIfAborted();
      await syncFolder(ctx, f.path, f.label);
    }
    outcome.removed += await dropOrphans(ctx);
    const messageCount = await countSynced(db, accountId);
    await setStatus({ syncStatus: 'idle', lastError: null, lastSyncedAt: new Date(), messageCount });
    log.info({ added: outcome.added, removed: outcome.removed, messageCount }, 'mail account synced');
  } catch (err) {
    if (signal?.aborted) {
      await setStatus({ syncStatus: 'idle' });
      throw err;
    }
    const failure = err instanceof MailConnectionError || isImapError(err) ? classifyImapError(err, endpoint) : undefined;
    if (!failure) {
      await setStatus({ syncStatus: 'error', lastError: 'The sync failed unexpectedly; it will be retried' });
      throw err;
    }
    outcome.error = failure;
    await setStatus({ syncStatus: 'error', lastError: failure.message, messageCount: await countSynced(db, accountId) });
    log.warn({ reason: failure.reason, transient: failure.transient }, `mail sync failed: ${failure.message}`);
  } finally {
    await client.logout().catch(() => client.close());
  }
  return outcome;
}

/** Errors of the connection or the protocol (as opposed to bugs and database failures). */
function isImapError(err: unknown): boolean {
  const e = err as { code?: string; authenticationFailed?: boolean; responseStatus?: string; syscall?: string };
  return Boolean(e && (e.authenticationFailed || e.responseStatus || e.syscall || (typeof e.code === 'string' && !/^P\d{4}$/.test(e.code))));
}

/**
 * The configured folder names as paths on this server: exact names first,
 * then "Sent" (and other special-use names) by their special-use flag, so a
 * server calling it "Sent Items" or "已发送" still works. Unknown names are skipped.
 */
export function resolveFolders(names: string[], list: ListResponse[]): { path: string; label: string }[] {
  const special: Record<string, string> = { sent: '\\Sent', drafts: '\\Drafts', trash: '\\Trash', junk: '\\Junk', archive: '\\Archive' };
  const out = new Map<string, string>();
  for (const name of names) {
    const exact = list.find((l) => l.path.toLowerCase() === name.toLowerCase());
    const use = special[name.toLowerCase()];
    const found = exact ?? (use ? list.find((l) => l.specialUse === use) : undefined);
    if (!found || found.flags?.has('\\Noselect')) continue;
    const label = found.path.toUpperCase() === 'INBOX' ? 'inbox' : found.specialUse === '\\Sent' ? 'sent' : name.toLowerCase();
    out.set(found.path, label);
  }
  return [...out].map(([path, label]) => ({ path, label }));
}

interface FolderContext {
  deps: AccountSyncDeps;
  log: Logger;
  client: ImapFlow;
  accountId: string;
  userId: string;
  ownerEmail: string;
  timezone: string;
  cursor: SyncCursor;
  outcome: SyncOutcome;
  threadOf: LRUCache<string, string>;
  signal?: AbortSignal;
}

async function syncFolder(ctx: FolderContext, path: string, label: string): Promise<void> {
  const { client, deps } = ctx;
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const mb = client.mailbox;
    if (!mb) return;
    const now: FolderCursor = {
      uidValidity: String(mb.uidValidity),
      uidNext: Number(mb.uidNext),
      exists: mb.exists,
      ...(mb.highestModseq !== undefined ? { highestModseq: String(mb.highestModseq) } : {}),
    };
    const prev = ctx.cursor[path];
    if (prev && prev.uidValidity !== now.uidValidity) {
      // The server renumbered the folder: old UIDs mean nothing now. The emails
      // stay; the full match below finds them again by Message-ID.
      const dropped = await deps.db.mailLocation.deleteMany({ where: { accountId: ctx.accountId, mailbox: path } });
      ctx.log.info({ mailbox: path, locations: dropped.count }, 'UIDVALIDITY changed: matching the folder again');
    }
    const sameFolder = prev?.uidValidity === now.uidValidity;
    if (sameFolder && prev.uidNext === now.uidNext && prev.exists === now.exists && prev.highestModseq === now.highestModseq) return;

    let toFetch: number[] | undefined;
    if (sameFolder && now.uidNext > prev.uidNext) {
      // Only arrivals since last time, when the count shows nothing was removed.
      const arrived = ((await client.search({ uid: `${prev.uidNext}:*` }, { uid: true })) || []).filter((u) => u >= prev.uidNext);
      if (prev.exists + arrived.length === now.exists) toFetch = arrived;
    }
    if (!toFetch) {
      const onServer = (await client.search({ all: true }, { uid: true })) || [];
      const stored = await deps.db.mailLocation.findMany({ where: { accountId: ctx.accountId, mailbox: path }, select: { uid: true } });
      const known = new Set(stored.map((s) => Number(s.uid)));
      const present = new Set(onServer);
      toFetch = onServer.filter((u) => !known.has(u));
      const gone = [...known].filter((u) => !present.has(u));
      if (gone.length) ctx.outcome.removed += await dropLocations(ctx, path, gone);
    }

    if (sameFolder && prev.highestModseq && now.highestModseq && prev.highestModseq !== now.highestModseq) {
      await followReadState(ctx, path, label, BigInt(prev.highestModseq), new Set(toFetch));
    }

    toFetch.sort((a, b) => b - a);
    const batchSize = deps.batchSize ?? 100;
    for (let i = 0; i < toFetch.length; i += batchSize) {
      ctx.signal?.throwIfAborted();
      await storeBatch(ctx, path, label, BigInt(now.uidValidity), toFetch.slice(i, i + batchSize));
      await yieldToLoop();
    }
    ctx.cursor[path] = now;
    await deps.db.mailAccount.update({ where: { id: ctx.accountId }, data: { syncCursor: ctx.cursor as object } });
  } finally {
    lock.release();
  }
}

/**
 * Read state changed in another client since the last sync (CONDSTORE: only messages whose flags changed
 * since the folder's last HIGHESTMODSEQ are sent): the `unread` label follows the server's \\Seen.
 */
async function followReadState(ctx: FolderContext, path: string, label: string, sinceModseq: bigint, fetching: Set<number>): Promise<void> {
  if (label === 'sent') return;
  const seen: bigint[] = [];
  const unseen: bigint[] = [];
  for await (const m of ctx.client.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: sinceModseq })) {
    if (fetching.has(m.uid) || !m.flags) continue;
    (m.flags.has('\\Seen') ? seen : unseen).push(BigInt(m.uid));
  }
  // Only rows whose label actually changes are written (a read message stays untouched when it is read again).
  const relabel = (uids: bigint[], read: boolean) =>
    uids.length === 0
      ? Promise.resolve(0)
      : sqlOf(ctx.deps.db).exec(
          `UPDATE emails e SET labels = CASE WHEN $5 THEN array_remove(e.labels, 'unread') ELSE e.labels || '{unread}'::text[] END
           FROM mail_locations l
           WHERE l.account_id = $1::uuid AND l.mailbox = $2 AND l.uid = ANY($3::bigint[]) AND e.id = l.email_id AND e.user_id = $4::uuid
             AND ('unread' = ANY(e.labels)) = $5`,
          [ctx.accountId, path, uids.map(String), ctx.userId, read],
        );
  const read = await relabel(seen, true);
  const unread = await relabel(unseen, false);
  if (read + unread > 0) ctx.log.info({ mailbox: path, read, unread }, 'read state changed on the server');
}

/** Fetches, parses and stores one batch of UIDs; tells the user about what was new. */
async function storeBatch(ctx: FolderContext, path: string, label: string, uidValidity: bigint, uids: number[]): Promise<void> {
  const { client, deps } = ctx;
  const { db } = deps;
  const raws: { uid: number; source: Buffer; internalDate?: Date; seen: boolean }[] = [];
  for await (const m of client.fetch(uids.join(','), { uid: true, source: { maxLength: MAX_MESSAGE_BYTES }, internalDate: true, flags: true }, { uid: true })) {
    if (m.source) raws.push({ uid: m.uid, source: m.source, internalDate: m.internalDate instanceof Date ? m.internalDate : undefined, seen: m.flags?.has('\\Seen') ?? false });
  }
  const parsed: (ParsedMessage & { uid: number })[] = [];
  for (const r of raws) {
    // One message's parse at a time between turns of the event loop: chat runs share it.
    await yieldToLoop();
    const p = await parseMessage({ source: `${path}#${r.uid}`, raw: r.source, fallbackDate: r.internalDate }, ctx.ownerEmail);
    if (!p.ok) {
      ctx.log.warn({ mailbox: path, uid: r.uid, reason: p.reason }, 'skipped a message that could not be parsed');
      continue;
    }
    // Read state as the server had it when the message was fetched (\\Seen), kept as the label `unread` as Gmail does.
    // Later changes made in another client are followed by followReadState.
    p.email.labels = label !== 'sent' && !r.seen ? [label, 'unread'] : [label];
    p.email.mailAccountId = ctx.accountId;
    parsed.push({ ...p, uid: r.uid });
  }
  if (parsed.length === 0) return;

  const messageIds = [...new Set(parsed.map((p) => p.email.messageId))];
  const before = new Set(
    (await db.email.findMany({ where: { userId: ctx.userId, messageId: { in: messageIds } }, select: { messageId: true } })).map((e) => e.messageId),
  );
  const fresh = parsed.filter((p, i) => !before.has(p.email.messageId) && parsed.findIndex((q) => q.email.messageId === p.email.messageId) === i);
  await resolveThreads(db, ctx.userId, fresh, ctx.threadOf);
  // Small insert chunks: each runs the search indexer (jieba) synchronously over its messages.
  await insertEmails(db, ctx.userId, fresh.map((p) => p.email), INSERT_CHUNK);
  const ids = new Map(
    (await db.email.findMany({ where: { userId: ctx.userId, messageId: { in: messageIds } }, select: { id: true, messageId: true } })).map((e) => [
      e.messageId,
      e.id,
    ]),
  );
  await db.mailLocation.createMany({
    data: parsed.flatMap((p) => {
      const emailId = ids.get(p.email.messageId);
      return emailId ? [{ accountId: ctx.accountId, mailbox: path, uid: BigInt(p.uid), uidValidity, emailId }] : [];
    }),
    skipDuplicates: true,
  });
  if (fresh.length === 0) return;

  ctx.outcome.added += fresh.length;
  const days = [...new Set(fresh.map((p) => dayOf(p.email.receivedAt, ctx.timezone)))].sort();
  await buildReportsForDays(db, ctx.userId, days, ctx.timezone);
  const newest = fresh.reduce((a, p) => (p.email.receivedAt > a ? p.email.receivedAt : a), fresh[0]!.email.receivedAt);
  deps.events.mailReceived(ctx.userId, { accountId: ctx.accountId, count: fresh.length, days, newestReceivedAt: newest });
}

/** Forgets UIDs the server no longer has; an email of this account found in no folder any more is deleted. */
async function dropLocations(ctx: FolderContext, path: string, uids: number[]): Promise<number> {
  const { db } = ctx.deps;
  let removed = 0;
  for (let i = 0; i < uids.length; i += 1000) {
    const chunk = uids.slice(i, i + 1000).map(BigInt);
    const rows = await db.mailLocation.findMany({ where: { accountId: ctx.accountId, mailbox: path, uid: { in: chunk } }, select: { emailId: true } });
    await db.mailLocation.deleteMany({ where: { accountId: ctx.accountId, mailbox: path, uid: { in: chunk } } });
    removed += await deleteUnlocated(ctx, rows.map((r) => r.emailId));
  }
  return removed;
}

async function deleteUnlocated(ctx: FolderContext, emailIds: string[] | 'all'): Promise<number> {
  const { db } = ctx.deps;
  const where = {
    userId: ctx.userId,
    mailAccountId: ctx.accountId,
    locations: { none: {} },
    ...(emailIds === 'all' ? {} : { id: { in: emailIds } }),
  };
  if (emailIds !== 'all' && emailIds.length === 0) return 0;
  const doomed = await db.email.findMany({ where, select: { id: true, receivedAt: true } });
  if (doomed.length === 0) return 0;
  await db.email.deleteMany({ where: { id: { in: doomed.map((d) => d.id) } } });
  const days = [...new Set(doomed.map((d) => dayOf(d.receivedAt, ctx.timezone)))].sort();
  await buildReportsForDays(db, ctx.userId, days, ctx.timezone);
  return doomed.length;
}

/** After a UIDVALIDITY reset or a folder dropped from the list: emails of this account in no synced folder. */
const dropOrphans = (ctx: FolderContext) => deleteUnlocated(ctx, 'all');

/** Emails this account holds, including ones that matched mail imported before. */
function countSynced(db: Db, accountId: string): Promise<number> {
  return db.email.count({ where: { OR: [{ mailAccountId: accountId }, { locations: { some: { accountId } } }] } });
}
