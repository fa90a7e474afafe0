/**
 * Request and response shapes of the HTTP API (docs/http-api.md). The server validates
 * requests with these schemas; the web client types its calls with them.
 */
import { z } from 'zod';
import { MessagePartSchema } from './parts.ts';
import { isoInstant, text } from './validation.ts';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date as YYYY-MM-DD');

// ---------------------------------------------------------------- auth

export const PASSWORD_MIN_CHARS = 8;

export const RegisterBodySchema = z.object({
  email: z.email('Enter a valid email address').max(254).transform((s) => s.trim().toLowerCase()),
  password: text()
    .min(PASSWORD_MIN_CHARS, `Password must be at least ${PASSWORD_MIN_CHARS} characters`)
    .max(200, 'Password must be at most 200 characters'),
  name: text().trim().min(1, 'Name is required').max(100),
});
export type RegisterBody = z.input<typeof RegisterBodySchema>;

export const LoginBodySchema = z.object({
  email: text().trim().min(1, 'Email is required').max(254).transform((s) => s.toLowerCase()),
  password: text().min(1, 'Password is required').max(200),
});
export type LoginBody = z.input<typeof LoginBodySchema>;

export const ChangePasswordBodySchema = z.object({
  currentPassword: text().min(1, 'Current password is required').max(200),
  newPassword: text()
    .min(PASSWORD_MIN_CHARS, `Password must be at least ${PASSWORD_MIN_CHARS} characters`)
    .max(200, 'Password must be at most 200 characters'),
});
export type ChangePasswordBody = z.input<typeof ChangePasswordBodySchema>;

export const RefreshBodySchema = z.object({ refreshToken: text().min(1).max(200) });
export const LogoutBodySchema = z.object({ refreshToken: text().min(1).max(200).optional() });

export const PublicUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  timezone: z.string(),
  createdAt: z.string(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

export const TokenPairSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
});
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const AuthResponseSchema = TokenPairSchema.extend({ user: PublicUserSchema });
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

// ---------------------------------------------------------------- chat sessions

export const CreateSessionBodySchema = z.object({
  title: text().trim().min(1).max(200).optional(),
  /** The agent that answers in this session (GET /api/agents); default: the server's first agent. */
  agent: text().trim().min(1).max(100).optional(),
});
export const UpdateSessionBodySchema = z.object({ title: text().trim().min(1, 'Title is required').max(200) });

export const ChatSessionSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** The agent that answers in this session (always sent by the server). */
  agent: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChatSessionDto = z.infer<typeof ChatSessionSchema>;

export const SessionSearchQuerySchema = z.object({
  q: text().trim().min(1, 'Type something to search for').max(200),
});

/** A chat whose title or messages match, with the matching text around the first hit (null: the title matched). */
export const SessionSearchHitSchema = z.object({ session: ChatSessionSchema, snippet: z.string().nullable() });
export type SessionSearchHit = z.infer<typeof SessionSearchHitSchema>;
export const SessionSearchResponseSchema = z.object({ items: z.array(SessionSearchHitSchema) });

export const ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCallDto = z.infer<typeof ToolCallSchema>;

/** A stored conversation message, as `join_session` and GET /api/sessions/:id/messages return it. */
export const HistoryMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  status: z.enum(['completed', 'interrupted', 'failed']),
  run_id: z.string().nullable(),
  tool_calls: z.array(ToolCallSchema).optional(),
  tool_call_id: z.string().optional(),
  tool_name: z.string().optional(),
  /** Assistant: the model turn's parts in order (text and tool calls); `content` is its text. */
  parts: z.array(MessagePartSchema).optional(),
  /** User messages: the user message this one follows (null: the first). Siblings are branches. */
  parent_id: z.string().nullable().optional(),
  /** User messages: Continue after Stop (no text; its answer continues the stopped one). */
  continue_run: z.boolean().optional(),
  /** Assistant: {thoughts: [...], timings, usage}; tool: {duration_ms, error?}. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  created_at: z.string(),
});
export type HistoryMessage = z.infer<typeof HistoryMessageSchema>;

export const AgentInfoSchema = z.object({ name: z.string(), description: z.string(), default: z.boolean() });
export type AgentInfo = z.infer<typeof AgentInfoSchema>;
export const AgentListResponseSchema = z.object({ items: z.array(AgentInfoSchema) });

// ---------------------------------------------------------------- mail

export const MAX_PAGE_SIZE = 100;

export const EmailListQuerySchema = z.object({
  q: text().trim().max(500).optional(),
  from: text().trim().max(254).optional(),
  /** Sent to this contact (To or Cc), read as `from` is. */
  to: text().trim().max(254).optional(),
  after: IsoDate.or(isoInstant()).optional(),
  before: IsoDate.or(isoInstant()).optional(),
  /** Only emails with this label (important, sent, inbox, finance, customer, newsletter, notification, …). */
  label: text().trim().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE, `limit must be at most ${MAX_PAGE_SIZE}`).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type EmailListQuery = z.input<typeof EmailListQuerySchema>;

