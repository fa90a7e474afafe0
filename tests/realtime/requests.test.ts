import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../shared/protocol.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, joinSession, sendMessage, type ClientSocket } from '../helpers/socket.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let alice: ClientSocket;
let bob: ClientSocket;
let aliceSession: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db, { env: { RATE_LIMIT_MESSAGES: '3', RATE_LIMIT_WINDOW_S: '60' } });
  api = apiClient(srv.url);
  tokens.alice = (await api.register('alice@example.com')).accessToken;
  tokens.bob = (await api.register('bob@example.com')).accessToken;
  tokens.carol = (await api.register('carol@example.com')).accessToken;
  aliceSession = (await api.post('/api/sessions', { title: 'Alice private' }, tokens.alice)).body.id;
  alice = await connectUser(srv.url, tokens.alice!);
  bob = await connectUser(srv.url, tokens.bob!);
});
afterAll(async () => {
  alice?.disconnect();
  bob?.disconnect();
  await srv.close();
  await t.drop();
});

describe('requests are validated and scoped to their user', () => {
  const invalid: Array<[string, () => unknown]> = [
    ['an empty message', () => ({ session_id: aliceSession, content: '' })],
    ['a message of only spaces', () => ({ session_id: aliceSession, content: '  \n\t ' })],
    ['a message over the limit', () => ({ session_id: aliceSession, content: 'x'.repeat(MAX_MESSAGE_CHARS + 1) })],
    ['a session id that is not a UUID', () => ({ session_id: 'abc', content: 'hi' })],
    ['an unknown multitask strategy', () => ({ session_id: aliceSession, content: 'hi', multitask_strategy: 'shout' })],
    ['no payload', () => undefined],
    ['a string payload', () => 'hello'],
  ];
  for (const [what, payload] of invalid) {
    it(`refuses ${what} with validation_error and stores nothing`, async () => {
      const ack = await alice.timeout(5000).emitWithAck('user_message', payload() as never);
      expect(ack).toEqual({ ok: false, error: { type: 'validation_error', message: expect.stringMatching(/^Message is invalid: /) } });
      expect(await t.db.conversationMessage.count()).toBe(0);
      expect(await t.db.run.count()).toBe(0);
    });
  }

  it('names the limit when a message is too long', async () => {
    const ack = await sendMessage(alice, { session_id: aliceSession, content: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
    expect(!ack.ok && ack.error.message).toContain(`${MAX_MESSAGE_CHARS} characters`);
  });

  it('never lets a user write to, join or cancel another user’s session: not_found, as for a missing one', async () => {
    for (const sessionId of [aliceSession, randomUUID()]) {
      expect(await sendMessage(bob, { session_id: sessionId, content: 'let me in' })).toEqual({
        ok: false,
        error: { type: 'not_found', message: 'Session not found' },
      });
      expect(await joinSession(bob, sessionId)).toEqual({ ok: false, error: { type: 'not_found', message: 'Session not found' } });
      expect(await bob.timeout(5000).emitWithAck('cancel', { session_id: sessionId })).toEqual({
        ok: false,
        error: { type: 'not_found', message: 'Session not found' },
      });
    }
    expect(await t.db.conversationMessage.count()).toBe(0);
  });

  it('lets the owner join and leave; join answers the history and no active run', async () => {
    expect(await joinSession(alice, aliceSession)).toEqual({ ok: true, messages: [], active_run: null, queued: [], active_leaf_id: null });
    expect(await alice.timeout(5000).emitWithAck('leave_session', { session_id: aliceSession })).toEqual({ ok: true });
    expect(await alice.timeout(5000).emitWithAck('cancel', { session_id: aliceSession })).toEqual({ ok: true, run_id: null });
  });

  it('answers a request sent without an acknowledgement callback with an error event', async () => {
    const error = new Promise((resolve) => alice.once('error', resolve));
    (alice.emit as (ev: string, payload: unknown) => void)('join_session', { session_id: 'nope' });
    expect(await error).toEqual({ type: 'validation_error', message: expect.stringMatching(/session_id/) });
  });
});

describe('a session deleted after the socket saw it', () => {
  it('refuses a message to it with not_found and stores nothing, deleted here or on another node', async () => {
    const { accessToken } = await api.register('dave@example.com');
    const dave = await connectUser(srv.url, accessToken);
    try {
      // (The budget here is 3 messages a minute: the first case sends two, the second one.)
      for (const [deleteIt, messages] of [
        // Another node (or anything behind this one's back): the row goes, this node is not told. The second message reads the session again.
        [async (id: string) => void (await t.db.chatSession.delete({ where: { id } })), 2],
        // Here, through the API.
        [async (id: string) => expect((await api.del(`/api/sessions/${id}`, accessToken)).status).toBe(204), 1],
      ] as const) {
        const sessionId = (await api.post('/api/sessions', { title: 'Soon gone' }, accessToken)).body.id as string;
        expect(await joinSession(dave, sessionId)).toMatchObject({ ok: true });
        await deleteIt(sessionId);
        for (let i = 0; i < messages; i++) {
          expect(await sendMessage(dave, { session_id: sessionId, content: `still there? ${i}` })).toEqual({
            ok: false,
            error: { type: 'not_found', message: 'Session not found' },
          });
        }
        expect(await t.db.run.count({ where: { sessionId } })).toBe(0);
        expect(await t.db.conversationMessage.count({ where: { sessionId } })).toBe(0);
        expect(await t.db.queuedMessage.count({ where: { sessionId } })).toBe(0);
      }
    } finally {
      dave.disconnect();
    }
  });
});

describe('rate limit', () => {
  it('refuses messages beyond the per-user budget with rate_limit and a retry-after; other users are unaffected', async () => {
    const carol = await connectUser(srv.url, tokens.carol!);
    try {
      // Messages to a session that does not exist still spend the budget: the limit guards the server, not the session.
      for (let i = 0; i < 3; i++) {
        const ack = await sendMessage(carol, { session_id: randomUUID(), content: `message ${i}` });
        expect(!ack.ok && ack.error.type).toBe('not_found');
      }
      const limited = await sendMessage(carol, { session_id: randomUUID(), content: 'one too many' });
      expect(limited).toEqual({
        ok: false,
        error: { type: 'rate_limit', message: expect.stringMatching(/too quickly/), retry_after_ms: expect.any(Number) },
      });
      expect(!limited.ok && limited.error.retry_after_ms).toBeGreaterThan(50_000);
      expect(!limited.ok && limited.error.retry_after_ms).toBeLessThanOrEqual(60_000);

      // The same user on a second socket shares the budget; another user does not.
      const carol2 = await connectUser(srv.url, tokens.carol!);
      expect(await sendMessage(carol2, { session_id: randomUUID(), content: 'again' })).toMatchObject({ ok: false, error: { type: 'rate_limit' } });
      carol2.disconnect();
      expect(await sendMessage(bob, { session_id: randomUUID(), content: 'hello' })).toMatchObject({ ok: false, error: { type: 'not_found' } });
      const metrics = (await api.get('/metrics')).body as string;
      expect(metrics).toMatch(/agentwire_rejected_messages_total\{type="rate_limit"\} 2/);
    } finally {
      carol.disconnect();
    }
  });
});

describe('transport limits', () => {
  it('drops a connection that sends a frame larger than MAX_HTTP_BUFFER_BYTES, and only that one', async () => {
    const bigSocket = await connectUser(srv.url, tokens.alice!);
    const reason = new Promise<string>((resolve) => bigSocket.on('disconnect', resolve));
    bigSocket.emit('user_message', { session_id: aliceSession, content: 'x'.repeat(100_000) }, () => undefined);
    expect(await reason).toBe('transport close');
    bigSocket.disconnect();
    expect(alice.connected).toBe(true);
    expect(await joinSession(alice, aliceSession)).toMatchObject({ ok: true });
  });
});
