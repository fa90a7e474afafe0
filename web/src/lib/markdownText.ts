/**
 * Answer text prepared for the markdown renderer.
 */

/**
 * While an answer streams, a bold or code span may be open ("**Q3 bud"):
 * closing it for the render keeps raw asterisks and backticks off the screen.
 * Only the unfinished tail is touched; the stored text is never changed.
 */
export function closeOpenMarkdown(text: string): string {
  const fences = (text.match(/^\s*```/gm) ?? []).length;
  if (fences % 2 === 1) return `${text}\n\`\`\``;
  const lastBlock = text.slice(text.lastIndexOf('\n\n') + 1);
  const lastLine = lastBlock.slice(lastBlock.lastIndexOf('\n') + 1);
  let tail = '';
  const ticks = (lastLine.match(/`/g) ?? []).length;
  if (ticks % 2 === 1) tail += '`';
  const withoutCode = lastBlock.replace(/`[^`]*`?/g, '');
  const strong = (withoutCode.match(/\*\*|__/g) ?? []).length;
  if (strong % 2 === 1) {
    // A marker at the very end has nothing to close yet: drop it instead.
    if (/(\*\*|__)\s*$/.test(text)) return text.replace(/(\*\*|__)\s*$/, '') + tail;
    tail += withoutCode.lastIndexOf('__') > withoutCode.lastIndexOf('**') ? '__' : '**';
  }
  if (/(^|\s)\*\s*$/.test(lastLine) || /\*$/.test(text) && !/\*\*$/.test(text)) return text.replace(/\*$/, '') + tail;
  return text + tail;
}

/**
 * "Li Wei <li.wei@example.com>" is an autolink in markdown, which drops the
 * brackets; a quoted email header must read as written. Outside code only.
 * Brackets the answer escaped itself (\\<…\\>) are left alone: escaped twice,
 * the backslashes would show.
 */
export function keepAngleAddresses(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*```/.test(line)) inFence = !inFence;
      if (inFence || line.includes('`')) return line;
      return line.replace(/(?<!\\)<([^<>\s@\\]+@[^<>\s\\]+)>/g, '\\<$1\\>');
    })
    .join('\n');
}
