import { listDailyReportsTool, readDailyReportTool } from './dailyReports.ts';
import { readEmailTool } from './readEmail.ts';
import { countEmailsTool } from './countEmails.ts';
import { searchEmailsTool } from './searchEmails.ts';

export { withToolContext, toolContext, type ToolContext } from '../../../server/agent/toolContext.ts';
export { ToolError } from '../../../server/agent/toolError.ts';
export type { SearchEmailsResult, FoundEmail } from './searchEmails.ts';
export type { ReadEmailResult } from './readEmail.ts';
export type { CountEmailsResult } from './countEmails.ts';
export type { ListDailyReportsResult, ReadDailyReportResult } from './dailyReports.ts';

/** The mailbox tools, scoped per run to the signed-in user. */
export const mailTools = [searchEmailsTool, countEmailsTool, readEmailTool, listDailyReportsTool, readDailyReportTool];
