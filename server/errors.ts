import { z } from 'zod';
import type { ErrorBody, ErrorType } from '../shared/errors.ts';

const STATUS: Record<ErrorType, number> = {
  validation_error: 400,
  authentication_required: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  busy: 409,
  rate_limit: 429,
  processing_error: 500,
  tool_error: 502,
  mail_connection_failed: 422,
};

/** An error meant for the client: its type and message are safe to show. */
export class AppError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    readonly extra: { retryAfterMs?: number; details?: unknown; reason?: string } = {},
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.type];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);

/** Zod issues as one readable sentence: "email: Enter a valid email address; password: …". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, what = 'Request'): z.infer<S> {
  const r = schema.safeParse(data);
  if (!r.success) {
    throw new AppError('validation_error', `${what} is invalid: ${describeZodError(r.error)}`, { details: r.error.issues });
  }
  return r.data;
}

/**
 * The client-facing body of any error. Unknown errors become a generic
 * processing_error; their message and stack go out only in development.
 */
export function toErrorBody(err: unknown, development: boolean): ErrorBody {
  if (err instanceof AppError) {
    return {
      type: err.type,
      message: err.message,
      ...(err.extra.retryAfterMs !== undefined ? { retry_after_ms: err.extra.retryAfterMs } : {}),
      ...(err.extra.reason !== undefined ? { reason: err.extra.reason } : {}),
      ...(development && err.extra.details !== undefined ? { details: err.extra.details } : {}),
    };
  }
  return {
    type: 'processing_error',
    message: 'Something went wrong while processing the request. Please try again.',
    ...(development ? { details: { message: (err as Error)?.message, stack: (err as Error)?.stack } } : {}),
  };
}
