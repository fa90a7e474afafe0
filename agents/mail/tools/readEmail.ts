import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { getEmail } from '../../../server/mail/emailStore.ts';
import { toolContext } from '../../../server/agent/toolContext.ts';
import { formatLocalTime, formatSender, truncate } from './format.ts';
import { ToolError } from '../../../server/agent/toolError.ts';

export const ReadEmailArgsSchema = z.object({
  id: z.uuid('id must be an email id from search_emails').describe('The id of an email, as search_emails returned it'),
});

const MAX_BODY_CHARS = 6000;

export interface ReadEmailResult {
  id: string;
  from: string;
  to: string[];
  cc: string[];
  date: string;
  subject: string;
  labels: string[];
  body: string;
}

export const readEmailTool = tool(
  async ({ id }: z.infer<typeof ReadEmailArgsSchema>, config): Promise<ReadEmailResult> => {
    const ctx = toolContext(config);
    const email = await getEmail(ctx.db, ctx.userId, id);
    if (!email) throw new ToolError(`No email with id ${id} in this mailbox`);
    return {
      id: email.id,
      from: formatSender(email.fromName, email.from),
      to: email.to,
      cc: email.cc,
      date: formatLocalTime(email.receivedAt, ctx.timezone),
      subject: email.subject,
      labels: email.labels,
      body: truncate(email.bodyText, MAX_BODY_CHARS),
    };
  },
  {
    name: 'read_email',
    description:
      'Read one email in full (sender, recipients, date, subject, body) by an id that search_emails or a daily report returned. ' +
      'Use it for "open the second one", "what does the latest one say"; never guess ids.',
    schema: ReadEmailArgsSchema,
  },
);
