/**
 * Mail accounts against a real Dovecot: the login is checked before saving
 * (each failure has its own error), the first sync brings the mail in,
 * IDLE pushes new mail, deletes, moves and a UIDVALIDITY reset are reflected
 * without duplicates, Chinese and GBK mail reads correctly, and the password
 * appears in no response and no log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMail } from '../../server/mail/importer.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { dovecotUnavailable, rawEmail, startDovecot, type Dovecot, type DovecotUser } from '../helpers/dovecot.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, type ClientSocket } from '../helpers/socket.ts';
import { capturedLogger, mailReceived, syncFinished } from './support.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const unavailable = dovecotUnavailable();
if (unavailable) console.warn(`Skipping the IMAP tests: ${unavailable}`);

describe.skipIf(unavailable)('mail accounts over IMAP (Dovecot)', () => {
  let t: TestDatabase;
  let srv: TestServer;
  let dovecot: Dovecot;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let userId: string;
  let socket: ClientSocket;
  const logs = capturedLogger();
  const passwords: string[] = [];

  beforeAll(async () => {
    [t, dovecot] = await Promise.all([createTestDatabase(), startDovecot()]);
    srv = await startTestServer(t.db, {
      databaseUrl: t.url,
      log: logs.log,
      env: { MAIL_SYNC_RETRY_DELAY_S: '1', MAIL_SYNC_POLL_INTERVAL_S: '3600', MAIL_CONNECT_TIMEOUT_MS: '3000' },
    });
    api = apiClient(srv.url);
    const r = await api.register('imap-owner@example.com');
    token = r.accessToken;
    userId = r.user.id;
    socket = await connectUser(srv.url, token);
  });
  afterAll(async () => {
    socket?.close();
    await srv?.close();
    await dovecot?.close();
    await t?.drop();
    // Whatever happened above, the password never reached a log line.
    for (const p of passwords) expect(logs.text()).not.toContain(p);
  });

  async function newMailbox(): Promise<DovecotUser> {
    const u = await dovecot.addUser();
    passwords.push(u.password);
    return u;
  }

  async function connect(u: DovecotUser, extra: Record<string, unknown> = {}) {
    // The first sync starts as the account is created, possibly before the response names it: collect every
    // account's sync ends from before the request, then wait for this account's (an earlier test's sync may end meanwhile).
    const ended: string[] = [];
    let wake: (() => void) | undefined;
    const onStatus = (s: { account_id: string; status: string }) => {
      if (s.status === 'syncing') return;
      ended.push(s.account_id);
      wake?.();
    };
    socket.on('mail_account_status', onStatus);
    try {
      const r = await api.post(
        '/api/mail-accounts',
        { host: dovecot.host, port: dovecot.port, tls: false, username: u.username, password: u.password, ...extra },
        token,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(JSON.stringify(r.body)).not.toContain(u.password);
      const id = (r.body as { id: string }).id;
      while (!ended.includes(id)) await new Promise<void>((resolve) => (wake = resolve));
      return r.body as { id: string };
    } finally {
      socket.off('mail_account_status', onStatus);
    }
  }

  const emailsOf = (accountId: string) =>
    t.db.email.findMany({ where: { mailAccountId: accountId }, orderBy: { receivedAt: 'desc' }, select: { subject: true, messageId: true, labels: true } });

  it('checks the login before saving: wrong password, unreachable host and TLS failure each have their own error', async () => {
    const u = await newMailbox();
    const base = { host: dovecot.host, port: dovecot.port, tls: false, username: u.username };
    const wrong = await api.post('/api/mail-accounts', { ...base, password: 'not-the-password' }, token);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ type: 'mail_connection_failed', reason: 'authentication_failed' });
    expect(wrong.body.error.message).toMatch(/rejected the user name or password/);

    const closedPort = await (async () => {
      const net = await import('node:net');
      const s = net.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const port = (s.address() as import('node:net').AddressInfo).port;
      await new Promise((r) => s.close(r));
      return port;
    })();
    const unreachable = await api.post('/api/mail-accounts', { ...base, port: closedPort, password: u.password }, token);
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.error).toMatchObject({ type: 'mail_connection_failed', reason: 'unreachable' });
    expect(unreachable.body.error.message).toMatch(/Cannot reach the IMAP server/);

    const tls = await api.post('/api/mail-accounts', { ...base, tls: true, password: u.password }, token);
    expect(tls.status).toBe(422);
    expect(tls.body.error).toMatchObject({ type: 'mail_connection_failed', reason: 'tls_failed' });

    const invalid = await api.post('/api/mail-accounts', { ...base, port: 70000, password: '' }, token);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.type).toBe('validation_error');

    for (const r of [wrong, unreachable, tls, invalid]) expect(JSON.stringify(r.body)).not.toContain(u.password);
    expect(await t.db.mailAccount.count()).toBe(0);
  });

  it('syncs INBOX and Sent, newest first; stores the password encrypted; lists status without it', async () => {
    const u = await newMailbox();
    const day = (n: number) => new Date(Date.UTC(2026, 10, 20, 8 + n));
    for (let i = 1; i <= 5; i++) {
      await dovecot.deliver(u.username, rawEmail({ messageId: `<in${i}@example.com>`, subject: `Inbox message ${i}`, body: `Body ${i}`, date: day(i) }));
    }
    await dovecot.deliver(
      u.username,
      rawEmail({ messageId: '<sent1@example.com>', from: `Me <${u.username}@example.com>`, subject: 'My reply', body: 'Thanks', date: day(6) }),
      'Sent',
    );
    // Already opened in another client (\Seen).
    await dovecot.deliverMany(u.username, [rawEmail({ messageId: '<read1@example.com>', subject: 'Already read', body: 'Seen', date: day(0) })]);
    const account = await connect(u);

    const emails = await emailsOf(account.id);
    expect(emails.map((e) => e.subject)).toEqual(['My reply', 'Inbox message 5', 'Inbox message 4', 'Inbox message 3', 'Inbox message 2', 'Inbox message 1', 'Already read']);
    expect(emails[6]!.labels).toEqual(['inbox']);
    expect(emails[0]!.labels).toEqual(['sent']);
    // Delivered and never opened: unread (IMAP's \Seen is not set); sent mail is never unread.
    expect(emails[1]!.labels).toEqual(['inbox', 'unread']);

    const stored = await t.db.mailAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(stored.passwordEncrypted).not.toContain(u.password);
    expect(stored.passwordEncrypted).toMatch(/^v1\./);

    const list = await api.get('/api/mail-accounts', token);
    expect(list.status).toBe(200);
    const item = list.body.items.find((a: { id: string }) => a.id === account.id);
    expect(item).toMatchObject({ status: 'idle', messageCount: 7, lastError: null, host: dovecot.host, tls: false });
    expect(item.lastSyncedAt).toBeTruthy();
    expect(JSON.stringify(list.body)).not.toMatch(/password/i);

    const search = await api.get('/api/emails?q=Inbox%20message', token);
    expect(search.body.total).toBeGreaterThanOrEqual(5);
    const report = await api.get('/api/reports/2026-11-20', token);
    expect(report.status).toBe(200);
    expect(report.body.statistics.total).toBeGreaterThanOrEqual(6);
  });

  it('pushes new mail through IDLE without anyone asking for a sync, and tells the user’s sockets', async () => {
    const u = await newMailbox();
    await dovecot.deliver(u.username, rawEmail({ messageId: '<idle0@example.com>', subject: 'Before', body: 'x' }));
    const account = await connect(u);
    const received = mailReceived(socket, account.id);
    await dovecot.deliver(u.username, rawEmail({ messageId: '<idle1@example.com>', subject: 'Pushed by IDLE', body: 'Arrived just now' }));
    const event = await received;
    expect(event.count).toBe(1);
    const search = await api.get('/api/emails?q=Pushed', token);
    expect(search.body.items.map((e: { subject: string }) => e.subject)).toContain('Pushed by IDLE');
  });

  it('a watcher that connects after mail arrived asks for a sync itself: nothing waits for the poll', async () => {
    const u = await newMailbox();
    const account = await connect(u);
    const sync = srv.server.mailSync!;
    // Nobody watches (as between an account's settings changing and its new watcher connecting).
    sync.unwatch(account.id);
    const connections = () => dovecot.doveadm(['who', '-1', u.username]).stdout.split('\n').filter((l) => l.startsWith(u.username));
    await expect.poll(connections, { timeout: 10_000 }).toEqual([]);
    await dovecot.deliver(u.username, rawEmail({ messageId: '<gap1@example.com>', subject: 'Arrived unwatched', body: 'x' }));
    const received = mailReceived(socket, account.id);
    sync.watch(account.id);
    expect((await received).count).toBe(1);
    expect((await emailsOf(account.id)).map((e) => e.subject)).toContain('Arrived unwatched');
  });

  it('follows read state changed in another client: read there, unread here; marked unread again, pushed by IDLE', async () => {
    const u = await newMailbox();
    for (let i = 1; i <= 3; i++) await dovecot.deliver(u.username, rawEmail({ messageId: `<rs${i}@example.com>`, subject: `Read state ${i}`, body: 'x' }));
    const account = await connect(u);
    const unreadSubjects = async () =>
      (await emailsOf(account.id)).filter((e) => e.labels.includes('unread')).map((e) => e.subject).sort();
    expect(await unreadSubjects()).toEqual(['Read state 1', 'Read state 2', 'Read state 3']);
    const flags = (op: 'add' | 'remove', id: string) => {
      const r = dovecot.doveadm(['flags', op, '-u', u.username, '\\Seen', 'mailbox', 'INBOX', 'HEADER', 'Message-ID', id]);
      expect(r.status, r.stderr).toBe(0);
    };

    // Read in another client; the next sync (asked for here) drops the label.
    flags('add', '<rs1@example.com>');
    flags('add', '<rs2@example.com>');
    const synced = syncFinished(socket, account.id);
    expect((await api.post(`/api/mail-accounts/${account.id}/sync`, {}, token)).status).toBe(202);
    await synced;
    expect(await unreadSubjects()).toEqual(['Read state 3']);
    expect((await api.get('/api/emails?label=unread', token)).body.items.map((e: { subject: string }) => e.subject)).not.toContain('Read state 1');

    // Marked unread again there: the IDLE connection hears of it and a sync follows, nobody asking.
    const pushed = syncFinished(socket, account.id);
    flags('remove', '<rs2@example.com>');
    await pushed;
    expect(await unreadSubjects()).toEqual(['Read state 2', 'Read state 3']);
  });

  it('reflects deletes and moves; a UIDVALIDITY reset re-matches the folder without duplicates', async () => {
    const u = await newMailbox();
    for (let i = 1; i <= 4; i++) await dovecot.deliver(u.username, rawEmail({ messageId: `<m${i}@example.com>`, subject: `Message ${i}`, body: 'x' }));
    const account = await connect(u);
    expect((await emailsOf(account.id)).length).toBe(4);

    const sync = async () => {
      const done = syncFinished(socket, account.id);
      const r = await api.post(`/api/mail-accounts/${account.id}/sync`, {}, token);
      expect(r.status).toBe(202);
      return done;
    };

    // Delete Message 1 on the server.
    const del = dovecot.doveadm(['expunge', '-u', u.username, 'mailbox', 'INBOX', 'HEADER', 'Message-ID', '<m1@example.com>']);
    expect(del.status, del.stderr).toBe(0);
    await sync();
    expect((await emailsOf(account.id)).map((e) => e.subject).sort()).toEqual(['Message 2', 'Message 3', 'Message 4']);

    // Move Message 2 to Sent: still there, once.
    const mv = dovecot.doveadm(['move', '-u', u.username, 'Sent', 'mailbox', 'INBOX', 'HEADER', 'Message-ID', '<m2@example.com>']);
    expect(mv.status, mv.stderr).toBe(0);
    await sync();
    const afterMove = await emailsOf(account.id);
    expect(afterMove.map((e) => e.subject).sort()).toEqual(['Message 2', 'Message 3', 'Message 4']);
    const loc = await t.db.mailLocation.findMany({ where: { accountId: account.id }, include: { email: { select: { subject: true } } } });
    expect(loc.find((l) => l.email.subject === 'Message 2')?.mailbox).toBe('Sent');

    // A new UIDVALIDITY: every UID is new, nothing is duplicated or lost.
    const before = await t.db.mailAccount.findUniqueOrThrow({ where: { id: account.id } });
    const reset = dovecot.doveadm(['mailbox', 'update', '-u', u.username, '--uid-validity', '12345', 'INBOX']);
    expect(reset.status, reset.stderr).toBe(0);
    await dovecot.deliver(u.username, rawEmail({ messageId: '<m5@example.com>', subject: 'Message 5', body: 'after reset' }));
    await sync();
    const after = await emailsOf(account.id);
    expect(after.map((e) => e.subject).sort()).toEqual(['Message 2', 'Message 3', 'Message 4', 'Message 5']);
    const cursor = (await t.db.mailAccount.findUniqueOrThrow({ where: { id: account.id } })).syncCursor as Record<string, { uidValidity: string }>;
    expect(cursor.INBOX!.uidValidity).toBe('12345');
    expect((before.syncCursor as Record<string, { uidValidity: string }>).INBOX!.uidValidity).not.toBe('12345');
    expect(await t.db.mailLocation.count({ where: { accountId: account.id } })).toBe(4);
  });

  it('reads Chinese UTF-8 and GBK mail, and de-duplicates against mail imported before', async () => {
    const u = await newMailbox();
    const gbkSubject = Buffer.from('=?GBK?B?' + Buffer.from([0xd4, 0xa4, 0xcb, 0xe3, 0xb1, 0xa8, 0xb8, 0xe6]).toString('base64') + '?=');
    const gbkBody = Buffer.from([0xc7, 0xeb, 0xc9, 0xf3, 0xba, 0xcb, 0xd4, 0xa4, 0xcb, 0xe3]); // 请审核预算
    const gbk = Buffer.concat([
      Buffer.from(
        'From: =?UTF-8?B?' + Buffer.from('李伟').toString('base64') + '?= <liwei@example.cn>\r\nTo: me@example.com\r\nSubject: ',
      ),
      gbkSubject,
      Buffer.from('\r\nDate: Fri, 20 Nov 2026 09:00:00 +0800\r\nMessage-ID: <gbk1@example.cn>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      gbkBody,
      Buffer.from('\r\n'),
    ]);
    await dovecot.deliver(u.username, gbk);
    await dovecot.deliver(u.username, rawEmail({ messageId: '<utf8@example.cn>', from: '王芳 <wangfang@example.cn>', subject: '季度会议安排', body: '请确认下周二的会议时间。' }));
    // The same message already imported from a file: synced once, not twice.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-import-'));
    const dup = rawEmail({ messageId: '<imported@example.com>', subject: 'Imported earlier', body: 'same message' });
    await fs.writeFile(path.join(dir, 'a.eml'), dup);
    await importMail(t.db, { path: dir, userEmail: 'imap-owner@example.com' });
    await dovecot.deliver(u.username, dup);

    const account = await connect(u);
    const emails = await emailsOf(account.id);
    expect(emails.map((e) => e.subject).sort()).toEqual(['季度会议安排', '预算报告'].sort());
    const gbkMail = await t.db.email.findFirstOrThrow({ where: { messageId: '<gbk1@example.cn>' } });
    expect(gbkMail.fromName).toBe('李伟');
    expect(gbkMail.bodyText).toBe('请审核预算');
    expect(await t.db.email.count({ where: { messageId: '<imported@example.com>' } })).toBe(1);
    const status = await api.get(`/api/mail-accounts/${account.id}`, token);
    expect(status.body.messageCount).toBe(3);
    const search = await api.get(`/api/emails?q=${encodeURIComponent('预算')}`, token);
    expect(search.body.items.map((e: { subject: string }) => e.subject)).toContain('预算报告');
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('updates and removes an account; another user sees none of it', async () => {
    const u = await newMailbox();
    await dovecot.deliver(u.username, rawEmail({ messageId: '<rm1@example.com>', subject: 'To be removed', body: 'x' }));
    const account = await connect(u);
    const other = await api.register('someone-else@example.com');
    expect((await api.get(`/api/mail-accounts/${account.id}`, other.accessToken)).status).toBe(404);
    expect((await api.del(`/api/mail-accounts/${account.id}`, other.accessToken)).status).toBe(404);

    const badPatch = await api.patch(`/api/mail-accounts/${account.id}`, { password: 'wrong-one' }, token);
    expect(badPatch.status).toBe(422);
    expect(badPatch.body.error.reason).toBe('authentication_failed');
    const patch = await api.patch(`/api/mail-accounts/${account.id}`, { mailboxes: ['INBOX'], label: 'Work' }, token);
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ label: 'Work', mailboxes: ['INBOX'] });

    expect((await api.del(`/api/mail-accounts/${account.id}`, token)).status).toBe(204);
    expect(await t.db.email.count({ where: { messageId: '<rm1@example.com>' } })).toBe(0);
    expect((await api.get(`/api/mail-accounts/${account.id}`, token)).status).toBe(404);
  });
});
