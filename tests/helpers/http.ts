import type { AuthResponse } from '../../shared/api.ts';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client for the in-process server. */
export function apiClient(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    request,
    get: <T = any>(path: string, token?: string) => request<T>('GET', path, { token }),
    post: <T = any>(path: string, body?: unknown, token?: string) => request<T>('POST', path, { body, token }),
    patch: <T = any>(path: string, body?: unknown, token?: string) => request<T>('PATCH', path, { body, token }),
    del: <T = any>(path: string, token?: string) => request<T>('DELETE', path, { token }),
    async register(email: string, password = 'correct horse battery', name = 'Test User'): Promise<AuthResponse> {
      const r = await request<AuthResponse>('POST', '/api/auth/register', { body: { email, password, name } });
      if (r.status !== 201) throw new Error(`register ${email}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}
