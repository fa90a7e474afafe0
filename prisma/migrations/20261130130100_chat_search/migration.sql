-- Chat search over what was asked and answered, with the mail search's analyser
-- (English stemming plus CJK bigrams, see the init migration's functions).
-- Tool rows are tool output (mail text), not the conversation: not indexed.
ALTER TABLE "conversation_messages" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
    CASE WHEN "role" = 'tool' THEN NULL ELSE
        to_tsvector('english'::regconfig, agentwire_latin_text(left("content", 100000))) ||
        to_tsvector('simple'::regconfig, agentwire_cjk_bigrams(left("content", 100000)))
    END
) STORED;

CREATE INDEX "conversation_messages_search_vector_idx" ON "conversation_messages" USING GIN ("search_vector");
