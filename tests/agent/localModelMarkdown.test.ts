/**
 * Email-derived text in the offline model's answers is inert markdown: a
 * subject, sender name, snippet, body or report text holding an image, a
 * link, a bare URL or HTML renders as the text it is (parsed here with the
 * same GFM markdown the web app uses) and never becomes an image, link or
 * HTML node.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { currentDateLine } from '../../agents/mail/agent.ts';
import { planTurn } from '../../agents/mail/local/planner.ts';
import { spaceLatinInChinese } from '../../agents/mail/local/chineseSpacing.ts';

const TODAY = new Date('2026-11-20T18:00:00+08:00');
const TOOLS = new Set(['search_emails', 'count_emails', 'read_email', 'list_daily_reports', 'read_daily_report']);
const EVIL = '![pixel](http://tracker.example/p.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)> http://evil.example www.evil.example bob@evil.example';

function nodeTypes(markdown: string): Set<string> {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const types = new Set<string>();
  const visit = (n: { type: string; children?: unknown[] }) => {
    types.add(n.type);
    for (const c of (n.children ?? []) as { type: string }[]) visit(c);
  };
  visit(tree);
  return types;
}

function textOf(markdown: string): string {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const out: string[] = [];
  const visit = (n: { type: string; value?: string; children?: unknown[] }) => {
    if (n.type === 'text' && n.value) out.push(n.value);
    for (const c of (n.children ?? []) as { type: string }[]) visit(c);
  };
  visit(tree);
  // What the reader sees: the invisible word joiners that break literal autolinks take no room.
  return out.join('').replace(/\u2060/g, '');
}

async function answerAfter(question: string, name: string, args: Record<string, unknown>, result: unknown): Promise<string> {
  const messages = [
    new SystemMessage(currentDateLine({ now: TODAY, timezone: 'Asia/Shanghai' })),
    new HumanMessage(question),
    new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name, args, type: 'tool_call' }] }),
    new ToolMessage({ content: JSON.stringify(result), tool_call_id: 'call_1', name }),
  ];
  const plan = await planTurn(messages, TOOLS, TODAY.getTime());
  expect(plan.kind).toBe('answer');
  return plan.kind === 'answer' ? plan.text : '';
}

const email = { id: '00000000-0000-4000-8000-000000000001', from: `${EVIL} <x@evil.example>`, date: '2026-11-19 10:00', subject: `Hi ${EVIL}`, snippet: EVIL };

describe('email-derived text in answers is inert markdown', () => {
  it('in a list of emails', async () => {
    const text = await answerAfter('emails from bob', 'search_emails', { sender: 'bob' }, { total: 1, emails: [email], filters: { sender: 'bob' } });
    const types = nodeTypes(text);
    for (const t of ['image', 'link', 'html', 'linkReference', 'imageReference']) expect(types.has(t), `${t} in ${text}`).toBe(false);
    expect(textOf(text)).toContain('![pixel](http://tracker.example/p.png)');
  });

  it('in an opened email (body included), in both languages', async () => {
    const read = { id: email.id, from: email.from, to: ['me@example.test'], cc: [], date: email.date, subject: email.subject, labels: [], body: `Line one\n# not a heading\n- not a list\n${EVIL}\n<script>alert(1)</script>` };
    for (const q of ['open it', '打开它']) {
      const text = await answerAfter(q, 'read_email', { id: email.id }, read);
      const types = nodeTypes(text);
      for (const t of ['image', 'link', 'html', 'heading', 'list']) expect(types.has(t), `${t} in ${text}`).toBe(false);
      expect(textOf(text)).toContain('<script>alert(1)</script>');
    }
  });

  it('in a daily report and in what needs a reply', async () => {
    const report = {
      date: '2026-11-19',
      report: {
        summary: EVIL,
        highlights: [{ kind: 'deadline', text: `${EVIL} (${EVIL}, “${EVIL}”)`, emailId: email.id }],
        statistics: { total: 1, threads: 1, byLabel: {}, topSenders: [{ name: EVIL, address: 'x@evil.example', count: 1 }], needsReply: [{ threadId: 't', subject: EVIL, from: EVIL, emailId: email.id }] },
      },
    };
    for (const q of ["yesterday's daily report", '昨天的日报']) {
      const types = nodeTypes(await answerAfter(q, 'read_daily_report', { date: '2026-11-19' }, report));
      for (const t of ['image', 'link', 'html']) expect(types.has(t)).toBe(false);
    }
    const list = { from: '2026-11-19', to: '2026-11-19', reports: [{ date: '2026-11-19', summary: EVIL, emails: 1, needs_reply: [{ subject: EVIL, from: EVIL, email_id: email.id }] }] };
    const types = nodeTypes(await answerAfter('what needs a reply yesterday?', 'list_daily_reports', { from: '2026-11-19', to: '2026-11-19' }, list));
    for (const t of ['image', 'link', 'html']) expect(types.has(t)).toBe(false);
  });
});

describe('Chinese answers', () => {
  it('space a Latin word from the Chinese around it, but not what they quote, bold or link, nor digits', () => {
    expect(spaceLatinInChinese('找到 3 封David的邮件：GitHub的未读邮件共有 11 封。')).toBe('找到 3 封 David 的邮件：GitHub 的未读邮件共有 11 封。');
    expect(spaceLatinInChinese('1. **首页在Safari下白屏的问题** — 刘洋，关于“Q3预算”的，`abc中文`，[见Jira链接](https://x.example)')).toBe(
      '1. **首页在Safari下白屏的问题** — 刘洋，关于“Q3预算”的，`abc中文`，[见Jira链接](https://x.example)',
    );
    expect(spaceLatinInChinese('11月20日的日报')).toBe('11月20日的日报');
  });
});
