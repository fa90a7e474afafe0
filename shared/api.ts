/**
 * Request and response shapes of the HTTP API (SPEC §4). The server validates
 * requests with these schemas; the web client types its calls with them.
 */
import { z } from 'zod';
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

export const CreateSessionBodySchema = z.object({ title: text().trim().min(1).max(200).optional() });
export const UpdateSessionBodySchema = z.object({ title: text().trim().min(1, 'Title is required').max(200) });

export const ChatSessionSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChatSessionDto = z.infer<typeof ChatSessionSchema>;

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
  /** User messages: the user message this one follows (null: the first). Siblings are branches. */
  parent_id: z.string().nullable().optional(),
  /** Assistant: {thoughts: [...], timings, usage}; tool: {duration_ms, error?}. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  created_at: z.string(),
});
export type HistoryMessage = z.infer<typeof HistoryMessageSchema>;

// ---------------------------------------------------------------- mail

export const MAX_PAGE_SIZE = 100;

export const EmailListQuerySchema = z.object({
  q: text().trim().max(500).optional(),
  from: text().trim().max(254).optional(),
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
  highlights: z.array(ReportHighlightSchema),
  statistics: ReportStatisticsSchema,
});
export type DailyReportDto = z.infer<typeof DailyReportSchema>;

export const ReportListResponseSchema = z.object({ items: z.array(DailyReportSchema) });

// ---------------------------------------------------------------- health

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded', 'shutting_down']),
  connections: z.number().int(),
  activeSessions: z.number().int(),
  activeRuns: z.number().int(),
  uptimeS: z.number(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
