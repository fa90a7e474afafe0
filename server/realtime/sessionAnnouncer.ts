import type { ChatSessionDto } from '../../shared/api.ts';
import { toSessionDto } from '../data/conversations.ts';
import { sqlOf, type Db, type WarmStatement } from '../data/prisma.ts';
import type { Logger } from '../logger.ts';

const SESSIONS_SQL = `
SELECT id::text, user_id::text AS "userId", title, agent_name AS "agentName", created_at AS "createdAt", updated_at AS "updatedAt"
FROM chat_sessions WHERE id = ANY($1::uuid[])`;

/** The announcer's read, for warming connections. */
export const ANNOUNCE_STATEMENTS: readonly WarmStatement[] = [{ text: SESSIONS_SQL, values: [[]] }];

/**
 * `session_updated` for the sidebars of a user's tabs when a run starts (the
 * session's title and activity changed). Reads are group-committed like the
 * run log's writes: one SELECT carries every session announced while the
 * previous one was in flight, so an idle node reads once per announce and a
 * node starting many runs at once reads a handful of times rather than once
 * per run (and a session announced twice in that time is sent once).
 */
export class SessionAnnouncer {
  /** Session id → its user, waiting for the next read. */
  private pending = new Map<string, string>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly send: (userId: string, session: ChatSessionDto) => void,
    private readonly log: Logger,
  ) {}

  announce(userId: string, sessionId: string): void {
    this.pending.set(sessionId, userId);
    this.flushing ??= this.flush();
  }

  /** Resolves once every announce so far was sent (or could not be read). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    // Runs whose run_started went out in the same run log batch are announced together.
    await null;
    try {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Map();
        try {
          const rows = await sqlOf(this.db).rows<{ id: string; userId: string; title: string; agentName: string; createdAt: Date; updatedAt: Date }>(
            SESSIONS_SQL,
            [[...batch.keys()]],
          );
          // A deleted session is not announced; a session is only ever announced to its owner.
          for (const row of rows) if (batch.get(row.id) === row.userId) this.send(row.userId, toSessionDto(row));
        } catch (err) {
          this.log.warn({ err, sessions: batch.size }, 'could not announce sessions');
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
