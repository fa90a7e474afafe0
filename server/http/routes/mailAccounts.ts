import { Router } from 'express';
import { z } from 'zod';
import { CreateMailAccountBodySchema, UpdateMailAccountBodySchema } from '../../../shared/api.ts';
import type { Db } from '../../data/prisma.ts';
import { AppError, notFound, parseOrThrow } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { accountAddress, toMailAccountDto } from '../../mail/imap/accountStore.ts';
import { checkImapLogin, MailConnectionError, type ImapEndpoint } from '../../mail/imap/imapConnection.ts';
import type { MailSync } from '../../mail/imap/mailSync.ts';
import type { SecretBox } from '../../mail/imap/secretBox.ts';
import { buildReportsForDays } from '../../mail/reports.ts';
import { dayOf } from '../../time/calendar.ts';
import { currentUser } from '../authenticate.ts';

export interface MailAccountRoutesDeps {
  db: Db;
  log: Logger;
  secretBox: SecretBox;
  /** Absent when this process runs no background jobs: accounts are stored but not synced here. */
  sync?: MailSync;
  connectTimeoutMs: number;
}

const IdParam = z.object({ id: z.uuid('Mail account id must be a UUID') });

const DEFAULT_MAILBOXES = ['INBOX', 'Sent'];

/** Connection and login, checked before anything is saved. */
async function verify(ep: ImapEndpoint, deps: MailAccountRoutesDeps): Promise<void> {
  try {
    await checkImapLogin(ep, deps.log, { connectMs: deps.connectTimeoutMs });
  } catch (err) {
    if (err instanceof MailConnectionError) throw new AppError('mail_connection_failed', err.message, { reason: err.reason });
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === 'P2002';
}

export function mailAccountRoutes(deps: MailAccountRoutesDeps): Router {
  const { db } = deps;
  const router = Router();
  const owned = async (userId: string, id: string) => {
    const a = await db.mailAccount.findFirst({ where: { id, userId } });
    if (!a) throw notFound('Mail account');
    return a;
  };
  const startSync = async (accountId: string) => {
    deps.sync?.watch(accountId);
    await deps.sync?.requestSync(accountId);
  };

  router.get('/', async (_req, res) => {
    const items = await db.mailAccount.findMany({ where: { userId: currentUser(res).id }, orderBy: { createdAt: 'asc' } });
    res.json({ items: items.map(toMailAccountDto) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(IdParam, req.params, 'Mail account id');
    res.json(toMailAccountDto(await owned(currentUser(res).id, id)));
  });

  router.post('/', async (req, res) => {
    const body = parseOrThrow(CreateMailAccountBodySchema, req.body, 'Mail account');
    const user = currentUser(res);
    const emailAddress = accountAddress(body.username, body.host);
    if (await db.mailAccount.findFirst({ where: { userId: user.id, emailAddress }, select: { id: true } })) {
      throw new AppError('conflict', `${emailAddress} is already connected`);
    }
    await verify(body, deps);
    let account;
    try {
      account = await db.mailAccount.create({
        data: {
          userId: user.id,
          label: body.label ?? emailAddress,
          emailAddress,
          imapHost: body.host,
          imapPort: body.port,
          imapSecure: body.tls,
          imapUser: body.username,
          passwordEncrypted: deps.secretBox.seal(body.password),
          mailboxes: body.mailboxes ?? DEFAULT_MAILBOXES,
          syncStatus: deps.sync ? 'syncing' : 'idle',
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `${emailAddress} is already connected`);
      throw err;
    }
    await startSync(account.id);
    res.status(201).json(toMailAccountDto(account));
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseOrThrow(IdParam, req.params, 'Mail account id');
    const body = parseOrThrow(UpdateMailAccountBodySchema, req.body, 'Mail account');
    const current = await owned(currentUser(res).id, id);
    const ep: ImapEndpoint = {
      host: body.host ?? current.imapHost,
      port: body.port ?? current.imapPort,
      tls: body.tls ?? current.imapSecure,
      username: body.username ?? current.imapUser,
      password: body.password ?? deps.secretBox.open(current.passwordEncrypted),
    };
    const connectionChanged =
      ep.host !== current.imapHost || ep.port !== current.imapPort || ep.tls !== current.imapSecure || ep.username !== current.imapUser || body.password !== undefined;
    if (connectionChanged) await verify(ep, deps);
    const emailAddress = accountAddress(ep.username, ep.host);
    let updated;
    try {
      updated = await db.mailAccount.update({
        where: { id },
        data: {
          imapHost: ep.host,
          imapPort: ep.port,
          imapSecure: ep.tls,
          imapUser: ep.username,
          emailAddress,
          ...(body.password !== undefined ? { passwordEncrypted: deps.secretBox.seal(body.password) } : {}),
          ...(body.mailboxes ? { mailboxes: body.mailboxes } : {}),
          ...(body.label ? { label: body.label } : {}),
          // Another server or login: what was synced says nothing about the new one.
          ...(ep.host !== current.imapHost || ep.username !== current.imapUser ? { syncCursor: {} } : {}),
          ...(connectionChanged ? { lastError: null, syncStatus: 'idle' } : {}),
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('conflict', `${emailAddress} is already connected`);
      throw err;
    }
    if (connectionChanged || body.mailboxes) await startSync(id);
    res.json(toMailAccountDto(updated));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseOrThrow(IdParam, req.params, 'Mail account id');
    const user = currentUser(res);
    await owned(user.id, id);
    deps.sync?.unwatch(id);
    // The account's mail goes with it (mail imported before stays); its days' reports are rebuilt.
    const synced = await db.email.findMany({ where: { userId: user.id, mailAccountId: id }, select: { receivedAt: true } });
    await db.email.deleteMany({ where: { userId: user.id, mailAccountId: id } });
    await db.mailAccount.delete({ where: { id } });
    if (synced.length) {
      const tz = (await db.user.findUnique({ where: { id: user.id }, select: { timezone: true } }))?.timezone ?? 'UTC';
      await buildReportsForDays(db, user.id, [...new Set(synced.map((e) => dayOf(e.receivedAt, tz)))].sort(), tz);
    }
    res.status(204).end();
  });

  router.post('/:id/sync', async (req, res) => {
    const { id } = parseOrThrow(IdParam, req.params, 'Mail account id');
    await owned(currentUser(res).id, id);
    if (!deps.sync) throw new AppError('processing_error', 'Mail sync is not running in this server process');
    await startSync(id);
    res.status(202).json({ queued: true });
  });

  return router;
}
