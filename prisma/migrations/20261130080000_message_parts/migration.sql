-- A model turn is an ordered list of parts (text, tool call, text…).
-- Assistant rows keep their text in "content" (what the model reads back) and
-- gain "parts": the turn in the order it was written.
ALTER TABLE "conversation_messages" ADD COLUMN "parts" JSONB;

-- Stored history: a turn's text came before its tool calls (the only order the
-- runtime stored). Text that preceded tool calls used to be shown as a
-- tool_selection thought; it is now shown where it was written.
UPDATE "conversation_messages" AS m
SET "parts" =
    (CASE WHEN m."content" <> '' THEN jsonb_build_array(jsonb_build_object('type', 'text', 'text', m."content")) ELSE '[]'::jsonb END)
    || COALESCE(
        (SELECT jsonb_agg(jsonb_build_object('type', 'tool_call', 'tool_call_id', c->>'id', 'tool_name', c->>'name') ORDER BY o)
         FROM jsonb_array_elements(CASE WHEN jsonb_typeof(m."tool_calls") = 'array' THEN m."tool_calls" ELSE '[]'::jsonb END)
              WITH ORDINALITY AS t(c, o)
         WHERE jsonb_typeof(c->'id') = 'string' AND jsonb_typeof(c->'name') = 'string'),
        '[]'::jsonb)
WHERE m."role" = 'assistant';

-- tool_selection thoughts are now made from the tool call itself, so that text
-- is not shown twice (as a part and as a thought).
UPDATE "conversation_messages" AS m
SET "metadata" = jsonb_set(m."metadata", '{thoughts}', (
    SELECT jsonb_agg(
        CASE WHEN jsonb_typeof(t) = 'object' AND t->>'kind' = 'tool_selection' AND jsonb_typeof(t->'tool_name') = 'string'
             THEN jsonb_set(t, '{content}', t->'tool_name')
             ELSE t END
        ORDER BY o)
    FROM jsonb_array_elements(m."metadata"->'thoughts') WITH ORDINALITY AS x(t, o)))
WHERE m."role" = 'assistant'
  AND jsonb_typeof(m."metadata") = 'object'
  AND jsonb_typeof(m."metadata"->'thoughts') = 'array'
  AND jsonb_array_length(m."metadata"->'thoughts') > 0;
