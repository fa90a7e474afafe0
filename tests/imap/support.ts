import { Writable } from 'node:stream';
import type { MailAccountStatus, MailReceived } from '../../shared/protocol.ts';
import { createLogger } from '../../server/logger.ts';
import type { ClientSocket } from '../helpers/socket.ts';

/** A logger at trace level whose output is kept, to check what was (never) logged. */
export function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('trace', {}, sink), text: () => lines.join('') };
}

/** Resolves with the first mail_account_status of an account that satisfies `pred`. */
export function accountStatus(
  socket: ClientSocket,
  accountId: string | (() => string | undefined),
  pred: (s: MailAccountStatus) => boolean,
  timeoutMs = 20_000,
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal,
): Promise<MailAccountStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('mail_account_status', on);
      reject(new Error(`no matching mail_account_status within ${timeoutMs} ms`));
    }, timeoutMs);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        socket.off('mail_account_status', on);
        reject(signal.reason);
      },
      { once: true },
    );
    const on = (s: MailAccountStatus) => {
      const id = typeof accountId === 'function' ? accountId() : accountId;
      if (s.account_id !== id || !pred(s)) return;
      clearTimeout(timer);
      socket.off('mail_account_status', on);
      resolve(s);
    };
    socket.on('mail_account_status', on);
  });
}

/** The end of the next sync that finished (successfully or not). */
export const syncFinished = (socket: ClientSocket, accountId: string | (() => string | undefined), timeoutMs?: number) =>
  accountStatus(socket, accountId, (s) => s.status !== 'syncing', timeoutMs);

export function mailReceived(socket: ClientSocket, accountId: string, timeoutMs = 20_000): Promise<MailReceived> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('mail_received', on);
      reject(new Error(`no mail_received within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: MailReceived) => {
      if (m.account_id !== accountId) return;
      clearTimeout(timer);
      socket.off('mail_received', on);
      resolve(m);
    };
    socket.on('mail_received', on);
  });
}
