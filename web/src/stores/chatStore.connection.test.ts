/**
 * The store against a real Socket.IO server: token refresh on connect and
 * while connected, sign-out when refresh fails, a dropped connection in the
 * middle of an answer, the send/ack cycle, and listeners removed on sign-out.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createApi } from '../api/api.ts';
import { createSocketFactory, type AppSocket } from '../realtime/socket.ts';
import { fakeAuthServer, startFakeGateway, type FakeGateway } from '../test/fakeGateway.ts';
import { runScript } from '../test/runEvents.ts';
import { waitForState } from '../test/waitFor.ts';
import { createAuthStore, SESSION_EXPIRED_NOTICE, type AuthStore } from './authStore.ts';
import { createChatStore, selectCurrentChat, type ChatStore } from './chatStore.ts';

const SESSION = '00000000-0000-4000-8000-0000000000aa';

let gateway: FakeGateway;
let authServer: ReturnType<typeof fakeAuthServer>;
let auth: AuthStore;
let chat: ChatStore;
let clientSocket: AppSocket | undefined;

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

/** Signed in with the given access token and the auth server's current refresh token. */
function signIn(accessToken: string) {
  auth.setState({
    user: { id: 'u1', email: 'a@b.c', name: 'A', timezone: 'UTC', createdAt: new Date().toISOString() },
    accessToken,
    refreshToken: authServer.refreshToken,
    expiresAt: Date.now() + 900_000,
    lifetimeMs: 900_000,
  });
}

beforeEach(async () => {
  gateway = await startFakeGateway();
  authServer = fakeAuthServer(gateway);
  auth = createAuthStore({ fetch: authServer.fetch, storage: memoryStorage() });
  const factory = createSocketFactory(gateway.url);
  chat = createChatStore({
    auth,
    api: createApi({ fetch: authServer.fetch, auth }),
    connectSocket: (getToken) => (clientSocket = factory(getToken)),
    ackTimeoutMs: 3000,
  });
});

afterEach(async () => {
  chat.getState().stop();
  await gateway.close();
});

describe('authentication', () => {
  test('connects with the stored access token', async () => {
    gateway.validTokens.add('access-a');
    signIn('access-a');
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected' && s.sid !== null);
    expect(gateway.presented).toEqual(['access-a']);
    expect(authServer.refreshCalls).toBe(0);
  });

  test('a refused token on connect is refreshed (rotating the refresh token) and the socket reconnects with the new one', async () => {
    signIn('expired-token');
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    expect(gateway.presented).toEqual(['expired-token', 'access-1']);
    expect(auth.getState()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  });

  test('a token that expires while connected: the server says so and disconnects; the app refreshes and comes back', async () => {
    gateway.validTokens.add('access-a');
    signIn('access-a');
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    gateway.validTokens.delete('access-a');
    const server = gateway.socket();
    server.emit('error', { type: 'authentication_required', message: 'Your access token has expired' });
    server.disconnect(true);
    await waitForState(chat, (s) => s.connection === 'reconnecting');
    await waitForState(chat, (s) => s.connection === 'connected');
    expect(gateway.presented).toEqual(['access-a', 'access-1']);
    expect(chat.getState().banner).toBeNull();
  });

  test('when the token was already renewed ahead of expiry, the reconnect after the server’s kick uses it without another rotation', async () => {
    gateway.validTokens.add('access-a');
    signIn('access-a');
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await auth.getState().refresh(); // what keepTokenFresh does shortly before expiry
    expect(authServer.refreshCalls).toBe(1);
    const server = gateway.socket();
    server.emit('error', { type: 'authentication_required', message: 'Your access token has expired' });
    server.disconnect(true);
    await waitForState(chat, (s) => s.connection === 'reconnecting');
    await waitForState(chat, (s) => s.connection === 'connected');
    expect(gateway.presented).toEqual(['access-a', 'access-1']);
    expect(authServer.refreshCalls).toBe(1);
  });

  test('when the refresh is refused the user is signed out with a clear message', async () => {
    signIn('expired-token');
    authServer.refreshToken = 'someone-else-rotated-it';
    chat.getState().start();
    const signedOut = await waitForState(auth, (s) => s.user === null);
    expect(signedOut.notice).toBe(SESSION_EXPIRED_NOTICE);
    expect(signedOut.accessToken).toBeNull();
    expect(signedOut.refreshToken).toBeNull();
  });

  test('while the auth server is unreachable the user stays signed in and the badge says offline', async () => {
    signIn('expired-token');
    authServer.down = true;
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'offline');
    expect(auth.getState().user).not.toBeNull();
    authServer.down = false;
    await waitForState(chat, (s) => s.connection === 'connected', 8000);
  });
});

