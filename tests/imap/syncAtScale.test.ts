/**
 * The sync under load and failure, against a real Dovecot: 10,000 messages
 * (the newest are searchable long before the last batch), and a server that
 * goes away mid-sync (the job fails, is retried with backoff once the server
 * is back, and ends with every message exactly once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { dovecotUnavailable, rawEmail, startDovecot, type Dovecot, type DovecotUser } from '../helpers/dovecot.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, type ClientSocket } from '../helpers/socket.ts';
import { accountStatus, mailReceived } from './support.ts';

const unavailable = dovecotUnavailable();
if (unavailable) console.warn(`Skipping the IMAP scale tests: ${unavailable}`);

const SENDERS = ['Li Wei <liwei@example.cn>', 'Anna Schmidt <anna@example.de>', '王芳 <wangfang@example.cn>', 'Bob Jones <bob@example.com>'];

function mailbox(n: number, tag: string, newest: Date): string[] {
  return Array.from({ length: n }, (_, i) =>
    rawEmail({
      messageId: `<${tag}-${i}@example.com>`,
      from: SENDERS[i % SENDERS.length],
      subject: i % 2 ? `Project update ${tag} ${i}` : `项目进展 ${tag} ${i}`,
      body: `Message ${i} of ${n}.\nPlease review the attached numbers by Friday.`,
      // One message every 10 minutes back from `newest`: index n-1 is the newest.
      date: new Date(newest.getTime() - (n - 1 - i) * 10 * 60_000),
    }),
  );
}

describe.skipIf(unavailable)('IMAP sync at scale and through failures', () => {
  let t: TestDatabase;
  let srv: TestServer;
  let dovecot: Dovecot;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  let socket: ClientSocket;

  beforeAll(async () => {
    [t, dovecot] = await Promise.all([createTestDatabase(), startDovecot()]);
    srv = await startTestServer(t.db, {
      databaseUrl: t.url,
      env: { MAIL_SYNC_RETRY_DELAY_S: '1', MAIL_SYNC_POLL_INTERVAL_S: '3600', MAIL_CONNECT_TIMEOUT_MS: '3000' },
    });
    api = apiClient(srv.url);
    token = (await api.register('scale@example.com')).accessToken;
    socket = await connectUser(srv.url, token);
  });
  afterAll(async () => {
    socket?.close();
    await srv?.close();
    await dovecot?.close();
    await t?.drop();
  });

  async function add(u: DovecotUser) {
    let id: string | undefined;
    const firstMail = new Promise<{ at: number; newest: string }>((resolve) => {
      const on = (m: { account_id: string; newest_received_at: string }) => {
        if (!id || m.account_id !== id) return;
        socket.off('mail_received', on);
        resolve({ at: performance.now(), newest: m.newest_received_at });
      };
      socket.on('mail_received', on);
    });
    const t0 = performance.now();
    const r = await api.post('/api/mail-accounts', { host: dovecot.host, port: dovecot.port, tls: false, username: u.username, password: u.password }, token);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.id as string;
    return { id, t0, firstMail };
  }

  it('syncs 10,000 messages, newest first, each exactly once', { timeout: 300_000 }, async () => {
    const u = await dovecot.addUser();
    const newest = new Date(Date.UTC(2026, 10, 22, 9));
    await dovecot.deliverMany(u.username, mailbox(10_000, 'big', newest));
    let accountId: string | undefined;
    const done = accountStatus(socket, () => accountId, (s) => s.status !== 'syncing', 280_000);
    const { id, t0, firstMail } = await add(u);
    accountId = id;
    const first = await firstMail;
    // The first batch holds the newest message: recent mail is there within seconds.
    expect(first.newest).toBe(newest.toISOString());
    expect(first.at - t0).toBeLessThan(30_000);
    const status = await done;
    expect(status).toMatchObject({ status: 'idle', message_count: 10_000, last_error: null });
    expect(await t.db.email.count({ where: { mailAccountId: id } })).toBe(10_000);
    expect(await t.db.mailLocation.count({ where: { accountId: id } })).toBe(10_000);
    const search = await api.get('/api/emails?q=update&limit=1', token);
    expect(search.body.total).toBeGreaterThan(4_000);
  });

  it('survives the server going away mid-sync: retried, nothing duplicated, nothing lost', { timeout: 180_000 }, async () => {
    const u = await dovecot.addUser();
    await dovecot.deliverMany(u.username, mailbox(2_000, 'gone', new Date(Date.UTC(2026, 10, 21, 9))));
    let accountId: string | undefined;
    const failed = accountStatus(socket, () => accountId, (s) => s.status === 'error', 60_000);
    const recovered = accountStatus(socket, () => accountId, (s) => s.status === 'idle' && s.message_count === 2_000, 150_000);
    const { id, firstMail } = await add(u);
    accountId = id;
    await firstMail;
    await dovecot.stop();
    const error = await failed;
    expect(error.last_error).toMatch(/Cannot reach|closed the connection|did not answer/);
    const partial = await t.db.email.count({ where: { mailAccountId: id } });
    expect(partial).toBeLessThan(2_000);
    await dovecot.start();
    await recovered;
    expect(await t.db.email.count({ where: { mailAccountId: id } })).toBe(2_000);
    expect(await t.db.mailLocation.count({ where: { accountId: id } })).toBe(2_000);
    const ids = await t.db.email.findMany({ where: { mailAccountId: id }, select: { messageId: true } });
    expect(new Set(ids.map((e) => e.messageId)).size).toBe(2_000);
    // The retry and the watcher's reconnect may each have asked for a sync: one more can follow, finding nothing new.
    const notWaiting = new AbortController();
    const next = accountStatus(socket, id, (s) => s.status !== 'syncing', 60_000, notWaiting.signal).catch((err: unknown) => {
      if (!notWaiting.signal.aborted) throw err;
    });
    let account = await api.get(`/api/mail-accounts/${id}`, token);
    if (account.body.status === 'syncing') {
      await next;
      account = await api.get(`/api/mail-accounts/${id}`, token);
    } else notWaiting.abort();
    expect(account.body).toMatchObject({ status: 'idle', lastError: null, messageCount: 2_000 });
  });
});
