/**
 * How run events become what the user sees: fed straight into the store in
 * the order a network might deliver them (duplicated, out of order, replayed).
 */
import { describe, expect, test } from 'vitest';
import type { HistoryMessage } from '../../../shared/api.ts';
import type { RunEvent } from '../../../shared/protocol.ts';
import { mergeJoin } from '../chat/history.ts';
import { CANCELLED_TOOL_CALL } from '../../../shared/messageMetadata.ts';
import { emptySessionChat, type SessionChat, type TurnView, type UserItem } from '../chat/types.ts';
import { emailResult, runScript, SESSION } from '../test/runEvents.ts';
import { createAuthStore } from './authStore.ts';
import { createChatStore, selectCurrentChat, selectPendingToolCalls, selectStreaming } from './chatStore.ts';
import type { Api } from '../api/api.ts';

function newStore() {
  const auth = createAuthStore({ fetch: () => Promise.reject(new Error('no network in this test')) });
  const chat = createChatStore({
    auth,
    api: {} as Api,
    connectSocket: () => {
      throw new Error('not connected in this test');
    },
    eventBatchMs: 0,
  });
  chat.setState({ currentSessionId: SESSION });
  const feed = (...events: RunEvent[]) => {
    for (const e of events) chat.getState().receive(e.type, e.payload);
  };
  const view = () => selectCurrentChat(chat.getState())!;
  const turn = (runId: string) => view().turns[runId]!;
  return { chat, feed, view, turn };
}

const texts = (chat: SessionChat) =>
  chat.items.map((i) => (i.kind === 'user' ? `user:${i.content}` : `turn:${i.runId}`));

describe('streaming an answer', () => {
  test('chunks are appended in seq order, whatever order they arrive in', () => {
    const { feed, turn, view } = newStore();
    const r = runScript('run-1');
    const started = r.started('Find the Q3 budget mail');
    const [a, b, c] = [r.chunk('The '), r.chunk('budget '), r.chunk('is ready.')];
    feed(started, c, a);
    expect(turn('run-1').content).toBe('The ');
    feed(b);
    expect(turn('run-1').content).toBe('The budget is ready.');
    expect(turn('run-1').status).toBe('running');
    expect(view().activeRunId).toBe('run-1');
    expect(texts(view())).toEqual(['user:Find the Q3 budget mail', 'turn:run-1']);
  });

  test('an event delivered twice is applied once, and the log marks the copy', () => {
    const { feed, turn, view } = newStore();
    const r = runScript('run-1');
    const events = [r.started('hi'), r.chunk('Hel'), r.chunk('lo')];
    feed(...events, ...events);
    expect(turn('run-1').content).toBe('Hello');
    expect(view().items).toHaveLength(2);
    expect(view().events.map((e) => [e.seq, e.duplicate])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [1, true],
      [2, true],
      [3, true],
    ]);
  });

  test('conversation_complete replaces the streamed text with its authoritative content and ends the run', () => {
    const { chat, feed, turn, view } = newStore();
    const r = runScript('run-1');
    feed(r.started('hi'), r.chunk('Hel'), r.complete('Hello, world'));
    expect(turn('run-1')).toMatchObject({
      content: 'Hello, world',
      status: 'completed',
      timings: { firstChunkMs: 120, totalMs: 480 },
      usage: { total_tokens: 42 },
    });
    expect(view().activeRunId).toBeNull();
    expect(selectStreaming(chat.getState())).toBeNull();
  });

  test('a complete that arrives across a gap that never fills still ends the run with what arrived', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    const started = r.started('hi');
    r.chunk('lost ');
    const kept = r.chunk('kept');
    feed(started, kept, r.complete('lost kept'));
    expect(turn('run-1')).toMatchObject({ status: 'completed', content: 'lost kept', pending: [] });
  });

  test('thoughts keep their order within the run', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    const [s, t1, t2, t3] = [r.started('q'), r.thought('Reading the question', 'reasoning', 0), r.thought('search_emails fits', 'tool_selection', 1), r.thought('Writing the answer', 'status', 2)];
    feed(s, t3, t1, t2);
    expect(turn('run-1').thoughts.map((t) => [t.step, t.kind, t.content])).toEqual([
      [0, 'reasoning', 'Reading the question'],
      [1, 'tool_selection', 'search_emails fits'],
      [2, 'status', 'Writing the answer'],
    ]);
  });
});

