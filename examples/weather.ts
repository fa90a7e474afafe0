/**
 * The weather assistant of the deployment design (seed 001, section 4.1):
 *
 *   npx agentwire serve examples/weather.ts
 *
 * Its data is made up but deterministic (the same city always gets the same
 * weather), so it runs anywhere, offline included: without an API key the
 * generic offline model picks get_weather, reads the city from the question
 * and answers in the question's language.
 */
import { defineAgent, tool, z } from 'agentwire';

const CITIES: Record<string, { zh: string; en: string }> = {
  beijing: { en: 'Beijing', zh: '北京' },
  shanghai: { en: 'Shanghai', zh: '上海' },
  guangzhou: { en: 'Guangzhou', zh: '广州' },
  shenzhen: { en: 'Shenzhen', zh: '深圳' },
  hangzhou: { en: 'Hangzhou', zh: '杭州' },
  chengdu: { en: 'Chengdu', zh: '成都' },
  'hong kong': { en: 'Hong Kong', zh: '香港' },
  tokyo: { en: 'Tokyo', zh: '东京' },
  london: { en: 'London', zh: '伦敦' },
  paris: { en: 'Paris', zh: '巴黎' },
  'new york': { en: 'New York', zh: '纽约' },
  'san francisco': { en: 'San Francisco', zh: '旧金山' },
};

const CONDITIONS = [
  { en: 'sunny', zh: '晴' },
  { en: 'partly cloudy', zh: '多云' },
  { en: 'overcast', zh: '阴' },
  { en: 'light rain', zh: '小雨' },
  { en: 'thunderstorms', zh: '雷阵雨' },
  { en: 'windy', zh: '大风' },
];

function cityNames(input: string): { en: string; zh: string } {
  const key = input.trim().replace(/\s+/g, ' ').replace(/(市|city)$/i, '').trim();
  const known = Object.values(CITIES).find((c) => c.en.toLowerCase() === key.toLowerCase() || c.zh === key);
  return known ?? { en: key, zh: key };
}

/** A stable number from a name: the same city always gets the same weather. */
function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text.toLowerCase()) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return h;
}

export const getWeather = tool(
  async ({ city, language }) => {
    const names = cityNames(city);
    const h = hash(names.en);
    const condition = CONDITIONS[h % CONDITIONS.length]!;
    const temperatureC = 5 + (h % 28);
    const humidity = 30 + ((h >>> 8) % 60);
    const summary =
      language === 'zh'
        ? `${names.zh}今天${condition.zh}，气温 ${temperatureC}°C，湿度 ${humidity}%。`
        : `${names.en}: ${condition.en}, ${temperatureC}°C, humidity ${humidity}%.`;
    return { city: names.en, condition: condition.en, temperature_c: temperatureC, humidity_percent: humidity, summary };
  },
  {
    name: 'get_weather',
    description: "Get today's weather (temperature, conditions, humidity) for a city. 查询城市天气、气温。",
    schema: z.object({
      city: z.string().min(1).describe('City name, e.g. Shanghai or 上海'),
      language: z.enum(['en', 'zh']).optional().describe('Language of the summary: the language of the question'),
    }),
  },
);

export const agent = defineAgent({
  name: 'weather-assistant',
  description: 'Weather for any city, in English or Chinese (made-up, deterministic data).',
  systemPrompt: '你是一个天气助手，可以查询天气信息。You are a weather assistant: use get_weather, and answer in the language of the question.',
  tools: [getWeather],
  maxSteps: 5,
});
