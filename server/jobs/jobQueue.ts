/**
 * Durable background jobs in PostgreSQL (pg-boss): retried with backoff,
 * kept across restarts, shared by every server process on one database.
 * Handlers that must not overlap for one key across processes wrap their
 * work in `exclusive(key, …)`, a session advisory lock held on its own
 * connection (released by PostgreSQL if the process dies).
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';

export interface QueueOptions {
  /** Attempts after the first failure (default 5). */
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff` (default 5, on). */
  retryDelayS?: number;
  retryBackoff?: boolean;
  /** A job running longer than this is failed (and retried): it outlives a dead process by at most this. */
  expireInS?: number;
  /** `short`: at most one job waiting per singleton key (the default keeps every job). */
  policy?: 'standard' | 'short';
  /** Workers in this process for this queue (default 1). */
  concurrency?: number;
  /** How often an idle worker looks for jobs; `send` wakes local workers at once. */
  pollingIntervalS?: number;
}

export interface SendOptions {
  singletonKey?: string;
  startAfterS?: number;
}

export interface JobQueue {
  start(): Promise<void>;
  /** Stops taking jobs; waits up to `timeoutMs` for running handlers (which see their signal aborted). */
  stop(timeoutMs?: number): Promise<void>;
  define<T extends object>(name: string, handler: (data: T, signal: AbortSignal) => Promise<void>, opts?: QueueOptions): Promise<void>;
  send<T extends object>(name: string, data: T, opts?: SendOptions): Promise<string | null>;
  /** A cron schedule (5 fields, UTC) that sends `data` to the queue `name`. */
  schedule(name: string, cron: string, data?: object): Promise<void>;
  /** Runs `fn` unless another holder (any process) has `key`; returns false when it was held. */
  exclusive(key: string, fn: () => Promise<void>): Promise<boolean>;
}

// pg-boss's pool, and the pool that holds `exclusive`'s advisory locks (one per concurrent holder).
const BOSS_CONNECTIONS = 4;
const LOCK_CONNECTIONS = 8;
/** What a job queue may hold open at once. */
export const JOB_QUEUE_CONNECTIONS = BOSS_CONNECTIONS + LOCK_CONNECTIONS;

export function createJobQueue(opts: { databaseUrl: string; log: Logger; schema?: string }): JobQueue {
  const log = opts.log.child({ component: 'jobs' });
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    schema: opts.schema ?? 'pgboss',
    max: BOSS_CONNECTIONS,
    application_name: 'agentwire-jobs',
    // Completed jobs are kept a day for inspection, then archived and deleted by pg-boss.
    archiveCompletedAfterSeconds: 24 * 3600,
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  const locks = new pg.Pool({ connectionString: opts.databaseUrl, max: LOCK_CONNECTIONS, application_name: 'agentwire-locks' });
  locks.on('error', (err) => log.warn({ err }, 'lock connection error'));
  const workers = new Map<string, string[]>();
  const running = new Set<AbortController>();
  let started = false;
  let stopped = false;

  return {
    async start() {
      await boss.start();
      started = true;
    },
    async stop(timeoutMs = 5000) {
      if (stopped) return;
      stopped = true;
      for (const c of running) c.abort(new Error('the server is stopping'));
      if (started) await boss.stop({ graceful: true, timeout: timeoutMs, wait: true }).catch((err) => log.warn({ err }, 'job queue stop failed'));
      await locks.end().catch(() => undefined);
    },
    async define(name, handler, o = {}) {
      await boss.createQueue(name, {
        name,
        policy: o.policy ?? 'standard',
        retryLimit: o.retryLimit ?? 5,
        retryDelay: o.retryDelayS ?? 5,
        retryBackoff: o.retryBackoff ?? true,
        expireInSeconds: o.expireInS ?? 15 * 60,
      });
      const ids: string[] = [];
      for (let i = 0; i < (o.concurrency ?? 1); i++) {
        ids.push(
          await boss.work<object>(name, { pollingIntervalSeconds: o.pollingIntervalS ?? 2 }, async ([job]) => {
            if (!job) return;
            const controller = new AbortController();
            running.add(controller);
            try {
              await handler(job.data as never, controller.signal);
            } catch (err) {
              log.warn({ queue: name, jobId: job.id, err: { message: (err as Error).message } }, 'job failed; it will be retried');
              throw err;
            } finally {
              running.delete(controller);
            }
          }),
        );
      }
      workers.set(name, ids);
    },
    async send(name, data, o = {}) {
      const id = await boss.send(name, data, {
        ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
        ...(o.startAfterS ? { startAfter: o.startAfterS } : {}),
      });
      if (!o.startAfterS) for (const w of workers.get(name) ?? []) boss.notifyWorker(w);
      return id;
    },
    async schedule(name, cron, data = {}) {
      await boss.schedule(name, cron, data);
    },
    async exclusive(key, fn) {
      const client = await locks.connect();
      let held = false;
      try {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
        held = r.rows[0]?.ok === true;
        if (!held) return false;
        await fn();
        return true;
      } finally {
        if (held) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
        client.release();
      }
    },
  };
}
