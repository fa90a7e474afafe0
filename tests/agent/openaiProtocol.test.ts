/**
 * The OpenAI path for real: a local HTTP server speaking the chat-completions
 * streaming protocol (SSE, incremental tool-call deltas, reasoning fields, a
 * usage chunk) and the mail agent running through the OpenAI-compatible model
 * (server/agent/openaiChat.ts) against it. The server checks requests as
 * strictly as OpenAI does: every tool call in the history must be answered by
 * a tool message.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HumanMessage, type AIMessageChunk } from '@langchain/core/messages';
import { searchEmailsTool } from '../../agents/mail/tools/searchEmails.ts';
import { createChatModel } from '../../server/agent/chatModel.ts';
import type { RunEvent } from '../../shared/protocol.ts';
import { insertEmails } from '../../server/mail/emailStore.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { collect, completion, createSession, createUser, expectWellFormedRun, makeHandler, ofType, storedMessages, streamedText } from './support.ts';

type ChatMessage = { role: string; content?: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string };
type ChatRequest = { model: string; stream?: boolean; stream_options?: { include_usage?: boolean }; tools?: { function: { name: string } }[]; messages: ChatMessage[] };
type Delta = Record<string, unknown>;
/**
 * One scripted reply, given the request: the deltas to stream (`then`: what
 * happens after them instead of finishing — the server stops answering, or
 * breaks the connection, or sends an error event), or an error status.
 */
type Reply = (req: ChatRequest) =>
  | {
      deltas: Delta[];
      finish: 'stop' | 'tool_calls';
      usage?: [number, number];
      then?: 'hang' | 'break' | 'error_event';
      chunkedBytes?: boolean;
      /** After `deltas`: more deltas, each group written in one piece once its `when` settles. */
      paced?: { deltas: Delta[]; when: Promise<unknown> }[];
    }
  | { status: number; error: string; headers?: Record<string, string> };

let t: TestDatabase;
let userId: string;
let server: http.Server;
let baseUrl: string;
const requests: ChatRequest[] = [];
let replies: Reply[] = [];
/** Headers of every request, in order. */
const requestHeaders: http.IncomingHttpHeaders[] = [];
/** Resolved when a response the client abandoned (a `hang` reply) is closed by it. */
let abandoned: Promise<void> = Promise.resolve();

/** OpenAI rejects a history in which a tool call has no tool message after it; so does this server. */
function historyProblem(messages: ChatMessage[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    const answered = new Set<string>();
    for (let j = i + 1; j < messages.length && messages[j]!.role === 'tool'; j++) answered.add(messages[j]!.tool_call_id!);
    const missing = m.tool_calls.find((c) => !answered.has(c.id));
    if (missing) return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Missing: ${missing.id}`;
  }
  return undefined;
}

/**
 * One id for every completion, as some OpenAI-compatible servers send: the
 * runtime must not key turns on the provider's id (a reused one used to make
 * the next turn replace the previous one, dropping its tool calls).
 */
const completionId = 'chatcmpl-test';

function chunk(delta: Delta, finish: string | null = null) {
  return { id: completionId, object: 'chat.completion.chunk', created: 1, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  let raw = '';
  for await (const part of req) raw += part;
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404).end();
    return;
  }
  const body = JSON.parse(raw) as ChatRequest;
  requests.push(body);
  requestHeaders.push(req.headers);
  const problem = historyProblem(body.messages);
  const reply = replies.shift();
  const plan = problem ? { status: 400, error: problem } : reply ? reply(body) : { status: 500, error: 'no scripted reply' };
  if ('status' in plan) {
    res
      .writeHead(plan.status, { 'content-type': 'application/json', ...plan.headers })
      .end(JSON.stringify({ error: { message: plan.error, type: 'invalid_request_error' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data: unknown) => {
    const text = `data: ${JSON.stringify(data)}\n\n`;
    if (!plan.chunkedBytes) return res.write(text);
    // Events split anywhere, even inside a multi-byte character, as TCP may deliver them.
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 3) res.write(bytes.subarray(i, i + 3));
    return true;
  };
  send(chunk({ role: 'assistant', content: '' }));
  for (const delta of plan.deltas) send(chunk(delta));
  for (const group of plan.paced ?? []) {
    await group.when;
    res.write(group.deltas.map((d) => `data: ${JSON.stringify(chunk(d))}\n\n`).join(''));
  }
  if (plan.then === 'hang') {
    abandoned = new Promise((resolve) => res.on('close', resolve));
    return;
  }
  if (plan.then === 'break') {
    // Once what was written has left (else the client sees no response at all, and rightly retries).
    res.write(': about to break\n\n', () => res.socket?.destroy());
    return;
  }
  if (plan.then === 'error_event') {
    res.end(`event: error\ndata: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.' } })}\n\n`);
    return;
  }
  send(chunk({}, plan.finish));
  if (body.stream_options?.include_usage && plan.usage) {
    const [prompt_tokens, completion_tokens] = plan.usage;
    send({ ...chunk({}), choices: [], usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens } });
  }
  res.end('data: [DONE]\n\n');
}

