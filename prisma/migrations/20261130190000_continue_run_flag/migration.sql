-- Continue after Stop is a flag on the user's message, not a text the apps
-- and the agent recognise: the message stores no text (the agent is given its
-- instruction when the history is read), and a queued one keeps the flag until
-- it starts.
ALTER TABLE "conversation_messages" ADD COLUMN "continue_run" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "queued_messages" ADD COLUMN "continue_run" BOOLEAN NOT NULL DEFAULT false;

-- Messages stored before the flag were recognised by this exact text (the
-- former CONTINUE_PROMPT of shared/protocol.ts).
UPDATE "conversation_messages" SET "continue_run" = true, "content" = ''
WHERE "role" = 'user' AND "content" = 'Continue your previous answer from exactly where it stopped. Do not repeat what you already wrote.';
UPDATE "queued_messages" SET "continue_run" = true, "content" = ''
WHERE "content" = 'Continue your previous answer from exactly where it stopped. Do not repeat what you already wrote.';
