-- Search at 100,000 emails: a sender lookup (lower(from_address) = ANY(...),
-- newest first, with its count) reads only that sender's rows, and a label
-- filter uses an index instead of scanning the mailbox.
CREATE INDEX "emails_user_id_lower_from_address_received_at_idx" ON "emails"("user_id", lower("from_address"), "received_at" DESC);
CREATE INDEX "emails_labels_idx" ON "emails" USING GIN ("labels");