/** Text as the many small deltas a real server sends. */
const words = (text: string, field = 'content') => text.match(/\S+\s*|\s+/g)!.map((w) => ({ [field]: w }));

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createUser(t.db, { name: 'Ada', timezone: 'Europe/Berlin' })).id;
  await insertEmails(t.db, userId, [
    {
      messageId: '<b1@example.test>',
      threadId: 'b1',
      fromAddress: 'li.wei@northwind.example',
      fromName: 'Li Wei',
      to: ['ada@example.test'],
      cc: [],
      subject: 'Q3 budget draft',
      bodyText: 'Draft attached.',
      receivedAt: new Date('2026-11-18T09:00:00Z'),
      labels: [],
    },
  ]);
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await t?.drop();
});

function openAiModel() {
  return createChatModel({ provider: 'openai', apiKey: 'sk-test', baseUrl, model: 'test-model' });
}

describe('the mail agent through the OpenAI-compatible model against an OpenAI-compatible server', () => {
  it('streams reasoning, a tool call built from deltas, the tool result and the answer, and stores it all', async () => {
    requests.length = 0;
    replies = [
      () => ({
        deltas: [
          ...words("The user wants Li Wei's mail.\nI should use search_emails.\n", 'reasoning_content'),
          ...words('Let me search your mail for Li Wei.'),
          { tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'search_emails', arguments: '' } }] },
          { tool_calls: [{ index: 0, function: { arguments: '{"sender":' } }] },
          { tool_calls: [{ index: 0, function: { arguments: ' "Li Wei"}' } }] },
        ],
        finish: 'tool_calls',
        usage: [120, 30],
      }),
      (req) => {
        // Grounded in what the tool returned, as a real model would be.
        const result = JSON.parse(req.messages.at(-1)!.content!) as { total: number; emails: { subject: string }[] };
        return {
          deltas: [...words('Checking the result.\n', 'reasoning'), ...words(`You have ${result.total} email from Li Wei:\n1. ${result.emails[0]!.subject}`)],
          finish: 'stop',
          usage: [200, 15],
        };
      },
    ];
    const session = await createSession(t.db, userId);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, openAiModel());
    const events = await collect(handler.streamResponse('Any mail from Li Wei?'));

    expectWellFormedRun(events);
    expect(ofType(events, 'error')).toEqual([]);
    const thoughts = ofType(events, 'agent_thought');
    expect(thoughts.filter((th) => th.kind === 'reasoning').map((th) => th.content)).toEqual([
      "The user wants Li Wei's mail.",
      'I should use search_emails.',
      'Checking the result.',
    ]);
    expect(thoughts.find((th) => th.kind === 'tool_selection')).toMatchObject({ content: 'search_emails({"sender":"Li Wei"})', tool_name: 'search_emails' });
    expect(ofType(events, 'tool_call_start')).toEqual([
      expect.objectContaining({ part: 1, tool_call_id: 'call_abc', tool_name: 'search_emails', tool_args: { sender: 'Li Wei' } }),
    ]);
    expect(ofType(events, 'tool_call_result')[0]!.tool_result).toMatchObject({ total: 1 });
    expect(ofType(events, 'agent_response_chunk').length).toBeGreaterThanOrEqual(2);
    const done = completion(events);
    expect(done).toMatchObject({
      status: 'completed',
      content: 'You have 1 email from Li Wei:\n1. Q3 budget draft',
      usage: { input_tokens: 320, output_tokens: 45, total_tokens: 365 },
    });
    // The sentence before the call streamed as text where the model wrote it; the answer is the last part.
    expect(done.parts).toEqual([
      { type: 'text', text: 'Let me search your mail for Li Wei.' },
      { type: 'tool_call', tool_call_id: 'call_abc', tool_name: 'search_emails' },
      { type: 'text', text: done.content },
    ]);
    expect(streamedText(events)).toBe('Let me search your mail for Li Wei.' + done.content);

    // What went over the wire.
    expect(requests).toHaveLength(2);
    const [first, second] = requests as [ChatRequest, ChatRequest];
    expect(first).toMatchObject({ model: 'test-model', stream: true, stream_options: { include_usage: true } });
    expect(first.tools!.map((tool) => tool.function.name)).toEqual(['search_emails', 'count_emails', 'read_email', 'list_daily_reports', 'read_daily_report']);
    expect(first.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first.messages[0]!.content).toMatch(/Current date: \d{4}-\d{2}-\d{2} \(\w+day\), local time \d\d:\d\d, time zone: Europe\/Berlin\./);
    expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second.messages[2]!.tool_calls).toEqual([expect.objectContaining({ id: 'call_abc', function: { name: 'search_emails', arguments: '{"sender":"Li Wei"}' } })]);
    expect(second.messages[3]).toMatchObject({ tool_call_id: 'call_abc' });

    const rows = await storedMessages(t.db, session.id);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(rows[1]).toMatchObject({ toolCalls: [{ id: 'call_abc', name: 'search_emails', args: { sender: 'Li Wei' } }] });
    expect(rows[3]).toMatchObject({ content: done.content, status: 'completed' });
  });

  it('sends tokens that arrive together as one chunk, and tokens that arrive apart as chunks of their own', async () => {
    let seenFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (seenFirst = resolve));
    replies = [
      () => ({
        deltas: [],
        paced: [
          // Two tokens in one piece; then, once the run has sent them, five more in one piece.
          { deltas: words('Good morning. '), when: Promise.resolve() },
          { deltas: words('Three emails need a reply.'), when: firstSeen },
        ],
        finish: 'stop',
      }),
    ];
    const session = await createSession(t.db, userId);
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, openAiModel());
    const events: RunEvent[] = [];
    for await (const e of handler.streamResponse('Anything urgent?')) {
      events.push(e);
      if (e.type === 'agent_response_chunk') seenFirst();
    }
    expectWellFormedRun(events);
    expect(ofType(events, 'agent_response_chunk').map((c) => c.delta)).toEqual(['Good morning. ', 'Three emails need a reply.']);
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'Good morning. Three emails need a reply.' });
    const rows = await storedMessages(t.db, session.id);
    expect(rows.at(-1)).toMatchObject({ role: 'assistant', content: 'Good morning. Three emails need a reply.' });
  });

  it('sends the stored conversation as history on the next question', async () => {
    const session = await createSession(t.db, userId);
    requests.length = 0;
    replies = [
      () => ({ deltas: [{ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'search_emails', arguments: '{"query":"budget"}' } }] }], finish: 'tool_calls' }),
      () => ({ deltas: words('One budget email.'), finish: 'stop' }),
      () => ({ deltas: words('It was from Li Wei.'), finish: 'stop' }),
    ];
    const handler = makeHandler(t.db, { userId, sessionId: session.id }, openAiModel());
    await collect(handler.streamResponse('budget mail?'));
    // A new handler and model, as after a restart: the history comes from the database.
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('who sent it?'));
    expect(completion(events).content).toBe('It was from Li Wei.');
    expect(requests[2]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(requests[2]!.messages[4]).toMatchObject({ role: 'assistant', content: 'One budget email.' });
  });

  it('repairs a history in which a crash left a tool call unanswered', async () => {
    const session = await createSession(t.db, userId);
    const runId = randomUUID();
    await t.db.run.create({ data: { id: runId, sessionId: session.id, userId, status: 'interrupted' } });
    await t.db.conversationMessage.createMany({
      data: [
        { sessionId: session.id, runId, role: 'user', content: 'budget mail?', position: 1 },
        { sessionId: session.id, runId, role: 'assistant', content: '', toolCalls: [{ id: 'call_lost', name: 'search_emails', args: { query: 'budget' } }], position: 2 },
      ],
    });
    requests.length = 0;
    replies = [() => ({ deltas: words('Sorry, let me try again later.'), finish: 'stop' })];
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('hello again'));
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'Sorry, let me try again later.' });
    expect(requests[0]!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(requests[0]!.messages[3]).toMatchObject({ tool_call_id: 'call_lost', content: expect.stringMatching(/^Cancelled/) });
  });

  it('counts with count_emails, recovers from a bad argument, and gets an any-word search that says which words matched', async () => {
    const ada = (await createUser(t.db, { name: 'Ada', timezone: 'Europe/Berlin' })).id;
    const mail = (n: number, fromAddress: string, fromName: string, subject: string) => ({
      messageId: `<c${n}-${ada}@example.test>`,
      threadId: `c${n}`,
      fromAddress,
      fromName,
      to: ['ada@example.test'],
      cc: [],
      subject,
      bodyText: `${subject}.`,
      receivedAt: new Date(Date.UTC(2026, 10, 10 + n, 9)),
      labels: ['inbox'],
    });
    await insertEmails(t.db, ada, [
      mail(1, 'li.wei@northwind.example', 'Li Wei', 'Q3 budget draft'),
      mail(2, 'li.wei@northwind.example', '李伟', '预算调整'),
      mail(3, 'sarah.johnson@northwind.example', 'Sarah Johnson', 'Lunch on Friday?'),
    ]);
    requests.length = 0;
    replies = [
      // A model's mistake: a grouping the tool does not have.
      () => ({ deltas: [{ tool_calls: [{ index: 0, id: 'call_bad', type: 'function', function: { name: 'count_emails', arguments: '{"group_by":"person"}' } }] }], finish: 'tool_calls' }),
      // It reads the error and asks again; then searches words no single email has.
      () => ({ deltas: [{ tool_calls: [{ index: 0, id: 'call_count', type: 'function', function: { name: 'count_emails', arguments: '{"group_by":"sender"}' } }] }], finish: 'tool_calls' }),
      () => ({ deltas: [{ tool_calls: [{ index: 0, id: 'call_search', type: 'function', function: { name: 'search_emails', arguments: '{"query":"budget lunch"}' } }] }], finish: 'tool_calls' }),
      (req) => {
        const results = req.messages.filter((m) => m.role === 'tool').slice(-2);
        const count = JSON.parse(results[0]!.content!) as { groups: { label: string; count: number }[] };
        const search = JSON.parse(results[1]!.content!) as { total: number; match: { mode: string; matched_words: string[] } };
        const top = count.groups[0]!;
        return { deltas: words(`${top.label} wrote most (${top.count}). ${search.total} emails match ${search.match.mode} of ${search.match.matched_words.join(', ')}.`), finish: 'stop' };
      },
    ];
    const session = await createSession(t.db, ada);
    const events = await collect(makeHandler(t.db, { userId: ada, sessionId: session.id }, openAiModel()).streamResponse('Who writes to me most, and anything on budget or lunch?'));
    expectWellFormedRun(events);

    // The bad argument is a tool_error the model can read and recover from, not a failed run.
    expect(ofType(events, 'tool_error')).toEqual([expect.objectContaining({ tool_call_id: 'call_bad', tool_name: 'count_emails' })]);
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_bad', content: expect.stringMatching(/group_by/) });
    expect(requests[0]!.tools!.find((tool) => tool.function.name === 'count_emails')).toBeDefined();

    const results = Object.fromEntries(ofType(events, 'tool_call_result').map((r) => [r.tool_call_id, r.tool_result]));
    // One contact across scripts: Li Wei and 李伟 count together.
    expect(results.call_count).toMatchObject({ total: 3, group_by: 'sender', groups: [{ key: 'li.wei@northwind.example', count: 2 }, { key: 'sarah.johnson@northwind.example', count: 1 }] });
    expect(results.call_search).toMatchObject({ total: 2, match: { mode: 'any', words: ['budget', 'lunch'], matched_words: ['budget', 'lunch'] } });
    expect(completion(events)).toMatchObject({ status: 'completed', content: expect.stringMatching(/^Li Wei.* wrote most \(2\)\. 2 emails match any of budget, lunch\.$/) });
  });

  it('turns a server error into a failed run with a processing_error', async () => {
    const session = await createSession(t.db, userId);
    replies = [() => ({ status: 400, error: 'model not found' })];
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('hi'));
    expectWellFormedRun(events);
    expect(ofType(events, 'error')[0]).toMatchObject({ type: 'processing_error' });
    expect(completion(events).status).toBe('failed');
  });

  it('retries a 500 and a 429 (waiting as retry-after-ms asks) before anything streamed, then answers', async () => {
    const session = await createSession(t.db, userId);
    requests.length = 0;
    replies = [
      () => ({ status: 500, error: 'upstream hiccup' }),
      () => ({ status: 429, error: 'Rate limit reached', headers: { 'retry-after-ms': '20' } }),
      () => ({ deltas: words('Third time lucky.'), finish: 'stop', usage: [10, 4] }),
    ];
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('hi'));
    expectWellFormedRun(events);
    expect(ofType(events, 'error')).toEqual([]);
    expect(completion(events)).toMatchObject({ status: 'completed', content: 'Third time lucky.', usage: { input_tokens: 10, output_tokens: 4, total_tokens: 14 } });
    expect(requests).toHaveLength(3);
  });

  it('gives up after two retries, and says why when errors are exposed', async () => {
    const session = await createSession(t.db, userId);
    requests.length = 0;
    const unavailable = () => ({ status: 503, error: 'overloaded', headers: { 'retry-after-ms': '1' } });
    replies = [unavailable, unavailable, unavailable, () => ({ deltas: words('never asked'), finish: 'stop' })];
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel(), { exposeErrors: true }).streamResponse('hi'));
    expectWellFormedRun(events);
    expect(ofType(events, 'error')[0]).toMatchObject({ type: 'processing_error', details: { message: 'The model server answered 503: overloaded' } });
    expect(completion(events).status).toBe('failed');
    expect(requests).toHaveLength(3);
    replies = [];
  });

  it('closes the model request when the run is cancelled mid-answer', async () => {
    const session = await createSession(t.db, userId);
    replies = [() => ({ deltas: words('Let me think about'), finish: 'stop', then: 'hang' })];
    const controller = new AbortController();
    const events: RunEvent[] = [];
    for await (const e of makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('hi', { signal: controller.signal })) {
      events.push(e);
      if (e.type === 'agent_response_chunk') controller.abort();
    }
    expectWellFormedRun(events);
    expect(completion(events).status).toBe('interrupted');
    // The server sees the connection closed: the model stops generating (and billing).
    await abandoned;
  });

  it('fails the run when the stream breaks or reports an error mid-answer, keeping what was streamed', async () => {
    for (const [then, message] of [
      ['break', /stream (broke|ended early)/],
      ['error_event', /The server had an error while processing your request/],
    ] as const) {
      const session = await createSession(t.db, userId);
      requests.length = 0;
      replies = [() => ({ deltas: words('Half an answer'), finish: 'stop', then })];
      const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel(), { exposeErrors: true }).streamResponse('hi'));
      expectWellFormedRun(events);
      expect(ofType(events, 'error')[0]).toMatchObject({ type: 'processing_error', details: { message: expect.stringMatching(message) } });
      expect(completion(events)).toMatchObject({ status: 'failed', content: 'Half an answer' });
      // Tokens had streamed: not retried, or the user would see the answer twice.
      expect(requests).toHaveLength(1);
    }
  });

  it('reads events however the bytes arrive (split inside a character), and sends the key as a bearer token', async () => {
    const session = await createSession(t.db, userId);
    requestHeaders.length = 0;
    const answer = '李伟上周给你发了 2 封邮件 📬';
    replies = [() => ({ deltas: [{ content: answer.slice(0, 6) }, { content: answer.slice(6) }], finish: 'stop', chunkedBytes: true })];
    const events = await collect(makeHandler(t.db, { userId, sessionId: session.id }, openAiModel()).streamResponse('hi'));
    expect(completion(events)).toMatchObject({ status: 'completed', content: answer });
    expect(streamedText(events)).toBe(answer);
    expect(requestHeaders[0]!.authorization).toBe('Bearer sk-test');
  });
});

