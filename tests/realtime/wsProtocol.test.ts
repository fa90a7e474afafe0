/**
 * The plain WebSocket protocol (ws://host:port/) against a real server: every
 * server event, auth in all three forms, the busy rule and multitask
 * strategies, resuming with join_session, every kind of bad input, and a
 * Socket.IO client and a WebSocket client watching the same run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defineAgent, tool, ToolError, z } from '../../server/agent/public.ts';
import { agent as weather } from '../../examples/weather.ts';
import { agent as toolbox } from '../../examples/toolbox.ts';
import { WS_MAX_FRAME_BYTES } from '../../shared/wsProtocol.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';
import { askWs, connectWs, createWsSession, type WsClient, type WsMessage } from '../helpers/wsClient.ts';
import { afterTools, answer, modelByQuestion, registerWithSessions, type TestUser } from './support.ts';

/** An agent with a scripted model of its own: runs that hang, break, or call a failing tool. */
const explode = tool(
  async () => {
    throw new ToolError('the fuse was wet');
  },
  { name: 'explode', description: 'Always fails.', schema: z.object({ what: z.string() }) },
);
const scripted = defineAgent({
  name: 'scripted',
  description: 'Test agent',
  systemPrompt: 'test',
  tools: [explode],
  maxSteps: 3,
  model: modelByQuestion((question, messages) => {
    if (question.startsWith('hang')) return { ...answer(3, 'Partial'), hang: true };
    if (question.startsWith('break')) return { tokens: ['Partial:\n', 'one ', 'two ', 'three '], failAfterTokens: 2 };
    if (question.startsWith('explode')) {
      if (afterTools(messages)) return { text: 'It did not work.' };
      return { text: 'Trying.', toolCalls: [{ id: 'call_x', name: 'explode', args: { what: 'it' } }] };
    }
    return answer(4);
  }),
});

let t: TestDatabase;
let guests: TestServer;
let secured: TestServer;
let alice: TestUser;
const clients: WsClient[] = [];
const sockets: ClientSocket[] = [];

async function ws(server: TestServer, opts: Parameters<typeof connectWs>[1] = {}) {
  const client = await connectWs(server.url, opts);
  clients.push(client);
  return client;
}

function expectRunMessages(messages: WsMessage[]) {
  const seqs = messages.map((m) => m.seq).filter((s) => s !== undefined);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  for (const m of messages) {
    expect(m.session_id).toEqual(expect.any(String));
    expect(new Date(m.timestamp).toISOString()).toBe(m.timestamp);
    expect(m.run_id).toEqual(expect.any(String));
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  guests = await startTestServer(t.db, { agents: [weather, toolbox, scripted], env: { ALLOW_GUESTS: '1', GUESTS_PER_ADDRESS_PER_HOUR: '1000' } });
  secured = await startTestServer(t.db, { agents: [weather, scripted] });
  alice = await registerWithSessions(secured.url, 'alice-ws@example.com', 0);
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of sockets) s.disconnect();
  await guests?.close();
  await secured?.close();
  await t?.drop();
});

describe('connecting', () => {
  it('greets with system.connected: connection id, agents, timestamp', async () => {
    const c = await ws(guests);
    const hello = c.messages[0]!;
    expect(hello).toMatchObject({ event: 'system.connected', session_id: null, user: null, agents: ['weather-assistant', 'toolbox', 'scripted'] });
    expect(hello.connection_id).toMatch(/^[0-9a-f-]{36}$/);
    const other = await ws(guests);
    expect(other.messages[0]!.connection_id).not.toBe(hello.connection_id);
  });

  it('takes a token from the Authorization header, from ?token= and from a first auth message', async () => {
    const byHeader = await ws(secured, { token: alice.token });
    expect(byHeader.messages[0]).toMatchObject({ event: 'system.connected', user: { id: alice.id, guest: false } });
    const byQuery = await ws(secured, { query: `token=${encodeURIComponent(alice.token)}` });
    expect(byQuery.messages[0]).toMatchObject({ event: 'system.connected', user: { id: alice.id } });
    const byMessage = await ws(secured);
    expect(byMessage.messages[0]).toMatchObject({ event: 'system.connected', user: null });
    byMessage.send({ event: 'auth', token: alice.token });
    await byMessage.waitFor((m) => m.event === 'auth.ok');
    const sessionId = await createWsSession(byMessage);
    const row = await t.db.chatSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row).toMatchObject({ userId: alice.id, agentName: 'weather-assistant' });
  });

  it('answers a bad token with auth.error and closes, wherever the token came from', async () => {
    for (const opts of [{ token: 'not-a-token' }, { query: 'token=nope' }]) {
      const c = await ws(secured, opts);
      expect(c.messages[0]).toMatchObject({ event: 'auth.error', error: expect.stringMatching(/not valid/) });
      expect((await c.closed).code).toBe(4401);
    }
    const c = await ws(secured);
    c.send({ event: 'auth', token: 'forged.token.value' });
    await c.waitFor((m) => m.event === 'auth.error');
    expect((await c.closed).code).toBe(4401);
  });

  it('refuses token-less clients where guests are not allowed, and lets them in as guests where they are', async () => {
    const refused = await ws(secured);
    refused.send({ event: 'user.create_session' });
    expect(await refused.waitFor((m) => m.event === 'auth.error')).toMatchObject({ error: expect.stringMatching(/Sign in/) });
    expect((await refused.closed).code).toBe(4401);

    const guest = await ws(guests);
    const sessionId = await createWsSession(guest);
    const row = await t.db.chatSession.findUniqueOrThrow({ where: { id: sessionId }, include: { user: true } });
    expect(row.user.name).toBe('Guest');
  });

  it('refuses upgrades on other paths', async () => {
    const socket = new WebSocket(guests.url.replace(/^http/, 'ws') + '/elsewhere');
    const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });
});

