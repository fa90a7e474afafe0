/**
 * The conversation as the offline model reads it: today's date from the
 * system prompt, the question, and the tool calls with their results —
 * those of earlier questions (for "open the second one") and those of the
 * current one. Works the same on a conversation rebuilt from the database
 * after a restart, because it only reads messages.
 */
import type { AIMessage, BaseMessage, ToolMessage } from '@langchain/core/messages';
import { dayOf, isIsoDay, isValidTimeZone, shiftDay, type IsoDay } from '../../../server/time/calendar.ts';

export interface ToolExchange {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Parsed JSON result; undefined until answered or when the result was not JSON. */
  data?: unknown;
  /** The raw result text. */
  content?: string;
  ok?: boolean;
  /** The user's message this call answered. */
  question: string;
}

export interface ConversationView {
  today: IsoDay;
  timezone: string;
  question: string;
  /** Tool exchanges before the question, oldest first. */
  earlier: ToolExchange[];
  /** Tool exchanges made for the question so far, oldest first. */
  current: ToolExchange[];
  /** Of those, the calls of the latest step: the results the model reads now for the first time. */
  latest: ToolExchange[];
}

const DATE_LINE = /Current date:\s*(\d{4}-\d{2}-\d{2})/;
const ZONE_LINE = /time zone:\s*([A-Za-z0-9_+\-/]+)/;

export function readConversation(messages: BaseMessage[], fallbackNow: number): ConversationView {
  const system = messages.find((m) => m.getType() === 'system');
  const systemText = system ? textOf(system) : '';
  const zone = ZONE_LINE.exec(systemText)?.[1];
  const timezone = zone && isValidTimeZone(zone) ? zone : 'UTC';
  const date = DATE_LINE.exec(systemText)?.[1];
  const today = date && isIsoDay(date) ? date : dayOf(fallbackNow, timezone);

  let lastHuman = -1;
  messages.forEach((m, i) => {
    if (m.getType() === 'human') lastHuman = i;
  });
  const question = lastHuman >= 0 ? textOf(messages[lastHuman]!) : '';

  const exchanges = new Map<string, ToolExchange>();
  const earlier: ToolExchange[] = [];
  const current: ToolExchange[] = [];
  let latest: ToolExchange[] = [];
  let asked = '';
  messages.forEach((m, i) => {
    if (m.getType() === 'human') asked = textOf(m);
    if (m.getType() === 'ai') {
      if (i > lastHuman && (m as AIMessage).tool_calls?.length) latest = [];
      for (const call of (m as AIMessage).tool_calls ?? []) {
        if (!call.id) continue;
        const exchange: ToolExchange = { id: call.id, name: call.name, args: (call.args ?? {}) as Record<string, unknown>, question: asked };
        exchanges.set(call.id, exchange);
        if (i > lastHuman) {
          current.push(exchange);
          latest.push(exchange);
        } else {
          earlier.push(exchange);
        }
      }
    } else if (m.getType() === 'tool') {
      const tm = m as ToolMessage;
      const exchange = exchanges.get(tm.tool_call_id);
      if (!exchange) return;
      exchange.content = textOf(tm);
      exchange.ok = tm.status !== 'error' && !exchange.content.startsWith('Error:') && !exchange.content.startsWith('Cancelled');
      try {
        exchange.data = JSON.parse(exchange.content);
      } catch {
        exchange.data = undefined;
      }
    }
  });
  return { today, timezone, question, earlier, current, latest };
}

function textOf(m: BaseMessage): string {
  if (typeof m.content === 'string') return m.content;
  return m.content.map((b) => ('text' in b && typeof b.text === 'string' ? b.text : '')).join('');
}

/** A tool's date argument as a day: what this model writes (YYYY-MM-DD) and what another model may have written (an ISO timestamp, "today", "yesterday"). */
export function dayArg(value: unknown, today: IsoDay): IsoDay | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'today') return today;
  if (v === 'yesterday') return shiftDay(today, -1);
  const day = v.slice(0, 10);
  return isIsoDay(day) ? day : undefined;
}

/** The one day the latest call of an earlier question was about (a day's report, a search or count of one day). */
export function dayInView(conv: ConversationView): IsoDay | undefined {
  for (const e of [...conv.earlier].reverse()) {
    if (e.name === 'read_daily_report') return dayArg(e.args.date, conv.today);
    if (e.name === 'list_daily_reports') {
      const from = dayArg(e.args.from, conv.today);
      return from && from === dayArg(e.args.to, conv.today) ? from : undefined;
    }
    if (e.name === 'search_emails' || e.name === 'count_emails') {
      const after = dayArg(e.args.after, conv.today);
      return after && dayArg(e.args.before, conv.today) === shiftDay(after, 1) ? after : undefined;
    }
  }
  return undefined;
}