describe('the OpenAI-compatible model as a LangChain chat model', () => {
  it('invokes, and streams with bound tools to callback handlers (as with tracing on)', async () => {
    replies = [() => ({ deltas: words('Hello there.'), finish: 'stop', usage: [5, 2] })];
    const reply = await openAiModel().invoke([new HumanMessage('hi')]);
    expect(reply).toMatchObject({ content: 'Hello there.', usage_metadata: { input_tokens: 5, output_tokens: 2, total_tokens: 7 } });

    replies = [
      () => ({
        deltas: [
          { reasoning: 'Search first.' },
          { tool_calls: [{ index: 0, id: 'call_x', type: 'function', function: { name: 'search_emails', arguments: '{"query"' } }] },
          { tool_calls: [{ index: 0, function: { arguments: ':"budget"}' } }] },
        ],
        finish: 'tool_calls',
      }),
    ];
    requests.length = 0;
    const tokens: string[] = [];
    let full: AIMessageChunk | undefined;
    const stream = await openAiModel()
      .bindTools!([searchEmailsTool])
      .stream([new HumanMessage('budget?')], { callbacks: [{ handleLLMNewToken: (token: string) => void tokens.push(token) }] });
    for await (const c of stream) full = full ? full.concat(c) : c;
    expect(full!.tool_calls).toEqual([expect.objectContaining({ id: 'call_x', name: 'search_emails', args: { query: 'budget' } })]);
    expect(full!.additional_kwargs.reasoning_content).toBe('Search first.');
    expect(requests[0]!.tools!.map((tool) => tool.function.name)).toEqual(['search_emails']);

    replies = [() => ({ deltas: words('one two three'), finish: 'stop' })];
    const texts: string[] = [];
    for await (const c of await openAiModel().stream([new HumanMessage('count')], { callbacks: [{ handleLLMNewToken: (token: string) => void tokens.push(token) }] })) {
      texts.push(c.text);
    }
    expect(texts.join('')).toBe('one two three');
    expect(tokens).toEqual(['one ', 'two ', 'three']);
  });
});
