/**
 * Keeps every connected mailbox in sync: a sync job per account on the job
 * queue (one at a time per account across all processes; retried with
 * backoff while the server is unreachable), a watcher per account that holds
 * an IDLE connection on INBOX and asks for a sync when mail arrives (servers
 * without IDLE are polled by imapflow), and a periodic sync that catches
 * what IDLE on INBOX does not report (changes in the other folders).
 *
 * Every process watches every account, but only the one that claims it
 * (KeyClaims) holds the IDLE connection; the others stand by and take over
 * within `watchStandbyMs` when that process dies. So a cluster opens one
 * connection per mailbox, and an account added on one process is pushed even
 * after that process is gone.
 */
import type { ImapFlow } from 'imapflow';
import type { Db } from '../../data/prisma.ts';
import type { JobQueue } from '../../jobs/jobQueue.ts';
import type { KeyClaims } from '../../jobs/keyClaims.ts';
import type { Logger } from '../../logger.ts';
import { syncAccount, type MailEvents } from './accountSync.ts';
import { createImapClient } from './imapConnection.ts';
import type { SecretBox } from './secretBox.ts';

export const SYNC_QUEUE = 'mail-sync';

export interface MailSyncOptions {
  db: Db;
  log: Logger;
  queue: JobQueue;
  secretBox: SecretBox;
  events: MailEvents;
  /** Seconds between syncs of an account when nothing was pushed. */
  pollIntervalS: number;
  /** Seconds before the first retry of a failed sync (doubling after). */
  retryDelayS: number;
  retryLimit?: number;
  batchSize?: number;
  /** Hold IDLE connections (default on). */
  watch?: boolean;
  /** Which process holds an account's IDLE connection. */
  claims: KeyClaims;
  /** How often a standing-by process tries to take over a watch, and looks for accounts added elsewhere (default 15 s). */
  watchStandbyMs?: number;
}

export interface MailSync {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queues a sync of the account (a sync already waiting absorbs it). */
  requestSync(accountId: string): Promise<void>;
  /** Starts or restarts the account's IDLE watcher (after it was added or its settings changed). */
  watch(accountId: string): void;
  unwatch(accountId: string): void;
}

export function createMailSync(o: MailSyncOptions): MailSync {
  const log = o.log.child({ component: 'mail-sync' });
  const watchers = new Map<string, Watcher>();
  let pollTimer: NodeJS.Timeout | undefined;
  let scanTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  const standbyMs = o.watchStandbyMs ?? 15_000;

  const requestSync = async (accountId: string) => {
    if (stopped) return;
    await o.queue.send(SYNC_QUEUE, { accountId }, { singletonKey: accountId });
  };

  const runSync = async ({ accountId }: { accountId: string }, signal: AbortSignal) => {
    const ran = await o.queue.exclusive(`mail-sync:${accountId}`, async () => {
      const outcome = await syncAccount({ db: o.db, log, secretBox: o.secretBox, events: o.events, batchSize: o.batchSize }, accountId, signal);
      // Failing the job makes the queue retry it with backoff; a rejected password waits for the user.
      if (outcome.error?.transient) throw outcome.error;
    });
    // Another process is syncing this account: look again shortly, so nothing it missed waits for the next poll.
    if (!ran) await o.queue.send(SYNC_QUEUE, { accountId }, { singletonKey: accountId, startAfterS: 5 });
  };

  const watch = (accountId: string) => {
    if (stopped || o.watch === false) return;
    watchers.get(accountId)?.stop();
    const w = new Watcher(accountId, o, standbyMs, log, () => void requestSync(accountId).catch((err) => log.warn({ err }, 'could not queue a sync')));
    watchers.set(accountId, w);
    void w.run().finally(() => {
      if (watchers.get(accountId) === w) watchers.delete(accountId);
    });
  };

  return {
    async start() {
      await o.queue.define(SYNC_QUEUE, runSync, {
        policy: 'short',
        retryLimit: o.retryLimit ?? 8,
        retryDelayS: o.retryDelayS,
        retryBackoff: true,
        expireInS: 60 * 60,
        concurrency: 2,
        pollingIntervalS: 1,
      });
      const accounts = await o.db.mailAccount.findMany({ select: { id: true } });
      // Resume: whatever a previous process left half-done is picked up from its stored progress.
      for (const a of accounts) {
        await requestSync(a.id);
        watch(a.id);
      }
      pollTimer = setInterval(async () => {
        const ids = await o.db.mailAccount.findMany({ select: { id: true } }).catch(() => []);
        for (const a of ids) await requestSync(a.id).catch(() => undefined);
      }, o.pollIntervalS * 1000);
      pollTimer.unref();
      // Accounts added through another process: stand by for them too.
      scanTimer = setInterval(async () => {
        const ids = await o.db.mailAccount.findMany({ select: { id: true } }).catch(() => []);
        for (const a of ids) if (!watchers.has(a.id)) watch(a.id);
      }, standbyMs);
      scanTimer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearInterval(scanTimer);
      await Promise.all([...watchers.values()].map((w) => w.stop()));
      watchers.clear();
      await o.claims.close();
    },
    requestSync,
    watch,
    unwatch(accountId) {
      void watchers.get(accountId)?.stop();
      watchers.delete(accountId);
    },
  };
}

