/** GET /api/sessions/search: titles and message text, English stemming and Chinese, only the user's own chats. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { apiClient } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let t: TestDatabase;
let srv: TestServer;
let api: ReturnType<typeof apiClient>;
let alice: { token: string; id: string };
let bob: { token: string; id: string };
const ids: Record<string, string> = {};

async function chat(owner: { token: string }, title: string, messages: Array<['user' | 'assistant' | 'tool', string]>) {
  const session = (await api.post('/api/sessions', { title }, owner.token)).body;
  let position = 0;
  for (const [role, content] of messages) {
    await t.db.conversationMessage.create({ data: { sessionId: session.id, role, content, position: ++position } });
  }
  return session.id as string;
}

beforeAll(async () => {
  t = await createTestDatabase();
  srv = await startTestServer(t.db);
  api = apiClient(srv.url);
  const a = await api.register('search-alice@example.com');
  const b = await api.register('search-bob@example.com');
  alice = { token: a.accessToken, id: a.user.id };
  bob = { token: b.accessToken, id: b.user.id };
  ids.budget = await chat(alice, 'Q3 budget review', [['user', 'hello'], ['assistant', 'Hi there']]);
  ids.chinese = await chat(alice, 'New chat', [
    ['user', '李伟关于预算的邮件'],
    ['assistant', 'Li Wei wrote twice. The travel line is down 10% in the updated numbers.'],
  ]);
  ids.report = await chat(alice, 'New chat', [
    ['user', '上周李伟把第三季度的预算报告发给了财务部'],
    ['assistant', '好的，我找到了那封邮件。'],
  ]);
  ids.tools = await chat(alice, 'Lunch', [['user', 'anything about lunch?'], ['tool', '{"subject":"Offsite travel plans"}']]);
  ids.bobs = await chat(bob, 'Budget (Bob)', [['user', 'travel budget']]);
});
afterAll(async () => {
  await srv.close();
  await t.drop();
});

const search = async (q: string, token = alice.token) => {
  const r = await api.get(`/api/sessions/search?q=${encodeURIComponent(q)}`, token);
  expect(r.status).toBe(200);
  return r.body.items as Array<{ session: { id: string; title: string }; snippet: string | null }>;
};

describe('chat search', () => {
  it('finds a title (stemmed: "budgets"), and message text in English and Chinese with the text around the hit', async () => {
    expect((await search('budgets')).map((h) => [h.session.id, h.snippet])).toEqual([[ids.budget, null]]);
    const travel = await search('travelling');
    expect(travel.map((h) => h.session.id)).toEqual([ids.chinese]);
    expect(travel[0]!.snippet).toContain('travel line is down 10%');
    const zh = await search('预算');
    expect(zh.map((h) => h.session.id).sort()).toEqual([ids.chinese, ids.report].sort());
    expect(zh.find((h) => h.session.id === ids.chinese)!.snippet).toBe('李伟关于预算的邮件');
  });

  it('a Chinese sentence finds the chat holding its words (cut by jieba, as mail search does), in any order', async () => {
    // Not a substring of the message: "财务部" and "预算报告" occur, apart and in the other order.
    const hits = await search('财务部的预算报告');
    expect(hits.map((h) => h.session.id)).toEqual([ids.report]);
    expect(hits[0]!.snippet).toContain('预算报告');
    expect((await search('预算报告 财务部')).map((h) => h.session.id)).toEqual([ids.report]);
    // With a word the chat does not hold: not found.
    expect((await search('财务部的旅行计划')).map((h) => h.session.id)).toEqual([]);
  });

  it('leaves tool output and other users’ chats out, and refuses an empty query', async () => {
    expect(await search('offsite')).toEqual([]);
    expect((await search('travel', bob.token)).map((h) => h.session.id)).toEqual([ids.bobs]);
    const empty = await api.get('/api/sessions/search?q=%20', alice.token);
    expect(empty.status).toBe(400);
    expect(empty.body.error.type).toBe('validation_error');
  });

  it('stores a long unbroken Chinese text in linear time and finds a word in its middle', async () => {
    // 40,000 characters with no punctuation (a pasted table, a spam mail): indexing it took 5.5 s when each bigram was cut with substr.
    const half = '预算报告书'.repeat(4_000);
    const started = performance.now();
    const id = await chat(alice, 'New chat', [['user', `${half}鲸鱼${half}`]]);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((await search('鲸鱼')).map((h) => h.session.id)).toEqual([id]);
  });

  it('cuts CJK runs into overlapping bigrams plus the last character, as the query side does', async () => {
    const bigrams = async (doc: string) =>
      (await t.db.$queryRaw<{ b: string }[]>`SELECT agentwire_cjk_bigrams(${doc}) AS b`)[0]!.b;
    expect(await bigrams('预算报告')).toBe('预算 算报 报告 告');
    expect(await bigrams('Q3预算 and 报，李伟の한국')).toBe('预算 算 报 李伟 伟の の한 한국 국');
    expect(await bigrams('no CJK here')).toBe('');
  });
});
