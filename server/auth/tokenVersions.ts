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

export function createTokenVersions(db: Db, now: () => number = Date.now): TokenVersions {
  const cache = new Map<string, { version: number | null; at: number }>();
  /** Reads in flight: a user's tabs sending at once share one (each socket event checks). */
  const reading = new Map<string, Promise<number | null>>();
  const listeners: Array<(userId: string, version: number) => void> = [];

  function remember(userId: string, version: number | null) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(userId, { version, at: now() });
  }

  return {
    async current(userId) {
      const hit = cache.get(userId);
      if (hit && now() - hit.at < CACHE_MS) return hit.version;
      let read = reading.get(userId);
      if (!read) {
        read = (async () => {
          try {
            const [row] = await sqlOf(db).rows<{ v: number }>('SELECT token_version AS v FROM users WHERE id = $1::uuid', [userId]);
            const version = row?.v ?? null;
            // A bump made meanwhile by this process wins over what was read before it.
            if (reading.get(userId) === read) remember(userId, version);
            return version;
          } finally {
            if (reading.get(userId) === read) reading.delete(userId);
          }
        })();
        reading.set(userId, read);
      }
      return read;
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
