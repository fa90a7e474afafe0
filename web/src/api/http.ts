import { z } from 'zod';
import { ApiErrorResponseSchema, type ErrorBody, type ErrorType } from '../../../shared/errors.ts';

/** The server answered with {error: {type, message}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
  get type(): ErrorType {
    return this.body.type;
  }
}

/** The server could not be reached at all (offline, server down). */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super("Can't reach the server. Check your connection and try again.", { cause });
    this.name = 'NetworkError';
  }
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface RequestOptions<S extends z.ZodType | undefined> {
  method?: string;
  token?: string | null;
  body?: unknown;
  /** Validates the JSON answer; without it the answer is ignored. */
  schema?: S;
}

type Result<S> = S extends z.ZodType ? z.infer<S> : void;

/** One JSON request. Failures become ApiError or NetworkError, never a raw Response. */
export async function requestJson<S extends z.ZodType | undefined = undefined>(
  fetchFn: FetchFn,
  path: string,
  opts: RequestOptions<S> = {},
): Promise<Result<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetchFn(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const parsed = ApiErrorResponseSchema.safeParse(json);
    throw new ApiError(
      res.status,
      parsed.success
        ? parsed.data.error
        : { type: res.status >= 500 ? 'processing_error' : 'validation_error', message: `The server answered ${res.status}` },
    );
  }
  if (!opts.schema) return undefined as Result<S>;
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, { type: 'processing_error', message: 'The server sent an answer this app does not understand' });
  }
  return parsed.data as Result<S>;
}
