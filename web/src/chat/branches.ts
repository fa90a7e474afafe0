/**
 * Which messages are in view when a chat has branches (edit, regenerate).
 * Every stored user message names its parent (the user message it follows,
 * null for the first); the chat shows the chain from a leaf up to the first
 * message, and the runs those messages started. Messages still being sent
 * have no id yet and are always in view.
 */
import type { HistoryMessage } from '../../../shared/api.ts';
import type { ChatItem, SessionChat, UserItem } from './types.ts';

/** A leaf meaning "nothing yet": an edit of the first message shows only what is being sent. */
export const ROOT_LEAF = '';

export interface SiblingInfo {
  /** 1-based position among the alternatives. */
  index: number;
  count: number;
  /** The alternatives' ids, oldest first. */
  ids: string[];
}

export interface BranchView {
  items: ChatItem[];
  siblings: Record<string, SiblingInfo>;
}

/** Parent ids of stored user messages (rows from servers without branches have none). */
export function parentsFromHistory(messages: HistoryMessage[]): Record<string, string | null> {
  const parents: Record<string, string | null> = {};
  for (const m of messages) if (m.role === 'user' && m.parent_id !== undefined) parents[m.id] = m.parent_id;
  return parents;
}

const storedUsers = (items: ChatItem[]) => items.filter((i): i is UserItem & { id: string } => i.kind === 'user' && i.id !== null);

function children(chat: SessionChat): Map<string, string[]> {
  const byParent = new Map<string, string[]>();
  for (const u of storedUsers(chat.items)) {
    if (!(u.id in chat.parents)) continue;
    const key = chat.parents[u.id] ?? ROOT_LEAF;
    byParent.set(key, [...(byParent.get(key) ?? []), u.id]);
  }
  return byParent;
}

/** The leaf in view: the chosen one if it is known, else the newest stored message. */
function leafOf(chat: SessionChat): string | null {
  if (chat.leafId === ROOT_LEAF) return ROOT_LEAF;
  const users = storedUsers(chat.items);
  if (chat.leafId && users.some((u) => u.id === chat.leafId)) return chat.leafId;
  return users.at(-1)?.id ?? null;
}

export function branchView(chat: SessionChat): BranchView {
  const leaf = leafOf(chat);
  if (leaf === null || Object.keys(chat.parents).length === 0) return { items: chat.items, siblings: {} };
  const path = new Set<string>();
  for (let at: string | null | undefined = leaf; at && !path.has(at); at = chat.parents[at]) path.add(at);

  const hiddenRuns = new Set<string>();
  const items: ChatItem[] = [];
  for (const item of chat.items) {
    if (item.kind === 'user') {
      const onBranch = item.id === null || !(item.id in chat.parents) || path.has(item.id);
      if (!onBranch) {
        if (item.runId) hiddenRuns.add(item.runId);
        continue;
      }
      items.push(item);
    } else if (!hiddenRuns.has(item.runId)) {
      items.push(item);
    }
  }

  const siblings: Record<string, SiblingInfo> = {};
  for (const ids of children(chat).values()) {
    if (ids.length < 2) continue;
    ids.forEach((id, i) => (siblings[id] = { index: i + 1, count: ids.length, ids }));
  }
  return { items, siblings };
}

/** The leaf to show when switching to `messageId`: its newest descendant (or itself). */
export function newestLeafUnder(chat: SessionChat, messageId: string): string {
  const kids = children(chat);
  const order = new Map(storedUsers(chat.items).map((u, i) => [u.id, i]));
  let best = messageId;
  const stack = [messageId];
  while (stack.length) {
    const id = stack.pop()!;
    if ((order.get(id) ?? -1) > (order.get(best) ?? -1)) best = id;
    stack.push(...(kids.get(id) ?? []));
  }
  return best;
}

/** A Continue-after-Stop request: shown as no bubble, its answer as the continuation of the stopped one. */
export const isContinuation = (item: ChatItem): boolean => item.kind === 'user' && item.continueRun === true;

/** Visible question of a run (regenerate asks it again). */
export function questionOf(chat: SessionChat, runId: string): UserItem | undefined {
  return chat.items.find((i): i is UserItem => i.kind === 'user' && i.runId === runId);
}