/** One IDLE connection on an account's INBOX; reconnects with backoff while the account exists. */
class Watcher {
  private client?: ImapFlow;
  private stopped = false;
  private wake?: () => void;

  constructor(
    private readonly accountId: string,
    private readonly o: MailSyncOptions,
    private readonly standbyMs: number,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  private get claimKey(): string {
    return `mail-watch:${this.accountId}`;
  }

  async run(): Promise<void> {
    let delayMs = 1000;
    while (!this.stopped) {
      const account = await this.o.db.mailAccount.findUnique({ where: { id: this.accountId } }).catch(() => undefined);
      if (account === null) {
        await this.o.claims.release(this.claimKey);
        return;
      }
      // Unknown (the database is unreachable): watch anyway; a second IDLE connection costs less than a missed push.
      const mine = await this.o.claims.tryClaim(this.claimKey).catch(() => true);
      if (!mine) {
        await this.pause(this.standbyMs);
        continue;
      }
      if (account) {
        try {
          const client = createImapClient(
            {
              host: account.imapHost,
              port: account.imapPort,
              tls: account.imapSecure,
              username: account.imapUser,
              password: this.o.secretBox.open(account.passwordEncrypted),
            },
            this.log,
            {},
          );
          this.client = client;
          const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
          await client.connect();
          await client.mailboxOpen('INBOX', { readOnly: true });
          client.on('exists', this.onChange);
          client.on('expunge', this.onChange);
          // Read or marked unread in another client: the sync follows \\Seen (CONDSTORE sends only what changed).
          client.on('flags', this.onChange);
          // Whatever arrived while nobody watched is synced now: before a reconnect or a takeover from a process that
          // died, and before the first connection too (the sync asked for with it may have read the mailbox already).
          this.onChange();
          delayMs = 1000;
          // IDLE until the server ends it (imapflow renews it on a timer); 'exists', 'expunge' and 'flags' fire while idling.
          while (!this.stopped && client.usable) await client.idle();
          await closed;
        } catch (err) {
          this.log.debug({ accountId: this.accountId, err: { message: (err as Error).message } }, 'mail watcher could not connect');
        } finally {
          this.client?.close();
          this.client = undefined;
        }
      }
      if (this.stopped) break;
      await this.pause(delayMs);
      delayMs = Math.min(delayMs * 2, 5 * 60_000);
    }
    await this.o.claims.release(this.claimKey);
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const c = this.client;
    if (c) await c.logout().catch(() => c.close());
  }
}
