import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { searchEmails } from '../../../server/mail/search.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { DateArgSchema, resolveDay, resolveInstant } from './dates.ts';
import { formatLocalTime, formatSender } from './format.ts';
import { ToolError } from '../../../server/agent/toolError.ts';
import { dayOf } from '../../../server/time/calendar.ts';

export const SearchEmailsArgsSchema = z.object({
  query: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Words to look for in subject and body, English or Chinese (e.g. "Q3 budget", "预算"). Leave out to match any text.'),
  sender: z
    .string()
    .trim()
    .max(254)
    .optional()
    .describe("Part of the sender's name or address (e.g. \"Li Wei\", \"李伟\", \"acme.com\")"),
  after: DateArgSchema.optional().describe('First day included (YYYY-MM-DD in the user\'s time zone, "today", "yesterday") or an ISO timestamp'),
  before: DateArgSchema.optional().describe('First day NOT included (YYYY-MM-DD, exclusive) or an ISO timestamp. For one day D use after=D, before=D+1.'),
  limit: z.number().int().min(1).max(50).optional().describe('How many emails to return, newest first (default 10)'),
});
export type SearchEmailsArgs = z.infer<typeof SearchEmailsArgsSchema>;

export interface FoundEmail {
  id: string;
  from: string;
  date: string;
  subject: string;
  snippet: string;
}

export interface SearchEmailsResult {
  total: number;
  emails: FoundEmail[];
  /** The filters as applied, dates as days in the user's zone. */
  filters: { query?: string; sender?: string; after?: string; before?: string };
}

const DEFAULT_LIMIT = 10;

export const searchEmailsTool = tool(
  async (args: SearchEmailsArgs, config): Promise<SearchEmailsResult> => {
    const ctx = toolContext(config);
    const now = ctx.now();
    const after = args.after ? resolveInstant(args.after, now, ctx.timezone) : undefined;
    const before = args.before ? resolveInstant(args.before, now, ctx.timezone) : undefined;
    if (after && before && after >= before) {
      throw new ToolError(`"after" (${args.after}) must be earlier than "before" (${args.before}); "before" is exclusive`);
    }
    const query = args.query || undefined;
    const sender = args.sender || undefined;
    const { items, total } = await searchEmails(ctx.db, {
      userId: ctx.userId,
      q: query,
      from: sender,
      after,
      before,
      limit: args.limit ?? DEFAULT_LIMIT,
      offset: 0,
    });
    return {
      total,
      emails: items.map((e) => ({
        id: e.id,
        from: formatSender(e.fromName, e.from),
        date: formatLocalTime(e.receivedAt, ctx.timezone),
        subject: e.subject,
        snippet: e.snippet,
      })),
      filters: {
        ...(query ? { query } : {}),
        ...(sender ? { sender } : {}),
        ...(args.after ? { after: resolveDay(args.after, now, ctx.timezone) } : {}),
        ...(before ? { before: dayOf(before, ctx.timezone) } : {}),
      },
    };
  },
  {
    name: 'search_emails',
    description:
      "Search the user's mailbox. Combine free text, sender and a date range; results are newest first with id, sender, local date, subject and a snippet. Use read_email with an id for the full text.",
    schema: SearchEmailsArgsSchema,
  },
);
