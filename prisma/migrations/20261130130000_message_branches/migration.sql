-- Message branches: a user message follows a parent user message; siblings are
-- alternatives (edit, regenerate). The session remembers the branch in view.
ALTER TABLE "conversation_messages" ADD COLUMN "parent_id" UUID;
ALTER TABLE "chat_sessions" ADD COLUMN "active_leaf_id" UUID;

-- Existing conversations are one branch: each user message follows the previous one.
UPDATE "conversation_messages" AS m
SET "parent_id" = p.prev
FROM (
  SELECT "id", LAG("id") OVER (PARTITION BY "session_id" ORDER BY "position") AS prev
  FROM "conversation_messages"
  WHERE "role" = 'user'
) AS p
WHERE m."id" = p."id" AND p.prev IS NOT NULL;

UPDATE "chat_sessions" AS s
SET "active_leaf_id" = (
  SELECT m."id" FROM "conversation_messages" m
  WHERE m."session_id" = s."id" AND m."role" = 'user'
  ORDER BY m."position" DESC
  LIMIT 1
);

CREATE INDEX "conversation_messages_session_id_parent_id_idx" ON "conversation_messages"("session_id", "parent_id");
