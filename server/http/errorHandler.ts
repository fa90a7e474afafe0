import type { ErrorRequestHandler } from 'express';
import { AppError, toErrorBody } from '../errors.ts';
import { isTransientDbError } from '../data/transient.ts';
import type { Logger } from '../logger.ts';

/**
 * Turns body-parser failures into client errors. They arrive as http-errors
 * with a 4xx `status` and sometimes a `type`; a body whose content-encoding
 * lies (gzip that is not gzip) carries only the status.
 */
function fromBodyParser(err: unknown): AppError | undefined {
  const { type, status } = (err ?? {}) as { type?: unknown; status?: unknown };
  if (type === 'entity.parse.failed') return new AppError('validation_error', 'The request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError('validation_error', 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('validation_error', 'The request body encoding is not supported');
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('validation_error', 'The request body could not be read (is its content-encoding right?)');
  }
  return undefined;
}

export function errorHandler(log: Logger, development: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const unreachable = !(err instanceof AppError) && isTransientDbError(err);
    const appError =
      err instanceof AppError
        ? err
        : unreachable
          ? new AppError('processing_error', 'The database is unreachable right now; try again in a moment', { retryAfterMs: 2_000 })
          : fromBodyParser(err);
    const tooLarge = (err as { type?: unknown })?.type === 'entity.too.large';
    // 503 while the database is unreachable: a load balancer or client retries, nothing is wrong with the request.
    const status = unreachable ? 503 : appError ? (tooLarge ? 413 : appError.status) : 500;
    if (unreachable) log.warn({ err: { message: (err as Error).message }, method: req.method, url: req.originalUrl }, 'database unreachable');
    else if (!appError) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (appError?.extra.retryAfterMs !== undefined) {
      res.setHeader('Retry-After', String(Math.ceil(appError.extra.retryAfterMs / 1000)));
    }
    if (res.headersSent) return;
    res.status(status).json({ error: toErrorBody(appError ?? err, development) });
  };
}
