export const DEFAULT_SESSION_TITLE = 'New chat';

const MAX_TITLE_CHARS = 60;

/** A session title from its first message: the first ~60 characters, cut on a word boundary where there is one. */
export function titleFromMessage(content: string): string {
  const text = content.replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  if (chars.length <= MAX_TITLE_CHARS) return text || DEFAULT_SESSION_TITLE;
  const head = chars.slice(0, MAX_TITLE_CHARS - 1).join('');
  const space = head.lastIndexOf(' ');
  return (space >= MAX_TITLE_CHARS / 2 ? head.slice(0, space) : head).replace(/[\s,.;:!?，。；：！？]+$/u, '') + '…';
}