describe('tool cards', () => {
  test('a card goes from running to done with its result and duration', () => {
    const { chat, feed, turn } = newStore();
    const r = runScript('run-1');
    feed(r.started('q'), r.toolStart('call-1', 'search_emails', { query: 'budget', sender: 'Li Wei' }));
    expect(turn('run-1').toolCalls['call-1']).toMatchObject({ state: 'running', name: 'search_emails', args: { query: 'budget' } });
    expect(Object.keys(selectPendingToolCalls(chat.getState()))).toEqual(['call-1']);
    feed(r.toolResult('call-1', 'search_emails', emailResult, 35));
    expect(turn('run-1').toolCalls['call-1']).toMatchObject({ state: 'done', result: emailResult, durationMs: 35 });
    expect(selectPendingToolCalls(chat.getState())).toEqual({});
  });

  test('a failing tool shows its error and the run goes on', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    feed(
      r.started('q'),
      r.toolStart('call-1', 'read_daily_report', { date: '2026-11-20' }),
      r.toolError('call-1', 'read_daily_report', { type: 'tool_error', message: 'No report for 2026-11-20' }, 9),
      r.chunk('There is no report for that day.'),
    );
    const t = turn('run-1');
    expect(t.toolCalls['call-1']).toMatchObject({ state: 'failed', error: { message: 'No report for 2026-11-20' }, durationMs: 9 });
    expect(t.content).toBe('There is no report for that day.');
  });

  test('cards keep the order the calls started in', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    feed(r.started('q'), r.toolStart('b', 'search_emails', {}), r.toolStart('a', 'list_daily_reports', {}));
    expect(turn('run-1').parts).toEqual([{ kind: 'tool', id: 'b' }, { kind: 'tool', id: 'a' }]);
  });

  test('text written before a tool call stays where it was written, and text after it is a new part', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    feed(r.started('q'), r.chunk('Let me '), r.chunk('search.'), r.toolStart('call-1', 'search_emails', {}));
    feed(r.toolResult('call-1', 'search_emails', emailResult), r.chunk('Found '), r.chunk('2.'));
    expect(turn('run-1').parts).toEqual([
      { kind: 'text', text: 'Let me search.' },
      { kind: 'tool', id: 'call-1' },
      { kind: 'text', text: 'Found 2.' },
    ]);
    expect(turn('run-1').content).toBe('Let me search.\n\nFound 2.');
    feed(r.complete());
    expect(turn('run-1').parts).toEqual([
      { kind: 'text', text: 'Let me search.' },
      { kind: 'tool', id: 'call-1' },
      { kind: 'text', text: 'Found 2.' },
    ]);
  });

  test('a tool call the model began before more text keeps its place when it starts later', () => {
    const { feed, turn } = newStore();
    const base = { session_id: SESSION, run_id: 'run-1', timestamp: 1 };
    const events: RunEvent[] = [
      { type: 'run_started', payload: { ...base, seq: 1, message_id: 'm', user_message: { id: 'u', content: 'q', created_at: new Date(0).toISOString() } } },
      { type: 'agent_response_chunk', payload: { ...base, seq: 2, message_id: 'm', part: 0, delta: 'Before.' } },
      { type: 'agent_response_chunk', payload: { ...base, seq: 3, message_id: 'm', part: 2, delta: 'After.' } },
      { type: 'tool_call_start', payload: { ...base, seq: 4, part: 1, tool_call_id: 'x', tool_name: 'search_emails', tool_args: {} } },
    ];
    feed(...events);
    expect(turn('run-1').parts).toEqual([{ kind: 'text', text: 'Before.' }, { kind: 'tool', id: 'x' }, { kind: 'text', text: 'After.' }]);
  });
});

