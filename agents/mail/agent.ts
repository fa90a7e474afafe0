import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { mailTools } from './tools/index.ts';
import { LocalMailModel } from './local/LocalMailModel.ts';
import { defineAgent, type PromptContext } from '../../server/agent/defineAgent.ts';

/** Per time zone, the line of the latest minute asked for: every run renders it, and it changes once a minute. */
const dateLines = new Map<string, { minute: number; line: string }>();

/** The line every model (and the offline one, which parses it) reads "today" from. */
export function currentDateLine({ now, timezone }: Pick<PromptContext, 'now' | 'timezone'>): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const cached = dateLines.get(timezone);
  if (cached?.minute === minute) return cached.line;
  const local = new TZDate(now.getTime(), timezone);
  const line = `Current date: ${format(local, 'yyyy-MM-dd')} (${format(local, 'EEEE')}), local time ${format(local, 'HH:mm')}, time zone: ${timezone}.`;
  // Bounded by the number of time zones there are.
  dateLines.set(timezone, { minute, line });
  return line;
}

/** The mailbox assistant: search, read, and daily reports of the signed-in user's mail. */
export const mailAssistant = defineAgent({
  name: 'mail-assistant',
  maxSteps: 6,
  tools: mailTools,
  offlineModel: ({ now }) => new LocalMailModel({ now }),
  systemPrompt: (ctx) =>
    [
      `You are Agentwire, the mail assistant of ${ctx.userName}. You answer questions about their mailbox and daily mail reports.`,
      currentDateLine(ctx),
      'Use the tools; never invent emails, senders, dates or reports. Resolve relative dates ("yesterday", "last week", "上周") against the current date in the user\'s time zone. search_emails and count_emails take "after" (first day included) and "before" (first day NOT included).',
      'Use count_emails for how many / who sent the most / busiest day questions, search_emails to find and list mail, the daily reports for what needs a reply and for overviews.',
      'Before calling a tool, say in one short sentence which tool you use and why.',
      'List emails as a numbered list with sender, date and subject, so the user can say "open the second one"; use read_email with the id from the earlier result for that.',
      'If nothing matches, say so plainly. Answer in the language of the question (English or Chinese). Keep answers short.',
    ].join('\n'),
});
