/**
 * A multi-tool agent: arithmetic, unit conversion and a small country fact
 * book. The model (or, offline, the generic offline model) picks the tool
 * that fits each question.
 *
 *   npx agentwire serve examples/toolbox.ts
 *   npx agentwire serve examples/            # with the weather assistant beside it
 */
import { defineAgent, tool, ToolError, z } from 'agentwire';

/** Arithmetic without eval: + - * / ^ %, parentheses, decimals. */
function evaluate(expression: string): number {
  const src = expression.replace(/[×xX]/g, '*').replace(/÷/g, '/').replace(/，/g, ',').replace(/\s+/g, '');
  let i = 0;
  const fail = (why: string): never => {
    throw new ToolError(`Cannot calculate "${expression}": ${why}`);
  };
  const number = (): number => {
    const m = /^\d+(?:\.\d+)?/.exec(src.slice(i));
    if (!m) return fail(`expected a number at position ${i + 1}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const primary = (): number => {
    if (src[i] === '-') return i++, -primary();
    if (src[i] === '+') return i++, primary();
    if (src[i] === '(') {
      i++;
      const v = sum();
      if (src[i] !== ')') fail('missing )');
      i++;
      return v;
    }
    return number();
  };
  const power = (): number => {
    const base = primary();
    if (src[i] === '^') return i++, base ** power();
    return base;
  };
  const product = (): number => {
    let v = power();
    while (src[i] === '*' || src[i] === '/' || src[i] === '%') {
      const op = src[i++];
      const r = power();
      if (op !== '*' && r === 0) fail('division by zero');
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (src[i] === '+' || src[i] === '-') v = src[i++] === '+' ? v + product() : v - product();
    return v;
  };
  if (!src) fail('the expression is empty');
  const result = sum();
  if (i < src.length) fail(`unexpected "${src[i]}"`);
  return Math.round(result * 1e10) / 1e10;
}

export const calculate = tool(async ({ expression }) => ({ expression, result: evaluate(expression), summary: `${expression} = ${evaluate(expression)}` }), {
  name: 'calculate',
  description: 'Calculate an arithmetic expression (math: + - * / ^, parentheses). 计算数学表达式。',
  schema: z.object({ expression: z.string().min(1).describe('The expression, e.g. 12 * (3 + 4)') }),
});

const UNITS = {
  km: { kind: 'length', factor: 1000 },
  m: { kind: 'length', factor: 1 },
  cm: { kind: 'length', factor: 0.01 },
  mile: { kind: 'length', factor: 1609.344 },
  ft: { kind: 'length', factor: 0.3048 },
  inch: { kind: 'length', factor: 0.0254 },
  kg: { kind: 'mass', factor: 1 },
  g: { kind: 'mass', factor: 0.001 },
  lb: { kind: 'mass', factor: 0.45359237 },
  celsius: { kind: 'temperature', factor: 1 },
  fahrenheit: { kind: 'temperature', factor: 1 },
} as const;
type Unit = keyof typeof UNITS;
const unitNames = Object.keys(UNITS) as [Unit, ...Unit[]];

function convert(value: number, from: Unit, to: Unit): number {
  if (UNITS[from].kind !== UNITS[to].kind) throw new ToolError(`Cannot convert ${UNITS[from].kind} (${from}) to ${UNITS[to].kind} (${to})`);
  if (UNITS[from].kind === 'temperature') {
    if (from === to) return value;
    return from === 'celsius' ? (value * 9) / 5 + 32 : ((value - 32) * 5) / 9;
  }
  return (value * UNITS[from].factor) / UNITS[to].factor;
}

export const convertUnits = tool(
  async ({ value, from, to }) => {
    const result = Math.round(convert(value, from, to) * 1000) / 1000;
    return { value, from, to, result, summary: `${value} ${from} = ${result} ${to}` };
  },
  {
    name: 'convert_units',
    description: `Convert a value between units of length, mass or temperature (${unitNames.join(', ')}). 单位换算。`,
    schema: z.object({
      value: z.number().describe('The amount to convert'),
      from: z.enum(unitNames).describe('The unit of the value'),
      to: z.enum(unitNames).describe('The unit to convert to'),
    }),
  },
);

const COUNTRIES = [
  { en: 'China', zh: '中国', capital: 'Beijing', capitalZh: '北京', currency: 'CNY', population_millions: 1409 },
  { en: 'Japan', zh: '日本', capital: 'Tokyo', capitalZh: '东京', currency: 'JPY', population_millions: 124 },
  { en: 'France', zh: '法国', capital: 'Paris', capitalZh: '巴黎', currency: 'EUR', population_millions: 68 },
  { en: 'Germany', zh: '德国', capital: 'Berlin', capitalZh: '柏林', currency: 'EUR', population_millions: 84 },
  { en: 'United Kingdom', zh: '英国', capital: 'London', capitalZh: '伦敦', currency: 'GBP', population_millions: 68 },
  { en: 'United States', zh: '美国', capital: 'Washington, D.C.', capitalZh: '华盛顿', currency: 'USD', population_millions: 335 },
  { en: 'Brazil', zh: '巴西', capital: 'Brasília', capitalZh: '巴西利亚', currency: 'BRL', population_millions: 216 },
];

export const countryInfo = tool(
  async ({ country, language }) => {
    const key = country.trim().toLowerCase();
    const c = COUNTRIES.find((x) => x.en.toLowerCase() === key || x.zh === country.trim() || (key === 'usa' && x.en === 'United States') || (key === 'uk' && x.en === 'United Kingdom'));
    if (!c) throw new ToolError(`No facts about "${country}"; known: ${COUNTRIES.map((x) => x.en).join(', ')}`);
    const summary =
      language === 'zh'
        ? `${c.zh}：首都${c.capitalZh}，货币 ${c.currency}，人口约 ${c.population_millions} 百万。`
        : `${c.en}: capital ${c.capital}, currency ${c.currency}, population about ${c.population_millions} million.`;
    return { country: c.en, capital: c.capital, currency: c.currency, population_millions: c.population_millions, summary };
  },
  {
    name: 'country_info',
    description: 'Facts about a country: capital, currency, population. 国家信息：首都、货币、人口。',
    schema: z.object({
      country: z.string().min(1).describe('Country name, e.g. France or 法国'),
      language: z.enum(['en', 'zh']).optional().describe('Language of the summary: the language of the question'),
    }),
  },
);

export const agent = defineAgent({
  name: 'toolbox',
  description: 'Calculator, unit converter and country facts.',
  systemPrompt: 'You are a helpful assistant with a calculator, a unit converter and a country fact book. Use the tool that fits; answer in the language of the question.',
  tools: [calculate, convertUnits, countryInfo],
  maxSteps: 6,
});
