/**
 * What the generic offline model says, in the question's language: answers
 * built from tool results, the question for a missing argument, and what it
 * can do when no tool fits.
 */
import type { Language } from './text.ts';
import type { ToolChoice, ToolSpec } from './toolChoice.ts';

export interface ToolOutcome {
  tool: string;
  content: string;
  failed: boolean;
}

const SUMMARY_KEYS = ['summary', 'answer', 'text', 'message', 'result', 'output'];
const MAX_ITEMS = 20;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A tool result as readable text: its own summary if it has one, else its fields or items. */
function render(content: string): { text: string; structured: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { text: content, structured: false };
  }
  if (typeof value === 'string') return { text: value, structured: false };
  if (Array.isArray(value)) {
    if (value.length === 0) return { text: '', structured: true };
    const lines = value.slice(0, MAX_ITEMS).map((item, i) => `${i + 1}. ${item && typeof item === 'object' ? inline(item as Record<string, unknown>) : scalar(item)}`);
    if (value.length > MAX_ITEMS) lines.push(`… (+${value.length - MAX_ITEMS})`);
    return { text: lines.join('\n'), structured: true };
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const summary = SUMMARY_KEYS.map((k) => record[k]).find((v): v is string => typeof v === 'string' && v.trim().length > 0);
    if (summary) return { text: summary, structured: false };
    const lines = Object.entries(record).map(([k, v]) => `- **${k}**: ${scalar(v)}`);
    return { text: lines.join('\n'), structured: true };
  }
  return { text: scalar(value), structured: false };
}

function inline(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}: ${scalar(v)}`)
    .join(', ');
}

export function answerFromResults(outcomes: ToolOutcome[], language: Language): string {
  const parts = outcomes.map((o) => {
    if (o.failed) {
      const reason = o.content.replace(/^Error:\s*/, '');
      return language === 'zh' ? `${o.tool} 调用失败：${reason}` : `${o.tool} failed: ${reason}`;
    }
    const { text, structured } = render(o.content);
    if (!text) return language === 'zh' ? `${o.tool} 没有返回任何结果。` : `${o.tool} returned nothing.`;
    if (!structured) return text;
    return `${language === 'zh' ? `${o.tool} 返回的结果：` : `Here is what ${o.tool} returned:`}\n\n${text}`;
  });
  return parts.join('\n\n');
}

export function askForMissing(choice: ToolChoice, language: Language): string {
  const props = choice.tool.parameters.properties ?? {};
  const described = choice.missing.map((name) => {
    const d = props[name]?.description;
    return d ? `${name} (${d})` : name;
  });
  return language === 'zh'
    ? `要使用 ${choice.tool.name}，我还需要：${described.join('、')}。请在问题里告诉我。`
    : `To use ${choice.tool.name} I need ${described.join(', ')}. Please include it in your question.`;
}

export function capabilities(tools: ToolSpec[], language: Language): string {
  if (tools.length === 0) {
    return language === 'zh'
      ? '我在离线模式下运行，没有语言模型，只能通过工具回答问题，但这个助手没有工具。'
      : 'I am running offline without a language model, so I can only answer through tools, and this assistant has none.';
  }
  const list = tools.map((t) => `- **${t.name}**: ${t.description}`).join('\n');
  return language === 'zh'
    ? `我在离线模式下运行，只能通过这些工具回答问题：\n\n${list}\n\n请问一个与其中某个工具相关的问题。`
    : `I am running offline, so I answer through these tools:\n\n${list}\n\nAsk me something one of them can answer.`;
}

export function reasoningFor(choice: ToolChoice, language: Language): string {
  const args = Object.entries(choice.args)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
  if (language === 'zh') {
    const why = choice.matched.length > 0 ? `（${choice.matched.join('、')}）` : '';
    return `问题与工具 ${choice.tool.name} 相符${why}。${args ? `参数：${args}。` : ''}`;
  }
  const why = choice.matched.length > 0 ? ` (${choice.matched.join(', ')})` : '';
  return `The question matches the tool ${choice.tool.name}${why}.${args ? ` Arguments: ${args}.` : ''}`;
}

export function toolChoiceSentence(tool: string, language: Language): string {
  return language === 'zh' ? `我用 ${tool} 来查。` : `I'll use ${tool} for this.`;
}
