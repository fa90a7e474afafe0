-- The same bigrams in linear time. The first version took substr(run, i, 2)
-- for each i of a run, and substr walks a multibyte text from its start: a
-- run of n CJK characters with no punctuation cost n²/2 steps (40,000 of them
-- took 5.5 s to store, 100,000 took 28 s, in every email or chat message
-- holding one). Each character now meets the next one once.
CREATE OR REPLACE FUNCTION "agentwire_cjk_bigrams"(doc TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(c.gram, ' ' ORDER BY m.ord, c.pos), '')
    FROM regexp_matches(doc, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+', 'g') WITH ORDINALITY AS m(run, ord),
        LATERAL (SELECT ch.pos, ch.c || coalesce(lead(ch.c) OVER (ORDER BY ch.pos), '') AS gram
                 FROM unnest(string_to_array(m.run[1], NULL)) WITH ORDINALITY AS ch(c, pos)) AS c
$$;
