import { tool } from '@langchain/core/tools';
import { LABEL_DESCRIPTION } from './labels.ts';
import { z } from 'zod';
import { searchEmails, type SenderMatch, type TextMatch } from '../../../server/mail/search.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { DateArgSchema, resolveWindow } from './dates.ts';
import { formatLocalTime, formatSender } from './format.ts';

export const SearchEmailsArgsSchema = z.object({
  query: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'Topic words only, English and/or Chinese (e.g. "Q3 budget", "预算 调整", "Safari 白屏"); a whole Chinese phrase works too. ' +
        'Leave out names, dates and words like "email", "any", "please": use sender/after/before for those. Leave out to match any text.',
    ),
  sender: z
    .string()
    .trim()
    .max(254)
    .optional()
    .describe(
      'Who sent it: a name in any script or part of one ("Li Wei", "李伟", "Sarah"), an address, or a company ("Contoso"). ' +
        "Resolved through the mailbox's contacts, so one person's English and Chinese names are the same sender and small typos are forgiven.",
    ),
  recipient: z
    .string()
    .trim()
    .max(254)
    .optional()
    .describe('Whom it was sent to (To or Cc), read as sender is: "emails I sent to Li Wei" is label "sent" with recipient "Li Wei", not sender.'),
  after: DateArgSchema.optional().describe('First day included (YYYY-MM-DD in the user\'s time zone, "today", "yesterday") or an ISO timestamp'),
  before: DateArgSchema.optional().describe('First day NOT included (YYYY-MM-DD, exclusive) or an ISO timestamp. For one day D use after=D, before=D+1.'),
  label: z
    .string()
    .trim()
    .max(50)
    .optional()
    .describe(LABEL_DESCRIPTION),
  sort: z
    .enum(['relevance', 'newest'])
    .optional()
    .describe('relevance (default when there is a query): best text match first, recent mail favoured; newest: by date, newest first'),
  limit: z.number().int().min(1).max(50).optional().describe('How many emails to return (default 10)'),
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
  /** In `sort` order. */
  emails: FoundEmail[];
  /** relevance: best text match first; newest: by date, newest first. */
  sort: 'relevance' | 'newest';
  /** The newest email of all `total` matches (which may not be among `emails` when sorted by relevance). */
  newest?: FoundEmail;
  /** The filters as applied, dates as days in the user's zone. */
  filters: { query?: string; sender?: string; recipient?: string; label?: string; after?: string; before?: string };
  /**
   * How the query words matched: "all" words; "most" when no email had them
   * all but some had all but one, or "any" word (then matched_words says which
   * words the results have); ignored_words occur nowhere in the mailbox;
   * corrected lists misspellings fixed; translated, words the mailbox has
   * only in the other language (searched in both).
   */
  match?: {
    mode: TextMatch['mode'];
    words: string[];
    matched_words?: string[];
    ignored_words?: string[];
    corrected?: { from: string; to: string }[];
    translated?: { from: string; to: string[] }[];
  };
  /** Whom the sender filter resolved to (several addresses or names of one person count as one contact). */
  sender_contacts?: { name: string; names: string[]; address: string }[];
  /** A sender no contact matches: the search used it as a plain substring. */
  sender_unknown?: boolean;
}

const DEFAULT_LIMIT = 10;

export function describeMatch(text: TextMatch | undefined): SearchEmailsResult['match'] | undefined {
  if (!text) return undefined;
  return {
    mode: text.mode,
    words: text.words,
    ...(text.mode === 'any' || text.mode === 'most' ? { matched_words: text.matchedWords } : {}),
    ...(text.ignoredWords.length ? { ignored_words: text.ignoredWords } : {}),
    ...(text.corrections.length ? { corrected: text.corrections } : {}),
    ...(text.translations ? { translated: text.translations } : {}),
  };
}

export function describeSender(sender: SenderMatch | undefined): Pick<SearchEmailsResult, 'sender_contacts' | 'sender_unknown'> {
  if (!sender) return {};
  return sender.contacts.length ? { sender_contacts: sender.contacts.slice(0, 5) } : { sender_unknown: true };
}

export const searchEmailsTool = tool(
  async (args: SearchEmailsArgs, config): Promise<SearchEmailsResult> => {
    const ctx = toolContext(config);
    const window = resolveWindow(args, ctx.now(), ctx.timezone);
    const query = args.query || undefined;
    const sender = args.sender || undefined;
    const recipient = args.recipient || undefined;
    const sort = args.sort ?? (query ? 'relevance' : 'newest');
    const label = args.label || undefined;
    const params = { userId: ctx.userId, q: query, from: sender, to: recipient, after: window.after, before: window.before, label };
    const found = await searchEmails(ctx.db, { ...params, limit: args.limit ?? DEFAULT_LIMIT, offset: 0, sort });
    const toFound = (e: (typeof found.items)[number]): FoundEmail => ({
      id: e.id,
      from: formatSender(e.fromName, e.from),
      date: formatLocalTime(e.receivedAt, ctx.timezone),
      subject: e.subject,
      snippet: e.snippet,
    });
    const emails = found.items.map(toFound);
    let newest: FoundEmail | undefined;
    if (found.total > 0) {
      const first = sort === 'newest' ? found.items[0] : (await searchEmails(ctx.db, { ...params, limit: 1, offset: 0, sort: 'newest' })).items[0];
      newest = first && toFound(first);
    }
    const match = describeMatch(found.text);
    return {
      total: found.total,
      emails,
      sort,
      ...(newest ? { newest } : {}),
      filters: {
        ...(query ? { query } : {}),
        ...(sender ? { sender } : {}),
        ...(recipient ? { recipient } : {}),
        ...(label ? { label } : {}),
        ...window.days,
      },
      ...(match ? { match } : {}),
      ...describeSender(found.sender),
    };
  },
  {
    name: 'search_emails',
    description:
      "Find emails in the user's mailbox by topic words, sender, recipient and/or a date range. Use it to list or find mail (\"emails from Li Wei last week\", " +
      '"anything about the Q3 budget?", "李伟发的预算邮件") and to get ids for read_email. Returns the total, up to `limit` emails ' +
      '(id, sender, local date, subject, snippet; best match first when there is a query) and the newest match. When no email has all ' +
      'the words it matches all but one, else any of them, and says which matched (match.mode "most"/"any"); words that occur nowhere are ignored and misspellings ' +
      'corrected (reported in match). For "how many" / "who sent the most" / "busiest day" use count_emails instead; for what needs a ' +
      'reply or a day\'s overview use the daily reports.',
    schema: SearchEmailsArgsSchema,
  },
);
