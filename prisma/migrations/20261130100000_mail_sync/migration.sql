-- Mail accounts synced over IMAP: the encrypted password, folders, sync status,
-- and where each synced email lives on the server.
ALTER TABLE "mail_accounts"
    ADD COLUMN "password_encrypted" TEXT NOT NULL DEFAULT '',
    ADD COLUMN "mailboxes" TEXT[] DEFAULT ARRAY['INBOX', 'Sent']::TEXT[],
    ADD COLUMN "sync_status" TEXT NOT NULL DEFAULT 'idle',
    ADD COLUMN "last_error" TEXT,
    ADD COLUMN "message_count" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "mail_locations" (
    "account_id" UUID NOT NULL,
    "mailbox" TEXT NOT NULL,
    "uid" BIGINT NOT NULL,
    "uid_validity" BIGINT NOT NULL,
    "email_id" UUID NOT NULL,

    CONSTRAINT "mail_locations_pkey" PRIMARY KEY ("account_id", "mailbox", "uid")
);

CREATE INDEX "mail_locations_email_id_idx" ON "mail_locations"("email_id");
CREATE INDEX "emails_mail_account_id_idx" ON "emails"("mail_account_id");

ALTER TABLE "mail_locations" ADD CONSTRAINT "mail_locations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "mail_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "mail_locations" ADD CONSTRAINT "mail_locations_email_id_fkey" FOREIGN KEY ("email_id") REFERENCES "emails"("id") ON DELETE CASCADE ON UPDATE CASCADE;
