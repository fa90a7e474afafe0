import type { MailAccountDto } from '../../../shared/api.ts';
import type { MailAccount } from '../../data/generated/prisma/client.ts';

export type SyncStatus = MailAccountDto['status'];

/** What the last sync saw of one folder: a folder that still looks the same needs no work. */
export interface FolderCursor {
  uidValidity: string;
  uidNext: number;
  exists: number;
  highestModseq?: string;
}
export type SyncCursor = Record<string, FolderCursor>;

/** The account as the API shows it: never the password, sealed or not. */
export function toMailAccountDto(a: MailAccount): MailAccountDto {
  return {
    id: a.id,
    label: a.label,
    emailAddress: a.emailAddress,
    host: a.imapHost,
    port: a.imapPort,
    tls: a.imapSecure,
    username: a.imapUser,
    mailboxes: a.mailboxes,
    status: (['idle', 'syncing', 'error'] as const).find((s) => s === a.syncStatus) ?? 'idle',
    lastError: a.lastError,
    lastSyncedAt: a.lastSyncedAt?.toISOString() ?? null,
    messageCount: a.messageCount,
    createdAt: a.createdAt.toISOString(),
  };
}

/** The address an account stands for: the login when it is one, else login@host. */
export function accountAddress(username: string, host: string): string {
  return (username.includes('@') ? username : `${username}@${host}`).toLowerCase();
}
