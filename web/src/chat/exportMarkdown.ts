/** A chat as a Markdown document: the branch in view, question by answer, with the tools each answer used. */
import { branchView } from './branches.ts';
import type { SessionChat } from './types.ts';

export function chatAsMarkdown(title: string, chat: SessionChat): string {
  const out = [`# ${title}`, ''];
  for (const item of branchView(chat).items) {
    if (item.kind === 'user') {
      out.push(`## You`, '', `*${item.createdAt}*`, '', item.content, '');
      continue;
    }
    const turn = chat.turns[item.runId];
    if (!turn) continue;
    out.push('## Assistant', '');
    const tools = turn.toolOrder.map((id) => turn.toolCalls[id]).filter((t) => t !== undefined);
    if (tools.length) {
      for (const t of tools) out.push(`- Tool \`${t.name}\` ${JSON.stringify(t.args)} — ${t.state === 'failed' ? `failed: ${t.error?.message ?? ''}` : t.state}`);
      out.push('');
    }
    out.push(turn.content || (turn.status === 'interrupted' ? '*Stopped before answering.*' : ''), '');
    if (turn.status === 'interrupted' && turn.content) out.push('*Stopped — the answer above is incomplete.*', '');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** A file name from the title: letters, digits and CJK kept, the rest dashes. */
export const exportFileName = (title: string) =>
  `${title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'chat'}.md`;
