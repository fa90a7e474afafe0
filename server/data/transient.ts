import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';

/** Prisma codes that mean "could not talk to the database", not "the database said no". */
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** PostgreSQL SQLSTATE classes 08 (connection), 57P (shutdown/crash), 53 (resources) and 40001/40P01 (retryable). */
const TRANSIENT_SQLSTATE = /^(08|57P|53|40001|40P01)/;
const TRANSIENT_MESSAGE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|connection.*(closed|ended|terminated)|Can't reach database|server closed the connection|terminating connection|the database system is (starting up|shutting down|in recovery|not yet accepting connections)|Code: `(08\w{3}|57P0\d|53\w{3})`|timeout exceeded when trying to connect|Client has encountered a connection error/i;

/** Whether an error means the database was unreachable (worth retrying), as opposed to a refused statement. */
export function isTransientDbError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_SQLSTATE.test(code) || /^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT)$/.test(code))) {
      return true;
    }
    if (typeof message === 'string' && TRANSIENT_MESSAGE.test(message)) return true;
    // Prisma's driver-adapter errors carry the SQLSTATE in meta.
    const meta = (e as { meta?: unknown }).meta;
    if (meta && /"(08\w{3}|57P0\d|53\w{3})"/.test(JSON.stringify(meta))) return true;
  }
  return false;
}

export interface RetryOptions {
  log: Logger;
  /** What is being written, for the log. */
  what: string;
  /** Fields for the retry's log line (ids): cheaper than a child logger made for each write that never logs. */
  context?: Record<string, unknown>;
  /** Give up after this long (the last error is thrown). */
  maxMs: number;
  /** Backoff steps in ms; the last one repeats. */
  backoffMs?: number[];
  /** Stop retrying early (e.g. a fast exit was requested). */
  signal?: AbortSignal;
}

const BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 3_000];

/**
 * Runs `fn` until it succeeds, retrying while the database is unreachable
 * (the embedded one is being restarted, an external one is failing over).
 * Anything else is thrown at once.
 */
export async function retryWhileUnreachable<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const deadline = Date.now() + opts.maxMs;
  const steps = opts.backoffMs ?? BACKOFF_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientDbError(err) || Date.now() >= deadline || opts.signal?.aborted) throw err;
      const wait = Math.min(steps[Math.min(attempt, steps.length - 1)]!, Math.max(0, deadline - Date.now()));
      opts.log.warn(
        { ...opts.context, err: { message: (err as Error).message }, attempt: attempt + 1, retryInMs: wait },
        `database unreachable while ${opts.what}; retrying`,
      );
      await sleep(wait, undefined, opts.signal ? { signal: opts.signal } : undefined).catch(() => undefined);
    }
  }
}
