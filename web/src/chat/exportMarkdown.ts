/** A chat as a Markdown document: the branch in view, question by answer, with the tools each answer used. */
import { branchView, isContinuation } from './branches.ts';
import type { SessionChat } from './types.ts';

export function chatAsMarkdown(title: string, chat: SessionChat): string {
  const out = [`# ${title}`, ''];
  for (const item of branchView(chat).items) {
    if (isContinuation(item)) {
      out.push('*(continued after Stop)*', '');
      continue;
    }
    if (item.kind === 'user') {
      out.push(`## You`, '', `*${item.createdAt}*`, '', item.content, '');
      continue;
    }
    const turn = chat.turns[item.runId];
    if (!turn) continue;
    out.push('## Assistant', '');
    // The turn's parts in the order the model wrote them: text, then a tool call, then more text…
    for (const part of turn.parts) {
      if (!part) continue;
      if (part.kind === 'text') {
        out.push(part.text, '');
        continue;
      }
      const t = turn.toolCalls[part.id];
      if (t) out.push(`> Tool \`${t.name}\` ${JSON.stringify(t.args)} — ${t.state === 'failed' ? `failed: ${t.error?.message ?? ''}` : t.state}`, '');
    }
    if (!turn.content && turn.status === 'interrupted') out.push('*Stopped before answering.*', '');
    if (turn.status === 'interrupted' && turn.content) out.push('*Stopped — the answer above is incomplete.*', '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** A file name from the title: letters, digits and CJK kept, the rest dashes. */
export const exportFileName = (title: string) =>
  `${title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'chat'}.md`;