describe('runs that do not complete', () => {
  test('an interrupted run keeps its partial answer and stops its spinners', () => {
    const { feed, turn, view } = newStore();
    const r = runScript('run-1');
    feed(r.started('q'), r.toolStart('call-1', 'search_emails', {}), r.chunk('Partial'), r.complete('Partial', 'interrupted'));
    const t = turn('run-1');
    expect(t.status).toBe('interrupted');
    expect(t.content).toBe('Partial');
    expect(t.toolCalls['call-1']).toMatchObject({ state: 'failed', error: { message: 'Stopped before it finished' } });
    expect(view().activeRunId).toBeNull();
  });

  test('a failed run carries the error the user is told about', () => {
    const { feed, turn } = newStore();
    const r = runScript('run-1');
    const error = { type: 'processing_error' as const, message: 'The model is not reachable' };
    feed(r.started('q'), r.error(error), r.complete('', 'failed', error));
    expect(turn('run-1')).toMatchObject({ status: 'failed', error, content: '' });
  });
});

describe('whose message is whose', () => {
  test('run_started turns the optimistic message into the stored one, in place', () => {
    const { chat, feed, view } = newStore();
    const mine: UserItem = { kind: 'user', key: 'c1', id: null, clientMessageId: 'c1', content: 'second', state: 'queued', createdAt: new Date().toISOString() };
    const r1 = runScript('run-1');
    feed(r1.started('first'), r1.chunk('…'));
    chat.setState((s) => ({ chats: { ...s.chats, [SESSION]: { ...s.chats[SESSION]!, items: [...s.chats[SESSION]!.items, mine] } } }));
    // Another tab asks while ours waits in the queue: it shows above our queued message.
    const other = runScript('run-2');
    feed(r1.complete('done'), other.started('from the other tab'));
    expect(texts(view())).toEqual(['user:first', 'turn:run-1', 'user:from the other tab', 'turn:run-2', 'user:second']);
    feed(other.complete('ok'));
    const r3 = runScript('run-3');
    feed(r3.started('second', 'c1'));
    expect(texts(view())).toEqual(['user:first', 'turn:run-1', 'user:from the other tab', 'turn:run-2', 'user:second', 'turn:run-3']);
    expect(view().items[4]).toMatchObject({ key: 'c1', id: 'run-3-question', state: 'sent', runId: 'run-3' });
  });
});

