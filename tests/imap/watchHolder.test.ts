/**
 * Two server processes on one database and one Dovecot: a mailbox gets one
 * IDLE connection, not one per process, and when the process holding it is
 * gone the other takes the watch over, so new mail is still pushed (the poll
 * is an hour away here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { dovecotUnavailable, rawEmail, startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, type ClientSocket } from '../helpers/socket.ts';
import { mailReceived, syncFinished } from './support.ts';

const unavailable = dovecotUnavailable();
if (unavailable) console.warn(`Skipping the IMAP tests: ${unavailable}`);

const ENV = { MAIL_SYNC_RETRY_DELAY_S: '1', MAIL_SYNC_POLL_INTERVAL_S: '3600', MAIL_CONNECT_TIMEOUT_MS: '3000', MAIL_WATCH_STANDBY_MS: '300' };

describe.skipIf(unavailable)('the IDLE watch across server processes', () => {
  let t: TestDatabase;
  let dovecot: Dovecot;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    [t, dovecot] = await Promise.all([createTestDatabase(), startDovecot()]);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
    await dovecot?.close();
    await t?.drop();
  });

  /** The IMAP connections Dovecot holds for the user right now, by the pid serving each. */
  const imapConnections = (user: string): Set<string> =>
    new Set(
      dovecot
        .doveadm(['who', '-1', user])
        .stdout.split('\n')
        .filter((l) => l.startsWith(user) && /\bimap\b/.test(l))
        .map((l) => l.trim().split(/\s+/)[2]!),
    );

  it('holds one IDLE connection per mailbox, and another process takes it over when the holder is gone', async () => {
    a = await startTestServer(t.db, { databaseUrl: t.url, env: ENV });
    const api = apiClient(a.url);
    const { accessToken: token } = await api.register('watch-owner@example.com');
    const socketA = await connectUser(a.url, token);
    sockets.push(socketA);
    const u = await dovecot.addUser();
    await dovecot.deliver(u.username, rawEmail({ messageId: '<w0@example.com>', subject: 'Already there', body: 'x' }));
    const firstSync = syncFinished(socketA, () => undefined);
    const created = await api.post('/api/mail-accounts', { host: dovecot.host, port: dovecot.port, tls: false, username: u.username, password: u.password }, token);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await firstSync.catch(() => undefined);
    await expect.poll(() => imapConnections(u.username).size, { timeout: 10_000 }).toBe(1);

    // The second process knows the account from its start and stands by. Syncs open short-lived
    // connections; those that last through the second half of a 3 s watch (five standby periods) are
    // the IDLE ones: one. (A negative property: it can only be watched for a while.)
    b = await startTestServer(t.db, { databaseUrl: t.url, env: ENV });
    const samples: Set<string>[] = [];
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 150));
      samples.push(imapConnections(u.username));
    }
    const lasting = [...samples[10]!].filter((pid) => samples.slice(10).every((s) => s.has(pid)));
    expect(lasting).toHaveLength(1);

    const socketB = await connectUser(b.url, token);
    sockets.push(socketB);
    await a.close();
    a = undefined;
    const pushed = mailReceived(socketB, created.body.id, 15_000);
    await dovecot.deliver(u.username, rawEmail({ messageId: '<w1@example.com>', subject: 'After the holder left', body: 'y' }));
    await pushed;
    const subjects = (await t.db.email.findMany({ where: { mailAccountId: created.body.id }, select: { subject: true } })).map((e) => e.subject).sort();
    expect(subjects).toEqual(['After the holder left', 'Already there']);
    await expect.poll(() => imapConnections(u.username).size, { timeout: 10_000 }).toBe(1);
  }, 90_000);
});
