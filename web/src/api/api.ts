import { z } from 'zod';
import {
  AgentListResponseSchema,
  ChatSessionSchema,
  EmailDetailSchema,
  EmailListResponseSchema,
  HistoryMessageSchema,
  SessionSearchResponseSchema,
  type ChatSessionDto,
} from '../../../shared/api.ts';
import { mailAccountCalls } from '../mail/mailAccountsApi.ts';
import type { AuthStore } from '../stores/authStore.ts';
import { ApiError, requestJson, type FetchFn, type RequestOptions } from './http.ts';

const SessionListSchema = z.object({ items: z.array(ChatSessionSchema) });
const HistorySchema = z.object({ items: z.array(HistoryMessageSchema) });

/** The REST calls the app makes as the signed-in user; an expired token is refreshed once and the call retried. */
export function createApi(deps: { fetch: FetchFn; auth: AuthStore }) {
  async function authed<S extends z.ZodType | undefined = undefined>(path: string, opts: RequestOptions<S> = {}) {
    const token = await deps.auth.getState().freshAccessToken();
    try {
      return await requestJson(deps.fetch, path, { ...opts, token });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      const renewed = await deps.auth.getState().refresh();
      if (!renewed) throw err;
      return requestJson(deps.fetch, path, { ...opts, token: renewed });
    }
  }
  const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

  return {
    listSessions: async (): Promise<ChatSessionDto[]> => (await authed('/api/sessions', { schema: SessionListSchema })).items,
    createSession: (title?: string, agent?: string) =>
      authed('/api/sessions', { method: 'POST', body: { ...(title ? { title } : {}), ...(agent ? { agent } : {}) }, schema: ChatSessionSchema }),
    /** The agents this server serves (one, for the mail product). */
    listAgents: async () => (await authed('/api/agents', { schema: AgentListResponseSchema })).items,
    renameSession: (id: string, title: string) =>
      authed(sessionPath(id), { method: 'PATCH', body: { title }, schema: ChatSessionSchema }),
    deleteSession: (id: string) => authed(sessionPath(id), { method: 'DELETE' }),
    sessionMessages: async (id: string) => (await authed(`${sessionPath(id)}/messages`, { schema: HistorySchema })).items,
    searchSessions: async (q: string) =>
      (await authed(`/api/sessions/search?q=${encodeURIComponent(q)}`, { schema: SessionSearchResponseSchema })).items,
    /** Whether the mailbox holds any mail (example questions only make sense then). */
    mailboxIsEmpty: async () => (await authed('/api/emails?limit=1', { schema: EmailListResponseSchema })).total === 0,
    getEmail: (id: string) => authed(`/api/emails/${encodeURIComponent(id)}`, { schema: EmailDetailSchema }),
    mailAccounts: mailAccountCalls(authed),
  };
}

export type Api = ReturnType<typeof createApi>;
