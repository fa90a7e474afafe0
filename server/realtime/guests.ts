import { randomUUID } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { findOwnedSession } from '../data/conversations.ts';
import type { Db } from '../data/prisma.ts';
import { GuestLimitError } from './socketAuth.ts';

/**
 * ALLOW_GUESTS=1: a socket without a token chats under a fresh account that
 * cannot sign in (its password hash verifies nothing). Rows stay scoped to it
 * like any other user's. Accounts per address are capped, so a loop of
 * token-less connections cannot fill the users table.
 */
export function createGuestAccounts(db: Db, opts: { perAddressPerHour: number }) {
  const created = new RateLimiterMemory({ points: opts.perAddressPerHour, duration: 3600, keyPrefix: 'guest-accounts' });
  return async function createGuestUser(address: string) {
    try {
      await created.consume(address || 'unknown');
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new GuestLimitError(`Too many guest sessions from this address; try again in ${Math.ceil(rejection.msBeforeNext / 60_000)} min`);
    }
    const id = randomUUID();
    const user = await db.user.create({
      data: { id, email: `guest-${id}@guests.agentwire.invalid`, name: 'Guest', passwordHash: '!guest' },
    });
    return { id: user.id, email: user.email, name: user.name };
  };
}

/**
 * A guest has no token for the REST API, so the first join_session or
 * user_message naming a new session id creates it. Concurrent first messages
 * all get the session (insert-if-absent, then read); an id another user owns
 * stays not found.
 */
export async function ensureGuestSession(db: Db, userId: string, sessionId: string, agentName?: string) {
  const owned = await findOwnedSession(db, userId, sessionId);
  if (owned) return owned;
  await db.chatSession.createMany({ data: [{ id: sessionId, userId, ...(agentName ? { agentName } : {}) }], skipDuplicates: true });
  return findOwnedSession(db, userId, sessionId);
}
