import type { ErrorRequestHandler } from 'express';
import { AppError, toErrorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Turns body-parser failures into client errors (they arrive as plain errors with a `type`). */
function fromBodyParser(err: unknown): AppError | undefined {
  const type = (err as { type?: unknown })?.type;
  if (type === 'entity.parse.failed') return new AppError('validation_error', 'The request body is not valid JSON');
  if (type === 'entity.too.large') return new AppError('validation_error', 'The request body is too large');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('validation_error', 'The request body encoding is not supported');
  }
  return undefined;
}

export function errorHandler(log: Logger, development: boolean): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = err instanceof AppError ? err : fromBodyParser(err);
    const tooLarge = (err as { type?: unknown })?.type === 'entity.too.large';
    const status = appError ? (tooLarge ? 413 : appError.status) : 500;
    if (!appError) log.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (appError?.extra.retryAfterMs !== undefined) {
      res.setHeader('Retry-After', String(Math.ceil(appError.extra.retryAfterMs / 1000)));
    }
    if (res.headersSent) return;
    res.status(status).json({ error: toErrorBody(appError ?? err, development) });
  };
}