describe('a run over the socket', () => {
  beforeEach(() => {
    gateway.validTokens.add('access-a');
    signIn('access-a');
  });

  test('a sent message shows as sending, then queued by the ack, then sent when its run starts', async () => {
    const r = runScript('run-2', SESSION);
    let clientMessageId = '';
    gateway.onMessage = (payload) => {
      clientMessageId = payload.client_message_id ?? '';
      return { ok: true, run_id: 'run-2', message_id: r.messageId, queued: true };
    };
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    expect(await chat.getState().send('  Find the emails from Li Wei  ')).toBe(true);
    const mine = () => selectCurrentChat(chat.getState())!.items.find((i) => i.kind === 'user');
    expect(mine()).toMatchObject({ state: 'sending', content: 'Find the emails from Li Wei' });
    await waitForState(chat, () => mine()?.kind === 'user' && mine()!.state === 'queued');
    const started = r.started('Find the emails from Li Wei', clientMessageId);
    gateway.io.to(SESSION).emit('run_started', started.payload as never);
    await waitForState(chat, () => mine()?.kind === 'user' && mine()!.state === 'sent');
    expect(selectCurrentChat(chat.getState())!.items.map((i) => i.kind)).toEqual(['user', 'turn']);
  });

  test('a refused message keeps its text, says why, and can be sent again', async () => {
    let attempts = 0;
    gateway.onMessage = () =>
      ++attempts === 1
        ? { ok: false, error: { type: 'rate_limit', message: 'Too many messages', retry_after_ms: 4000 } }
        : { ok: true, run_id: 'run-9', message_id: 'm9', queued: false };
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    await chat.getState().send('hello');
    const state = await waitForState(chat, (s) => s.banner !== null);
    expect(state.banner).toMatchObject({ type: 'rate_limit', retryAfterMs: 4000 });
    const failed = selectCurrentChat(state)!.items[0]!;
    expect(failed).toMatchObject({ kind: 'user', state: 'failed', content: 'hello', error: { type: 'rate_limit' } });
    await chat.getState().retry(failed.key);
    expect(selectCurrentChat(chat.getState())!.items[0]).toMatchObject({ state: 'sent', content: 'hello', runId: 'run-9' });
  });

  test('after a dropped connection the answer continues where it stopped, without repeating itself', async () => {
    const r = runScript('run-1', SESSION);
    const events = [r.started('What was in yesterday’s daily report?'), r.chunk('Yesterday '), r.chunk('you got '), r.chunk('12 emails'), r.chunk('.'), r.complete('Yesterday you got 12 emails.')];
    const emit = (i: number) => gateway.io.to(SESSION).emit(events[i]!.type, events[i]!.payload as never);
    let joins = 0;
    gateway.onJoin = () => {
      joins += 1;
      // The second join (after the drop) replays everything so far, including a chunk the client missed.
      return { ok: true, messages: [], active_run: joins === 1 ? null : { run_id: 'run-1', status: 'running', events: events.slice(0, 4) } };
    };
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    emit(0);
    emit(1);
    emit(2);
    const turn = () => selectCurrentChat(chat.getState())?.turns['run-1'];
    await waitForState(chat, () => turn()?.content === 'Yesterday you got ');

    const reconnected = gateway.nextConnection();
    gateway.socket().conn.close(); // the network drops; the client reconnects by itself
    await waitForState(chat, (s) => s.connection === 'reconnecting');
    await reconnected;
    await waitForState(chat, () => turn()?.content === 'Yesterday you got 12 emails');
    expect(chat.getState().connection).toBe('connected');
    emit(4);
    emit(5);
    await waitForState(chat, () => turn()?.status === 'completed');
    expect(turn()!.content).toBe('Yesterday you got 12 emails.');
    const log = selectCurrentChat(chat.getState())!.events;
    expect(log.filter((e) => !e.duplicate).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(joins).toBe(2);
  });

  test('a rolled-back run (run_discarded) leaves the conversation, question and answer', async () => {
    const keep = runScript('run-1', SESSION);
    const drop = runScript('run-2', SESSION);
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    for (const e of [keep.started('first'), keep.complete('one'), drop.started('second'), drop.chunk('partial')]) {
      gateway.io.to(SESSION).emit(e.type, e.payload as never);
    }
    await waitForState(chat, (s) => selectCurrentChat(s)?.turns['run-2']?.content === 'partial');
    gateway.io.to(SESSION).emit('run_discarded', { session_id: SESSION, run_id: 'run-2' });
    const state = await waitForState(chat, (s) => !selectCurrentChat(s)?.turns['run-2']);
    expect(selectCurrentChat(state)!.items.map((i) => (i.kind === 'user' ? i.content : i.runId))).toEqual(['first', 'run-1']);
    expect(selectCurrentChat(state)!.activeRunId).toBeNull();
  });

  test('a queued message the server drops before running it turns into a failed message that can be retried', async () => {
    gateway.onMessage = () => ({ ok: true, run_id: 'run-7', message_id: 'm7', queued: true });
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    await chat.getState().send('later, please');
    await waitForState(chat, (s) => selectCurrentChat(s)?.items[0]?.kind === 'user' && (selectCurrentChat(s)!.items[0] as { state: string }).state === 'queued');
    gateway.socket().emit('run_dropped', { type: 'busy', message: 'The server is restarting; this message was not processed.', session_id: SESSION, run_id: 'run-7' });
    const state = await waitForState(chat, (s) => (selectCurrentChat(s)?.items[0] as { state?: string } | undefined)?.state === 'failed');
    expect(selectCurrentChat(state)!.items[0]).toMatchObject({ content: 'later, please', error: { type: 'busy' } });
  });

  test('sessions created, renamed and deleted in another tab show up here; a queued message from there appears at once', async () => {
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected' && s.sessionsLoaded);
    await chat.getState().openSession(SESSION);
    const at = (m: number) => new Date(Date.UTC(2026, 10, 30, 10, m)).toISOString();
    const session = (id: string, title: string, m: number) => ({ id, title, createdAt: at(0), updatedAt: at(m) });
    const server = gateway.socket();
    server.emit('session_created', { session: session(SESSION, 'New chat', 1) });
    server.emit('session_created', { session: session('s-2', 'Other', 2) });
    await waitForState(chat, (s) => s.sessions.length === 2);
    server.emit('session_updated', { session: session(SESSION, 'Q3 budget', 3) });
    await waitForState(chat, (s) => s.sessions[0]?.title === 'Q3 budget');
    expect(chat.getState().sessions.map((x) => x.id)).toEqual([SESSION, 's-2']);

    server.emit('message_queued', { session_id: SESSION, run_id: 'run-q', message_id: 'm-q', content: 'from the other tab', created_at: at(4) });
    const queued = await waitForState(chat, (s) => (selectCurrentChat(s)?.items.length ?? 0) === 1);
    expect(selectCurrentChat(queued)!.items[0]).toMatchObject({ kind: 'user', state: 'queued', content: 'from the other tab', runId: 'run-q' });

    server.emit('session_deleted', { session_id: SESSION });
    const deleted = await waitForState(chat, (s) => s.sessions.length === 1);
    expect(deleted.currentSessionId).toBeNull();
    expect(deleted.banner).toMatchObject({ type: 'not_found' });
  });

  test('retrying a message whose chat was deleted sends it in a new chat', async () => {
    let created = 0;
    const api = createApi({ fetch: authServer.fetch, auth });
    chat.getState().stop();
    chat = createChatStore({
      auth,
      api: { ...api, createSession: async () => ({ id: `new-${++created}`, title: 'New chat', createdAt: '2026-11-30T10:00:00.000Z', updatedAt: '2026-11-30T10:00:00.000Z' }) },
      connectSocket: (getToken) => (clientSocket = createSocketFactory(gateway.url)(getToken)),
      ackTimeoutMs: 3000,
    });
    const sentTo: string[] = [];
    gateway.onMessage = (p) => {
      sentTo.push(p.session_id);
      return p.session_id === SESSION
        ? { ok: false, error: { type: 'not_found', message: 'Session not found' } }
        : { ok: true, run_id: 'run-n', message_id: 'm-n', queued: false };
    };
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    await chat.getState().send('still there?');
    const failed = await waitForState(chat, (s) => (selectCurrentChat(s)?.items[0] as { state?: string } | undefined)?.state === 'failed');
    await chat.getState().retry(selectCurrentChat(failed)!.items[0]!.key);
    const state = await waitForState(chat, (s) => s.currentSessionId === 'new-1' && (selectCurrentChat(s)?.items[0] as { state?: string } | undefined)?.state === 'sent');
    expect(sentTo).toEqual([SESSION, 'new-1']);
    expect(state.chats[SESSION]).toBeUndefined();
  });

  test('the first message of a new chat shows at once and is sent once the chat is joined, so its run arrives once', async () => {
    const api = createApi({ fetch: authServer.fetch, auth });
    chat.getState().stop();
    chat = createChatStore({
      auth,
      api: { ...api, createSession: async () => ({ id: 'new-1', title: 'New chat', createdAt: '2026-11-30T10:00:00.000Z', updatedAt: '2026-11-30T10:00:00.000Z' }) },
      connectSocket: (getToken) => (clientSocket = createSocketFactory(gateway.url)(getToken)),
      ackTimeoutMs: 3000,
    });
    const order: string[] = [];
    let answerJoin: (() => void) | undefined;
    gateway.onJoin = (sessionId) =>
      new Promise((resolve) => {
        answerJoin = () => {
          order.push(`joined ${sessionId}`);
          resolve({ ok: true, messages: [], active_run: null });
        };
      });
    gateway.onMessage = (p) => {
      order.push(`message ${p.session_id}`);
      return { ok: true, run_id: 'run-n', message_id: 'm-n', queued: false };
    };
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    expect(await chat.getState().send('hello')).toBe(true);
    const first = () => selectCurrentChat(chat.getState())?.items[0] as { state?: string; content?: string } | undefined;
    expect(first()).toMatchObject({ state: 'sending', content: 'hello' });
    await waitForState(chat, () => answerJoin !== undefined);
    answerJoin!();
    await waitForState(chat, () => first()?.state === 'sent');
    expect(order).toEqual(['joined new-1', 'message new-1']);
  });

  test('Stop asks the server to cancel the current session’s run', async () => {
    const cancelled: string[] = [];
    gateway.onCancel = (sessionId) => void cancelled.push(sessionId);
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    await chat.getState().stopRun();
    expect(cancelled).toEqual([SESSION]);
  });

  test('signing out removes every listener and closes the socket', async () => {
    chat.getState().start();
    await waitForState(chat, (s) => s.connection === 'connected');
    await chat.getState().openSession(SESSION);
    const socket = clientSocket!;
    expect(socket.hasListeners('agent_response_chunk')).toBe(true);
    const serverSide = gateway.socket();
    const gone = new Promise((resolve) => serverSide.once('disconnect', resolve));
    chat.getState().stop();
    await gone;
    for (const event of ['connect', 'disconnect', 'connect_error', 'error', 'run_started', 'agent_response_chunk', 'conversation_complete'] as const) {
      expect(socket.hasListeners(event), event).toBe(false);
    }
    expect(socket.io.hasListeners('reconnect_attempt')).toBe(false);
    expect(chat.getState()).toMatchObject({ connection: 'offline', chats: {}, currentSessionId: null });
  });
});
