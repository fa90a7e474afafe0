import { z } from 'zod';
import {
  MailAccountListResponseSchema,
  MailAccountSchema,
  type CreateMailAccountBody,
  type MailAccountDto,
  type UpdateMailAccountBody,
} from '../../../shared/api.ts';
import type { RequestOptions } from '../api/http.ts';

type Authed = <S extends z.ZodType | undefined = undefined>(
  path: string,
  opts?: RequestOptions<S>,
) => Promise<S extends z.ZodType ? z.infer<S> : void>;

const accountPath = (id: string) => `/api/mail-accounts/${encodeURIComponent(id)}`;

/** /api/mail-accounts as the signed-in user. */
export function mailAccountCalls(authed: Authed) {
  return {
    list: async (): Promise<MailAccountDto[]> => (await authed('/api/mail-accounts', { schema: MailAccountListResponseSchema })).items,
    add: (body: CreateMailAccountBody) => authed('/api/mail-accounts', { method: 'POST', body, schema: MailAccountSchema }),
    update: (id: string, body: UpdateMailAccountBody) => authed(accountPath(id), { method: 'PATCH', body, schema: MailAccountSchema }),
    remove: (id: string) => authed(accountPath(id), { method: 'DELETE' }),
    sync: (id: string) => authed(`${accountPath(id)}/sync`, { method: 'POST' }),
  };
}
