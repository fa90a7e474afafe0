import { sqlOf, type Db } from '../data/prisma.ts';

/**
 * The per-user token version. Every access token carries the version it was
 * issued under; logout and a password change bump it, so tokens issued
 * before stop working at once instead of living out their 15 minutes.
 *
 * Checked on every request and socket event, so reads are cached briefly:
 * a bump made by this process is seen immediately, one made by another node
 * within CACHE_MS.
 */
export interface TokenVersions {
  /** The user's current version, or null when the account no longer exists. */
  current(userId: string): Promise<number | null>;
  /** Increments the version (revoking every access token issued so far) and returns the new one. */
  bump(userId: string): Promise<number>;
  /** Called after a bump, with the new version (the realtime layer closes stale sockets). */
  onBump(listener: (userId: string, version: number) => void): void;
}

const CACHE_MS = 1_000;
const CACHE_MAX = 10_000;

const VERSIONS_SQL = 'SELECT id::text, token_version AS v FROM users WHERE id = ANY($1::uuid[])';

export function createTokenVersions(db: Db, now: () => number = Date.now): TokenVersions {
  const cache = new Map<string, { version: number | null; at: number }>();
  /** Reads in flight or waiting: a user's tabs sending at once share one (each socket event checks). */
  const reading = new Map<string, Promise<number | null>>();
  /**
   * Users to read, with who waits. Reads are group-committed like the run
   * log's writes: one SELECT carries every user asked about while the
   * previous one was in flight, so many users' first messages arriving
   * together cost a handful of statements rather than one each.
   */
  let waiting = new Map<string, { resolve: (v: number | null) => void; reject: (err: unknown) => void }>();
  let flushing: Promise<void> | null = null;
  const listeners: Array<(userId: string, version: number) => void> = [];

  function remember(userId: string, version: number | null) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(userId, { version, at: now() });
  }

  async function flush(): Promise<void> {
    // Whatever else this turn of the event loop asks goes along.
    await null;
    try {
      while (waiting.size > 0) {
        const batch = waiting;
        waiting = new Map();
        try {
          const rows = await sqlOf(db).rows<{ id: string; v: number }>(VERSIONS_SQL, [[...batch.keys()]]);
          const found = new Map(rows.map((r) => [r.id, r.v]));
          for (const [userId, w] of batch) w.resolve(found.get(userId) ?? null);
        } catch (err) {
          for (const w of batch.values()) w.reject(err);
        }
      }
    } finally {
      flushing = null;
    }
  }

  function read(userId: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      waiting.set(userId, { resolve, reject });
      flushing ??= flush();
    });
  }

  return {
    async current(userId) {
      const hit = cache.get(userId);
      if (hit && now() - hit.at < CACHE_MS) return hit.version;
      let pending = reading.get(userId);
      if (!pending) {
        const started = read(userId).then(
          (version) => {
            // A bump made meanwhile by this process wins over what was read before it.
            if (reading.get(userId) === started) {
              remember(userId, version);
              reading.delete(userId);
            }
            return version;
          },
          (err: unknown) => {
            if (reading.get(userId) === started) reading.delete(userId);
            throw err;
          },
        );
        pending = started;
        reading.set(userId, pending);
      }
      return pending;
    },
    async bump(userId) {
      const row = await db.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } }, select: { tokenVersion: true } });
      reading.delete(userId);
      remember(userId, row.tokenVersion);
      for (const listener of listeners) listener(userId, row.tokenVersion);
      return row.tokenVersion;
    },
    onBump(listener) {
      listeners.push(listener);
    },
  };
}

/** Whether a token issued under `tokenVersion` is still good (tokens from before versions existed count as 0). */
export async function tokenStillValid(versions: TokenVersions, userId: string, tokenVersion: number | undefined): Promise<boolean> {
  const current = await versions.current(userId);
  return current !== null && (tokenVersion ?? 0) >= current;
}
