/**
 * The web app's chat store (web/src/stores) against the real server, over a
 * real Socket.IO client: a reconnect that connection-state recovery cannot
 * serve (as after the 2-minute window, a server restart, or on another node
 * after the owner died) rejoins with the run's last seq, so the tab gets
 * every event of the answer exactly once, then conversation_complete, and
 * shows the stored answer: whether the run is still going or ended meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../web/src/api/api.ts';
import { createSocketFactory, type AppSocket } from '../../web/src/realtime/socket.ts';
import { createAuthStore } from '../../web/src/stores/authStore.ts';
import { createChatStore, type ChatStore } from '../../web/src/stores/chatStore.ts';
import { waitForState } from '../../web/src/test/waitFor.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { connectUser, EventLog, type ClientSocket } from '../helpers/socket.ts';
import { answer, modelByQuestion } from './support.ts';

let t: TestDatabase;
let server: TestServer;
let auth: Awaited<ReturnType<ReturnType<typeof apiClient>['register']>>;
let observer: ClientSocket;
let seen: EventLog;
const stores: ChatStore[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  // 60 words, one every 30 ms: about 2 s of answer to drop out of and come back to.
  server = await startTestServer(t.db, { chatModel: modelByQuestion(() => ({ ...answer(60), tokenDelayMs: 30 })) });
  auth = await apiClient(server.url).register(`reconnect-${randomUUID()}@example.com`);
  // Another client on the same sessions: how far the run got while the tab was away.
  observer = await connectUser(server.url, auth.accessToken);
  seen = new EventLog(observer);
});

afterAll(async () => {
  for (const s of stores) s.getState().stop();
  observer?.disconnect();
  await server?.close();
  await t?.drop();
});

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

/** A signed-in tab of the web app: its chat store and the socket it made. */
async function openTab() {
  const fetchFn = (input: string, init?: RequestInit) => fetch(new URL(input, server.url), init);
  const authStore = createAuthStore({ fetch: fetchFn, storage: memoryStorage() });
  authStore.setState({
    user: { ...auth.user, timezone: 'UTC', createdAt: new Date().toISOString() } as never,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    expiresAt: Date.now() + 900_000,
    lifetimeMs: 900_000,
  });
  let socket: AppSocket | undefined;
  const factory = createSocketFactory(server.url);
  const chat = createChatStore({
    auth: authStore,
    api: createApi({ fetch: fetchFn, auth: authStore }),
    connectSocket: (getToken) => (socket = factory(getToken)),
    ackTimeoutMs: 5000,
    eventBatchMs: 0,
  });
  stores.push(chat);
  chat.getState().start();
  await waitForState(chat, (s) => s.connection === 'connected');
  return { chat, socket: () => socket! };
}

async function storedAnswer(runId: string): Promise<string> {
  const row = await t.db.conversationMessage.findFirst({ where: { runId, role: 'assistant' } });
  if (!row) throw new Error('no stored answer');
  return row.content;
}

/**
 * Asks in a new session, drops the connection after a few chunks in a way
 * recovery cannot undo (the client leaves; the server keeps no state for it),
 * lets the run go on (`until` says how far), then reconnects.
 */
async function dropMidAnswer(until: (runId: string) => Promise<unknown>) {
  const tab = await openTab();
  const session = await apiClient(server.url).post('/api/sessions', { title: 'reconnect' }, auth.accessToken);
  const sessionId = session.body.id as string;
  await observer.timeout(5000).emitWithAck('join_session', { session_id: sessionId });
  await tab.chat.getState().openSession(sessionId);
  await waitForState(tab.chat, (s) => s.chats[sessionId]?.status === 'ready');
  expect(await tab.chat.getState().send('tell me a long story')).toBe(true);
  const running = await waitForState(tab.chat, (s) => {
    const c = s.chats[sessionId];
    return !!c?.activeRunId && (c.turns[c.activeRunId]?.appliedSeq ?? 0) >= 6;
  });
  const runId = running.chats[sessionId]!.activeRunId!;
  const appliedBefore = running.chats[sessionId]!.turns[runId]!.appliedSeq;

  tab.socket().disconnect();
  await waitForState(tab.chat, (s) => s.connection === 'offline');
  await until(runId);
  // The tab missed events meanwhile.
  expect(seen.ofRun(runId).at(-1)!.payload.seq).toBeGreaterThan(appliedBefore + 3);
  tab.socket().connect();
  await waitForState(tab.chat, (s) => s.connection === 'connected');
  expect(tab.socket().recovered).toBe(false);

  const done = await waitForState(tab.chat, (s) => s.chats[sessionId]?.turns[runId]?.status === 'completed', 15_000);
  const chat = done.chats[sessionId]!;
  const turn = chat.turns[runId]!;
  const received = chat.events.filter((e) => e.runId === runId);
  return { chat, turn, received, runId };
}

describe('the web app rejoins a run after a reconnect without recovery', () => {
  it('mid-answer: every event once (none replayed twice), then conversation_complete; the text is the stored answer', async () => {
    const { turn, received, runId } = await dropMidAnswer((runId) =>
      seen.waitFor((e) => e.payload?.run_id === runId && e.type === 'agent_response_chunk' && e.payload.seq >= 20, 10_000, 'seq 20'),
    );
    expect(received.filter((e) => e.duplicate)).toEqual([]);
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));
    expect(received.at(-1)!.type).toBe('conversation_complete');
    expect(turn.fromHistory).toBe(false);
    expect(turn.content).toBe(await storedAnswer(runId));
  });

  it('the run ended while the tab was away: the rest of its events, then conversation_complete, continue the same turn', async () => {
    const { chat, turn, received, runId } = await dropMidAnswer((runId) => seen.completed(runId, 10_000));
    expect(received.filter((e) => e.duplicate)).toEqual([]);
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => i + 1));
    expect(received.at(-1)!.type).toBe('conversation_complete');
    expect(turn.fromHistory).toBe(false);
    expect(turn.content).toBe(await storedAnswer(runId));
    expect(chat.activeRunId).toBeNull();
    // The question and its answer each once, in order.
    const items = chat.items.map((i) => (i.kind === 'user' ? `user:${i.runId}` : i.kind));
    expect(items.filter((k) => k === `user:${runId}`)).toHaveLength(1);
  });
});
