import { randomUUID } from 'node:crypto';
import { findOwnedSession } from '../data/conversations.ts';
import { Prisma, type Db } from '../data/prisma.ts';

/**
 * ALLOW_GUESTS=1: a socket without a token chats under a fresh account that
 * cannot sign in (its password hash verifies nothing). Rows stay scoped to it
 * like any other user's.
 */
export async function createGuestUser(db: Db) {
  const id = randomUUID();
  const user = await db.user.create({
    data: { id, email: `guest-${id}@guests.agentwire.invalid`, name: 'Guest', passwordHash: '!guest' },
  });
  return { id: user.id, email: user.email, name: user.name };
}

/**
 * A guest has no token for the REST API, so the first join_session or
 * user_message naming a new session id creates it. An id another user owns
 * stays not found.
 */
export async function ensureGuestSession(db: Db, userId: string, sessionId: string, agentName?: string) {
  const owned = await findOwnedSession(db, userId, sessionId);
  if (owned) return owned;
  if (await db.chatSession.findUnique({ where: { id: sessionId }, select: { id: true } })) return null;
  try {
    return await db.chatSession.create({ data: { id: sessionId, userId, ...(agentName ? { agentName } : {}) } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return findOwnedSession(db, userId, sessionId);
    throw err;
  }
}
