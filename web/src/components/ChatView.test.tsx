/**
 * The chat as a person sees it, built from protocol events fed into the real
 * store: streaming text, tool cards through their states, the thoughts
 * timeline, stopped and failed answers, safe markdown.
 */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RunEvent } from '../../../shared/protocol.ts';
import { emailResult, runScript, SESSION } from '../test/runEvents.ts';
import { renderWithStores } from '../test/renderApp.tsx';
import { ChatView } from './ChatView.tsx';
import { loadMarkdown } from './LazyMarkdown.tsx';

beforeAll(() => loadMarkdown());
import { emptySessionChat } from '../chat/types.ts';

function setup() {
  const r = renderWithStores(<ChatView />);
  act(() => {
    r.stores.chat.setState({
      currentSessionId: SESSION,
      sessions: [{ id: SESSION, title: 'Budget', createdAt: '', updatedAt: '' }],
      chats: { [SESSION]: { ...emptySessionChat(), status: 'ready' } },
    });
  });
  const feed = (...events: RunEvent[]) =>
    act(() => {
      for (const e of events) r.stores.chat.getState().receive(e.type, e.payload);
    });
  const turn = () => screen.getByRole('article', { name: 'Assistant' });
  return { ...r, feed, turn };
}

describe('an answer as it streams', () => {
  test('text appears chunk by chunk in seq order, rendered as markdown, and the Stop button shows while it runs', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    const events = [r.started('What did Li Wei send?'), r.chunk('Li Wei sent '), r.chunk('**two** '), r.chunk('emails.')];
    feed(events[0]!, events[2]!);
    expect(screen.getByText('What did Li Wei send?')).toBeTruthy();
    expect(turn().getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByText(/two/)).toBeNull(); // seq 3 waits for seq 2
    feed(events[1]!);
    expect(turn().querySelector('.answer')!.textContent).toBe('Li Wei sent two');
    expect(turn().querySelector('.answer strong')!.textContent).toBe('two');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Queue' })).toBeTruthy();

    feed(events[3]!, r.complete('Li Wei sent **two** emails.'));
    expect(turn().querySelector('.answer')!.textContent).toBe('Li Wei sent two emails.');
    expect(turn().getAttribute('aria-busy')).toBe('false');
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  test('a turn shows its parts in the order the model wrote them: text, the tool card, more text', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    const order = () =>
      Array.from(turn().querySelectorAll(':scope > .answer, :scope > [data-tool-name]')).map((e) =>
        e.getAttribute('data-tool-name') ? `tool:${e.getAttribute('data-tool-name')}` : `text:${e.textContent}`,
      );
    feed(r.started('q'), r.chunk('Let me '), r.chunk('search.'));
    expect(order()).toEqual(['text:Let me search.']);
    feed(r.toolStart('call-1', 'search_emails', { sender: 'Li Wei' }));
    expect(order()).toEqual(['text:Let me search.', 'tool:search_emails']);
    feed(r.toolResult('call-1', 'search_emails', emailResult), r.chunk('Found two.'), r.complete());
    expect(order()).toEqual(['text:Let me search.', 'tool:search_emails', 'text:Found two.']);
  });

  test('the thoughts form a timeline above the answer, open while the agent works and folded once it is done', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.thought('Reading the conversation', 'status', 0), r.thought('search_emails fits', 'tool_selection', 0));
    const toggle = within(turn()).getByRole('button', { name: 'Thinking (2)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const items = within(turn()).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['StatusReading the conversation', 'Tool choicesearch_emails fits']);
    feed(r.chunk('Done.'), r.complete('Done.'));
    const folded = within(turn()).getByRole('button', { name: 'Thoughts (2)' });
    expect(folded.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(folded);
    expect(within(turn()).getAllByRole('listitem')).toHaveLength(2);
    // Thoughts come before the answer in the document.
    const answer = turn().querySelector('.answer')!;
    expect(folded.compareDocumentPosition(answer) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

describe('tool cards', () => {
  const cardOf = (turn: HTMLElement, name: string) => turn.querySelector<HTMLElement>(`[data-tool-name="${name}"]`)!;
  const summaryOf = (card: HTMLElement) => within(card).getByRole('button', { expanded: false });

  test('a card is one line (tool, arguments, count, duration) that expands on click; an email in it opens', () => {
    const { feed, turn, stores } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.toolStart('call-1', 'search_emails', { sender: 'Li Wei', query: 'Q3 budget' }));
    const card = cardOf(turn(), 'search_emails');
    expect(card.getAttribute('data-tool-state')).toBe('running');
    expect(card.querySelector('.spinner')).not.toBeNull();
    expect(card.querySelector('.tool-args-summary')!.textContent).toBe('sender: Li Wei · query: Q3 budget');
    expect(card.querySelector('.tool-body')).toBeNull();

    feed(r.toolResult('call-1', 'search_emails', { total: 7, emails: emailResult.map((e) => ({ ...e, from: 'Li Wei <li.wei@example.com>', date: '2026-11-20 17:30' })) }, 35));
    expect(card.getAttribute('data-tool-state')).toBe('done');
    expect(card.querySelector('.spinner')).toBeNull();
    expect(card.querySelector('.tool-status')!.textContent).toBe('Done7 emails35 ms');
    expect(card.querySelector('.tool-body')).toBeNull();

    const summary = summaryOf(card);
    fireEvent.click(summary);
    expect(summary.getAttribute('aria-expanded')).toBe('true');
    const body = card.querySelector<HTMLElement>('.tool-body')!;
    expect(body.querySelector('.tool-args')!.textContent).toBe('senderLi WeiqueryQ3 budget');
    expect(within(body).getByText('2 of 7 emails')).toBeTruthy();
    const rows = within(body).getAllByRole('button', { name: /Li Wei/ });
    expect(rows.map((b) => b.textContent)).toEqual(['Li WeiQ3 budget draft2026-11-20 17:30', 'Li Wei预算 follow-up2026-11-20 17:30']);
    expect(rows[1]!.getAttribute('lang')).toBe('zh-CN');
    fireEvent.click(rows[0]!);
    expect(stores.ui.getState().openEmailId).toBe('e1');
    fireEvent.click(summary);
    expect(card.querySelector('.tool-body')).toBeNull();
  });

  test('a failed tool shows its error and duration without expanding', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(
      r.started('q'),
      r.toolStart('call-1', 'read_daily_report', { date: '2026-11-19' }),
      r.toolError('call-1', 'read_daily_report', { type: 'tool_error', message: 'No report for 2026-11-19' }, 9),
    );
    const card = cardOf(turn(), 'read_daily_report');
    expect(card.getAttribute('data-tool-state')).toBe('failed');
    expect(card.querySelector('.tool-status')!.textContent).toBe('Failed9 ms');
    expect(within(card).getByRole('note').textContent).toBe('No report for 2026-11-19');
  });

  test('a count shows its total in the summary line and its groups when expanded', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    const counted = { total: 27, groups: [{ key: 'notifications@github.example', label: 'GitHub', count: 20, latest: '2026-11-20' }, { key: 'me@x.example', label: 'Alex Chen', count: 7, latest: '2026-11-19', is_you: true }] };
    feed(r.started('q'), r.toolStart('c', 'count_emails', { group_by: 'sender' }), r.toolResult('c', 'count_emails', counted));
    const card = cardOf(turn(), 'count_emails');
    expect(card.querySelector('.tool-name')!.textContent).toBe('Count emails');
    expect(card.querySelector('.tool-count')!.textContent).toBe('27 emails');
    fireEvent.click(summaryOf(card));
    expect([...card.querySelectorAll('.count-list li')].map((li) => li.textContent)).toEqual(['GitHub — 20', 'Alex Chen (you) — 7']);
  });

  test('a daily report result shows its summary and highlights; a highlight opens its email', () => {
    const { feed, turn, stores } = setup();
    const r = runScript('run-1');
    const report = { summary: '12 emails, 3 need a reply', highlights: [{ kind: 'deadline', text: 'Budget due Friday', emailId: 'e9' }], statistics: { total: 12 } };
    feed(r.started('q'), r.toolStart('c', 'read_daily_report', { date: 'yesterday' }), r.toolResult('c', 'read_daily_report', { date: '2026-11-19', report }));
    const card = cardOf(turn(), 'read_daily_report');
    expect(card.querySelector('.tool-count')!.textContent).toBe('1 report');
    fireEvent.click(summaryOf(card));
    expect(card.querySelector('.report-list')!.textContent).toContain('2026-11-19 · 12 emails12 emails, 3 need a reply');
    const highlight = card.querySelector<HTMLElement>('.highlight')!;
    expect(highlight.textContent).toBe('Budget due Friday Open email');
    fireEvent.click(within(highlight).getByRole('button', { name: 'Open email' }));
    expect(stores.ui.getState().openEmailId).toBe('e9');
  });
});

describe('emails named in an answer', () => {
  test('a bold subject the tools returned opens that email; other bold text stays text', () => {
    const { feed, turn, stores } = setup();
    const r = runScript('run-1');
    const text = '1. **Q3 budget draft** — Li Wei\n2. **Not an email**';
    feed(
      r.started('q'),
      r.toolStart('c', 'search_emails', { query: 'budget' }),
      r.toolResult('c', 'search_emails', { total: 2, emails: emailResult }),
      r.chunk(text),
      r.complete(text),
    );
    const answer = turn().querySelector<HTMLElement>('.answer')!;
    const link = within(answer).getByRole('button', { name: 'Q3 budget draft' });
    fireEvent.click(link);
    expect(stores.ui.getState().openEmailId).toBe('e1');
    expect(within(answer).queryByRole('button', { name: 'Not an email' })).toBeNull();
  });

  test('a quoted email keeps its line breaks and angle brackets', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.chunk('From: Li Wei <li.wei@example.com>\nTo: me@example.com\n\nThe budget'));
    const answer = turn().querySelector<HTMLElement>('.answer')!;
    expect(answer.textContent).toContain('Li Wei <li.wei@example.com>');
    expect(answer.querySelector('p')!.textContent).toBe('From: Li Wei <li.wei@example.com>\nTo: me@example.com');
  });

  test('an email as the assistant quotes it (escaped brackets, hard breaks) reads as written, one line each', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.chunk('**Q3 budget**  \nFrom: Li Wei \\<li.wei⁠@example.com\\>  \nTo: me⁠@example.com  \nDate: 2026-11-24 09:00\n\n> Hi'));
    const header = turn().querySelector<HTMLElement>('.answer p')!;
    // Each line ends in a <br> and nothing else: a newline after it would show as a blank line (pre-line).
    expect(header.querySelectorAll('br')).toHaveLength(3);
    expect(header.textContent).toBe('Q3 budgetFrom: Li Wei <li.wei⁠@example.com>To: me⁠@example.comDate: 2026-11-24 09:00');
  });

  test('while streaming, an unfinished bold span shows no asterisks', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.chunk('The **Q3 bud'));
    const answer = turn().querySelector<HTMLElement>('.answer')!;
    expect(answer.textContent).not.toContain('**');
    expect(answer.querySelector('strong')!.textContent).toBe('Q3 bud');
  });
});

