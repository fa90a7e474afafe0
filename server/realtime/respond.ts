import type { AckError } from '../../shared/protocol.ts';
import { AppError, toErrorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AppSocket } from './types.ts';

/**
 * Wraps a client→server event handler: the payload arrives untrusted, the
 * result goes back through the acknowledgement as `{ok: true, …}`, and any
 * failure as `{ok: false, error}` (or as an `error` event when the client sent
 * no callback). Unexpected errors are logged and never escape the socket.
 */
export function respond<R extends object>(
  socket: AppSocket,
  log: Logger,
  development: boolean,
  event: string,
  handler: (payload: unknown, ok: (result: R) => void) => Promise<R | void>,
) {
  return async (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (response: ({ ok: true } & R) | AckError) => void) : undefined;
    let replied = false;
    // A handler may answer synchronously at the point it chooses (before its promise settles).
    const ok = (result: R) => {
      if (replied) return;
      replied = true;
      reply?.({ ok: true, ...result });
    };
    try {
      const result = await handler(payload, ok);
      if (result) ok(result);
    } catch (err) {
      if (replied) {
        log.error({ err, event }, 'socket event failed after its acknowledgement');
        return;
      }
      replied = true;
      if (err instanceof AppError) log.debug({ event, type: err.type }, 'request refused');
      else log.error({ err, event }, 'socket event failed');
      const error = toErrorBody(err, development);
      if (reply) reply({ ok: false, error });
      else socket.emit('error', error);
    }
  };
}