export const EmailSummarySchema = z.object({
  id: z.string(),
  from: z.string(),
  fromName: z.string(),
  subject: z.string(),
  snippet: z.string(),
  receivedAt: z.string(),
  threadId: z.string(),
  labels: z.array(z.string()),
});
export type EmailSummary = z.infer<typeof EmailSummarySchema>;

export const EmailListResponseSchema = z.object({ items: z.array(EmailSummarySchema), total: z.number().int() });
export type EmailListResponse = z.infer<typeof EmailListResponseSchema>;

export const EmailDetailSchema = EmailSummarySchema.extend({
  messageId: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bodyText: z.string(),
  inReplyTo: z.string().nullable(),
});
export type EmailDetail = z.infer<typeof EmailDetailSchema>;

// ---------------------------------------------------------------- daily reports

export const ReportListQuerySchema = z.object({ from: IsoDate.optional(), to: IsoDate.optional() });
export const ReportDateParamSchema = z.object({ date: IsoDate });

export const ReportHighlightSchema = z.object({
  kind: z.enum(['deadline', 'action', 'thread', 'info']),
  text: z.string(),
  /** The same in Chinese, for highlights the report writes itself (busy threads, counts); quotes of mail have none. */
  zh: z.string().optional(),
  emailId: z.string().optional(),
});

export const ReportStatisticsSchema = z.object({
  total: z.number().int(),
  threads: z.number().int(),
  topSenders: z.array(z.object({ name: z.string(), address: z.string(), count: z.number().int() })),
  needsReply: z.array(z.object({ threadId: z.string(), subject: z.string(), from: z.string(), emailId: z.string() })),
  byLabel: z.record(z.string(), z.number().int()),
});

export const DailyReportSchema = z.object({
  id: z.string(),
  date: IsoDate,
  summary: z.string(),
  /** The summary in Chinese ("" for a report built before summaries were written in both languages). */
  summaryZh: z.string(),
  highlights: z.array(ReportHighlightSchema),
  statistics: ReportStatisticsSchema,
});
export type DailyReportDto = z.infer<typeof DailyReportSchema>;

export const ReportListResponseSchema = z.object({ items: z.array(DailyReportSchema) });

// ---------------------------------------------------------------- mail accounts (IMAP)

/** Why an IMAP connection failed: each has its own message and remedy. */
export const MailConnectionFailureSchema = z.enum(['authentication_failed', 'unreachable', 'tls_failed', 'timeout', 'protocol']);
export type MailConnectionFailure = z.infer<typeof MailConnectionFailureSchema>;

const MailboxNames = z
  .array(text().trim().min(1, 'A folder name cannot be empty').max(200))
  .min(1, 'Name at least one folder')
  .max(20, 'At most 20 folders')
  .transform((names) => [...new Set(names)]);

export const CreateMailAccountBodySchema = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'Host is required')
    .max(253)
    .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'Host must be a host name or an IP address'),
  port: z.coerce.number().int('Port must be a whole number').min(1).max(65535, 'Port must be between 1 and 65535'),
  /** Implicit TLS (port 993); false connects in plain text and upgrades with STARTTLS when offered. */
  tls: z.boolean(),
  username: text().trim().min(1, 'User name is required').max(254),
  password: text().min(1, 'Password is required').max(1000),
  /** Folders to sync (default INBOX and Sent). */
  mailboxes: MailboxNames.optional(),
  label: text().trim().min(1).max(100).optional(),
});
export type CreateMailAccountBody = z.input<typeof CreateMailAccountBodySchema>;

export const UpdateMailAccountBodySchema = CreateMailAccountBodySchema.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Give at least one field to change');
export type UpdateMailAccountBody = z.input<typeof UpdateMailAccountBodySchema>;

export const MailAccountSchema = z.object({
  id: z.string(),
  label: z.string(),
  emailAddress: z.string(),
  host: z.string(),
  port: z.number().int(),
  tls: z.boolean(),
  username: z.string(),
  mailboxes: z.array(z.string()),
  status: z.enum(['idle', 'syncing', 'error']),
  lastError: z.string().nullable(),
  lastSyncedAt: z.string().nullable(),
  messageCount: z.number().int(),
  createdAt: z.string(),
});
export type MailAccountDto = z.infer<typeof MailAccountSchema>;

export const MailAccountListResponseSchema = z.object({ items: z.array(MailAccountSchema) });

// ---------------------------------------------------------------- health

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded', 'shutting_down']),
  connections: z.number().int(),
  activeSessions: z.number().int(),
  activeRuns: z.number().int(),
  uptimeS: z.number(),
  /** Per served agent: sessions with a live handler, runs in progress. */
  agents: z
    .array(z.object({ name: z.string(), activeSessions: z.number().int(), activeRuns: z.number().int() }))
    .optional(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