describe('sessions and runs', () => {
  it('streams a run: run_started, thinking, tool_call, tool_result, partial answers, final answer (offline model, Chinese)', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'weather-assistant');
    expect(c.messages.find((m) => m.event === 'agent.session_created')).toMatchObject({ session_id: sessionId, agent: 'weather-assistant' });
    const runId = await askWs(c, sessionId, '查询上海天气');
    const final = await c.ended(runId);
    expect(final.event).toBe('agent.final_answer');
    const run = c.ofRun(runId);
    expectRunMessages(run);
    const events = run.map((m) => m.event);
    expect(events[0]).toBe('agent.run_started');
    expect(events.at(-1)).toBe('agent.final_answer');
    const thinking = run.filter((m) => m.event === 'agent.thinking');
    expect(thinking.length).toBeGreaterThan(0);
    for (const m of thinking) expect(m.metadata.step).toEqual(expect.any(Number));
    const call = run.find((m) => m.event === 'agent.tool_call')!;
    expect(call).toMatchObject({ step_id: expect.any(String), metadata: { tool: 'get_weather', args: { city: '上海' }, status: 'running' } });
    const result = run.find((m) => m.event === 'agent.tool_result')!;
    expect(result).toMatchObject({ step_id: call.step_id, metadata: { tool: 'get_weather', status: 'success' } });
    expect(result.content).toMatchObject({ city: 'Shanghai' });
    // The answer is the last text part; the sentence before the tool call is a part of its own.
    const partials = run.filter((m) => m.event === 'agent.partial_answer');
    const lastPart = partials.at(-1)!.part;
    expect(partials.filter((m) => m.part === lastPart).map((m) => m.content).join('')).toBe(final.content);
    const parts = final.metadata.parts as Array<{ type: string }>;
    expect(parts.some((p) => p.type === 'tool_call')).toBe(true);
    expect(parts.at(-1)!.type).toBe('text');
    expect(final.content).toMatch(/^上海今天.+°C/);

    const stored = await t.db.conversationMessage.findMany({ where: { sessionId }, orderBy: { position: 'asc' } });
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(stored.at(-1)!.content).toBe(final.content);
  });

  it('answers English questions in English and picks the right tool of a multi-tool agent', async () => {
    const c = await ws(guests);
    const w = await createWsSession(c);
    const r1 = await askWs(c, w, "What's the weather in New York?");
    expect((await c.ended(r1)).content).toMatch(/^New York: .+°C/);
    const tb = await createWsSession(c, 'toolbox');
    const r2 = await askWs(c, tb, 'convert 10 km to miles');
    const final = await c.ended(r2);
    expect(c.ofRun(r2).find((m) => m.event === 'agent.tool_call')!.metadata).toMatchObject({ tool: 'convert_units', args: { value: 10, from: 'km', to: 'mile' } });
    expect(final.content).toContain('6.214 mile');
    const r3 = await askWs(c, tb, '法国的首都是哪里？');
    expect((await c.ended(r3)).content).toContain('巴黎');
  });

  it('reports a failed tool as tool_result with status failed, and a failed run as agent.error', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'scripted');
    const r1 = await askWs(c, sessionId, 'explode please');
    expect((await c.ended(r1)).event).toBe('agent.final_answer');
    expect(c.ofRun(r1).find((m) => m.event === 'agent.tool_result')).toMatchObject({
      content: expect.stringContaining('the fuse was wet'),
      metadata: { tool: 'explode', status: 'failed' },
    });
    const r2 = await askWs(c, sessionId, 'break now');
    const end = await c.ended(r2);
    expect(end).toMatchObject({ event: 'agent.error', run_id: r2, type: expect.any(String), error: expect.any(String), seq: expect.any(Number) });
  });

  it('cancels a run (agent.interrupted with what was written); cancel without a run is an error', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'scripted');
    const runId = await askWs(c, sessionId, 'hang on');
    await c.waitFor((m) => m.event === 'agent.partial_answer' && m.run_id === runId);
    c.send({ event: 'user.cancel', session_id: sessionId });
    const end = await c.ended(runId);
    expect(end).toMatchObject({ event: 'agent.interrupted', session_id: sessionId, run_id: runId, content: expect.stringContaining('Partial') });
    const error = c.next('agent.error', (m) => m.session_id === sessionId);
    c.send({ event: 'user.cancel', session_id: sessionId });
    expect(await error).toMatchObject({ type: 'not_found' });
  });

  it('Continue after Stop: user.message with continue_run and no content; run_started carries the flag', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'scripted');
    const stopped = await askWs(c, sessionId, 'hang to continue');
    await c.waitFor((m) => m.event === 'agent.partial_answer' && m.run_id === stopped);
    c.send({ event: 'user.cancel', session_id: sessionId });
    expect(await c.ended(stopped)).toMatchObject({ event: 'agent.interrupted' });
    const started = c.next('agent.run_started', (m) => m.session_id === sessionId);
    c.send({ event: 'user.message', session_id: sessionId, continue_run: true });
    const run = await started;
    expect(run.user_message).toMatchObject({ content: '', continue_run: true });
    expect((await c.ended(run.run_id as string)).event).not.toBe('agent.error');
    // Without the flag an empty message is still refused.
    const error = c.next('agent.error', (m) => m.type === 'validation_error');
    c.send({ event: 'user.message', session_id: sessionId });
    await error;
  });

  it('answers a message during a run with "Agent is already running", or applies the given strategy', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'scripted');
    const first = await askWs(c, sessionId, 'hang first');
    const busy = c.next('agent.error', (m) => m.session_id === sessionId);
    c.send({ event: 'user.message', session_id: sessionId, content: 'second' });
    expect(await busy).toMatchObject({ error: 'Agent is already running', type: 'busy' });

    const second = await askWs(c, sessionId, 'interrupting', { multitask_strategy: 'interrupt' });
    expect((await c.ended(first)).event).toBe('agent.interrupted');
    expect((await c.ended(second)).event).toBe('agent.final_answer');

    const third = await askWs(c, sessionId, 'hang again');
    const queued = c.next('agent.run_started', (m) => m.user_message.content === 'queued one');
    c.send({ event: 'user.message', session_id: sessionId, content: 'queued one', multitask_strategy: 'enqueue' });
    c.send({ event: 'user.cancel', session_id: sessionId });
    expect((await c.ended(third)).event).toBe('agent.interrupted');
    expect((await c.ended((await queued).run_id)).event).toBe('agent.final_answer');
  });

  it('tells of a rolled-back run (agent.run_discarded) and of queued messages dropped when the session is deleted', async () => {
    const api = apiClient(secured.url);
    const c = await ws(secured, { token: alice.token });
    const sessionId = await createWsSession(c, 'scripted');
    const first = await askWs(c, sessionId, 'hang to be rolled back');
    const second = await askWs(c, sessionId, 'instead', { multitask_strategy: 'rollback' });
    expect(await c.waitFor((m) => m.event === 'agent.run_discarded' && m.run_id === first)).toMatchObject({ session_id: sessionId });
    expect((await c.ended(second)).event).toBe('agent.final_answer');
    expect((await api.get(`/api/sessions/${sessionId}/messages`, alice.token)).body.items.map((m: { content: string }) => m.content)).not.toContain('hang to be rolled back');

    const hanging = await askWs(c, sessionId, 'hang before the delete');
    const dropped = c.next('agent.error', (m) => m.type === 'busy' && m.run_id !== undefined);
    c.send({ event: 'user.message', session_id: sessionId, content: 'queued, then dropped', multitask_strategy: 'enqueue' });
    // A connection's messages are handled in order: once the join is answered, the message is queued.
    const joined = c.next('agent.session_joined');
    c.send({ event: 'user.join_session', session_id: sessionId });
    await joined;
    expect((await api.request('DELETE', `/api/sessions/${sessionId}`, { token: alice.token })).status).toBe(204);
    expect(await dropped).toMatchObject({ session_id: sessionId, error: expect.stringMatching(/deleted/) });
    expect((await c.ended(hanging)).event).toBe('agent.interrupted');
  });

  it('resumes with user.join_session: history, then the active run from after_seq, then live events', async () => {
    const c = await ws(guests);
    const sessionId = await createWsSession(c, 'scripted');
    const done = await askWs(c, sessionId, 'a quick one');
    await c.ended(done);
    const runId = await askWs(c, sessionId, 'hang for the joiner');
    await c.waitFor((m) => m.event === 'agent.partial_answer' && m.run_id === runId);
    const seen = c.ofRun(runId);
    const afterSeq = seen[1]!.seq;

    // Another connection of the same guest is another user; a session is joined by its owner only.
    const stranger = await ws(guests);
    stranger.send({ event: 'user.join_session', session_id: sessionId });
    expect(await stranger.waitFor((m) => m.event === 'agent.error')).toMatchObject({ type: 'not_found' });

    c.send({ event: 'user.join_session', session_id: sessionId, after_seq: afterSeq });
    const joined = await c.waitFor((m) => m.event === 'agent.session_joined');
    expect(joined).toMatchObject({ session_id: sessionId, agent: 'scripted', active_run_id: runId });
    expect(joined.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    const index = c.messages.indexOf(joined);
    const replayed = c.messages.slice(index + 1).filter((m) => m.run_id === runId);
    // Everything after after_seq, once each and in order: the replay, then live events.
    expect(replayed.map((m) => m.seq)).toEqual(replayed.map((_, i) => afterSeq + 1 + i));
    expect(replayed.length).toBeGreaterThanOrEqual(seen.length - 2);
    c.send({ event: 'user.cancel', session_id: sessionId });
    expect((await c.ended(runId)).event).toBe('agent.interrupted');
  });
});

