/**
 * The generic offline model (LLM_PROVIDER=local for agents without an offline
 * model of their own) driving real runs of the example agents and of an agent
 * it has never seen: tool choice by name and description, arguments from the
 * question, answers from the tool results in the question's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agent as toolbox } from '../../examples/toolbox.ts';
import { agent as weather } from '../../examples/weather.ts';
import type { AgentDefinition } from '../../server/agent/defineAgent.ts';
import { GenericOfflineModel } from '../../server/agent/offline/GenericOfflineModel.ts';
import { modelFor } from '../../server/agent/chatModel.ts';
import { defineAgent, tool, z } from '../../server/agent/public.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/server.ts';
import { collect, completion, createSession, createUser, expectWellFormedRun, makeHandler, ofType } from './support.ts';

const ORDERS: Record<string, { status: string; eta: string }> = {
  'A-1001': { status: 'shipped', eta: '2026-12-02' },
  'B-2002': { status: 'packing', eta: '2026-12-05' },
};

/** An agent the offline model was not written for. */
const shop = defineAgent({
  name: 'shop-assistant',
  description: 'Orders and returns',
  systemPrompt: 'You help with orders.',
  maxSteps: 4,
  tools: [
    tool(async ({ order_id }) => ORDERS[order_id] ?? { error: `no order ${order_id}` }, {
      name: 'lookup_order',
      description: 'Look up the status and delivery date of an order by its order id. 查询订单状态。',
      schema: z.object({ order_id: z.string().describe('Order id like A-1001') }),
    }),
    tool(async ({ order_id, reason }) => ({ summary: `Return opened for ${order_id} (${reason}).` }), {
      name: 'open_return',
      description: 'Open a return (refund) for an order. 退货。',
      schema: z.object({ order_id: z.string(), reason: z.enum(['damaged', 'wrong_item', 'changed_mind']) }),
    }),
  ],
});

let t: TestDatabase;
let userId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createUser(t.db)).id;
});

afterAll(async () => {
  await t?.drop();
});

async function ask(agent: AgentDefinition, questions: string[]) {
  const session = await t.db.chatSession.create({ data: { userId, agentName: agent.name } });
  const handler = makeHandler(t.db, { userId, sessionId: session.id }, new GenericOfflineModel({ tokenDelayMs: 0 }), { agent });
  const runs = [];
  for (const q of questions) {
    const events = await collect(handler.streamResponse(q));
    expectWellFormedRun(events);
    runs.push(events);
  }
  return runs;
}

describe('the generic offline model', () => {
  it('is what an agent without an offline model runs with under LLM_PROVIDER=local', () => {
    expect(modelFor(weather, testConfig().llm, { now: Date.now })).toBeInstanceOf(GenericOfflineModel);
  });

  const weatherCases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['查询上海天气', { city: '上海', language: 'zh' }, /^上海今天.+，气温 \d+°C/],
    ['北京明天天气怎么样？', { city: '北京', language: 'zh' }, /^北京今天/],
    ['帮我查一下广州现在的气温', { city: '广州', language: 'zh' }, /^广州今天/],
    ["What's the weather in New York?", { city: 'New York', language: 'en' }, /^New York: .+, \d+°C/],
    ['Is it raining in Paris today?', { city: 'Paris', language: 'en' }, /^Paris: /],
    ['weather for San Francisco please', { city: 'San Francisco', language: 'en' }, /^San Francisco: /],
  ];

  it.each(weatherCases)('weather: %s', async (question, args, answer) => {
    const [events] = await ask(weather, [question]);
    expect(ofType(events!, 'tool_call_start')[0]).toMatchObject({ tool_name: 'get_weather', tool_args: args });
    expect(completion(events!)).toMatchObject({ status: 'completed', content: expect.stringMatching(answer) });
  });

  const toolboxCases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    ['What is 12 * (3 + 4)?', 'calculate', { expression: '12 * (3 + 4)' }, /= 84$/],
    ['计算 2^10', 'calculate', { expression: '2^10' }, /= 1024$/],
    ['convert 10 km to miles', 'convert_units', { value: 10, from: 'km', to: 'mile' }, /6\.214 mile/],
    ['How many lb is 3 kg?', 'convert_units', { value: 3, from: 'kg', to: 'lb' }, /6\.614 lb/],
    ['100 fahrenheit in celsius', 'convert_units', { value: 100, from: 'fahrenheit', to: 'celsius' }, /37\.778 celsius/],
    ['What is the capital of France?', 'country_info', { country: 'France' }, /capital Paris/],
    ['日本的人口是多少', 'country_info', { country: '日本', language: 'zh' }, /日本：首都东京/],
  ];

  it.each(toolboxCases)('toolbox: %s', async (question, toolName, args, answer) => {
    const [events] = await ask(toolbox, [question]);
    expect(ofType(events!, 'tool_call_start')[0]).toMatchObject({ tool_name: toolName, tool_args: args });
    expect(completion(events!).content).toMatch(answer);
  });

  it('drives an agent it was not written for, and says plainly when a tool fails', async () => {
    const [found, refund] = await ask(shop, ['Where is my order A-1001?', 'I want to return order B-2002, it arrived damaged']);
    expect(ofType(found!, 'tool_call_start')[0]).toMatchObject({ tool_name: 'lookup_order', tool_args: { order_id: 'A-1001' } });
    expect(completion(found!).content).toMatch(/status\*\*: shipped/);
    expect(ofType(refund!, 'tool_call_start')[0]).toMatchObject({ tool_name: 'open_return', tool_args: { order_id: 'B-2002', reason: 'damaged' } });
    expect(completion(refund!).content).toBe('Return opened for B-2002 (damaged).');

    const [failed] = await ask(toolbox, ['calculate 1/0']);
    expect(ofType(failed!, 'tool_error')[0]).toMatchObject({ tool_name: 'calculate' });
    expect(completion(failed!)).toMatchObject({ status: 'completed', content: expect.stringMatching(/^calculate failed: .*division by zero/) });
  });

  it('asks for a missing argument, then reads the reply together with the question', async () => {
    const [asked, answered] = await ask(weather, ['What is the weather like?', 'Tokyo']);
    expect(ofType(asked!, 'tool_call_start')).toEqual([]);
    expect(completion(asked!).content).toMatch(/To use get_weather I need city/);
    expect(ofType(answered!, 'tool_call_start')[0]).toMatchObject({ tool_args: { city: 'Tokyo' } });
    expect(completion(answered!).content).toMatch(/^Tokyo: /);
  });

  it('says what it can do when no tool fits, in the language of the question', async () => {
    const [en, zh] = await ask(toolbox, ['hello there', '你好']);
    expect(ofType(en!, 'tool_call_start')).toEqual([]);
    expect(completion(en!).content).toMatch(/^I am running offline.+calculate.+convert_units.+country_info/s);
    expect(completion(zh!).content).toMatch(/^我在离线模式下运行/);
  });
});
