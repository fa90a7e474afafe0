/**
 * Chat while a mailbox syncs: first-chunk latency (user_message → first
 * agent_response_chunk, scripted model at zero latency, 10 sessions asking at
 * once) with no sync running, then in the same process while 10,000 messages
 * sync from a throwaway Dovecot (the IMAP sync job parses and stores them in
 * bounded batches on the same event loop). Target (issue 10): p99 during the
 * sync within 1.5× of p99 without it. Needs /usr/sbin/dovecot and root.
 *
 *   npm run bench -- chatDuringSync
 */
import { io as connect, type Socket } from 'socket.io-client';
import { mailAssistant } from '../agents/mail/agent.ts';
import { createServer } from '../server/createServer.ts';
import { createPrisma } from '../server/data/prisma.ts';
import { createLogger } from '../server/logger.ts';
import { dovecotUnavailable, rawEmail, startDovecot } from '../tests/helpers/dovecot.ts';
import { ScriptedChatModel } from '../tests/helpers/scriptedModel.ts';
import { benchServerConfig } from './support/serverConfig.ts';
import { runIfMain, type BenchContext } from './support/context.ts';
import { formatTable, ms, quantile } from './support/stats.ts';

const SESSIONS = 10;
const BASELINE_ROUNDS = 40;
const MAX_SYNC_ROUNDS = 200;
const MESSAGES = 10_000;

function connected(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export default async function chatDuringSync(ctx: BenchContext): Promise<void> {
  const unavailable = dovecotUnavailable();
  if (unavailable) {
    ctx.print(`chatDuringSync skipped: ${unavailable}`);
    return;
  }
  const database = await ctx.demoDatabase();
  const dovecot = await startDovecot();
  const db = createPrisma(database.url, { poolMax: 20 });
  const config = benchServerConfig({ MAIL_SECRET_KEY: 'bench-mail-secret-key-0123456789', RATE_LIMIT_MESSAGES: '1000000', MAIL_SYNC_POLL_INTERVAL_S: '3600' });
  const model = new ScriptedChatModel([], { whenExhausted: { tokens: ['Answer:\n', 'one ', 'two ', 'three'] } });
  const server = await createServer(config, {
    db,
    log: createLogger('silent'),
    jwtSecret: config.jwtSecret!,
    agent: mailAssistant,
    chatModel: model,
    databaseUrl: database.url,
  });
  const { url } = await server.listen();
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const token = (await post('/api/auth/register', { email: `sync-bench-${Date.now()}@example.com`, password: 'bench-password', name: 'Bench' })).body
      .accessToken as string;
    const sessionIds = await Promise.all(Array.from({ length: SESSIONS }, async () => (await post('/api/sessions', {}, token)).body.id as string));
    const clients = await Promise.all(sessionIds.map(() => connected(url, token)));
    let round = 0;
    const askAll = () =>
      Promise.all(
        clients.map(
          (client, i) =>
            new Promise<number>((resolve, reject) => {
              const t0 = performance.now();
              let first: number | undefined;
              const onChunk = () => (first ??= performance.now() - t0);
              client.once('agent_response_chunk', onChunk);
              client.once('conversation_complete', (done: { status: string }) => {
                client.off('agent_response_chunk', onChunk);
                if (done.status !== 'completed' || first === undefined) reject(new Error(`run ended ${done.status}`));
                else resolve(first);
              });
              client.emit('user_message', { session_id: sessionIds[i], content: `question ${round}` }, (ack: { ok: boolean }) => {
                if (!ack.ok) reject(new Error(`refused: ${JSON.stringify(ack)}`));
              });
            }),
        ),
      ).finally(() => round++);

    await askAll(); // warm-up
    const without: number[] = [];
    for (let i = 0; i < BASELINE_ROUNDS; i++) without.push(...(await askAll()));

    const mailbox = await dovecot.addUser();
    const newest = Date.now();
    await dovecot.deliverMany(
      mailbox.username,
      Array.from({ length: MESSAGES }, (_, i) =>
        rawEmail({
          messageId: `<sync-bench-${i}@example.com>`,
          from: i % 2 ? 'Anna Schmidt <anna@example.de>' : '李伟 <liwei@example.cn>',
          subject: i % 2 ? `Project update ${i}` : `项目进展 ${i}`,
          body: `Message ${i}.\nPlease review the numbers by Friday. 请在周五前审核预算。`,
          date: new Date(newest - (MESSAGES - i) * 60_000),
        }),
      ),
    );
    const added = await post('/api/mail-accounts', { host: dovecot.host, port: dovecot.port, tls: false, username: mailbox.username, password: mailbox.password }, token);
    if (added.status !== 201) throw new Error(`adding the account failed: ${JSON.stringify(added.body)}`);
    const accountId = added.body.id as string;
    const syncStarted = performance.now();
    const synced = () => db.email.count({ where: { mailAccountId: accountId } });
    const during: number[] = [];
    let syncedAtEnd = 0;
    for (let i = 0; i < MAX_SYNC_ROUNDS; i++) {
      const status = await db.mailAccount.findUniqueOrThrow({ where: { id: accountId }, select: { syncStatus: true } });
      if (i > 0 && status.syncStatus !== 'syncing') break;
      during.push(...(await askAll()));
      syncedAtEnd = await synced();
    }
    const measuredS = (performance.now() - syncStarted) / 1000;
    for (const c of clients) c.disconnect();

    const a = [...without].sort((x, y) => x - y);
    const b = [...during].sort((x, y) => x - y);
    const p = (s: number[], q: number) => quantile(s, q);
    ctx.print(`Chat during an IMAP sync of ${MESSAGES.toLocaleString('en')} messages: first chunk, ${SESSIONS} sessions asking at once, scripted model at zero latency (ms), ${database.where}`);
    ctx.print(
      formatTable(
        ['', 'p50', 'p95', 'p99', 'max', 'samples'],
        [
          ['without sync', ms(p(a, 0.5)), ms(p(a, 0.95)), ms(p(a, 0.99)), ms(a.at(-1)!), String(a.length)],
          ['while syncing', ms(p(b, 0.5)), ms(p(b, 0.95)), ms(p(b, 0.99)), ms(b.at(-1)!), String(b.length)],
        ],
      ),
    );
    const ratio = p(b, 0.99) / p(a, 0.99);
    ctx.print(
      `p99 while syncing / without: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'}); ` +
        `${syncedAtEnd.toLocaleString('en')} of ${MESSAGES.toLocaleString('en')} messages synced during the ${measuredS.toFixed(0)} s measured`,
    );
  } finally {
    await server.close({ graceMs: 0 });
    await db.$disconnect();
    await dovecot.close();
  }
}

runIfMain(import.meta.url, chatDuringSync);
