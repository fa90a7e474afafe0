/**
 * Message branches. Each user message names the user message it follows
 * (`parent_id`); messages with the same parent are alternatives made by edit
 * or regenerate. A run's rows (user, assistant, tool) share its run id, so a
 * branch is the chain of user messages from a leaf up to the first one, and
 * the runs they started. The session remembers the leaf in view.
 */
import type { Db, Prisma } from './prisma.ts';

type Reader = Db | Prisma.TransactionClient;

/** The session's branch in view: its remembered leaf if that still exists, else the newest user message. */
export async function currentLeaf(db: Reader, sessionId: string, activeLeafId: string | null): Promise<string | null> {
  if (activeLeafId) {
    const leaf = await db.conversationMessage.findFirst({ where: { id: activeLeafId, sessionId, role: 'user' }, select: { id: true } });
    if (leaf) return leaf.id;
  }
  const newest = await db.conversationMessage.findFirst({
    where: { sessionId, role: 'user' },
    orderBy: { position: 'desc' },
    select: { id: true },
  });
  return newest?.id ?? null;
}

/** Whether `messageId` is a stored user message of the session (a valid parent or leaf). */
export async function isUserMessageOf(db: Reader, sessionId: string, messageId: string): Promise<boolean> {
  return (await db.conversationMessage.count({ where: { id: messageId, sessionId, role: 'user' } })) > 0;
}

/** Run ids on the branch ending at `leafId` (that user message and every one it follows), oldest first. */
export async function branchRunIds(db: Reader, sessionId: string, leafId: string): Promise<string[]> {
  const users = await db.conversationMessage.findMany({
    where: { sessionId, role: 'user' },
    select: { id: true, parentId: true, runId: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  const runs: string[] = [];
  const seen = new Set<string>();
  for (let at = byId.get(leafId); at && !seen.has(at.id); at = at.parentId ? byId.get(at.parentId) : undefined) {
    seen.add(at.id);
    if (at.runId) runs.push(at.runId);
  }
  return runs.reverse();
}