describe('history', () => {
  const at = (s: number) => new Date(1_800_000_000_000 + s * 1000).toISOString();
  const history: HistoryMessage[] = [
    { id: 'u1', role: 'user', content: 'Find the emails from Li Wei', status: 'completed', run_id: 'run-1', created_at: at(0) },
    {
      id: 'a1',
      role: 'assistant',
      content: '',
      status: 'completed',
      run_id: 'run-1',
      tool_calls: [{ id: 'call-1', name: 'search_emails', args: { sender: 'Li Wei' } }],
      metadata: { thoughts: [{ step: 0, kind: 'tool_selection', content: 'search_emails fits' }] },
      created_at: at(1),
    },
    {
      id: 't1',
      role: 'tool',
      content: JSON.stringify(emailResult),
      status: 'completed',
      run_id: 'run-1',
      tool_call_id: 'call-1',
      tool_name: 'search_emails',
      metadata: { duration_ms: 35 },
      created_at: at(2),
    },
    {
      id: 'a2',
      role: 'assistant',
      content: 'Li Wei sent **2** emails.',
      status: 'completed',
      run_id: 'run-1',
      metadata: { timings: { first_chunk_ms: 120, total_ms: 480 }, usage: { input_tokens: 30, output_tokens: 12, total_tokens: 42 } },
      created_at: at(3),
    },
  ];

  const live = () => {
    const { feed, turn, view } = newStore();
    const r = runScript('run-1');
    feed(
      r.started('Find the emails from Li Wei'),
      r.thought('search_emails fits', 'tool_selection', 0),
      r.toolStart('call-1', 'search_emails', { sender: 'Li Wei' }),
      r.toolResult('call-1', 'search_emails', emailResult, 35),
      r.chunk('Li Wei sent **2** emails.'),
      r.complete('Li Wei sent **2** emails.'),
    );
    return { turn: turn('run-1'), view: view() };
  };

  const visible = (t: TurnView) => ({
    status: t.status,
    content: t.content,
    thoughts: t.thoughts.map((x) => [x.kind, x.content]),
    parts: t.parts.map((p) => {
      if (p?.kind !== 'tool') return p;
      const c = t.toolCalls[p.id]!;
      return [c.name, c.args, c.state, c.result, c.durationMs];
    }),
    timings: t.timings,
    usage: t.usage,
  });

  test('stored history rebuilds the view the live events built', () => {
    const rebuilt = mergeJoin(emptySessionChat(), { messages: history, active_run: null }, Date.now());
    const { turn, view } = live();
    expect(texts(rebuilt)).toEqual(texts(view));
    expect(visible(rebuilt.turns['run-1']!)).toEqual(visible(turn));
  });

  test('stored parts rebuild text written before a tool call in its place', () => {
    const stored: HistoryMessage[] = [
      history[0]!,
      { ...history[1]!, content: 'Let me search.', parts: [{ type: 'text', text: 'Let me search.' }, { type: 'tool_call', tool_call_id: 'call-1', tool_name: 'search_emails' }] },
      history[2]!,
      { ...history[3]!, parts: [{ type: 'text', text: 'Li Wei sent **2** emails.' }] },
    ];
    const rebuilt = mergeJoin(emptySessionChat(), { messages: stored, active_run: null }, Date.now()).turns['run-1']!;
    expect(rebuilt.parts).toEqual([{ kind: 'text', text: 'Let me search.' }, { kind: 'tool', id: 'call-1' }, { kind: 'text', text: 'Li Wei sent **2** emails.' }]);
    expect(rebuilt.toolCalls['call-1']).toMatchObject({ state: 'done', args: { sender: 'Li Wei' }, durationMs: 35 });
  });

  test('joining mid-run continues from the replayed events, and live copies of them are ignored', () => {
    const { chat, feed, turn, view } = newStore();
    const r = runScript('run-2');
    const question = 'What was in yesterday’s daily report?';
    const events = [r.started(question), r.thought('Looking up the report'), r.chunk('Yesterday '), r.chunk('you received 12 emails.')];
    // The server stored the question; the answer is still streaming.
    const stored: HistoryMessage[] = [...history, { id: 'run-2-question', role: 'user', content: question, status: 'completed', run_id: 'run-2', created_at: at(10) }];
    // A live event overtakes the join answer, which then replays 1..3.
    feed(events[3]!);
    chat.setState((s) => ({
      chats: { ...s.chats, [SESSION]: mergeJoin(s.chats[SESSION]!, { messages: stored, active_run: { run_id: 'run-2', status: 'running', events: events.slice(0, 3) } }, Date.now()) },
    }));
    expect(turn('run-2').content).toBe('Yesterday you received 12 emails.');
    feed(...events, r.chunk(' Three need a reply.'));
    expect(turn('run-2').content).toBe('Yesterday you received 12 emails. Three need a reply.');
    expect(turn('run-2').thoughts).toHaveLength(1);
    expect(texts(view())).toEqual([
      'user:Find the emails from Li Wei',
      'turn:run-1',
      'user:What was in yesterday’s daily report?',
      'turn:run-2',
    ]);
    expect(view().activeRunId).toBe('run-2');
  });

  describe('a join answered while this tab’s own message is starting (the gateway leaves the running run out of the stored list)', () => {
    const question = 'Find the emails from Li Wei';
    const mine = (state: UserItem['state'], runId?: string): UserItem => ({
      kind: 'user',
      key: 'c1',
      id: null,
      clientMessageId: 'c1',
      content: question,
      state,
      createdAt: new Date().toISOString(),
      ...(runId ? { runId } : {}),
    });
    const withItems = (chat: ReturnType<typeof newStore>['chat'], items: UserItem[]) =>
      chat.setState((s) => ({ chats: { ...s.chats, [SESSION]: { ...emptySessionChat(), status: 'ready', items } } }));
    const join = (chat: ReturnType<typeof newStore>['chat'], events: RunEvent[]) =>
      chat.setState((s) => ({
        chats: { ...s.chats, [SESSION]: mergeJoin(s.chats[SESSION]!, { messages: [], active_run: { run_id: 'run-1', status: 'running', events } }, Date.now()) },
      }));

    test('before its acknowledgement: the question stays above its answer', () => {
      const { chat, turn, view } = newStore();
      const r = runScript('run-1');
      withItems(chat, [mine('sending')]);
      join(chat, [r.started(question, 'c1'), r.chunk('Found')]);
      expect(texts(view())).toEqual([`user:${question}`, 'turn:run-1']);
      expect(view().items[0]).toMatchObject({ key: 'c1', state: 'sent', runId: 'run-1' });
      expect(turn('run-1').content).toBe('Found');
    });

    test('after run_started was applied live: the question is kept, not lost as a duplicate', () => {
      const { chat, feed, turn, view } = newStore();
      const r = runScript('run-1');
      const events = [r.started(question, 'c1'), r.chunk('Found '), r.chunk('3 emails')];
      withItems(chat, [mine('sent', 'run-1')]);
      feed(events[0]!, events[1]!);
      join(chat, events);
      expect(texts(view())).toEqual([`user:${question}`, 'turn:run-1']);
      expect(turn('run-1').content).toBe('Found 3 emails');
    });
  });

  test('a run rebuilt from history ignores late events of that run', () => {
    const { chat, feed, turn } = newStore();
    chat.setState((s) => ({ chats: { ...s.chats, [SESSION]: mergeJoin(emptySessionChat(), { messages: history, active_run: null }, Date.now()) } }));
    const r = runScript('run-1');
    feed(r.started('Find the emails from Li Wei'), r.chunk('again'));
    expect(turn('run-1').content).toBe('Li Wei sent **2** emails.');
  });
});