describe('one run, two transports', () => {
  it('a Socket.IO client and a WebSocket client on the same session see the same run', async () => {
    const c = await ws(secured, { token: alice.token });
    const sessionId = await createWsSession(c, 'scripted');
    const socket = await connectUser(secured.url, alice.token);
    sockets.push(socket);
    const log = new EventLog(socket);
    const joined = await joinSession(socket, sessionId);
    expect(joined.ok).toBe(true);

    const runId = await askWs(c, sessionId, 'hello from ws');
    const final = await c.ended(runId);
    const complete = await log.completed(runId);
    expect(complete.payload.content).toBe(final.content);
    const wsSeqs = c.ofRun(runId).map((m) => m.seq);
    const ioSeqs = log.ofRun(runId).filter((e) => e.type !== 'error').map((e) => e.payload.seq);
    expect(wsSeqs).toEqual(ioSeqs);

    // And the other way round: Socket.IO asks, the WebSocket client (watching the session) sees it.
    const ack = await sendMessage(socket, { session_id: sessionId, content: 'hello from socket.io' });
    if (!ack.ok) throw new Error(ack.error.message);
    const wsFinal = await c.ended(ack.run_id);
    expect(wsFinal.content).toBe((await log.completed(ack.run_id)).payload.content);

    // One mutex per session whatever the transport.
    const hanging = await askWs(c, sessionId, 'hang across transports');
    const refused = await sendMessage(socket, { session_id: sessionId, content: 'me too', multitask_strategy: 'reject' });
    expect(refused).toMatchObject({ ok: false, error: { type: 'busy' } });
    c.send({ event: 'user.cancel', session_id: sessionId });
    expect((await log.completed(hanging)).payload.status).toBe('interrupted');
  });
});

