import { LRUCache } from 'lru-cache';

/** What user_message needs of a session it has seen this user own: its id as stored and its agent. */
export interface KnownSession {
  id: string;
  userId: string;
  agentName: string;
}

/**
 * Sessions this node has read and found owned, so that a message needs no
 * read of its session (one statement fewer for every message). Who owns a
 * session and which agent answers it never change; a session deleted on
 * another node is still refused, by the statements of the run itself
 * (runService.submit: not_found), and is then forgotten here.
 */
export class KnownSessions {
  private readonly cache: LRUCache<string, KnownSession>;

  constructor(max: number) {
    this.cache = new LRUCache({ max });
  }

  /** The session if `userId` was seen to own it. */
  owned(userId: string, sessionId: string): KnownSession | undefined {
    const known = this.cache.get(sessionId);
    return known?.userId === userId ? known : undefined;
  }

  /** Under the id as stored (the lowercase UUID every client is given); an id asked otherwise is read each time. */
  remember(session: KnownSession): void {
    this.cache.set(session.id, { id: session.id, userId: session.userId, agentName: session.agentName });
  }

  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }
}