describe('one text for a cancelled tool call', () => {
  const text = (turn: TurnView) => turn.toolCalls['call-1']?.error?.message;

  test('live, after a reload, and when only the end of the run arrived, a cancelled call reads the same', () => {
    const live = newStore();
    const r = runScript('run-1');
    live.feed(
      r.started('q'),
      r.toolStart('call-1', 'search_emails', { query: 'x' }),
      r.toolError('call-1', 'search_emails', CANCELLED_TOOL_CALL, 0),
      r.complete('', 'interrupted'),
    );

    const endOnly = newStore();
    const r2 = runScript('run-1');
    endOnly.feed(r2.started('q'), r2.toolStart('call-1', 'search_emails', { query: 'x' }), r2.complete('', 'interrupted'));

    const stored: HistoryMessage[] = [
      { id: 'u1', role: 'user', content: 'q', status: 'completed', run_id: 'run-1', created_at: '2026-11-30T10:00:00.000Z' },
      {
        id: 'a1',
        role: 'assistant',
        content: '',
        status: 'completed',
        run_id: 'run-1',
        tool_calls: [{ id: 'call-1', name: 'search_emails', args: { query: 'x' } }],
        metadata: { step: 0, kind: 'tool_calls' },
        created_at: '2026-11-30T10:00:00.000Z',
      },
      {
        id: 't1',
        role: 'tool',
        content: 'Cancelled: the run was interrupted before this tool finished.',
        status: 'failed',
        run_id: 'run-1',
        tool_call_id: 'call-1',
        tool_name: 'search_emails',
        metadata: { cancelled: true },
        created_at: '2026-11-30T10:00:00.000Z',
      },
    ];
    const reloaded = mergeJoin(emptySessionChat(), { messages: stored, active_run: null }, 0).turns['run-1']!;

    expect([text(live.turn('run-1')), text(endOnly.turn('run-1')), text(reloaded)]).toEqual([
      CANCELLED_TOOL_CALL.message,
      CANCELLED_TOOL_CALL.message,
      CANCELLED_TOOL_CALL.message,
    ]);
  });
});