describe('bad input', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['invalid JSON', '{"event": "user.message",', /Invalid JSON/],
    ['a JSON array', '[1,2,3]', /JSON object with an "event"/],
    ['a JSON string', '"hello"', /JSON object with an "event"/],
    ['no event', '{"session_id": "x"}', /event/],
    ['a non-string event', '{"event": 42}', /event must be a string/],
    ['an unknown event', '{"event": "user.dance"}', /Unknown event "user.dance"/],
    ['a message without session_id', '{"event": "user.message", "content": "hi"}', /session_id/],
    ['a message without content', `{"event": "user.message", "session_id": "${crypto.randomUUID()}"}`, /content/],
    ['an empty message', `{"event": "user.message", "session_id": "${crypto.randomUUID()}", "content": "   "}`, /Message is empty/],
    ['a message too long', JSON.stringify({ event: 'user.message', session_id: crypto.randomUUID(), content: 'x'.repeat(8001) }), /longer than 8000/],
    ['a session id that is not a UUID', '{"event": "user.cancel", "session_id": "abc"}', /session_id/],
    ['a bad strategy', `{"event": "user.message", "session_id": "${crypto.randomUUID()}", "content": "hi", "multitask_strategy": "shout"}`, /multitask_strategy/],
    ['a negative after_seq', `{"event": "user.join_session", "session_id": "${crypto.randomUUID()}", "after_seq": -1}`, /after_seq/],
    ['an oversized frame', JSON.stringify({ event: 'user.message', session_id: crypto.randomUUID(), content: 'y'.repeat(WS_MAX_FRAME_BYTES) }), /too large/],
    ['a binary frame', Buffer.from('{"event":"user.create_session"}'), /text frames/],
    ['an auth message without token', '{"event": "auth"}', /token/],
  ];

  it.each(cases)('%s gets agent.error validation_error and the connection stays usable', async (_name, frame, message) => {
    const c = await ws(guests);
    const error = c.next('agent.error');
    c.ws.send(frame, { binary: Buffer.isBuffer(frame) });
    expect(await error).toMatchObject({ event: 'agent.error', type: 'validation_error', error: expect.stringMatching(message) });
    await createWsSession(c);
  });

  it('unknown or foreign sessions are not_found; an unknown agent is a validation_error', async () => {
    const c = await ws(guests);
    const mine = await createWsSession(c);
    const other = await ws(secured, { token: alice.token });
    const alices = await createWsSession(other);
    for (const event of ['user.message', 'user.cancel', 'user.join_session']) {
      const error = other.next('agent.error');
      other.send({ event, session_id: mine, content: 'hi' });
      expect(await error).toMatchObject({ type: 'not_found', session_id: mine });
    }
    const error = c.next('agent.error');
    c.send({ event: 'user.create_session', agent: 'no-such-agent' });
    expect(await error).toMatchObject({ type: 'validation_error', error: expect.stringMatching(/no agent named no-such-agent/) });
    expect(alices).not.toBe(mine);
  });
});