describe('answers that do not complete', () => {
  test('a stopped answer keeps its text and says it is incomplete', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    feed(r.started('q'), r.chunk('Half an ans'), r.complete('Half an ans', 'interrupted'));
    expect(turn().getAttribute('data-status')).toBe('interrupted');
    expect(turn().querySelector('.answer')!.textContent).toBe('Half an ans');
    expect(within(turn()).getByRole('note').textContent).toBe('Stopped — the answer above is incomplete.');
  });

  test('a failed answer says so in plain words, distinct from a stopped one', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    const error = { type: 'processing_error' as const, message: 'The assistant failed while answering. Please try again.' };
    feed(r.started('q'), r.error(error), r.complete('', 'failed', error));
    const alert = within(turn()).getByRole('alert');
    expect(alert.textContent).toBe('Something went wrong on our side. The assistant failed while answering. Please try again.');
    expect(within(turn()).queryByRole('note')).toBeNull();
  });
});

describe('markdown is rendered safely', () => {
  test('HTML is never rendered, unsafe links lose their target, and links open in a new tab', () => {
    const { feed, turn } = setup();
    const r = runScript('run-1');
    const text = 'Look <img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n[bad](javascript:alert(3)) and [docs](https://example.com/a)';
    feed(r.started('q'), r.chunk(text), r.complete(text));
    const answer = turn().querySelector('.answer')!;
    expect(answer.querySelector('img')).toBeNull();
    expect(answer.querySelector('script')).toBeNull();
    const links = within(answer as HTMLElement).getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a']);
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(answer.textContent).toContain('bad');
  });
});

describe('the empty state', () => {
  test('a new chat offers example questions about the mailbox and reports, in English and Chinese', () => {
    renderWithStores(<ChatView />);
    const examples = within(screen.getByRole('list', { name: 'Example questions' })).getAllByRole('button');
    expect(examples.map((b) => b.textContent)).toEqual([
      'Find the emails from Li Wei about the Q3 budget',
      "What was in yesterday's daily report?",
      '李伟关于预算的邮件',
      '上周有哪些需要回复的邮件？',
    ]);
    expect(examples[2]!.getAttribute('lang')).toBe('zh-CN');
  });
});
