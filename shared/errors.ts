import { z } from 'zod';

/**
 * Error types shared by HTTP responses ({error: {type, message}}), Socket.IO
 * `error` events and acknowledgements. `conflict` is HTTP-only (duplicate
 * registration); the others also reach sockets (docs/protocol.md).
 */
export const ErrorTypeSchema = z.enum([
  'authentication_required',
  'validation_error',
  'rate_limit',
  'busy',
  'not_found',
  'forbidden',
  'conflict',
  'processing_error',
  'tool_error',
  'mail_connection_failed',
]);
export type ErrorType = z.infer<typeof ErrorTypeSchema>;

export const ErrorBodySchema = z.object({
  type: ErrorTypeSchema,
  message: z.string(),
  /** Milliseconds until a rate-limited request may be retried. */
  retry_after_ms: z.number().int().nonnegative().optional(),
  /** mail_connection_failed: authentication_failed | unreachable | tls_failed | timeout | protocol. */
  reason: z.string().optional(),
  /** Only when the server runs with NODE_ENV=development. */
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const ApiErrorResponseSchema = z.object({ error: ErrorBodySchema });
export type ApiErrorResponse = z.infer<typeof ApiErrorResponseSchema>;
