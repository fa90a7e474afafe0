-- Answers people can trust (issue 14): Chinese words segmented by jieba at
-- insert time, the mailbox's own contacts and vocabulary.

-- Words of the subject, sender name and body as @node-rs/jieba segments them
-- (server/mail/mailIndex.ts fills it when an email is stored; NULL = not yet
-- segmented, which the backfill picks up). CJK bigrams stay in the vector for
-- names and words the dictionary does not know.
ALTER TABLE "emails" ADD COLUMN "search_words" TEXT;

-- The generated vector now also holds the segmented words. Replacing a
-- generated column recomputes it for every existing row inside this
-- migration's transaction, so existing mail stays searchable.
DROP INDEX IF EXISTS "emails_search_vector_idx";
ALTER TABLE "emails" DROP COLUMN "search_vector";
ALTER TABLE "emails" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, agentwire_latin_text("subject")), 'A') ||
    setweight(to_tsvector('simple'::regconfig, agentwire_cjk_bigrams("subject")), 'A') ||
    setweight(to_tsvector('simple'::regconfig, agentwire_latin_text("from_name") || ' ' || "from_address"), 'B') ||
    setweight(to_tsvector('simple'::regconfig, agentwire_cjk_bigrams("from_name")), 'B') ||
    setweight(to_tsvector('simple'::regconfig, coalesce("search_words", '')), 'C') ||
    setweight(to_tsvector('english'::regconfig, agentwire_latin_text(left("body_text", 100000))), 'D') ||
    setweight(to_tsvector('simple'::regconfig, agentwire_cjk_bigrams(left("body_text", 100000))), 'D')
) STORED;
CREATE INDEX "emails_search_vector_idx" ON "emails" USING GIN ("search_vector");
CREATE INDEX "emails_unsegmented_idx" ON "emails" ("user_id") WHERE "search_words" IS NULL;

-- One row per sender address of a mailbox, with every name it wrote under
-- ("Li Wei" and "李伟" from li.wei@… are one contact).
CREATE TABLE "contacts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "names" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "email_count" INTEGER NOT NULL DEFAULT 0,
    "last_email_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "contacts_user_id_address_key" ON "contacts"("user_id", "address");
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Contacts of the mail stored before this migration.
INSERT INTO "contacts" ("user_id", "address", "names", "email_count", "last_email_at")
SELECT "user_id", lower("from_address"),
       array_remove(array_agg(DISTINCT nullif("from_name", '')), NULL),
       count(*)::int, max("received_at")
FROM "emails" WHERE "from_address" <> ''
GROUP BY "user_id", lower("from_address");

-- Every word that occurs in a mailbox (lower-case Latin words, jieba's
-- Chinese words): what a misspelt query word is corrected to (pg_trgm).
CREATE TABLE "mail_words" (
    "user_id" UUID NOT NULL,
    "word" TEXT NOT NULL,

    CONSTRAINT "mail_words_pkey" PRIMARY KEY ("user_id", "word")
);
CREATE INDEX "mail_words_word_idx" ON "mail_words" USING GIN ("word" gin_trgm_ops);
ALTER TABLE "mail_words" ADD CONSTRAINT "mail_words_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
