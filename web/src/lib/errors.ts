import type { ErrorBody, ErrorType } from '../../../shared/errors.ts';
import { ApiError, NetworkError } from '../api/http.ts';

/** An error as the app shows it; `network` is the one no server could have sent. */
export interface UiError {
  type: ErrorType | 'network';
  message: string;
  retryAfterMs?: number;
}

export const fromErrorBody = (body: ErrorBody): UiError => ({
  type: body.type,
  message: body.message,
  ...(body.retry_after_ms !== undefined ? { retryAfterMs: body.retry_after_ms } : {}),
});

export function toUiError(err: unknown): UiError {
  if (err instanceof ApiError) return fromErrorBody(err.body);
  if (err instanceof NetworkError) return { type: 'network', message: err.message };
  return { type: 'processing_error', message: err instanceof Error ? err.message : String(err) };
}

/** "45 s", "6 min 27 s": how long to wait, in words people read at a glance. */
export function formatWait(ms: number): string {
  const total = Math.max(1, Math.ceil(ms / 1000));
  if (total < 60) return `${total} s`;
  const min = Math.floor(total / 60);
  const sec = total % 60;
  return sec ? `${min} min ${sec} s` : `${min} min`;
}

/** What to tell a person about an error: a headline in plain words, and the server's detail when it helps. */
export function describeError(e: UiError): { title: string; detail?: string } {
  switch (e.type) {
    case 'authentication_required':
      return { title: 'Your sign-in has expired.', detail: 'Sign in again to continue.' };
    case 'validation_error':
      return { title: 'That could not be sent as it is.', detail: e.message };
    case 'rate_limit':
      return {
        title:
          e.retryAfterMs !== undefined
            ? `You're sending messages too quickly. Try again in ${formatWait(e.retryAfterMs)}.`
            : "You're sending messages too quickly. Wait a moment and try again.",
      };
    case 'busy':
      return { title: 'The assistant is still answering your previous message.', detail: 'Wait for it to finish, or press Stop.' };
    case 'not_found':
      return { title: 'This conversation no longer exists.', detail: 'It may have been deleted in another tab.' };
    case 'forbidden':
      return { title: "You don't have access to that." };
    case 'conflict':
      return { title: e.message };
    case 'tool_error':
      return { title: 'One of the assistant’s tools failed.', detail: e.message };
    case 'network':
      return { title: "Can't reach the server.", detail: 'Check your connection; the app keeps trying.' };
    case 'processing_error':
    default:
      return { title: 'Something went wrong on our side.', detail: e.message };
  }
}
