import { tool } from '@langchain/core/tools';
import { LABEL_DESCRIPTION } from './labels.ts';
import { z } from 'zod';
import { countEmails } from '../../../server/mail/search.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { DateArgSchema, resolveWindow } from './dates.ts';
import { formatLocalTime } from './format.ts';
import { describeMatch, describeSender, type SearchEmailsResult } from './searchEmails.ts';

export const CountEmailsArgsSchema = z.object({
  query: z.string().trim().max(200).optional().describe('Topic words, as for search_emails; leave out to count all mail'),
  sender: z.string().trim().max(254).optional().describe('A contact, as for search_emails (name in any script, address, company)'),
  recipient: z.string().trim().max(254).optional().describe('Whom it was sent to (To or Cc), as for search_emails'),
  after: DateArgSchema.optional().describe('First day included (YYYY-MM-DD, "today", "yesterday") or an ISO timestamp'),
  before: DateArgSchema.optional().describe('First day NOT included (YYYY-MM-DD, exclusive) or an ISO timestamp'),
  label: z
    .string()
    .trim()
    .max(50)
    .optional()
    .describe(LABEL_DESCRIPTION),
  group_by: z
    .enum(['none', 'day', 'sender', 'recipient', 'thread'])
    .optional()
    .describe(
      'none (default): just the number; day: per day (busiest first); sender: per contact (most first); ' +
        'recipient: per person written to (To/Cc, the user left out; with label "sent": whom the user writes to most); thread: per conversation (longest first)',
    ),
  top: z.number().int().min(1).max(50).optional().describe('How many groups to return, largest first (default 10)'),
});
export type CountEmailsArgs = z.infer<typeof CountEmailsArgsSchema>;

export interface CountEmailsResult {
  total: number;
  group_by: 'none' | 'day' | 'sender' | 'recipient' | 'thread';
  /** How many days with mail, senders, recipients or threads there are in all. */
  group_count?: number;
  /** Largest first. key: the day (YYYY-MM-DD), the sender's or recipient's address or the thread id; label: names or subject. */
  groups?: { key: string; label: string; count: number; latest: string; is_you?: boolean }[];
  filters: { query?: string; sender?: string; recipient?: string; label?: string; after?: string; before?: string };
  match?: SearchEmailsResult['match'];
  sender_contacts?: SearchEmailsResult['sender_contacts'];
  sender_unknown?: boolean;
}

export const countEmailsTool = tool(
  async (args: CountEmailsArgs, config): Promise<CountEmailsResult> => {
    const ctx = toolContext(config);
    const window = resolveWindow(args, ctx.now(), ctx.timezone);
    const query = args.query || undefined;
    const sender = args.sender || undefined;
    const recipient = args.recipient || undefined;
    const groupBy = args.group_by ?? 'none';
    const result = await countEmails(ctx.db, {
      userId: ctx.userId,
      q: query,
      from: sender,
      to: recipient,
      after: window.after,
      before: window.before,
      label: args.label || undefined,
      groupBy,
      timezone: ctx.timezone,
      top: args.top ?? 10,
    });
    const match = describeMatch(result.text);
    return {
      total: result.total,
      group_by: groupBy,
      ...(groupBy !== 'none'
        ? {
            group_count: result.groupCount,
            groups: result.groups.map((g) => ({
              key: g.key,
              label: g.label,
              count: g.count,
              latest: formatLocalTime(g.latest, ctx.timezone),
              ...(g.own ? { is_you: true } : {}),
            })),
          }
        : {}),
      filters: {
        ...(query ? { query } : {}),
        ...(sender ? { sender } : {}),
        ...(recipient ? { recipient } : {}),
        ...(args.label ? { label: args.label } : {}),
        ...window.days,
      },
      ...(match ? { match } : {}),
      ...describeSender(result.sender),
    };
  },
  {
    name: 'count_emails',
    description:
      'Count emails exactly, optionally grouped: use it for "how many emails …", "who writes to me the most", "which day was busiest", ' +
      '"longest thread", "who do I email the most", "这个月总共几封", "谁给我发得最多", "我给谁发得最多". Takes the same query/sender/recipient/after/before filters as search_emails. ' +
      'group_by day/sender/recipient/thread returns the largest groups first (sender groups mark the user\'s own sent mail with is_you). ' +
      'Counts only; use search_emails to list the emails themselves.',
    schema: CountEmailsArgsSchema,
  },
);
