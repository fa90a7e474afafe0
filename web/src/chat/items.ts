import type { ChatItem, UserItem } from './types.ts';

/** Messages this tab sent that the server has not started answering yet. */
export const isLocalPending = (item: ChatItem): item is UserItem =>
  item.kind === 'user' && (item.state === 'sending' || item.state === 'queued' || item.state === 'failed');

/** Inserts before the first local pending message, so other people's turns stay above what is still waiting here. */
export function insertBeforePending(items: ChatItem[], ...added: ChatItem[]): ChatItem[] {
  const at = items.findIndex(isLocalPending);
  if (at < 0) return [...items, ...added];
  return [...items.slice(0, at), ...added, ...items.slice(at)];
}

/** Makes sure a run's turn has a place in the list: right after the message that started it. */
export function ensureTurnItem(items: ChatItem[], runId: string): ChatItem[] {
  if (items.some((i) => i.kind === 'turn' && i.runId === runId)) return items;
  const turn: ChatItem = { kind: 'turn', key: `turn:${runId}`, runId };
  const asker = items.findIndex((i) => i.kind === 'user' && i.runId === runId);
  if (asker < 0) return insertBeforePending(items, turn);
  return [...items.slice(0, asker + 1), turn, ...items.slice(asker + 1)];
}