describe('agents over HTTP', () => {
  it('lists the agents, creates sessions for one, and reports activity per agent in /health', async () => {
    const api = apiClient(secured.url);
    expect((await api.get('/api/agents')).body.items).toEqual([
      { name: 'weather-assistant', description: expect.any(String), default: true },
      { name: 'scripted', description: 'Test agent', default: false },
    ]);
    const created = await api.post('/api/sessions', { agent: 'scripted' }, alice.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ agent: 'scripted' });
    expect((await api.post('/api/sessions', {}, alice.token)).body.agent).toBe('weather-assistant');
    const refused = await api.post('/api/sessions', { agent: 'mail-assistant' }, alice.token);
    expect(refused.status).toBe(400);
    expect(refused.body.error.type).toBe('validation_error');

    const c = await ws(secured, { token: alice.token });
    const runId = await askWs(c, created.body.id, 'hang for health');
    await c.waitFor((m) => m.event === 'agent.partial_answer' && m.run_id === runId);
    const health = (await api.get('/health')).body;
    expect(health.agents).toEqual(
      expect.arrayContaining([
        { name: 'scripted', activeSessions: expect.any(Number), activeRuns: 1 },
        { name: 'weather-assistant', activeSessions: expect.any(Number), activeRuns: 0 },
      ]),
    );
    expect(health.agents.find((a: { name: string }) => a.name === 'scripted').activeSessions).toBeGreaterThanOrEqual(1);
    expect(health.connections).toBeGreaterThanOrEqual(1);
    c.send({ event: 'user.cancel', session_id: created.body.id });
    await c.ended(runId);
  });

  it('a session keeps its agent: one served elsewhere is refused, not answered by another agent', async () => {
    const api = apiClient(secured.url);
    const row = await t.db.chatSession.create({ data: { userId: alice.id, agentName: 'mail-assistant' } });
    const c = await ws(secured, { token: alice.token });
    const error = c.next('agent.error');
    c.send({ event: 'user.message', session_id: row.id, content: 'hello' });
    expect(await error).toMatchObject({ type: 'not_found', error: expect.stringMatching(/mail-assistant.+not served/) });
    expect((await api.get(`/api/sessions/${row.id}/messages`, alice.token)).body.items).toEqual([]);
  });
});
